//! A bounded fuzz run on real traces, in every test run: mutated files (bit flips, cut, bytes
//! inserted or deleted, batches duplicated) must give events or a clean error, never a panic
//! or a hang. The coverage-guided fuzz target is in `fuzz/` (cargo fuzz).

mod common;

use common::{mutate, Rng};


#[test]
fn mutated_traces_never_panic() {
    let traces = common::files(&common::fixtures(), ".trace");
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut errors = 0;
    let mut runs = 0;
    for trace in &traces {
        let data = std::fs::read(trace).unwrap();
        for _ in 0..1000 {
            let m = mutate(&mut rng, &data);
            // Reading must end: every step consumes an event or fails.
            let (_, n, err) = common::dump(&m);
            assert!(n <= m.len() * 4 + 16, "more events than bytes could hold");
            errors += usize::from(err.is_some());
            runs += 1;
        }
    }
    // Most mutations must be caught: a test that never sees an error proves nothing.
    assert!(errors * 2 > runs, "{errors} errors in {runs} runs");
}
