//! Golden tests of Go 1.11-1.21 ("v1") traces: the project's v1 fixtures (made by
//! `scripts/gen-v1-fixtures.sh` with Go 1.19, dumped by Go 1.27.3's `go tool trace -d=parsed`)
//! dump byte for byte as Go does; small hand-made traces give Go's events and errors; and, where
//! the shared corpus is present, every v1 trace of it gives the events the oracle counted and
//! every damaged one Go's error.

mod common;

use std::path::{Path, PathBuf};

fn v1_fixtures() -> PathBuf {
    common::fixtures().join("v1")
}

fn first_difference(got: &str, want: &str) -> String {
    let line = got.lines().zip(want.lines()).position(|(a, b)| a != b).unwrap_or_else(|| got.lines().count().min(want.lines().count()));
    format!("at line {}:\n got: {:?}\nwant: {:?}", line + 1, got.lines().nth(line), want.lines().nth(line))
}

#[test]
fn v1_dump_equals_go_tool_trace_parsed() {
    let traces = common::files(&v1_fixtures(), ".trace");
    assert!(traces.len() >= 2, "v1 fixtures missing: {traces:?}");
    for trace in traces {
        let data = std::fs::read(&trace).unwrap();
        assert!(data.starts_with(b"go 1.19 trace\0\0\0"), "{}: not a Go 1.19 trace", trace.display());
        let want = std::fs::read_to_string(format!("{}.parsed.txt", trace.display())).unwrap();
        let (got, _, err) = common::dump(&data);
        assert!(err.is_none(), "{}: {err:?}", trace.display());
        assert!(got == want, "{}: dump differs from go tool trace -d=parsed {}", trace.display(), first_difference(&got, &want));
    }
}

/// A v1 event on the wire: type, then the values (timestamp delta first); more than 3 values
/// are length-prefixed.
fn ev(typ: u8, vals: &[u64]) -> Vec<u8> {
    fn uv(out: &mut Vec<u8>, mut v: u64) {
        while v >= 0x80 {
            out.push(v as u8 | 0x80);
            v >>= 7;
        }
        out.push(v as u8);
    }
    let mut body = Vec::new();
    for &v in vals {
        uv(&mut body, v);
    }
    if vals.len() <= 3 {
        let mut out = vec![typ | ((vals.len() as u8 - 1) << 6)];
        out.extend(body);
        out
    } else {
        let mut out = vec![typ | 3 << 6];
        uv(&mut out, body.len() as u64);
        out.extend(body);
        out
    }
}

fn trace(events: &[Vec<u8>]) -> Vec<u8> {
    let mut t = b"go 1.19 trace\0\0\0".to_vec();
    for e in events {
        t.extend(e);
    }
    t
}

// v1 event types used below.
const BATCH: u8 = 1;
const FREQUENCY: u8 = 2;
const GOMAXPROCS: u8 = 4;
const PROC_START: u8 = 5;
const PROC_STOP: u8 = 6;
const GO_CREATE: u8 = 13;
const GO_START: u8 = 14;
const GO_END: u8 = 15;

/// Hand-made traces with what Go 1.27.3's `go tool trace -d=parsed` printed for them.
#[test]
fn v1_small_traces_as_go() {
    let freq = ev(FREQUENCY, &[1_000_000_000]);
    // A goroutine that existed when tracing started runs and ends.
    let ok = trace(&[
        ev(BATCH, &[0, 100]),
        ev(PROC_START, &[1, 5]),
        ev(GO_CREATE, &[1, 1, 0, 0]),
        ev(GOMAXPROCS, &[1, 4, 0]),
        ev(GO_START, &[1, 1, 1]),
        ev(GO_END, &[1]),
        ev(PROC_STOP, &[1]),
        freq.clone(),
    ]);
    let (got, n, err) = common::dump(&ok);
    assert!(err.is_none(), "{err:?}");
    assert_eq!(n, 7);
    assert_eq!(
        got,
        "M=-1 P=-1 G=-1 Sync Time=-1 N=1\n\
         M=5 P=0 G=-1 StateTransition Time=0 ProcID=0 Undetermined->Running Reason=\"\"\n\
         M=-1 P=-1 G=-1 StateTransition Time=2 GoID=1 Undetermined->Runnable Reason=\"\"\n\
         M=5 P=0 G=1 StateTransition Time=3 GoID=1 Runnable->Running Reason=\"\"\n\
         M=5 P=0 G=1 StateTransition Time=4 GoID=1 Running->NotExist Reason=\"\"\n\
         M=5 P=0 G=-1 StateTransition Time=5 ProcID=0 Running->Idle Reason=\"\"\n\
         M=-1 P=-1 G=-1 Sync Time=6 N=2\n"
    );

    // Two Ps, merged by time.
    let two = trace(&[
        ev(BATCH, &[0, 100]),
        ev(PROC_START, &[1, 5]),
        ev(GOMAXPROCS, &[1, 4, 0]),
        ev(PROC_STOP, &[10]),
        ev(BATCH, &[1, 100]),
        ev(PROC_START, &[2, 6]),
        ev(PROC_STOP, &[3]),
        freq.clone(),
    ]);
    let (got, _, err) = common::dump(&two);
    assert!(err.is_none(), "{err:?}");
    assert_eq!(
        got,
        "M=-1 P=-1 G=-1 Sync Time=-1 N=1\n\
         M=5 P=0 G=-1 StateTransition Time=0 ProcID=0 Undetermined->Running Reason=\"\"\n\
         M=6 P=1 G=-1 StateTransition Time=1 ProcID=1 Undetermined->Running Reason=\"\"\n\
         M=6 P=1 G=-1 StateTransition Time=4 ProcID=1 Running->Idle Reason=\"\"\n\
         M=5 P=0 G=-1 StateTransition Time=11 ProcID=0 Running->Idle Reason=\"\"\n\
         M=-1 P=-1 G=-1 Sync Time=12 N=2\n"
    );

    // Errors: Reader::new fails, as Go's NewReader; the offset is where the event is.
    let cases: Vec<(Vec<u8>, &str, Option<u64>)> = vec![
        (b"go 1.19 trace\0\0\0".to_vec(), "no EvFrequency event", None),
        (trace(&[vec![0x01]]), "EvBatch has wrong number of arguments: got 1, want 2", Some(16)),
        (trace(&[vec![0x05, 0x01]]), "read event 5 with current P of 0, but P has no batches yet", Some(16)),
        (trace(&[ev(BATCH, &[0, 100]), vec![0x45, 0x80]]), "failed to read event 5 argument: malformatted base-128 varint", Some(19)),
        (
            trace(&[
                ev(BATCH, &[0, 100]),
                ev(PROC_START, &[1, 5]),
                ev(GO_CREATE, &[1, 1, 0, 0]),
                ev(GOMAXPROCS, &[1, 4, 0]),
                ev(GO_START, &[1, 1, 7]),
                ev(GO_END, &[1]),
                ev(PROC_STOP, &[1]),
                freq.clone(),
            ]),
            "no consistent ordering of events possible",
            Some(32),
        ),
        (
            trace(&[
                ev(BATCH, &[0, 100]),
                ev(PROC_START, &[1, 5]),
                ev(GOMAXPROCS, &[1, 4, 0]),
                ev(GO_END, &[1]),
                ev(PROC_STOP, &[1]),
                freq,
            ]),
            "g 0 did GoEnd (time 2)",
            Some(26),
        ),
    ];
    for (data, want, offset) in cases {
        match gotrace::Reader::new(&data) {
            Ok(_) => panic!("{want}: no error"),
            Err(e) => {
                assert_eq!(e.go_message(), want);
                if let (Some(off), gotrace::Error::Format { offset: got, .. }) = (offset, &e) {
                    assert_eq!(*got, off, "{want}");
                }
            }
        }
    }
}

