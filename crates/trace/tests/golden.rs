//! Golden tests on the project's fixtures (made by `scripts/gen-fixtures.sh` with Go 1.27.3):
//! our text dump of every event equals `go tool trace -d=parsed`, byte for byte, and damaged
//! files fail as Go's reader fails.

mod common;

#[test]
fn dump_equals_go_tool_trace_parsed() {
    let traces = common::files(&common::fixtures(), ".trace");
    assert!(traces.len() >= 5, "fixtures missing: {traces:?}");
    for trace in traces {
        let data = std::fs::read(&trace).unwrap();
        let want = std::fs::read_to_string(format!("{}.parsed.txt", trace.display())).unwrap();
        let (got, _, err) = common::dump(&data);
        assert!(err.is_none(), "{}: {err:?}", trace.display());
        if got != want {
            let line = got.lines().zip(want.lines()).position(|(a, b)| a != b).unwrap_or(0);
            panic!(
                "{}: dump differs from go tool trace -d=parsed at line {}:\n got: {:?}\nwant: {:?}",
                trace.display(),
                line + 1,
                got.lines().nth(line),
                want.lines().nth(line)
            );
        }
    }
}

/// The oracle's `parse` section for a file: Go's strict error text and events read before it.
fn oracle_parse(trace: &std::path::Path) -> (Option<String>, usize) {
    let text = std::fs::read_to_string(format!("{}.oracle.json", trace.display())).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let p = &v["parse"];
    (p["strict_error"].as_str().map(str::to_string), p["events_read"].as_u64().unwrap() as usize)
}

#[test]
fn damaged_fixtures_fail_like_go() {
    let bad = common::fixtures().join("bad");
    let traces = common::files(&bad, ".trace");
    assert!(traces.len() >= 5, "bad fixtures missing: {traces:?}");
    for trace in traces {
        let data = std::fs::read(&trace).unwrap();
        let (want_err, want_n) = oracle_parse(&trace);
        let (_, n, err) = common::dump(&data);
        assert_eq!(n, want_n, "{}: events read", trace.display());
        match (want_err, err) {
            (None, None) => {}
            (Some(w), Some(e)) => assert_eq!(e.go_message(), w, "{}", trace.display()),
            (w, e) => panic!("{}: want error {w:?}, got {e:?}", trace.display()),
        }
    }
}

/// The cheap accessor agrees with the full one on every goroutine transition of the fixtures.
#[test]
fn goroutine_transition_agrees_with_state_transition() {
    let mut n = 0;
    for trace in common::files(&common::fixtures(), ".trace") {
        let data = std::fs::read(&trace).unwrap();
        let mut r = gotrace::Reader::new(&data).unwrap();
        while let Some(ev) = r.read_event().unwrap() {
            let full = ev.state_transition().and_then(|st| Some((gotrace::GoId(st.resource.as_goroutine()?.0), st.goroutine()?, st.reason)));
            let cheap = ev.goroutine_transition().map(|(g, a, b)| (g, (a, b), ev.transition_reason()));
            assert_eq!(cheap, full, "{}: {ev}", trace.display());
            n += usize::from(cheap.is_some());
        }
    }
    assert!(n > 1000);
}
