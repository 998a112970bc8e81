//! A bounded fuzz run on real traces, in every test run: mutated files (bit flips, cut, bytes
//! inserted or deleted, batches duplicated) must give events or a clean error, never a panic
//! or a hang. The coverage-guided fuzz target is in `fuzz/` (cargo fuzz).

mod common;

/// A small deterministic PRNG (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn mutate(rng: &mut Rng, data: &[u8]) -> Vec<u8> {
    let mut d = data.to_vec();
    let body = 16.min(d.len());
    for _ in 0..1 + rng.below(4) {
        let len = d.len();
        match rng.below(6) {
            0 if len > body => {
                let i = body + rng.below(len - body);
                d[i] ^= 1 << rng.below(8);
            }
            1 if len > body => d.truncate(body + rng.below(len - body)),
            2 => {
                let i = body + rng.below(len.saturating_sub(body) + 1);
                let b = rng.next() as u8;
                d.insert(i.min(d.len()), b);
            }
            3 if len > body + 1 => {
                d.remove(body + rng.below(len - body));
            }
            4 if len > body => {
                let i = body + rng.below(len - body);
                d[i] = [0x00, 0x7f, 0x80, 0xff][rng.below(4)];
            }
            5 if len > body + 64 => {
                let a = body + rng.below(len - body - 64);
                let chunk = d[a..a + 1 + rng.below(64)].to_vec();
                let at = body + rng.below(d.len() - body);
                d.splice(at..at, chunk);
            }
            _ => {}
        }
    }
    d
}

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
