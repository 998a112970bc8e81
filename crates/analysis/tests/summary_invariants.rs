//! Invariants of the summarizer on every trace at hand (Go's `summary_test.go`,
//! `basicGoroutineSummaryChecks`, and more), and robustness: the events of damaged traces (up to
//! the reader's error) are summarized without panicking.

#[path = "summary_oracle/scenarios.rs"]
#[allow(dead_code)]
mod scenarios;

use std::path::{Path, PathBuf};

use gotrace_analysis::summary::{GoroutineExecStats, Summarizer, Summary};
use gotrace_analysis::Consumer;

/// The repo's fixtures, and the shared corpus next to the repo (or at /work/shared) if present.
fn roots() -> Vec<PathBuf> {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut roots = vec![manifest.join("../../tests/traces")];
    match [manifest.join("../../../shared/traces"), PathBuf::from("/work/shared/traces")]
        .into_iter()
        .find(|p| p.is_dir())
    {
        Some(shared) => roots.push(shared),
        None => eprintln!("note: the shared corpus (../shared/traces) is absent; only the repo's fixtures are checked"),
    }
    roots
}

/// Every file under `dir` that is not an oracle output or a text file, recursively, sorted.
fn traces(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        let name = p.to_string_lossy();
        if p.is_dir() {
            if !name.ends_with("/programs") {
                traces(&p, out);
            }
        } else if name.ends_with(".trace") || name.ends_with(".bin") || name.ends_with("_good") {
            out.push(p);
        }
    }
}

/// The summary of every event the reader returns, and whether the whole trace was read.
fn summarize(data: &[u8]) -> Option<(Summary, bool)> {
    let mut reader = gotrace::Reader::new(data).ok()?;
    let mut s = Summarizer::new();
    loop {
        match reader.read_event() {
            Ok(Some(ev)) => s.event(&ev),
            Ok(None) => return Some((s.finalize(), true)),
            Err(_) => return Some((s.finalize(), false)),
        }
    }
}

fn check_stats(errors: &mut Vec<String>, what: &str, s: &GoroutineExecStats) {
    let named = [
        ("exec", s.exec_time),
        ("sched wait", s.sched_wait_time),
        ("syscall", s.syscall_time),
        ("syscall block", s.syscall_block_time),
        ("total", s.total_time),
    ];
    for (name, dt) in named.into_iter().chain(s.block_time_by_reason.iter().map(|(r, &d)| (r.as_str(), d))) {
        if dt < 0 {
            errors.push(format!("{what}: negative {name} time {dt}"));
        }
    }
    for (name, &dt) in &s.range_time {
        if dt < 0 {
            errors.push(format!("{what}: negative range time {dt} for {name}"));
        }
    }
}

