//! The analyses of a trace read a window at a time from a source (as the browser reads it)
//! equal those of its bytes in memory: the whole document, the timeline and a scoped profile,
//! on every fixture (v1, cut and damaged ones included, which are read twice) and, if present,
//! the shared corpus; and the windows stay small.

mod common;

use std::cell::Cell;

use gotrace_analysis::{queries, Analysis, ByteSource, Detail, Options};

/// A trace's bytes, handed out in windows of at least `least` bytes; remembers the most bytes
/// asked for at once.
struct Windows<'a> {
    data: &'a [u8],
    least: usize,
    largest: Cell<usize>,
}

impl ByteSource for Windows<'_> {
    fn len(&self) -> u64 {
        self.data.len() as u64
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<(), String> {
        self.largest.set(self.largest.get().max(buf.len()));
        self.data.read_at(offset, buf)
    }

    fn read_size(&self) -> usize {
        self.least
    }
}

fn results(a: &Analysis) -> (String, String) {
    (serde_json::to_string(&a.report(Detail::Full)).expect("a document"), format!("{:?}", a.timeline))
}

#[test]
fn windows_give_what_the_bytes_give() {
    let mut files = Vec::new();
    common::walk(&common::repo_fixtures(), ".trace", &mut files);
    if let Some(shared) = common::shared() {
        for dir in ["go1.26", "go1.19", "golang-testdata/binary", "bad"] {
            common::walk(&shared.join(dir), ".trace", &mut files);
        }
    }
    let (mut compared, mut rejected, mut small) = (0, 0, 0);
    for f in &files {
        let data = std::fs::read(f).unwrap();
        let opts = Options { one_thread: true, ..Options::default() };
        let whole = Analysis::run_with(&data, "t", &opts, &mut |_, _| {});
        for least in [64, 4096] {
            let src = Windows { data: &data, least, largest: Cell::new(0) };
            let windowed = Analysis::run_source(&src, "t", &opts, &mut |_, _| {});
            match (&whole, &windowed) {
                (Ok(a), Ok(b)) => {
                    let (a, b) = (results(a), results(b));
                    assert!(a.0 == b.0, "{} (windows of {least}+): documents differ", f.display());
                    assert!(a.1 == b.1, "{} (windows of {least}+): timelines differ", f.display());
                    compared += 1;
                }
                (Err(a), Err(b)) => {
                    assert_eq!(a.to_string(), b.to_string(), "{}", f.display());
                    rejected += 1;
                }
                _ => panic!("{}: one read failed, the other not: {:?} / {:?}", f.display(), whole.is_ok(), windowed.is_ok()),
            }
            let syncs = whole.as_ref().map_or(0, |a| a.stats.syncs);
            let v1 = gotrace::read_header(&data).is_ok_and(|(v, _)| v.is_v1());
            if least == 64 && syncs > 3 && !v1 && src.largest.get() < data.len() / 2 {
                small += 1;
            }
        }
        // A scoped profile reads the trace again, from the source too.
        if let Ok(a) = &whole {
            if let Some(g) = a.summary.goroutines.values().next() {
                let scope = format!("group:{}", g.name);
                let src = Windows { data: &data, least: 64, largest: Cell::new(0) };
                let want = queries::profile(&data, a, "sched", &scope).map(|p| format!("{p:?}")).map_err(|e| e.to_string());
                let got = queries::profile(gotrace_analysis::Input::Source(&src), a, "sched", &scope).map(|p| format!("{p:?}")).map_err(|e| e.to_string());
                assert_eq!(got, want, "{}: scoped profile", f.display());
            }
        }
    }
    assert!(compared >= 20 && rejected >= 2, "{compared} compared, {rejected} rejected");
    assert!(small > 0, "no trace of several generations was read in windows under half its size");
}
