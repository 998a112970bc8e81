//! Throughput of the summarizer on a big trace (not run by default):
//!
//! ```text
//! scripts/bench.sh   # once, to generate target/bench/big.trace (or set BENCH_TRACE)
//! cargo test -p gotrace-analysis --release --test summary_bench -- --ignored --nocapture
//! ```
//!
//! Reads the trace twice, once only reading and once also summarizing, and prints both times.

use std::path::PathBuf;
use std::time::Instant;

use gotrace_analysis::summary::Summarizer;
use gotrace_analysis::Consumer;

#[test]
#[ignore = "needs a big trace; run explicitly"]
fn summarizer_throughput() {
    let path = std::env::var_os("BENCH_TRACE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/bench/big.trace"));
    let Ok(data) = std::fs::read(&path) else {
        eprintln!("note: {} not found; nothing to measure", path.display());
        return;
    };

    let t = Instant::now();
    let mut reader = gotrace::Reader::new(&data).expect("reader");
    let mut events = 0u64;
    while let Ok(Some(_)) = reader.read_event() {
        events += 1;
    }
    let read = t.elapsed();
    let rss_read = rss_mb();

    let t = Instant::now();
    let mut reader = gotrace::Reader::new(&data).expect("reader");
    let mut s = Summarizer::new();
    while let Ok(Some(ev)) = reader.read_event() {
        s.event(&ev);
    }
    let fed = t.elapsed();
    let rss_fed = rss_mb();
    let summary = s.finalize();
    let both = t.elapsed();
    let rss_done = rss_mb();

    let mb = data.len() as f64 / 1e6;
    eprintln!(
        "{}: {mb:.1} MB, {events} events, {} goroutines, {} tasks, {} regions",
        path.display(),
        summary.goroutines.len(),
        summary.tasks.len(),
        summary.goroutine_region_count()
    );
    eprintln!(
        "read only: {:.2} s; read + summarize: {:.2} s (finalize {:.2} s); summarizer: {:.0} ns/event",
        read.as_secs_f64(),
        both.as_secs_f64(),
        (both - fed).as_secs_f64(),
        (both.as_secs_f64() - read.as_secs_f64()) * 1e9 / events.max(1) as f64
    );
    let keys: usize =
        summary.regions.iter().map(|r| r.stats.block_time_by_reason.len() + r.stats.range_time.len()).sum();
    eprintln!(
        "{} regions in the arena, {:.1} map keys per region",
        summary.regions.len(),
        keys as f64 / summary.regions.len().max(1) as f64
    );
    eprintln!("RSS (MB): after reading {rss_read:.0}, after feeding {rss_fed:.0}, after finalize {rss_done:.0}");
}

/// The resident set size in MB (Linux; 0 elsewhere).
fn rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}
