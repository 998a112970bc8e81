//! The summarizer against Go's: for every fully valid v2 trace that has an oracle
//! (`<trace>.oracle.json`, made by `shared/oracle/traceoracle` with go1.27.3's
//! `internal/trace.Summarizer`), every goroutine, task and region number must be equal to the
//! nanosecond.
//!
//! Traces: the repo's own fixtures (`tests/traces`), and if the shared corpus is present next
//! to the repo (`../shared/traces`), its `go1.26/` and `golang-testdata/binary/` files. Like the
//! oracle (and `go tool trace`), the summarizer is fed every event the reader returns. Plus
//! synthetic traces for what the corpus does not reach ([`scenarios`]).

mod common;
use common::{repo_fixtures, shared, oracles};

#[path = "summary_oracle/scenarios.rs"]
mod scenarios;

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::path::PathBuf;

use gotrace_analysis::summary::{EventRef, Summarizer, Summary};
use gotrace_analysis::Consumer;
use serde_json::Value;

/// The oracles of the fully valid traces of `format` ("v2" or "v1") under the repo's fixtures
/// (if `with_fixtures`) and the shared corpus' `shared_dirs`.
fn corpus(format: &str, with_fixtures: bool, shared_dirs: &[&str]) -> Vec<(PathBuf, Value)> {
    let mut files = Vec::new();
    if with_fixtures {
        oracles(&repo_fixtures(), &mut files);
    }
    match shared() {
        Some(shared) => shared_dirs.iter().for_each(|d| oracles(&shared.join(d), &mut files)),
        None => eprintln!("note: the shared corpus (../shared/traces) is absent; its traces are not compared"),
    }
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let oracle: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        if oracle["parse"]["strict_ok"] == Value::Bool(true) && oracle["header"]["format"] == format {
            let trace = PathBuf::from(f.to_string_lossy().trim_end_matches(".oracle.json"));
            out.push((trace, oracle));
        }
    }
    out
}

/// Runs the summarizer over every event the reader returns.
fn summarize(data: &[u8]) -> Result<Summary, String> {
    let mut reader = gotrace::Reader::new(data).map_err(|e| e.to_string())?;
    let mut s = Summarizer::new();
    loop {
        match reader.read_event() {
            Ok(Some(ev)) => s.event(&ev),
            Ok(None) => return Ok(s.finalize()),
            Err(e) => return Err(format!("reader failed on a trace Go reads: {e}")),
        }
    }
}

/// Collected mismatches of one trace.
struct Diff {
    trace: String,
    errors: Vec<String>,
}

impl Diff {
    fn eq<T: PartialEq + Debug>(&mut self, what: impl FnOnce() -> String, got: T, want: T) {
        if got != want {
            self.errors.push(format!("{}: {}: got {got:?}, want {want:?}", self.trace, what()));
        }
    }
}

fn int(v: &Value) -> Option<i64> {
    v.as_i64()
}

/// A JSON object of durations (`null` or absent = empty).
fn durations(v: &Value) -> BTreeMap<String, i64> {
    v.as_object()
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_i64().unwrap_or(i64::MIN))).collect())
        .unwrap_or_default()
}

fn time_of(ev: &Option<EventRef>) -> Option<i64> {
    ev.map(|e| e.time())
}

fn kind_of(ev: &Option<EventRef>) -> &'static str {
    ev.as_ref().map_or("", |e| e.kind().as_str())
}

