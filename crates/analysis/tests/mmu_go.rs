//! Go's own MMU tests (`internal/trace/gc_test.go`): the small table test, and the fast
//! banded MMU against a brute-force one on real traces (`TestMMUTrace`), plus the builder's
//! streaming details.

mod common;
use common::{shared};

use std::path::PathBuf;

use gotrace_analysis::mmu::{mmu_plot, MmuCurve, MutatorUtil, MutatorUtilBuilder, UtilFlags, PLOT_QUANTILES};
use gotrace_analysis::Consumer;

/// Go's `aeq`: equal up to 8 digits (1 part in 100 million).
fn aeq(x: f64, y: f64) -> bool {
    let (x, y) = if x < 0.0 && y < 0.0 { (-x, -y) } else { (x, y) };
    let factor = 1.0 - 10f64.powi(-8 + 1);
    x * factor <= y && y * factor <= x
}

const SECOND: i64 = 1_000_000_000;

fn mu(time: i64, util: f64) -> MutatorUtil {
    MutatorUtil { time, util }
}

/// Go's `TestMMU`.
#[test]
fn mmu_table() {
    // MU
    // 1.0  *****   *****   *****
    // 0.5      *   *   *   *
    // 0.0      *****   *****
    //      0   1   2   3   4   5
    let util = vec![vec![
        mu(0, 1.0),
        mu(SECOND, 0.0),
        mu(2 * SECOND, 1.0),
        mu(3 * SECOND, 0.0),
        mu(4 * SECOND, 1.0),
        mu(5 * SECOND, 0.0),
    ]];
    let curve = MmuCurve::new(&util);
    let table: [(i64, f64, &[f64]); 8] = [
        (0, 0.0, &[]),
        (1_000_000, 0.0, &[0.0, 0.0]),
        (SECOND, 0.0, &[0.0, 0.0]),
        (2 * SECOND, 0.5, &[0.5, 0.5]),
        (3 * SECOND, 1.0 / 3.0, &[1.0 / 3.0]),
        (4 * SECOND, 0.5, &[0.5]),
        (5 * SECOND, 3.0 / 5.0, &[3.0 / 5.0]),
        (6 * SECOND, 3.0 / 5.0, &[3.0 / 5.0]),
    ];
    for (window, want, worst) in table {
        let got = curve.mmu(window);
        assert!(aeq(want, got), "for {window} ns window, want mu = {want}, got {got}");
        // Which windows come out is unspecified (it depends on the banding): check the number
        // and their utilizations.
        let examples: Vec<f64> = curve.examples(window, 2).iter().map(|w| w.mutator_util).collect();
        assert_eq!(examples, worst, "for {window} ns window");
    }
}

/// Go's `mmuSlow`: the "obviously correct" MMU, trying every window with an edge on a change.
fn mmu_slow(util: &[MutatorUtil], window: i64) -> f64 {
    let (first, last) = (util[0].time, util[util.len() - 1].time);
    let window = window.min(last - first);
    let mut mmu = 1.0f64;

    // The mean utilization between util[0].time and end.
    let mu_in_window = |util: &[MutatorUtil], end: i64| {
        let mut total = 0.0;
        let mut prev = mu(0, 0.0);
        for &u in util {
            if u.time > end {
                total += prev.util * (end - prev.time) as f64;
                break;
            }
            total += prev.util * (u.time - prev.time) as f64;
            prev = u;
        }
        total / (end - util[0].time) as f64
    };
    let update = |util: &[MutatorUtil], mmu: &mut f64| {
        let last = util[util.len() - 1].time;
        for (i, u) in util.iter().enumerate() {
            if u.time + window > last {
                break;
            }
            *mmu = mmu.min(mu_in_window(&util[i..], u.time + window));
        }
    };

    // Every left-aligned window.
    update(util, &mut mmu);
    // Reversed, every right-aligned one. Each point is a *change*, so the utilization moves
    // to the previous point.
    assert_eq!(util[util.len() - 1].util, 0.0, "irreversible utilization function");
    let rutil: Vec<MutatorUtil> =
        (0..util.len()).rev().map(|i| mu(-util[i].time, if i == 0 { 0.0 } else { util[i - 1].util })).collect();
    update(&rutil, &mut mmu);
    mmu
}