/// Go's basicGoroutineSummaryChecks, the breakdown of every goroutine adding up to its total,
/// and the consistency of the ids between goroutines, tasks and regions.
fn check(errors: &mut Vec<String>, trace: &str, s: &Summary) {
    let mut owner = vec![None; s.region_count()];
    for (id, g) in &s.goroutines {
        let what = format!("{trace}: G{id}");
        if *id == gotrace::GoId::NONE || g.id != *id {
            errors.push(format!("{what}: bad id {}", g.id));
        }
        if (g.start_time != 0 && g.creation_time > g.start_time)
            || (g.start_time != 0 && g.end_time != 0 && g.start_time > g.end_time)
        {
            errors.push(format!(
                "{what}: bad times creation={} start={} end={}",
                g.creation_time, g.start_time, g.end_time
            ));
        }
        if (g.pc != 0) == g.name.is_empty() {
            errors.push(format!("{what}: bad name and/or pc: pc={:#x} name={:?}", g.pc, g.name));
        }
        check_stats(errors, &what, &g.stats);
        // The non-overlapping stats (unknown time included) add up to the total; except, as in
        // Go, for a goroutine still in a syscall at the end whose P was taken: its time since
        // then is counted as both syscall and sched wait time.
        let sum: i64 = g.non_overlapping_stats().values().sum();
        let in_syscall_at_end = g.end_time == 0 && g.stats.syscall_time > 0;
        if sum != g.total_time() && !(in_syscall_at_end && sum > g.total_time()) {
            errors.push(format!("{what}: breakdown adds up to {sum}, total is {}", g.total_time()));
        }
        let mut last_start = None;
        for &rid in &g.regions {
            let Some(r) = s.region(rid) else {
                errors.push(format!("{what}: region {rid:?} out of range"));
                continue;
            };
            check_stats(errors, &format!("{what} region {rid:?}"), &r.stats.to_exec_stats());
            let start = r.start.map(|e| e.time());
            if start < last_start {
                errors.push(format!("{what}: regions not sorted by start"));
            }
            last_start = start;
            match owner.get_mut(rid.0 as usize) {
                Some(o @ None) => *o = Some(*id),
                _ => errors.push(format!("{what}: region {rid:?} listed twice")),
            }
        }
    }
    let mut last_id = None;
    for t in s.tasks() {
        let id = t.id;
        let what = format!("{trace}: task {id}");
        if last_id >= Some(id) || s.task(id).map(|t| t.id) != Some(id) {
            errors.push(format!("{what}: tasks not by id, or not found by id"));
        }
        last_id = Some(id);
        for c in t.children {
            if s.task(*c).and_then(|c| c.parent) != Some(id) {
                errors.push(format!("{what}: child {c} does not have it as parent"));
            }
        }
        let desc = t.descendents(s);
        if desc.first().map(|d| d.id) != Some(id) {
            errors.push(format!("{what}: descendents do not start with the task"));
        }
        for &rid in t.regions {
            match s.region(rid) {
                Some(r) if r.task_id == id => {}
                _ => errors.push(format!("{what}: region {rid:?} is not of this task")),
            }
        }
        if t.complete() != (t.start.is_some() && t.end.is_some()) {
            errors.push(format!("{what}: complete() is wrong"));
        }
    }
}

