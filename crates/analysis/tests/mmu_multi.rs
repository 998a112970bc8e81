//! The one-pass builder of several flag sets ([`MultiUtilBuilder`], what the `/mmu` section
//! uses) against one [`MutatorUtilBuilder`] per set (checked against Go in `mmu_oracle.rs`):
//! the same utilization functions, bit for bit, for every combination of flags, on every trace
//! of the repo's fixtures and of the shared corpus (damaged ones up to where reading fails).

mod common;

use std::path::{Path, PathBuf};

use gotrace_analysis::mmu::{MultiUtilBuilder, MutatorUtil, MutatorUtilBuilder, UtilFlags};
use gotrace_analysis::mmu_page::{page_flag_sets, MmuBuilders};
use gotrace_analysis::Consumer;

/// Every `*.trace` under `dir`, recursively, sorted.
fn traces(dir: &Path, out: &mut Vec<PathBuf>) {
    common::walk(dir, ".trace", out);
}

fn corpus() -> Vec<PathBuf> {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    traces(&manifest.join("../../tests/traces"), &mut files);
    let shared = [manifest.join("../../../shared/traces"), PathBuf::from("/work/shared/traces")];
    match shared.into_iter().find(|p| p.is_dir()) {
        Some(shared) => traces(&shared, &mut files),
        None => eprintln!("note: the shared corpus (../shared/traces) is absent; repo fixtures only"),
    }
    files
}

/// Every combination of the five flags.
fn all_flag_sets() -> Vec<UtilFlags> {
    let one = [UtilFlags::STW, UtilFlags::BACKGROUND, UtilFlags::ASSIST, UtilFlags::SWEEP, UtilFlags::PER_PROC];
    (0..32u32)
        .map(|m| one.iter().enumerate().filter(|(i, _)| m & 1 << i != 0).fold(UtilFlags::empty(), |a, (_, &f)| a | f))
        .collect()
}

/// The events a reader gives before its end or its first error.
fn events(trace: &Path) -> Vec<gotrace::Event> {
    let data = std::fs::read(trace).unwrap_or_else(|e| panic!("{}: {e}", trace.display()));
    let mut out = Vec::new();
    let Ok(mut reader) = gotrace::Reader::new(&data) else {
        return out;
    };
    while let Ok(Some(ev)) = reader.read_event() {
        out.push(ev);
    }
    out
}

fn bits(series: &[Vec<MutatorUtil>]) -> Vec<Vec<(i64, u64)>> {
    series.iter().map(|s| s.iter().map(|u| (u.time, u.util.to_bits())).collect()).collect()
}

#[test]
fn multi_builder_equals_one_builder_per_flag_set() {
    let flags = all_flag_sets();
    let files = corpus();
    assert!(!files.is_empty(), "no traces found");
    let (mut compared, mut points) = (0, 0);
    for trace in &files {
        let events = events(trace);
        if events.is_empty() {
            continue;
        }
        let mut multi = MultiUtilBuilder::new(&flags);
        let mut single: Vec<MutatorUtilBuilder> = flags.iter().map(|&f| MutatorUtilBuilder::new(f)).collect();
        for ev in &events {
            multi.event(ev);
            single.iter_mut().for_each(|b| b.event(ev));
        }
        let got = multi.finish();
        assert_eq!(got.len(), flags.len());
        let want = single.into_iter().map(MutatorUtilBuilder::finish);
        for ((f, got), (&want_f, want)) in got.iter().zip(flags.iter().zip(want)) {
            assert_eq!(*f, want_f);
            assert!(bits(got) == bits(&want), "{} [{f}]: the one-pass builder differs", trace.display());
            points += want.iter().map(Vec::len).sum::<usize>();
        }
        compared += 1;
    }
    eprintln!("mmu: {compared} traces, {} flag sets, {points} points identical", flags.len());
}

/// Events in an order no real trace has (starting mid-trace, so that ranges end and goroutines
/// stop before they are seen starting; times going back; half the events twice) and flag sets
/// listed twice still give each set's result.
#[test]
fn multi_builder_on_reordered_events() {
    let flags = all_flag_sets();
    for name in ["gc.trace", "blocking.trace"] {
        let trace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/traces").join(name);
        let events = events(&trace);
        // Rotate so the stream starts mid-trace, then append the start again: times go back
        // and GOMAXPROCS is first seen late.
        let mid = events.len() / 2;
        let stream: Vec<&gotrace::Event> = events[mid..].iter().chain(&events[..mid]).chain(&events[mid..]).collect();
        let twice: Vec<UtilFlags> = flags.iter().chain(&flags).copied().collect();
        let mut multi = MultiUtilBuilder::new(&twice);
        let mut single: Vec<MutatorUtilBuilder> = flags.iter().map(|&f| MutatorUtilBuilder::new(f)).collect();
        for ev in stream {
            multi.event(ev);
            single.iter_mut().for_each(|b| b.event(ev));
        }
        let want: Vec<_> = single.into_iter().map(MutatorUtilBuilder::finish).collect();
        for (i, (f, got)) in multi.finish().into_iter().enumerate() {
            assert!(bits(&got) == bits(&want[i % flags.len()]), "{name} [{f}] (set {i})");
        }
    }
}

#[test]
fn page_builders_give_the_page_flag_sets() {
    let trace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/traces/gc.trace");
    let mut page = MmuBuilders::new();
    let mut single: Vec<MutatorUtilBuilder> = page_flag_sets().into_iter().map(MutatorUtilBuilder::new).collect();
    for ev in events(&trace) {
        page.event(&ev);
        single.iter_mut().for_each(|b| b.event(&ev));
    }
    let got = page.finish();
    assert_eq!(got.recovered_gomaxprocs, None, "a Go 1.22+ trace carries GOMAXPROCS");
    let got = got.utils;
    assert_eq!(got.iter().map(|(f, _)| *f).collect::<Vec<_>>(), page_flag_sets());
    for ((f, got), want) in got.iter().zip(single) {
        assert!(!got.is_empty(), "[{f}]: no series");
        assert!(bits(got) == bits(&want.finish()), "[{f}]");
    }
    assert!(MmuBuilders::new().finish().utils.iter().all(|(_, s)| s.is_empty()));
}
