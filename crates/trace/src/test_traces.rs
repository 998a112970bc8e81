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

/// Events in Go's text form, and the error that stopped the reading, if any.
pub(crate) type Text = (Vec<String>, Option<String>);

/// The text of every event read from `data` (Go's text form, which shows every argument, the
/// tables' strings, stacks with their frames and the task types the ordering adds), and the
/// error that stopped the reading, if any.
pub(crate) fn events_text(data: &[u8]) -> Text {
    let mut r = crate::Reader::new(data).expect("a trace");
    let mut out = Vec::new();
    loop {
        match r.read_event() {
            Ok(Some(ev)) => out.push(format!("{ev}")),
            Ok(None) => return (out, None),
            Err(e) => return (out, Some(e.to_string())),
        }
    }
}

/// The readable traces of [`all`], each with its bytes and [`events_text`].
pub(crate) fn readable() -> Vec<(PathBuf, Vec<u8>, Text)> {
    all()
        .into_iter()
        .filter_map(|f| {
            let data = std::fs::read(&f).ok()?;
            crate::Reader::new(&data).ok()?;
            let text = events_text(&data);
            Some((f, data, text))
        })
        .collect()
}

/// Asserts that `got` (events in text form, error) equals `want`, event by event.
pub(crate) fn assert_same(got: &Text, want: &Text, what: &str) {
    assert_eq!(got.1, want.1, "{what}: error");
    assert_eq!(got.0.len(), want.0.len(), "{what}: events");
    for (i, (g, w)) in got.0.iter().zip(&want.0).enumerate() {
        assert_eq!(g, w, "{what}: event {i}");
    }
}