fn compare_goroutines(d: &mut Diff, s: &Summary, oracle: &Value) {
    let want = oracle["goroutines"].as_array().cloned().unwrap_or_default();
    let want_ids: Vec<Option<i64>> = want.iter().map(|g| int(&g["id"])).collect();
    let got_ids: Vec<Option<i64>> = s.goroutines.keys().map(|id| Some(id.0)).collect();
    d.eq(|| "goroutine ids".into(), &got_ids, &want_ids);
    for w in &want {
        let Some(g) = int(&w["id"]).and_then(|id| s.goroutines.get(&gotrace::GoId(id))) else { continue };
        let id = g.id;
        d.eq(|| format!("G{id} name"), Some(g.name.as_str()), w["name"].as_str());
        d.eq(|| format!("G{id} pc"), Some(g.pc), w["pc"].as_u64());
        d.eq(|| format!("G{id} creation_time"), Some(g.creation_time), int(&w["creation_time"]));
        d.eq(|| format!("G{id} start_time"), Some(g.start_time), int(&w["start_time"]));
        d.eq(|| format!("G{id} end_time"), Some(g.end_time), int(&w["end_time"]));
        d.eq(|| format!("G{id} exec_ns"), Some(g.stats.exec_time), int(&w["exec_ns"]));
        d.eq(|| format!("G{id} sched_wait_ns"), Some(g.stats.sched_wait_time), int(&w["sched_wait_ns"]));
        // Whole maps, zero entries included (Go's map keys are reproduced exactly).
        d.eq(
            || format!("G{id} block_ns_by_reason"),
            &g.stats.block_time_by_reason,
            &durations(&w["block_ns_by_reason"]),
        );
        d.eq(|| format!("G{id} syscall_ns"), Some(g.stats.syscall_time), int(&w["syscall_ns"]));
        d.eq(|| format!("G{id} syscall_block_ns"), Some(g.stats.syscall_block_time), int(&w["syscall_block_ns"]));
        d.eq(|| format!("G{id} total_ns"), Some(g.total_time()), int(&w["total_ns"]));
        d.eq(|| format!("G{id} unknown_ns"), Some(g.unknown_time()), int(&w["unknown_ns"]));
        d.eq(|| format!("G{id} range_ns"), &g.stats.range_time, &durations(&w["range_ns"]));
        d.eq(|| format!("G{id} regions"), Some(g.regions.len() as u64), w["regions"].as_u64());
        d.eq(|| format!("G{id} system"), Some(g.is_system()), w["system"].as_bool());
    }
}

fn compare_tasks(d: &mut Diff, s: &Summary, oracle: &Value) {
    let want = oracle["tasks"].as_array().cloned().unwrap_or_default();
    let want_ids: Vec<Option<u64>> = want.iter().map(|t| t["id"].as_u64()).collect();
    let got_ids: Vec<Option<u64>> = s.tasks().map(|t| Some(t.id.0)).collect();
    d.eq(|| "task ids".into(), &got_ids, &want_ids);
    for w in &want {
        let Some(t) = w["id"].as_u64().and_then(|id| s.task(gotrace::TaskId(id))) else { continue };
        let id = t.id;
        d.eq(|| format!("task {id} type"), Some(t.name), w["type"].as_str());
        d.eq(|| format!("task {id} parent"), t.parent.map(|p| p.0), w["parent"].as_u64());
        let mut children: Vec<u64> = t.children.iter().map(|c| c.0).collect();
        children.sort();
        let want_children: Vec<u64> =
            w["children"].as_array().into_iter().flatten().filter_map(Value::as_u64).collect();
        d.eq(|| format!("task {id} children"), children, want_children);
        d.eq(|| format!("task {id} complete"), Some(t.complete()), w["complete"].as_bool());
        d.eq(|| format!("task {id} start"), time_of(&t.start), int(&w["start"]));
        d.eq(|| format!("task {id} end"), time_of(&t.end), int(&w["end"]));
        let goroutines: Vec<i64> = t.goroutines.iter().map(|g| g.0).collect();
        let want_goroutines: Vec<i64> =
            w["goroutines"].as_array().into_iter().flatten().filter_map(Value::as_i64).collect();
        d.eq(|| format!("task {id} goroutines"), goroutines, want_goroutines);
        let logs: Vec<(i64, i64, String, String)> = t
            .logs
            .iter()
            .map(|ev| {
                let l = ev.log().expect("a task's logs are Log events");
                (ev.time(), ev.goroutine().0, l.category.to_owned(), l.message.to_owned())
            })
            .collect();
        let want_logs: Vec<(i64, i64, String, String)> = w["logs"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|l| {
                let s = |k: &str| l[k].as_str().unwrap_or("<missing>").to_owned();
                (
                    int(&l["time"]).unwrap_or(i64::MIN),
                    int(&l["goroutine"]).unwrap_or(i64::MIN),
                    s("category"),
                    s("message"),
                )
            })
            .collect();
        d.eq(|| format!("task {id} logs"), logs, want_logs);
        d.eq(|| format!("task {id} regions"), Some(t.regions.len() as u64), w["regions"].as_u64());
    }
}

