//! Events lent by `next_event`, packed, sent to another thread and unpacked there are the
//! events `read_event` gives, in Go's text form (which shows every argument, the strings of
//! the tables, stacks with their frames, and the task types the ordering adds), on every
//! fixture and, if present, the shared corpus.

mod common;

use std::path::{Path, PathBuf};

use gotrace::{Packer, Packet, Reader, Unpacker};

fn traces(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            traces(&p, out);
        } else if p.extension().is_some_and(|x| x == "trace") {
            out.push(p);
        }
    }
}

/// The text of every event read from `data` with `read_event`, and the error, if any.
fn expected(data: &[u8]) -> (Vec<String>, Option<String>) {
    let mut r = Reader::new(data).expect("a trace");
    let mut out = Vec::new();
    loop {
        match r.read_event() {
            Ok(Some(ev)) => out.push(format!("{ev}")),
            Ok(None) => return (out, None),
            Err(e) => return (out, Some(e.to_string())),
        }
    }
}

/// The same through `next_event`, packets of `per` events and a second thread.
fn handed_off(data: &[u8], per: usize) -> (Vec<String>, Option<String>) {
    let (tx, rx) = std::sync::mpsc::channel::<Packet>();
    let other = std::thread::spawn(move || {
        let mut u = Unpacker::default();
        let mut out = Vec::new();
        for mut p in rx {
            u.unpack(&mut p, |ev| out.push(format!("{ev}")));
            assert!(p.is_empty(), "unpacking empties the packet");
        }
        out
    });
    let mut r = Reader::new(data).expect("a trace");
    let (mut packer, mut packet) = (Packer::default(), Packet::with_capacity(per));
    let err = loop {
        match r.next_event() {
            Ok(Some(ev)) => {
                packer.pack(ev, &mut packet);
                if packet.len() == per {
                    tx.send(std::mem::take(&mut packet)).unwrap();
                }
            }
            Ok(None) => break None,
            Err(e) => break Some(e.to_string()),
        }
    };
    tx.send(packet).unwrap();
    drop(tx);
    (other.join().expect("the unpacking thread"), err)
}

#[test]
fn handed_off_events_are_the_events_read() {
    let mut files = Vec::new();
    traces(&common::fixtures(), &mut files);
    if let Some(shared) = common::shared() {
        traces(&shared, &mut files);
    }
    files.sort();
    let (mut events, mut generations) = (0, 0);
    for f in &files {
        let data = std::fs::read(f).unwrap();
        if Reader::new(&data).is_err() {
            continue;
        }
        let want = expected(&data);
        // Packets of one event, of a few (tables and strings arrive mid-packet) and big ones.
        for per in [1, 7, 4096] {
            let got = handed_off(&data, per);
            assert_eq!(got.1, want.1, "{}: error, packets of {per}", f.display());
            assert_eq!(got.0.len(), want.0.len(), "{}: events, packets of {per}", f.display());
            for (i, (g, w)) in got.0.iter().zip(&want.0).enumerate() {
                assert_eq!(g, w, "{}: event {i}, packets of {per}", f.display());
            }
        }
        events += want.0.len();
        generations += want.0.iter().filter(|e| e.contains("Sync")).count();
    }
    assert!(events > 10_000 && generations > 10, "{events} events, {generations} syncs compared");
}
