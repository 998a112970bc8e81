//! `gotrace bench`: parse throughput and the cost of all analyses, as one JSON line.

use std::process::ExitCode;
use std::time::Instant;

pub fn bench(data: &[u8]) -> anyhow::Result<ExitCode> {
    let mb = data.len() as f64 / 1e6;
    // Parse and order only.
    let t = Instant::now();
    let mut events = 0u64;
    let mut reader = gotrace::Reader::new(data)?;
    while reader.next_event()?.is_some() {
        events += 1;
    }
    let parse_s = t.elapsed().as_secs_f64();
    // Parse, order and every analysis, then the document without per-item lists (the
    // lists are output formatting: the full JSON of a big trace runs to hundreds of MB).
    let t = Instant::now();
    let opts = gotrace_analysis::Options { timeline: false, ..Default::default() };
    let analysis = gotrace_analysis::Analysis::run_with(data, "bench", &opts, &mut |_, _| {})?;
    let report = analysis.report(gotrace_analysis::Detail::Aggregates);
    let analyze_s = t.elapsed().as_secs_f64();
    // The web app also builds the timeline in the same pass.
    let t = Instant::now();
    let with_timeline = gotrace_analysis::Analysis::run(data, "bench", &mut |_, _| {})?;
    let timeline_s = t.elapsed().as_secs_f64();
    drop(with_timeline);
    let out = serde_json::json!({
        "bytes": data.len(),
        "events": events,
        "events_kept": report.events.total,
        "parse_seconds": parse_s,
        "parse_mb_per_s": mb / parse_s,
        "parse_events_per_s": events as f64 / parse_s,
        "analyze_seconds": analyze_s,
        "analyze_mb_per_s": mb / analyze_s,
        "analyze_with_timeline_seconds": timeline_s,
        "analyze_with_timeline_mb_per_s": mb / timeline_s,
    });
    println!("{out}");
    Ok(ExitCode::SUCCESS)
}