/// Traces for the brute-force comparison: Go's own (`go122-gc-stress`) and GC-heavy ones.
fn traces() -> Vec<PathBuf> {
    let mut out = vec![PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/traces/gc.trace")];
    match shared() {
        Some(s) => out.extend(
            [
                "golang-testdata/binary/tests/go122-gc-stress.trace",
                "go1.26/gcheavy.trace",
                "go1.26/allocfree.trace",
                "go1.26/stwmisc.trace",
            ]
            .map(|t| s.join(t)),
        ),
        None => eprintln!("note: the shared corpus (../shared/traces) is absent; using the repo's fixture only"),
    }
    out.retain(|p| p.is_file());
    out
}

fn utilization(trace: &std::path::Path, flags: UtilFlags) -> Vec<Vec<MutatorUtil>> {
    let data = std::fs::read(trace).unwrap();
    let mut reader = gotrace::Reader::new(&data).unwrap();
    let mut b = MutatorUtilBuilder::new(flags);
    while let Some(ev) = reader.read_event().unwrap() {
        b.event(&ev);
    }
    b.finish()
}

/// Go's `TestMMUTrace`, on more traces and flag sets.
#[test]
fn mmu_fast_equals_brute_force() {
    let traces = traces();
    assert!(!traces.is_empty(), "no traces");
    let all = UtilFlags::STW | UtilFlags::BACKGROUND | UtilFlags::ASSIST | UtilFlags::SWEEP;
    let flag_sets = [UtilFlags::STW, UtilFlags::STW | UtilFlags::BACKGROUND, all];
    let mut checked = 0;
    for trace in &traces {
        for flags in flag_sets {
            let mu = utilization(trace, flags);
            assert_eq!(mu.len(), 1, "{}: one series without per-proc", trace.display());
            let curve = MmuCurve::new(&mu);
            let mut window = 1;
            while window < 10 * SECOND {
                let want = mmu_slow(&mu[0], window);
                let got = curve.mmu(window);
                assert!(aeq(want, got), "{} [{flags}]: want {want}, got {got} in window {window} ns", trace.display());
                checked += 1;
                window *= 10;
            }

            // The banded MUD against the unbanded one. (In Go both are the MMU: see
            // `MmuCurve::mud`.)
            let one_band = MmuCurve::with_bands(&mu, 1);
            // Go's `1 - .999` etc. are exact constant expressions.
            let quantiles = [0.0, 0.001, 0.01];
            let mut window = 1_000;
            while window < SECOND {
                let (mud1, mud2) = (curve.mud(window, &quantiles), one_band.mud(window, &quantiles));
                for (a, b) in mud1.iter().zip(&mud2) {
                    assert!(
                        aeq(*a, *b),
                        "{} [{flags}] quantiles at {window} ns: {mud1:?} vs {mud2:?}",
                        trace.display()
                    );
                }
                let mmu = curve.mmu(window);
                assert!(mud1.iter().all(|&q| q == mmu), "Go's MUD is the MMU: {mud1:?} vs {mmu}");
                window *= 10;
            }
        }
    }
    eprintln!("mmu: {checked} fast/brute-force comparisons on {} traces", traces.len());
}

#[test]
fn flags_parse_and_print_like_cmd_trace() {
    let f = UtilFlags::parse("stw|background|assist|mut");
    assert_eq!(f, UtilFlags::STW | UtilFlags::BACKGROUND | UtilFlags::ASSIST);
    assert_eq!(f.to_string(), "stw|background|assist");
    let all = UtilFlags::parse("sweep|perProc|assist|background|stw");
    assert_eq!(all.to_string(), "perProc|stw|background|assist|sweep");
    assert!(all.contains(UtilFlags::PER_PROC | UtilFlags::SWEEP));
    assert_eq!(UtilFlags::parse(""), UtilFlags::empty());
}

#[test]
fn no_events_no_series() {
    assert!(MutatorUtilBuilder::new(UtilFlags::STW).finish().is_empty());
    assert!(MutatorUtilBuilder::new(UtilFlags::STW).finish_at_last_sync().is_none());
    let curve = MmuCurve::new(&[]);
    assert_eq!(curve.mmu(SECOND), 1.0);
    assert_eq!(curve.mmu(0), 0.0);
    assert!(curve.examples(SECOND, 3).is_empty());
    assert!(mmu_plot(&[], &curve, None).is_none());
}

/// Degenerate series Go would panic on (empty, zero duration) are left out.
#[test]
fn degenerate_series_are_left_out() {
    let good = vec![mu(0, 1.0), mu(4, 0.0), mu(6, 1.0), mu(10, 0.0)];
    let with_bad = MmuCurve::new(&[vec![], vec![mu(5, 0.0)], good.clone()]);
    let alone = MmuCurve::new(&[good]);
    for window in [1, 2, 5, 10, 20] {
        assert_eq!(with_bad.mmu(window), alone.mmu(window), "window {window}");
        assert_eq!(with_bad.examples(window, 3), alone.examples(window, 3), "window {window}");
        assert_eq!(with_bad.mud(window, &[0.0, 0.5]), alone.mud(window, &[0.0, 0.5]), "window {window}");
    }
    let only_point = vec![vec![mu(5, 0.0)]];
    let curve = MmuCurve::new(&only_point);
    assert_eq!(curve.mmu(5), 1.0);
    let plot = mmu_plot(&only_point, &curve, None).unwrap();
    assert_eq!((plot.x_min, plot.x_max, plot.curve.len()), (1, 0, 100));
}

#[test]
fn plot_with_quantiles_has_a_column_per_quantile() {
    let util = vec![vec![mu(0, 1.0), mu(SECOND, 0.0), mu(2 * SECOND, 1.0), mu(3 * SECOND, 0.0)]];
    let curve = MmuCurve::new(&util);
    let plain = mmu_plot(&util, &curve, None).unwrap();
    let with_q = mmu_plot(&util, &curve, Some(&PLOT_QUANTILES)).unwrap();
    assert_eq!((plain.x_min, plain.x_max), (with_q.x_min, with_q.x_max));
    assert_eq!(with_q.quantiles.as_deref(), Some(&PLOT_QUANTILES[..]));
    for (p, q) in plain.curve.iter().zip(&with_q.curve) {
        assert_eq!(q.len(), 1 + PLOT_QUANTILES.len());
        assert_eq!(p[0], q[0]);
        assert!(q[1..].iter().all(|&v| v == p[1]));
    }
}

/// `finish_at_last_sync` on a complete trace that ends with a Sync is `finish`; cut after an
/// earlier Sync it equals the result of feeding only the events up to that Sync.
#[test]
fn last_sync_checkpoint_equals_truncated_stream() {
    let Some(shared) = shared() else {
        eprintln!("note: the shared corpus is absent; skipped");
        return;
    };
    for name in ["go1.26/generations.trace", "go1.26/gcheavy.trace", "go1.26/gomaxprocs.trace"] {
        let data = std::fs::read(shared.join(name)).unwrap();
        let mut events = Vec::new();
        let mut reader = gotrace::Reader::new(&data).unwrap();
        while let Some(ev) = reader.read_event().unwrap() {
            events.push(ev);
        }
        let syncs: Vec<usize> =
            events.iter().enumerate().filter(|(_, e)| e.kind() == gotrace::EventKind::Sync).map(|(i, _)| i).collect();
        for flags in [
            UtilFlags::STW | UtilFlags::BACKGROUND | UtilFlags::ASSIST,
            UtilFlags::PER_PROC | UtilFlags::STW | UtilFlags::BACKGROUND | UtilFlags::ASSIST | UtilFlags::SWEEP,
        ] {
            for &cut in &syncs {
                // Stream everything, keeping only the checkpoint of the Sync at `cut`.
                let mut streamed = MutatorUtilBuilder::new(flags);
                let mut prefix = MutatorUtilBuilder::new(flags);
                for (i, ev) in events.iter().enumerate() {
                    if i <= cut {
                        prefix.event(ev);
                        streamed.event(ev);
                    } else if ev.kind() != gotrace::EventKind::Sync {
                        streamed.event(ev);
                    } else {
                        break;
                    }
                }
                assert_eq!(
                    streamed.finish_at_last_sync().unwrap(),
                    prefix.finish(),
                    "{name} [{flags}] cut at event {cut}"
                );
            }
        }
    }
}

/// Go 1.11–1.21 traces: Go's conversion drops the GOMAXPROCS set when tracing started, so Go
/// has no utilization for a trace whose GOMAXPROCS never changed (no GC either: v1 restates
/// GOMAXPROCS at every stop-the-world). Ours recovers it: every v1 trace gets a utilization
/// function, the fast MMU of which agrees with the brute-force one; Go 1.22+ traces never
/// need the recovery.
#[test]
fn v1_traces_get_a_utilization_function() {
    let mut files = Vec::new();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/traces");
    common::walk(&root, ".trace", &mut files);
    if let Some(s) = shared() {
        for dir in ["go1.19", "golang-testdata/tracev1", "go1.26"] {
            common::walk(&s.join(dir), "", &mut files);
        }
    }
    files.retain(|p| p.extension().is_none_or(|e| e != "json" && e != "txt"));
    let (mut v1, mut recovered) = (0, 0);
    for trace in &files {
        let data = std::fs::read(trace).unwrap();
        let Ok(reader) = gotrace::Reader::new(&data) else { continue };
        let is_v1 = reader.version().is_v1();
        drop(reader);
        let opts = gotrace_analysis::Options { timeline: false, ..Default::default() };
        let Ok(a) = gotrace_analysis::Analysis::run_with(&data, "t", &opts, &mut |_, _| {}) else { continue };
        if !a.outcome.strict_ok {
            continue;
        }
        if !is_v1 {
            assert_eq!(a.mmu_recovered_gomaxprocs, None, "{}: a Go 1.22+ trace carries GOMAXPROCS", trace.display());
            continue;
        }
        v1 += 1;
        let all = UtilFlags::STW | UtilFlags::BACKGROUND | UtilFlags::ASSIST | UtilFlags::SWEEP;
        let Some((_, mu)) = a.mmu.iter().find(|(f, _)| *f == all) else { panic!("{}: no {all} set", trace.display()) };
        assert!(mu.len() == 1 && mu[0].len() >= 2, "{}: a v1 trace gets a utilization function", trace.display());
        if let Some(n) = a.mmu_recovered_gomaxprocs {
            recovered += 1;
            let max_p = a.stats.procs() as u64;
            assert!(n >= 1 && n >= max_p, "{}: GOMAXPROCS {n} but {max_p} Ps ran", trace.display());
            // The function spans the trace from the first Gomaxprocs on.
            assert!(mu[0][0].time <= a.span().0 + SECOND, "{}: starts late", trace.display());
        }
        let curve = MmuCurve::new(mu);
        let mut window = 1_000;
        while window < 10 * SECOND {
            let (want, got) = (mmu_slow(&mu[0], window), curve.mmu(window));
            assert!(aeq(want, got), "{}: want {want}, got {got} in window {window} ns", trace.display());
            window *= 10;
        }
    }
    assert!(v1 >= 2, "the repo's v1 fixtures are read");
    eprintln!("v1 MMU: {v1} traces, GOMAXPROCS recovered in {recovered}");
    assert!(recovered >= 1, "some v1 trace has no GOMAXPROCS change");
}
