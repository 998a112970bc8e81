//! Coverage-guided fuzzing of the reader and the analyses: any bytes must give events or a
//! clean error, never a panic or a hang (Go's FuzzReader does the same for internal/trace).
//!
//! `cargo fuzz run reader fuzz/corpus/reader` (seed the corpus with tests/traces/*.trace).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(mut r) = gotrace::Reader::new(data) {
        while let Ok(Some(ev)) = r.read_event() {
            let _ = ev.to_string();
        }
    }
    let _ = gotrace_analysis::analyze(data, "fuzz", &mut |_, _| {});
});
