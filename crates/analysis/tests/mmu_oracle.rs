//! Minimum mutator utilization against Go's: for every fully valid v2 trace with an oracle
//! (`<trace>.oracle.json`, made by `shared/oracle/traceoracle` with go1.27.3's
//! `internal/trace.MutatorUtilizationV2` and `MMUCurve`), every curve of the oracle's `mmu`
//! section (8 flag sets), its size, its MMU at the oracle's windows, the `/mmu` page's default
//! plot and its worst windows.
//!
//! Traces: the repo's fixtures (`tests/traces`) and, if the shared corpus is present, its
//! `go1.26/` and `golang-testdata/binary/` files. Damaged traces that `cmd/trace` accepts in part
//! (it keeps the events up to the last Sync) are compared through `finish_at_last_sync`.

mod common;
use common::{repo_fixtures, shared, oracles};

use std::path::{Path, PathBuf};

use gotrace_analysis::mmu::{mmu_plot, MmuCurve, MutatorUtil, MutatorUtilBuilder, UtilFlags, UtilWindow};
use gotrace_analysis::Consumer;
use serde_json::Value;

/// Largest difference allowed between our numbers and Go's.
const TOLERANCE: f64 = 1e-9;

/// (trace, oracle) for every v2 trace under the given corpus directories whose oracle passes
/// `keep`.
fn corpus(dirs: &[&str], include_repo: bool, keep: impl Fn(&Value) -> bool) -> Vec<(PathBuf, Value)> {
    let mut files = Vec::new();
    if include_repo {
        oracles(&repo_fixtures(), &mut files);
    }
    match shared() {
        Some(shared) => dirs.iter().for_each(|d| oracles(&shared.join(d), &mut files)),
        None => eprintln!("note: the shared corpus (../shared/traces) is absent; skipping {dirs:?}"),
    }
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let oracle: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        if oracle["header"]["format"] == "v2" && oracle["mmu"].is_object() && keep(&oracle) {
            let trace = PathBuf::from(f.to_string_lossy().trim_end_matches(".oracle.json"));
            out.push((trace, oracle));
        }
    }
    out
}

/// Parses a Go `time.Duration` string of one unit, as the oracle prints its windows ("1µs").
fn parse_duration(s: &str) -> i64 {
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let n: i64 = s[..split].parse().unwrap_or_else(|_| panic!("bad duration {s:?}"));
    let unit = match &s[split..] {
        "ns" => 1,
        "µs" | "us" => 1_000,
        "ms" => 1_000_000,
        "s" => 1_000_000_000,
        u => panic!("bad duration unit {u:?} in {s:?}"),
    };
    n * unit
}

/// The oracle's `finite`: NaN and infinities are printed as -1.
fn finite(f: f64) -> f64 {
    if f.is_finite() {
        f
    } else {
        -1.0
    }
}

/// Running comparison state: the largest difference seen and how many numbers were compared.
#[derive(Default)]
struct Diff {
    max: f64,
    numbers: usize,
    exact: usize,
}

impl Diff {
    fn check(&mut self, what: &str, got: f64, want: &Value) {
        let want = want.as_f64().unwrap_or_else(|| panic!("{what}: oracle value {want} is not a number"));
        let got = finite(got);
        self.numbers += 1;
        // serde_json (without its float_roundtrip feature) may parse the oracle's text 1 ulp
        // off: a number is identical if our shortest text parses to the same value.
        if got == want || serde_json::from_str::<f64>(&got.to_string()).ok() == Some(want) {
            self.exact += 1;
            return;
        }
        let d = (got - want).abs();
        assert!(d <= TOLERANCE, "{what}: got {got:?}, want {want:?} (diff {d:e})");
        self.max = self.max.max(d);
    }
}

/// Feeds the events of a trace to one builder per flag set; returns the utilization functions
/// (of every event if the trace reads to the end, else up to the last Sync) and the number of
/// events used.
fn build(trace: &Path, flags: &[UtilFlags]) -> (Vec<Vec<Vec<MutatorUtil>>>, usize) {
    let data = std::fs::read(trace).unwrap_or_else(|e| panic!("{}: {e}", trace.display()));
    let mut builders: Vec<MutatorUtilBuilder> = flags.iter().map(|&f| MutatorUtilBuilder::new(f)).collect();
    let mut reader = gotrace::Reader::new(&data).unwrap_or_else(|e| panic!("{}: {e}", trace.display()));
    let (mut events, mut at_last_sync) = (0, 0);
    let complete = loop {
        match reader.read_event() {
            Ok(Some(ev)) => {
                events += 1;
                if ev.kind() == gotrace::EventKind::Sync {
                    at_last_sync = events;
                }
                builders.iter_mut().for_each(|b| b.event(&ev));
            }
            Ok(None) => break true,
            Err(_) => break false,
        }
    };
    if complete {
        (builders.into_iter().map(MutatorUtilBuilder::finish).collect(), events)
    } else {
        let series = builders.into_iter().map(|b| b.finish_at_last_sync().unwrap_or_default()).collect();
        (series, at_last_sync)
    }
}

