//! Time and peak memory of each analysis alone, for profiling:
//! `cargo run --release -p gotrace-analysis --example consumers -- FILE [stats|summary|pprof|mmu|timeline|none]...`

use gotrace_analysis::{driver, mmu_page, pprof, stats, summary, Consumer};

fn peak_rss_mb() -> f64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let data = std::fs::read(&args[0]).expect("reading the trace");
    let base = peak_rss_mb();
    let t = std::time::Instant::now();
    let mut st = stats::Stats::new();
    let mut sm = summary::Summarizer::new();
    let mut pp = pprof::BlockingProfiles::new();
    let mut mm = mmu_page::MmuBuilders::new();
    // timeline
    let mut tl = gotrace_analysis::timeline::TimelineBuilder::new();
    let has = |n: &str| args.iter().any(|a| a == n);
    let mut kept: Vec<&mut dyn Consumer> = Vec::new();
    let mut all: Vec<&mut dyn Consumer> = Vec::new();
    if has("stats") {
        kept.push(&mut st);
    }
    if has("pprof") {
        kept.push(&mut pp);
    }
    if has("mmu") {
        kept.push(&mut mm);
    }
    // timeline
    if has("timeline") {
        kept.push(&mut tl);
    }
    if has("summary") {
        all.push(&mut sm);
    }
    driver::run(&data, &mut driver::Fanout(all), &mut driver::Fanout(kept), None, &mut |_, _| {}).expect("a trace");
    // timeline
    if has("timeline") {
        let timeline = tl.finish();
        println!("timeline: {} lanes, {:.0} MB", timeline.lanes.len(), timeline.bytes() as f64 / 1e6);
    }
    println!("{:?}: {:.2} s, peak {:.0} MB over the file's {:.0} MB", &args[1..], t.elapsed().as_secs_f64(), peak_rss_mb() - base, base);
}
