//! The analyses fed through the relay to a second thread give what one thread gives: the
//! whole document, with and without a time range, and the timeline, on every fixture (v1,
//! cut and damaged ones included, which are read twice) and, if present, the shared corpus.

mod common;

use gotrace_analysis::{Analysis, Detail, Options};
use gotrace_analysis::range::TimeRange;

fn run(data: &[u8], opts: &Options) -> Result<(String, String), String> {
    let a = Analysis::run_with(data, "t", opts, &mut |_, _| {}).map_err(|e| e.to_string())?;
    let doc = serde_json::to_string(&a.report(Detail::Full)).expect("a document");
    Ok((doc, format!("{:?}", a.timeline)))
}

#[test]
fn two_threads_give_what_one_gives() {
    assert!(std::thread::available_parallelism().is_ok_and(|n| n.get() > 1), "this test needs two cores to compare");
    let mut files = Vec::new();
    common::walk(&common::repo_fixtures(), ".trace", &mut files);
    if let Some(shared) = common::shared() {
        for dir in ["go1.26", "go1.19", "bad"] {
            common::walk(&shared.join(dir), ".trace", &mut files);
        }
    }
    let (mut compared, mut rejected) = (0, 0);
    for f in &files {
        let data = std::fs::read(f).unwrap();
        for range in [None, Some(TimeRange { from: 1_000_000, to: 50_000_000 })] {
            let one = Options { range, timeline: true, one_thread: true };
            let two = Options { one_thread: false, ..one };
            let (a, b) = (run(&data, &one), run(&data, &two));
            rejected += usize::from(a.is_err());
            assert_eq!(a.is_ok(), b.is_ok(), "{}", f.display());
            if let (Ok(a), Ok(b)) = (a, b) {
                assert!(a.0 == b.0, "{} (range {range:?}): documents differ", f.display());
                assert!(a.1 == b.1, "{} (range {range:?}): timelines differ", f.display());
                compared += 1;
            }
        }
        // Without the timeline, the reading thread counts and the other adds the state
        // transitions' stats: the shares must add up to the stats of one thread.
        let one = Options { timeline: false, one_thread: true, ..Options::default() };
        let two = Options { one_thread: false, ..one };
        assert_eq!(run(&data, &one).map(|r| r.0), run(&data, &two).map(|r| r.0), "{}", f.display());
    }
    assert!(compared >= 20 && rejected >= 2, "{compared} compared, {rejected} rejected");
}