#[test]
fn summaries_hold_invariants() {
    let mut files = Vec::new();
    for root in roots() {
        traces(&root, &mut files);
    }
    let (mut complete, mut partial, mut rejected) = (0, 0, 0);
    let mut errors = Vec::new();
    for f in &files {
        let data = std::fs::read(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        // Must not panic, whatever the bytes.
        let Some((summary, whole)) = summarize(&data) else {
            rejected += 1;
            continue;
        };
        if whole {
            complete += 1;
            check(&mut errors, &f.display().to_string(), &summary);
        } else {
            partial += 1;
        }
    }
    eprintln!("{complete} traces checked, {partial} damaged ones summarized, {rejected} rejected by the reader");
    for e in errors.iter().take(40) {
        eprintln!("{e}");
    }
    assert!(complete > 0, "no trace found");
    assert!(errors.is_empty(), "{} invariant violations (first ones above)", errors.len());
}

/// The summary keeps its events compactly: each must answer like the event it was made from.
#[test]
fn kept_events_answer_like_the_originals() {
    let mut files = Vec::new();
    for root in roots() {
        traces(&root, &mut files);
    }
    let mut errors = Vec::new();
    let mut compared = 0usize;
    for f in &files {
        let data = std::fs::read(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        compared += compare_kept_events(&f.display().to_string(), &data, &mut errors);
    }
    // The scenarios reach the rare forms: regions begun by a goroutine's creation, ended by
    // its end or by a RegionEnd of another task, tasks renamed, parents of all sorts.
    for sc in scenarios::SCENARIOS {
        let data: Vec<u8> = (0..sc.trace_hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&sc.trace_hex[i..i + 2], 16).expect("hex"))
            .collect();
        compared += compare_kept_events(sc.name, &data, &mut errors);
    }
    eprintln!("{compared} kept events compared");
    for e in errors.iter().take(20) {
        eprintln!("{e}");
    }
    assert!(errors.is_empty(), "{} kept events differ from the originals", errors.len());
}

/// Summarizes a trace keeping its events aside, and compares every event of the summary with
/// the original it was made from (found by time and kind); the number compared.
fn compare_kept_events(trace: &str, data: &[u8], errors: &mut Vec<String>) -> usize {
    use gotrace::{Event, EventKind};
    use gotrace_analysis::summary::EventRef;

    let Ok(mut reader) = gotrace::Reader::new(data) else { return 0 };
    let mut s = Summarizer::new();
    let mut kept: std::collections::HashMap<(i64, EventKind), Vec<Event>> = Default::default();
    while let Ok(Some(ev)) = reader.read_event() {
        s.event(&ev);
        let annotation = matches!(
            ev.kind(),
            EventKind::RegionBegin | EventKind::RegionEnd | EventKind::TaskBegin | EventKind::TaskEnd | EventKind::Log
        );
        if annotation || ev.state_transition().and_then(|st| st.goroutine()).is_some() {
            kept.entry((ev.time(), ev.kind())).or_default().push(ev);
        }
    }
    let s = s.finalize();
    let mut compared = 0;
    let mut check = |what: &str, got: EventRef| {
        compared += 1;
        let same = |ev: &Event| {
            let (st, gst) = (ev.state_transition(), got.state_transition());
            ev.goroutine() == got.goroutine()
                && ev.stack().pcs() == got.stack().pcs()
                && ev.stack().frames().eq(got.stack().frames())
                && ev.stack().is_present() == got.stack().is_present()
                && ev.region() == got.region()
                && ev.task() == got.task()
                && ev.log() == got.log()
                && st.as_ref().map(|st| (st.resource, st.reason, st.goroutine()))
                    == gst.map(|st| (st.resource, st.reason, st.goroutine()))
        };
        if !kept.get(&(got.time(), got.kind())).is_some_and(|evs| evs.iter().any(same)) {
            errors.push(format!(
                "{trace}: {what}: {got:?} {:?} {:?} {:?} answers unlike any original",
                got.region(),
                got.task(),
                got.log()
            ));
        }
    };
    for r in s.regions() {
        for ev in r.start.into_iter().chain(r.end) {
            check("region", ev);
        }
    }
    for t in s.tasks() {
        for ev in t.start.into_iter().chain(t.end).chain(t.logs.iter()) {
            check("task", ev);
        }
    }
    compared
}

/// Filtering a summary (as a time range does) keeps exactly the regions and tasks asked for,
/// and nothing else changes.
#[test]
fn retain_filters_lists_only() {
    let mut files = Vec::new();
    for root in roots() {
        traces(&root, &mut files);
    }
    let mut checked = 0;
    for f in &files {
        let data = std::fs::read(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let Some((s, true)) = summarize(&data) else { continue };
        if s.region_count() == 0 && s.task_count() == 0 {
            continue;
        }
        checked += 1;
        let keep_region = |r: &gotrace_analysis::summary::UserRegionSummary| r.id.0 % 3 != 1;
        let keep_task = |t: &gotrace_analysis::summary::UserTaskSummary| t.id.0 & 1 == 0;
        let want_g: Vec<Vec<u32>> =
            s.goroutines.values().map(|g| s.goroutine_regions(g).filter(keep_region).map(|r| r.id.0).collect()).collect();
        let want_t: Vec<(u64, Vec<u32>, Vec<i64>, usize)> = s
            .tasks()
            .filter(keep_task)
            .map(|t| {
                let regions = s.task_regions(&t).filter(keep_region).map(|r| r.id.0).collect();
                (t.id.0, regions, t.goroutines.iter().map(|g| g.0).collect(), t.logs.len())
            })
            .collect();
        let region_tasks: Vec<u64> = s.regions().map(|r| r.task_id.0).collect();
        let mut s = s;
        s.retain_regions(keep_region);
        s.retain_tasks(keep_task);
        let got_g: Vec<Vec<u32>> = s.goroutines.values().map(|g| g.regions.iter().map(|r| r.0).collect()).collect();
        assert_eq!(got_g, want_g, "{}", f.display());
        let got_t: Vec<(u64, Vec<u32>, Vec<i64>, usize)> = s
            .tasks()
            .map(|t| (t.id.0, t.regions.iter().map(|r| r.0).collect(), t.goroutines.iter().map(|g| g.0).collect(), t.logs.len()))
            .collect();
        assert_eq!(got_t, want_t, "{}", f.display());
        assert_eq!(s.task_count(), want_t.len());
        for t in s.tasks() {
            assert_eq!(s.task(t.id).map(|x| x.id), Some(t.id));
        }
        assert!(region_tasks.iter().filter(|&&id| id & 1 == 1).all(|&id| s.task(gotrace::TaskId(id)).is_none()));
        assert_eq!(s.regions().map(|r| r.task_id.0).collect::<Vec<_>>(), region_tasks, "{}", f.display());
    }
    assert!(checked > 0);
}
