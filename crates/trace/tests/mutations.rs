//! A bounded fuzz run on real traces, in every test run: mutated files (bit flips, cut, bytes
//! inserted or deleted, batches duplicated) must give events or a clean error, never a panic
//! or a hang. The coverage-guided fuzz target is in `fuzz/` (cargo fuzz).

mod common;



#[test]
fn mutated_traces_never_panic() {
    let traces = common::files(&common::fixtures(), ".trace");
    let (errors, runs) = common::fuzz(&traces, 0x9e37_79b9_7f4a_7c15, |_| 1000);
    // Most mutations must be caught: a test that never sees an error proves nothing.
    assert!(errors * 2 > runs, "{errors} errors in {runs} runs");
}