/// Compares everything in the oracle's `mmu` section; returns false (after a note) if the
/// reader did not keep the events the oracle kept, so the inputs differ.
fn compare(trace: &Path, oracle: &Value, diff: &mut Diff) -> bool {
    let name = trace.display();
    let mmu = &oracle["mmu"];
    let windows: Vec<i64> =
        mmu["windows"].as_array().unwrap().iter().map(|w| parse_duration(w.as_str().unwrap())).collect();
    let curves = mmu["curves"].as_array().unwrap();
    let flags: Vec<UtilFlags> = curves.iter().map(|c| UtilFlags::parse(c["flags"].as_str().unwrap())).collect();
    for (f, c) in flags.iter().zip(curves) {
        assert_eq!(f.to_string(), c["flags"].as_str().unwrap(), "{name}: flags round trip");
    }

    let (all_series, kept) = build(trace, &flags);
    let want_kept = oracle["parse"]["events_kept"].as_u64().unwrap() as usize;
    if kept != want_kept {
        eprintln!("note: {name}: the reader kept {kept} events, the oracle {want_kept}; not compared");
        return false;
    }

    let default_flags = UtilFlags::parse(mmu["default_flags"].as_str().unwrap());
    assert_eq!(default_flags, UtilFlags::PAGE_DEFAULT, "{name}: the /mmu page's default flags");
    for ((f, c), series) in flags.iter().zip(curves).zip(&all_series) {
        let what = format!("{name} [{f}]");
        assert_eq!(series.len() as u64, c["series"].as_u64().unwrap(), "{what}: series");
        let points: usize = series.iter().map(Vec::len).sum();
        assert_eq!(points as u64, c["util_points"].as_u64().unwrap(), "{what}: util_points");
        let curve = MmuCurve::new(series);
        let want = c["mmu"].as_array().unwrap();
        assert_eq!(want.len(), windows.len(), "{what}: oracle windows");
        for (&w, want) in windows.iter().zip(want) {
            diff.check(&format!("{what} mmu({w})"), curve.mmu(w), want);
        }

        if *f != default_flags {
            continue;
        }
        let plot = mmu_plot(series, &curve, None);
        match (&plot, mmu.get("plot_default")) {
            (None, None) => assert!(mmu["note"].is_string(), "{what}: no plot and no note"),
            (Some(p), Some(want)) => {
                assert_eq!(p.x_min, want["xMin"].as_i64().unwrap(), "{what}: plot xMin");
                assert_eq!(p.x_max, want["xMax"].as_i64().unwrap(), "{what}: plot xMax");
                let rows = want["curve"].as_array().unwrap();
                assert_eq!(p.curve.len(), rows.len(), "{what}: plot points");
                for (i, (got, want)) in p.curve.iter().zip(rows).enumerate() {
                    let want = want.as_array().unwrap();
                    assert_eq!(got[0], want[0].as_f64().unwrap(), "{what}: plot window {i}");
                    diff.check(&format!("{what} plot[{i}] (window {})", got[0]), got[1], &want[1]);
                }
            }
            (p, w) => panic!("{what}: plot {p:?}, oracle {w:?}"),
        }
        let Some(worst) = mmu.get("worst_windows_default").and_then(Value::as_object) else {
            assert!(plot.is_none(), "{what}: oracle has no worst windows");
            continue;
        };
        for (w, want) in worst {
            let window: i64 = w.parse().unwrap();
            let got: Vec<UtilWindow> = curve.examples(window, 10);
            let want = want.as_array().unwrap();
            let times: Vec<i64> = got.iter().map(|u| u.time).collect();
            let want_times: Vec<i64> = want.iter().map(|u| u["Time"].as_i64().unwrap()).collect();
            assert_eq!(times, want_times, "{what}: worst windows of {window} ns");
            for (g, u) in got.iter().zip(want) {
                diff.check(&format!("{what} worst({window}) at {}", g.time), g.mutator_util, &u["MutatorUtil"]);
            }
        }
    }
    true
}

#[test]
fn mmu_matches_oracle_on_valid_traces() {
    let corpus = corpus(&["go1.26", "golang-testdata/binary"], true, |o| o["parse"]["strict_ok"] == Value::Bool(true));
    assert!(!corpus.is_empty(), "no traces with oracles found");
    let mut diff = Diff::default();
    let mut compared = 0;
    for (trace, oracle) in &corpus {
        compared += usize::from(compare(trace, oracle, &mut diff));
    }
    eprintln!(
        "mmu: {compared} valid traces, {} numbers compared, {} bit-identical, max abs diff {:e}",
        diff.numbers, diff.exact, diff.max
    );
    assert_eq!(compared, corpus.len(), "every valid trace must be read as the oracle read it");
}

#[test]
fn mmu_matches_oracle_up_to_last_sync_on_damaged_traces() {
    let corpus = corpus(&["bad", "golang-testdata/binary"], false, |o| {
        o["parse"]["strict_ok"] == Value::Bool(false) && o["parse"]["reference_accepts"] == Value::Bool(true)
    });
    let mut diff = Diff::default();
    let mut compared = 0;
    for (trace, oracle) in &corpus {
        compared += usize::from(compare(trace, oracle, &mut diff));
    }
    eprintln!(
        "mmu: {compared} of {} damaged traces compared, {} numbers, {} bit-identical, max abs diff {:e}",
        corpus.len(),
        diff.numbers,
        diff.exact,
        diff.max
    );
}
