//! Go's own reader tests (`internal/trace/testdata/tests/*.test`, in `../shared`): each holds a
//! trace and the expected outcome, SUCCESS or FAILURE "regexp". The binary form of each trace
//! sits in `golang-testdata/binary/tests`.

mod common;

/// Go's expectation regexps here are literal text, possibly wrapped in `.*`.
fn matches(pattern: &str, text: &str) -> bool {
    let p = pattern.trim_start_matches(".*").trim_end_matches(".*");
    assert!(!p.contains(['*', '+', '?', '[', '(', '|', '^', '$']), "pattern needs a real regexp engine: {pattern}");
    text.contains(&p.replace("\\.", "."))
}

#[test]
fn go_reader_expectations_hold() {
    let Some(shared) = common::shared() else {
        eprintln!("note: ../shared/traces not present; Go's reader tests skipped");
        return;
    };
    let dir = shared.join("golang-testdata");
    let tests = common::files(&dir.join("tests"), ".test");
    assert!(tests.len() >= 20);
    let (mut ok, mut failures) = (0, 0);
    for test in tests {
        let text = std::fs::read_to_string(&test).unwrap();
        let expect = text.split("-- expect --\n").nth(1).and_then(|s| s.lines().next()).unwrap().trim().to_string();
        let name = test.file_stem().unwrap().to_string_lossy().into_owned();
        let data = std::fs::read(dir.join("binary/tests").join(format!("{name}.trace"))).unwrap();
        let (_, _, err) = common::dump(&data);
        if expect == "SUCCESS" {
            assert!(err.is_none(), "{name}: expected success, got {err:?}");
            ok += 1;
        } else {
            let pattern = expect.strip_prefix("FAILURE ").unwrap().trim_matches('"');
            let err = err.unwrap_or_else(|| panic!("{name}: expected failure matching {pattern:?}, got success"));
            assert!(matches(pattern, &err.to_string()), "{name}: error {err} does not match {pattern:?}");
            failures += 1;
        }
    }
    assert_eq!((ok, failures), (20, 2));
}
