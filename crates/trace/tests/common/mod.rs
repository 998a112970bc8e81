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
