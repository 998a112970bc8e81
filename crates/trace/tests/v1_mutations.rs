//! A bounded fuzz run on the v1 (Go 1.11-1.21) fixtures, in every test run: mutated files (bit
//! flips, cuts, bytes inserted or deleted, chunks duplicated) must give events or a clean error,
//! never a panic or a hang. A v1 trace is parsed whole by `Reader::new`, so most mutations fail
//! there.

mod common;



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
    let (errors, runs) = common::fuzz(&traces, 0x5851_f42d_4c95_7f2d, |len| if len > 20_000 { 200 } else { 1000 });
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
