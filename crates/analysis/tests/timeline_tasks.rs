//! The timeline's task rows hold every task of the summary once, from its begin (or the
//! trace's start, for a task begun before it) to its end (or the trace's end, for one still
//! open), and the tasks of a row never overlap — on every fixture and, if present, the shared
//! corpus.

mod common;

use gotrace_analysis::timeline::LaneKind;
use gotrace_analysis::Analysis;

#[test]
fn task_rows_hold_each_task_once_without_overlap() {
    let files = common::traces(&["go1.26", "go1.19", "golang-testdata"]);
    let (mut traces, mut tasks, mut begun_before, mut open) = (0, 0, 0, 0);
    for f in &files {
        let data = std::fs::read(f).unwrap();
        let Ok(a) = Analysis::run(&data, "t", &mut |_, _| {}) else { continue };
        let tl = &a.timeline;
        // (id, start, end) of every span of the task rows.
        let mut spans = Vec::new();
        for lane in tl.lanes.iter().filter(|l| l.kind == LaneKind::Task) {
            let mut last_end = i64::MIN;
            for i in 0..lane.spans.len() {
                let s = lane.spans.get(i).expect("a span");
                assert!(last_end <= s.start, "{}: task {} overlaps the one before it on row {}", f.display(), s.aux, lane.id);
                last_end = s.end;
                spans.push((s.aux, s.start, s.end));
            }
        }
        let mut want = Vec::new();
        for t in a.summary.tasks() {
            let (start, end) = match (&t.start, &t.end) {
                (None, None) => continue,
                (Some(s), Some(e)) => (s.time(), e.time()),
                (Some(s), None) => {
                    open += 1;
                    (s.time(), tl.end)
                }
                (None, Some(e)) => {
                    begun_before += 1;
                    (tl.start, e.time())
                }
            };
            // Spans that hold no time are not kept.
            if end > start {
                want.push((t.id.0 as u32, start, end));
            }
        }
        spans.sort_unstable();
        want.sort_unstable();
        assert_eq!(spans, want, "{}: the task rows' spans are not the summary's tasks", f.display());
        tasks += want.len();
        traces += usize::from(!want.is_empty());
    }
    assert!(traces >= 3 && tasks >= 20, "{traces} traces with {tasks} tasks compared");
    println!("{traces} traces, {tasks} tasks ({begun_before} begun before the trace, {open} still open at its end)");
}
