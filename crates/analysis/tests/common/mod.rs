//! Paths shared by the integration tests (each test file uses some of them).
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The project's own fixtures (`tests/traces` at the top of the repo).
pub fn repo_fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/traces")
}

/// The shared corpus next to the repo, if present (it is not on every machine).
pub fn shared() -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/traces");
    p.is_dir().then_some(p)
}

/// The traces of the project's fixtures and, if the shared corpus is present, of its folders
/// `dirs`.
pub fn traces(dirs: &[&str]) -> Vec<PathBuf> {
    let mut files = Vec::new();
    walk(&repo_fixtures(), ".trace", &mut files);
    if let Some(shared) = shared() {
        for dir in dirs {
            walk(&shared.join(dir), ".trace", &mut files);
        }
    }
    files
}

/// Every file under `dir`, recursively, whose name ends in `suffix`, sorted.
pub fn walk(dir: &Path, suffix: &str, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            walk(&p, suffix, out);
        } else if p.to_string_lossy().ends_with(suffix) {
            out.push(p);
        }
    }
}

/// Every `*.oracle.json` under `dir`, recursively, sorted.
pub fn oracles(dir: &Path, out: &mut Vec<PathBuf>) {
    walk(dir, ".oracle.json", out);
}
