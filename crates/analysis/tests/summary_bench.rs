//! Throughput and memory of the summarizer on a big trace (not run by default):
//!
//! ```text
//! scripts/bench.sh   # once, to generate target/bench/big.trace (or set BENCH_TRACE)
//! cargo test -p gotrace-analysis --release --test summary_bench -- --ignored --nocapture
//! ```
//!
//! Reads the trace twice, once only reading and once also summarizing, and prints both times,
//! the time of `finalize`, the resident memory along the way and what reading every view of
//! the summary costs.

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
    let rss_file = rss_mb("VmRSS:");

    let t = Instant::now();
    let mut reader = gotrace::Reader::new(&data).expect("reader");
    let mut events = 0u64;
    while let Ok(Some(_)) = reader.read_event() {
        events += 1;
    }
    drop(reader);
    let read = t.elapsed();
    let rss_read = rss_mb("VmHWM:");

    let t = Instant::now();
    let mut reader = gotrace::Reader::new(&data).expect("reader");
    let mut s = Summarizer::new();
    while let Ok(Some(ev)) = reader.read_event() {
        s.event(&ev);
    }
    drop(reader);
    let fed = t.elapsed();
    let rss_fed = rss_mb("VmRSS:");
    let summary = s.finalize();
    let both = t.elapsed();
    let rss_done = rss_mb("VmRSS:");
    let peak = rss_mb("VmHWM:");

    let mb = data.len() as f64 / 1e6;
    eprintln!(
        "{}: {mb:.1} MB, {events} events, {} goroutines, {} tasks, {} regions ({} in goroutines)",
        path.display(),
        summary.goroutines.len(),
        summary.task_count(),
        summary.region_count(),
        summary.goroutine_region_count()
    );
    eprintln!(
        "read only: {:.2} s; read + summarize: {:.2} s (finalize {:.2} s); summarizer: {:.0} ns/event",
        read.as_secs_f64(),
        both.as_secs_f64(),
        (both - fed).as_secs_f64(),
        (both.as_secs_f64() - read.as_secs_f64()) * 1e9 / events.max(1) as f64
    );
    eprintln!(
        "RSS (MB): file {rss_file:.0}; peak reading {rss_read:.0}; after feeding {rss_fed:.0}, after finalize {rss_done:.0}, \
         peak {peak:.0}: summary +{:.0} over reading",
        peak - rss_read
    );

    let sizes = summary.sizes();
    let total_size: usize = sizes.iter().map(|(_, n)| n).sum();
    eprintln!(
        "summary: {:.1} MB: {}",
        total_size as f64 / 1e6,
        sizes.iter().map(|(what, n)| format!("{what} {:.1}", *n as f64 / 1e6)).collect::<Vec<_>>().join(", ")
    );

    // Reading it all back, as the pages do.
    let t = Instant::now();
    let (mut keys, mut total, mut logs) = (0usize, 0i64, 0usize);
    for r in summary.regions() {
        keys += r.stats.block_time_by_reason.len() + r.stats.range_time.len();
        total = total.wrapping_add(r.stats.total_time).wrapping_add(r.start.map_or(0, |e| e.time()));
    }
    for task in summary.tasks() {
        logs += task.logs.iter().filter(|l| l.log().is_some()).count();
        total = total.wrapping_add(task.end.map_or(0, |e| e.time()));
    }
    eprintln!(
        "every region and task viewed in {:.3} s ({:.1} map keys per region, {logs} logs; {total})",
        t.elapsed().as_secs_f64(),
        keys as f64 / summary.region_count().max(1) as f64,
    );
}

/// A line of /proc/self/status in MB (Linux; 0 elsewhere).
fn rss_mb(key: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = status
        .lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}
