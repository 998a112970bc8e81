//! Invariants of the summarizer on every trace at hand (Go's `summary_test.go`,
//! `basicGoroutineSummaryChecks`, and more), and robustness: the events of damaged traces (up to
//! the reader's error) are summarized without panicking.

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
    let mut owner = vec![None; s.regions.len()];
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
            check_stats(errors, &format!("{what} region {rid:?}"), &r.stats);
            let start = r.start.as_ref().map(gotrace::Event::time);
            if start < last_start {
                errors.push(format!("{what}: regions not sorted by start"));
            }
            last_start = start;
            match owner.get_mut(rid.0) {
                Some(o @ None) => *o = Some(*id),
                _ => errors.push(format!("{what}: region {rid:?} listed twice")),
            }
        }
    }
    for (id, t) in &s.tasks {
        let what = format!("{trace}: task {id}");
        if t.id != *id {
            errors.push(format!("{what}: bad id {}", t.id));
        }
        for c in &t.children {
            if s.tasks.get(c).and_then(|c| c.parent) != Some(*id) {
                errors.push(format!("{what}: child {c} does not have it as parent"));
            }
        }
        let desc = t.descendents(s);
        if desc.first().map(|d| d.id) != Some(*id) {
            errors.push(format!("{what}: descendents do not start with the task"));
        }
        for &rid in &t.regions {
            match s.region(rid) {
                Some(r) if r.task_id == *id => {}
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

fn task(id: u64, parent: Option<u64>, children: &[u64]) -> gotrace_analysis::summary::UserTaskSummary {
    use gotrace::TaskId;
    gotrace_analysis::summary::UserTaskSummary {
        id: TaskId(id),
        name: String::new(),
        parent: parent.map(TaskId),
        children: children.iter().copied().map(TaskId).collect(),
        start: None,
        end: None,
        logs: Vec::new(),
        regions: Vec::new(),
        goroutines: Default::default(),
    }
}

#[test]
fn task_descendents_are_depth_first_and_finite() {
    // 1 -> [2, 3], 2 -> [4]; and 5 its own parent, which only a malformed trace can say (Go's
    // Descendents would recurse forever on it).
    let mut s = Summary::default();
    for t in [
        task(1, None, &[2, 3]),
        task(2, Some(1), &[4]),
        task(3, Some(1), &[]),
        task(4, Some(2), &[]),
        task(5, Some(5), &[5]),
    ] {
        s.tasks.insert(t.id, t);
    }
    let ids = |id: u64| s.tasks[&gotrace::TaskId(id)].descendents(&s).iter().map(|t| t.id.0).collect::<Vec<_>>();
    assert_eq!(ids(1), [1, 2, 4, 3]);
    assert_eq!(ids(2), [2, 4]);
    assert_eq!(ids(5), [5]);
}