/// A region as the oracle lists it.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord, Clone)]
struct RegionRow {
    goroutine: i64,
    task: u64,
    typ: String,
    start: Option<i64>,
    end: Option<i64>,
    start_kind: String,
    end_kind: String,
    non_overlapping: BTreeMap<String, i64>,
    total: i64,
    range: BTreeMap<String, i64>,
}

fn compare_regions(d: &mut Diff, s: &Summary, oracle: &Value) {
    // Ours in the oracle's order: by goroutine, then as the summarizer sorted them.
    let got: Vec<RegionRow> = s
        .goroutines
        .values()
        .flat_map(|g| {
            s.goroutine_regions(g).map(|r| RegionRow {
                goroutine: g.id.0,
                task: r.task_id.0,
                typ: r.name.to_owned(),
                start: time_of(&r.start),
                end: time_of(&r.end),
                start_kind: kind_of(&r.start).to_owned(),
                end_kind: kind_of(&r.end).to_owned(),
                non_overlapping: r.non_overlapping_stats(),
                total: r.stats.total_time,
                range: r.stats.range_time.to_map(),
            })
        })
        .collect();
    let want: Vec<RegionRow> = oracle["regions"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|w| RegionRow {
            goroutine: int(&w["goroutine"]).unwrap_or(i64::MIN),
            task: w["task"].as_u64().unwrap_or(u64::MAX),
            typ: w["type"].as_str().unwrap_or("<missing>").to_owned(),
            start: int(&w["start"]),
            end: int(&w["end"]),
            start_kind: w["start_kind"].as_str().unwrap_or("<missing>").to_owned(),
            end_kind: w["end_kind"].as_str().unwrap_or("<missing>").to_owned(),
            non_overlapping: durations(&w["non_overlapping_ns"]),
            total: int(&w["total_ns"]).unwrap_or(i64::MIN),
            range: durations(&w["range_ns"]),
        })
        .collect();
    // As a multiset first (what must hold), then in order (Go's unstable sort reproduced).
    let (mut got_sorted, mut want_sorted) = (got.clone(), want.clone());
    got_sorted.sort();
    want_sorted.sort();
    if got_sorted != want_sorted {
        let missing: Vec<_> = want_sorted.iter().filter(|r| !got_sorted.contains(r)).take(3).collect();
        let extra: Vec<_> = got_sorted.iter().filter(|r| !want_sorted.contains(r)).take(3).collect();
        d.errors.push(format!(
            "{}: regions differ ({} vs {} want): missing {missing:#?}, unexpected {extra:#?}",
            d.trace,
            got.len(),
            want.len()
        ));
    } else {
        d.eq(|| "region order".into(), got, want);
    }
}

fn compare_counts(d: &mut Diff, s: &Summary, oracle: &Value) {
    let c = &oracle["counts"];
    d.eq(|| "counts.summary_goroutines".into(), Some(s.goroutines.len() as u64), c["summary_goroutines"].as_u64());
    d.eq(|| "counts.tasks".into(), Some(s.task_count() as u64), c["tasks"].as_u64());
    d.eq(|| "counts.regions".into(), Some(s.goroutine_region_count() as u64), c["regions"].as_u64());
}

/// Every comparison of a summary with its oracle.
fn compare(d: &mut Diff, s: &Summary, oracle: &Value) {
    compare_goroutines(d, s, oracle);
    compare_tasks(d, s, oracle);
    compare_regions(d, s, oracle);
    compare_counts(d, s, oracle);
}

