//! A bounded fuzz run on the v1 (Go 1.11-1.21) fixtures, in every test run: mutated files (bit
//! flips, cuts, bytes inserted or deleted, chunks duplicated) must give events or a clean error,
//! never a panic or a hang. A v1 trace is parsed whole by `Reader::new`, so most mutations fail
//! there.

mod common;

use common::{mutate, Rng};


#[test]
fn mutated_v1_traces_never_panic() {
    let mut traces = common::files(&common::fixtures().join("v1"), ".trace");
    assert!(traces.len() >= 2, "v1 fixtures missing: {traces:?}");
    if let Some(shared) = common::shared() {
        let d = shared.join("golang-testdata/tracev1");
        if d.is_dir() {
            traces.extend(common::files(&d, "_1_11_good"));
        }
    }
    let mut rng = Rng(0x5851_f42d_4c95_7f2d);
    let (mut errors, mut runs) = (0, 0);
    for trace in &traces {
        let data = std::fs::read(trace).unwrap();
        let iters = if data.len() > 20_000 { 200 } else { 1000 };
        for _ in 0..iters {
            let m = mutate(&mut rng, &data);
            let (_, n, err) = common::dump(&m);
            assert!(n <= m.len() * 4 + 16, "more events than bytes could hold");
            errors += usize::from(err.is_some());
            runs += 1;
        }
    }
    // Most mutations must be caught: a test that never sees an error proves nothing.
    assert!(errors * 2 > runs, "{errors} errors in {runs} runs");
}

#[test]
fn v1_truncations_never_panic() {
    for trace in common::files(&common::fixtures().join("v1"), ".trace") {
        let data = std::fs::read(&trace).unwrap();
        for cut in 0..data.len() {
            let (_, _, _) = common::dump(&data[..cut]);
        }
    }
}
