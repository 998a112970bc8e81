//! The `gotrace` command as scripts use it: exit codes, one-line errors, the JSON document,
//! the dump, pprof files, warnings for cut traces.

use std::path::PathBuf;
use std::process::{Command, Output};

fn gotrace(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gotrace")).args(args).output().expect("running gotrace")
}

fn fixture(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/traces").join(name).display().to_string()
}

#[test]
fn a_file_that_is_not_a_trace_is_one_line_and_exit_1() {
    for name in ["bad/empty.trace", "bad/wrong-magic.trace", "bad/unsupported-version.trace", "bad/truncated-header.trace"] {
        let out = gotrace(&["analyze", "--json", &fixture(name)]);
        assert_eq!(out.status.code(), Some(1), "{name}");
        assert!(out.stdout.is_empty(), "{name}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{name}: {err}");
        assert!(err.starts_with("gotrace: failed to create trace reader: "), "{name}: {err}");
    }
}

#[test]
fn a_cut_trace_is_analysed_with_a_warning() {
    let out = gotrace(&["analyze", "--json", &fixture("bad/truncated-gen.trace")]);
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("warning: trace is cut short") && err.contains("bytes valid"), "{err}");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["warnings"].as_array().unwrap().len(), 1);
    assert!(doc["events"]["total"].as_u64().unwrap() > 0);
}

#[test]
fn dump_is_go_tool_trace_parsed() {
    let out = gotrace(&["dump", &fixture("sample.trace")]);
    assert_eq!(out.status.code(), Some(0));
    let want = std::fs::read(fixture("sample.trace.parsed.txt")).unwrap();
    assert!(out.stdout == want, "dump differs from go tool trace -d=parsed");
}

#[test]
fn pprof_files_and_go_s_refusal() {
    let dir = std::env::temp_dir().join(format!("gotrace-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("sched.pb.gz");
    let out = gotrace(&["pprof", "--kind", "sched", "-o", file.to_str().unwrap(), &fixture("blocking.trace")]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let p = gotrace_analysis::pprof_proto::from_pprof_gz(&std::fs::read(&file).unwrap()).unwrap();
    assert!(!p.sample.is_empty());
    let out = gotrace(&["pprof", "--kind", "bogus", "-o", file.to_str().unwrap(), &fixture("blocking.trace")]);
    assert_eq!(out.status.code(), Some(1));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn range_restricts_and_bad_ranges_are_refused() {
    let whole: serde_json::Value = serde_json::from_slice(&gotrace(&["analyze", "--json", &fixture("blocking.trace")]).stdout).unwrap();
    let (t0, t1) = (whole["time"]["first"].as_i64().unwrap(), whole["time"]["last"].as_i64().unwrap());
    let mid = t0 + (t1 - t0) / 2;
    let out = gotrace(&["analyze", "--json", "--range", &format!("{mid},"), &fixture("blocking.trace")]);
    let part: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(part["events"]["total"].as_u64() < whole["events"]["total"].as_u64());
    assert_eq!(part["range"]["from"].as_i64(), Some(mid));
    let out = gotrace(&["analyze", "--range", "2,1", &fixture("blocking.trace")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("ends before it starts"));
}

/// A file is mapped (its pages let go as it is read), a pipe is read whole: both give the
/// same document, for a trace of several generations and for a cut one (read twice: the
/// second reading maps again the pages the first let go at its end).
#[test]
fn a_mapped_file_and_a_pipe_give_the_same_document() {
    use std::io::Write;
    use std::process::Stdio;
    for name in ["generations.trace", "bad/truncated-gen.trace"] {
        let path = fixture(name);
        let mapped = gotrace(&["analyze", "--json", &path]);
        assert_eq!(mapped.status.code(), Some(0), "{name}");
        let mut child = Command::new(env!("CARGO_BIN_EXE_gotrace"))
            .args(["analyze", "--json", "/dev/stdin"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let bytes = std::fs::read(&path).unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let writer = std::thread::spawn(move || stdin.write_all(&bytes));
        let piped = child.wait_with_output().unwrap();
        writer.join().unwrap().unwrap();
        assert_eq!(piped.status.code(), Some(0), "{name}");
        let mut a: serde_json::Value = serde_json::from_slice(&mapped.stdout).unwrap();
        let mut b: serde_json::Value = serde_json::from_slice(&piped.stdout).unwrap();
        a["file"]["name"] = serde_json::Value::Null;
        b["file"]["name"] = serde_json::Value::Null;
        assert!(a == b, "{name}: the documents differ");
        assert!(a["events"]["total"].as_u64().unwrap() > 0, "{name}");
    }
}