fn report(what: &str, errors: &[String]) {
    for e in errors.iter().take(40) {
        eprintln!("{e}");
    }
    assert!(errors.is_empty(), "{what}: {} mismatches with Go's summarizer (first ones above)", errors.len());
}

/// Summarizes and compares every trace of `corpus`; the mismatches.
fn compare_corpus(corpus: &[(PathBuf, Value)]) -> Vec<String> {
    let mut errors = Vec::new();
    let (mut goroutines, mut tasks, mut regions) = (0, 0, 0);
    for (trace, oracle) in corpus {
        let mut d = Diff { trace: trace.display().to_string(), errors: Vec::new() };
        match std::fs::read(trace).map_err(|e| e.to_string()).and_then(|data| summarize(&data)) {
            Ok(s) => {
                goroutines += s.goroutines.len();
                tasks += s.task_count();
                regions += s.goroutine_region_count();
                compare(&mut d, &s, oracle);
            }
            Err(e) => d.errors.push(format!("{}: {e}", d.trace)),
        }
        errors.extend(d.errors);
    }
    eprintln!(
        "compared {} traces: {goroutines} goroutines, {tasks} tasks, {regions} regions; {} mismatches",
        corpus.len(),
        errors.len()
    );
    errors
}

#[test]
fn summaries_equal_go() {
    let mut corpus = corpus("v2", true, &["go1.26", "golang-testdata/binary"]);
    // More oracle outputs to compare with, e.g. of a big trace (not part of the corpus).
    if let Some(dirs) = std::env::var_os("GOTRACE_SUMMARY_ORACLE_DIRS") {
        for dir in std::env::split_paths(&dirs) {
            let mut files = Vec::new();
            oracles(&dir, &mut files);
            for f in files {
                let text = std::fs::read_to_string(&f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
                let oracle: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
                corpus.push((PathBuf::from(f.to_string_lossy().trim_end_matches(".oracle.json")), oracle));
            }
        }
    }
    assert!(!corpus.is_empty(), "no traces with an oracle under {}", repo_fixtures().display());
    report("v2 corpus", &compare_corpus(&corpus));
}

/// Old-format traces (Go 1.11-1.21), converted to the event model by the reader. Skipped if
/// the reader does not read them. Two files are left out: Go's own v1 parser orders events
/// with equal timestamps in map order, so its numbers vary by a few ns between runs (README
/// of the corpus, item 4).
#[test]
fn v1_summaries_equal_go() {
    const NONDETERMINISTIC_IN_GO: [&str; 2] = ["stress_1_11_good", "stress_1_21_good"];
    let mut corpus = corpus("v1", false, &["go1.19", "golang-testdata/tracev1"]);
    corpus.retain(|(trace, _)| !NONDETERMINISTIC_IN_GO.iter().any(|n| trace.ends_with(n)));
    let Some((first, _)) = corpus.first() else { return };
    let readable = std::fs::read(first).map(|data| gotrace::Reader::new(&data).is_ok()).unwrap_or(false);
    if !readable {
        eprintln!("note: the reader does not read v1 traces; not compared");
        return;
    }
    report("v1 corpus", &compare_corpus(&corpus));
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex")).collect()
}

#[test]
fn scenarios_equal_go() {
    let mut errors = Vec::new();
    for sc in scenarios::SCENARIOS {
        let oracle: Value = serde_json::from_str(sc.oracle).unwrap_or_else(|e| panic!("{}: {e}", sc.name));
        assert_eq!(oracle["parse"]["strict_ok"], Value::Bool(true), "{}", sc.name);
        assert!(sc.source.starts_with("Trace Go1.22\n"), "{}", sc.name);
        let mut d = Diff { trace: sc.name.to_owned(), errors: Vec::new() };
        match summarize(&unhex(sc.trace_hex)) {
            Ok(s) => compare(&mut d, &s, &oracle),
            Err(e) => d.errors.push(format!("{}: {e}", sc.name)),
        }
        errors.extend(d.errors);
    }
    report("scenarios", &errors);
}
