//! Sizes of the timeline of a big trace, by lane kind (not a test of behaviour; ignored):
//! `cargo test --release -p gotrace-analysis --test timeline_stats -- --ignored --nocapture`
//! with GOTRACE_BIG=path (default target/bench/big.trace).

use gotrace_analysis::{driver, timeline::{lod, TimelineBuilder}};

#[test]
#[ignore]
fn sizes_by_kind() {
    let path = std::env::var("GOTRACE_BIG").unwrap_or_else(|_| "../../target/bench/big.trace".into());
    let Ok(data) = std::fs::read(&path) else { return };
    let mut b = TimelineBuilder::new();
    let t = std::time::Instant::now();
    driver::run(&data, &mut driver::Ignore, &mut b, None, &mut |_, _| {}).unwrap();
    let tl = b.finish();
    println!("built in {:.2} s", t.elapsed().as_secs_f64());
    let mut by: std::collections::BTreeMap<&str, (usize, usize, usize)> = Default::default();
    for l in &tl.lanes {
        let e = by.entry(l.kind.as_str()).or_default();
        e.0 += 1;
        e.1 += l.spans.len();
        e.2 += l.spans.bytes();
    }
    for (k, (n, spans, bytes)) in by {
        println!("{k:10} {n:6} lanes {spans:10} spans {:8.1} MB {:.2} B/span", bytes as f64 / 1e6, bytes as f64 / spans.max(1) as f64);
    }
    println!("total {:.1} MB; stacks {} strings {}", tl.bytes() as f64 / 1e6, tl.stacks.stacks.len(), tl.strings.list.len());
    // Query costs: every lane at 3840 cells, whole trace and 1/1000 of it; the counters.
    let all: Vec<u32> = (0..tl.lanes.len() as u32).collect();
    for div in [1, 1000, 1_000_000] {
        let len = (tl.end - tl.start) / div;
        let t0 = tl.start + (tl.end - tl.start) / 3;
        let t = std::time::Instant::now();
        let rows = lod::lanes(&tl, &all, t0, t0 + len, 3840);
        let lanes_ms = t.elapsed().as_secs_f64() * 1e3;
        let t = std::time::Instant::now();
        lod::counters(&tl, t0, t0 + len, 3840);
        println!(
            "window 1/{div}: lod of {} lanes {lanes_ms:.1} ms ({} rows), counters {:.1} ms",
            all.len(),
            rows.len(),
            t.elapsed().as_secs_f64() * 1e3
        );
    }
}
