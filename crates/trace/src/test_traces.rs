//! The trace files the unit tests read: the project's fixtures and, if present, the shared
//! corpus next to the repo.

use std::path::{Path, PathBuf};

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().is_some_and(|x| x == "trace") {
            out.push(p);
        }
    }
}

/// Every `.trace` file under `tests/traces` and `../shared/traces`, sorted.
pub(crate) fn all() -> Vec<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    walk(&root.join("tests/traces"), &mut files);
    walk(&root.join("../shared/traces"), &mut files);
    files.sort();
    files
}
