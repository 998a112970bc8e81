//! Paths shared by the integration tests (each test file uses some of them).
#![allow(dead_code)]

use std::path::PathBuf;

/// The project's own fixture traces (`tests/traces` at the top of the repo).
pub fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/traces")
}

/// The shared corpus next to the repo, if present (it is not on every machine).
pub fn shared() -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/traces");
    p.is_dir().then_some(p)
}

/// Reads every event: the text of each (as `go tool trace -d=parsed`) and the error, if any.
pub fn dump(data: &[u8]) -> (String, usize, Option<gotrace::Error>) {
    let mut out = String::new();
    let mut n = 0;
    let mut r = match gotrace::Reader::new(data) {
        Ok(r) => r,
        Err(e) => return (out, 0, Some(e)),
    };
    loop {
        match r.read_event() {
            Ok(Some(ev)) => {
                out += &format!("{ev}\n");
                n += 1;
            }
            Ok(None) => return (out, n, None),
            Err(e) => return (out, n, Some(e)),
        }
    }
}

/// Files in `dir` ending in `ext`, sorted.
pub fn files(dir: &std::path::Path, ext: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(ext))
        .collect();
    v.sort();
    v
}

/// A small deterministic PRNG (xorshift64*), so failures reproduce.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Applies 1 to 4 random mutations after the 16-byte header.
pub fn mutate(rng: &mut Rng, data: &[u8]) -> Vec<u8> {
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

/// Mutates each trace `iters(len)` times and reads every mutant to the end: reading must end
/// (every step consumes an event or fails) and not panic. Returns (errors, runs); callers
/// check that most mutants were caught, so the run is not vacuous.
pub fn fuzz(traces: &[PathBuf], seed: u64, iters: impl Fn(usize) -> usize) -> (usize, usize) {
    let mut rng = Rng(seed);
    let (mut errors, mut runs) = (0, 0);
    for trace in traces {
        let data = std::fs::read(trace).unwrap();
        for _ in 0..iters(data.len()) {
            let m = mutate(&mut rng, &data);
            let (_, n, err) = dump(&m);
            assert!(n <= m.len() * 4 + 16, "more events than bytes could hold");
            errors += usize::from(err.is_some());
            runs += 1;
        }
    }
    (errors, runs)
}
