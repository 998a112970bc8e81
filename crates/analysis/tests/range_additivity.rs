//! Time ranges (`--range`): over the whole trace they give the unrestricted numbers, and two
//! halves add up to the whole, for goroutine times and the four profiles.

use std::path::PathBuf;

use gotrace_analysis::range::TimeRange;
use gotrace_analysis::{Analysis, Detail};

fn fixtures() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/traces");
    let mut v: Vec<PathBuf> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == "trace")).collect();
    v.sort();
    assert!(v.len() >= 5);
    v
}

/// (total exec, total sched wait, total block, total syscall, profile totals by kind)
fn totals(a: &Analysis) -> (i64, i64, i64, i64, Vec<i64>) {
    let r = a.report(Detail::Aggregates);
    let g = &r.goroutine_summary;
    let p = ["net", "sync", "syscall", "sched"].iter().map(|k| r.pprof[k].total_ns).collect();
    (g.total_exec_ns, g.total_sched_wait_ns, g.total_block_ns, g.total_syscall_ns, p)
}

#[test]
fn whole_range_and_halves() {
    for trace in fixtures() {
        let data = std::fs::read(&trace).unwrap();
        let whole = Analysis::run(&data, "t", &mut |_, _| {}).unwrap();
        let (t0, t1) = whole.span();
        let all = Analysis::run_range(&data, "t", Some(TimeRange { from: t0, to: t1 }), &mut |_, _| {}).unwrap();
        assert_eq!(totals(&all), totals(&whole), "{}: the whole range", trace.display());
        let mid = t0 + (t1 - t0) / 2;
        let a = Analysis::run_range(&data, "t", Some(TimeRange { from: t0, to: mid }), &mut |_, _| {}).unwrap();
        let b = Analysis::run_range(&data, "t", Some(TimeRange { from: mid, to: t1 }), &mut |_, _| {}).unwrap();
        let (ta, tb, tw) = (totals(&a), totals(&b), totals(&whole));
        assert_eq!(ta.0 + tb.0, tw.0, "{}: exec", trace.display());
        assert_eq!(ta.1 + tb.1, tw.1, "{}: sched wait", trace.display());
        assert_eq!(ta.2 + tb.2, tw.2, "{}: block", trace.display());
        assert_eq!(ta.3 + tb.3, tw.3, "{}: syscall", trace.display());
        for k in 0..4 {
            assert_eq!(ta.4[k] + tb.4[k], tw.4[k], "{}: profile {k}", trace.display());
        }
    }
}