/// The oracle's numbers for a trace: events by kind, Go's strict error and events read.
struct Oracle {
    v1: bool,
    total: Option<u64>,
    by_kind: serde_json::Value,
    strict_error: Option<String>,
    events_read: u64,
}

fn oracle(trace: &Path) -> Option<Oracle> {
    let text = std::fs::read_to_string(format!("{}.oracle.json", trace.display())).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    Some(Oracle {
        v1: v["header"]["format"] == "v1",
        total: v["events"]["total"].as_u64(),
        by_kind: v["events"]["by_kind"].clone(),
        strict_error: v["parse"]["strict_error"].as_str().map(str::to_string),
        events_read: v["parse"]["events_read"].as_u64().unwrap_or(0),
    })
}

fn by_kind(data: &[u8]) -> (serde_json::Map<String, serde_json::Value>, u64, Option<gotrace::Error>) {
    let mut counts = std::collections::BTreeMap::<String, u64>::new();
    let mut n = 0;
    let mut err = None;
    match gotrace::Reader::new(data) {
        Err(e) => err = Some(e),
        Ok(mut r) => loop {
            match r.read_event() {
                Ok(Some(ev)) => {
                    *counts.entry(ev.kind().as_str().to_string()).or_default() += 1;
                    n += 1;
                }
                Ok(None) => break,
                Err(e) => {
                    err = Some(e);
                    break;
                }
            }
        },
    }
    (counts.into_iter().map(|(k, v)| (k, v.into())).collect(), n, err)
}

/// Every v1 trace with an oracle output: the project's fixtures and, if present, the shared
/// corpus (its Go 1.19 traces, Go's own v1 test data, damaged files, fuzz inputs).
fn v1_traces_with_oracle() -> Vec<(PathBuf, Oracle)> {
    let mut dirs = vec![v1_fixtures()];
    if let Some(shared) = common::shared() {
        for d in ["go1.19", "golang-testdata/tracev1", "bad", "golang-testdata/binary/fuzz"] {
            dirs.push(shared.join(d));
        }
    }
    let mut out = Vec::new();
    for dir in dirs {
        if !dir.is_dir() {
            continue;
        }
        for f in common::files(&dir, "") {
            if f.to_string_lossy().ends_with(".json") || f.to_string_lossy().ends_with(".txt") {
                continue;
            }
            if let Some(o) = oracle(&f) {
                if o.v1 {
                    out.push((f, o));
                }
            }
        }
    }
    out
}

#[test]
fn v1_events_and_errors_as_the_oracle() {
    let traces = v1_traces_with_oracle();
    let want = if common::shared().is_some() { 25 } else { 2 };
    assert!(traces.len() >= want, "{} v1 traces found", traces.len());
    for (trace, o) in traces {
        let data = std::fs::read(&trace).unwrap();
        let (kinds, n, err) = by_kind(&data);
        let name = trace.display();
        match (&o.strict_error, &err) {
            (None, None) => {
                assert_eq!(Some(n), o.total, "{name}: events");
                assert_eq!(serde_json::Value::Object(kinds), o.by_kind, "{name}: events by kind");
            }
            (Some(w), Some(e)) => {
                assert_eq!(&e.go_message(), w, "{name}");
                assert_eq!(n, o.events_read, "{name}: events read before the error");
            }
            (w, e) => panic!("{name}: want error {w:?}, got {e:?}"),
        }
    }
}
