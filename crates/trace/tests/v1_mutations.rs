//! A bounded fuzz run on the v1 (Go 1.11-1.21) fixtures, in every test run: mutated files (bit
//! flips, cuts, bytes inserted or deleted, chunks duplicated) must give events or a clean error,
//! never a panic or a hang. A v1 trace is parsed whole by `Reader::new`, so most mutations fail
//! there.

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
        match rng.below(7) {
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
            6 if len > body => {
                // A value that changes meaning: a goroutine id, a sequence number, a P.
                let i = body + rng.below(len - body);
                d[i] = d[i].wrapping_add([1, 2, 0x3f, 0x40][rng.below(4)]);
            }
            _ => {}
        }
    }
    d
}

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
