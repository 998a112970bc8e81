//! Counts the events of a trace: the reader alone, for profiling.
//! `cargo run --release -p gotrace --example count -- FILE`

fn main() {
    let path = std::env::args().nth(1).expect("usage: count FILE");
    let data = std::fs::read(&path).expect("reading the trace");
    let t = std::time::Instant::now();
    let mut n = 0u64;
    let mut r = gotrace::Reader::new(&data).expect("a trace");
    loop {
        match r.next_event() {
            Ok(Some(_)) => n += 1,
            Ok(None) => break,
            Err(e) => {
                eprintln!("{e}");
                break;
            }
        }
    }
    let s = t.elapsed().as_secs_f64();
    println!("{n} events in {s:.3} s: {:.1} MB/s, {:.1} ns/event", data.len() as f64 / 1e6 / s, s * 1e9 / n as f64);
}
