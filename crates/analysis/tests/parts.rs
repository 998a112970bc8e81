//! The two parts the browser computes in two workers: the timeline alone
//! (`Options::analyses` off) is the timeline of the whole analysis, and the analyses alone
//! (`Options::timeline` off) give its whole document; each part reads the trace as the whole
//! does (same outcome, same rejections) — on every fixture (v1, cut and damaged ones included,
//! which are read twice) and, if present, the shared corpus.

mod common;

use gotrace_analysis::range::TimeRange;
use gotrace_analysis::{Analysis, Detail, Options};

struct Parts {
    doc: String,
    timeline: String,
    outcome: String,
    goroutines: usize,
}

fn run(data: &[u8], opts: &Options) -> Result<Parts, String> {
    let a = Analysis::run_with(data, "t", opts, &mut |_, _| {}).map_err(|e| e.to_string())?;
    let report = a.report(Detail::Full);
    Ok(Parts {
        doc: serde_json::to_string(&report).expect("a document"),
        timeline: format!("{:?}", a.timeline),
        outcome: format!("{:?}", a.outcome),
        goroutines: report.goroutines.len(),
    })
}

#[test]
fn each_part_is_what_the_whole_computes() {
    let files = common::traces(&["go1.26", "go1.19", "bad"]);
    let (mut compared, mut rejected, mut with_goroutines) = (0, 0, 0);
    for f in &files {
        let data = std::fs::read(f).unwrap();
        for range in [None, Some(TimeRange { from: 1_000_000, to: 50_000_000 })] {
            let whole = Options { range, ..Options::default() };
            let timeline = Options { analyses: false, ..whole };
            let analyses = Options { timeline: false, ..whole };
            let (w, t, a) = (run(&data, &whole), run(&data, &timeline), run(&data, &analyses));
            assert_eq!(w.as_ref().err(), t.as_ref().err(), "{}: the timeline part is rejected as the whole is", f.display());
            assert_eq!(w.as_ref().err(), a.as_ref().err(), "{}: the analyses part is rejected as the whole is", f.display());
            let (Ok(w), Ok(t), Ok(a)) = (w, t, a) else {
                rejected += 1;
                continue;
            };
            assert!(w.timeline == t.timeline, "{} (range {range:?}): the timeline part's timeline differs", f.display());
            assert!(w.doc == a.doc, "{} (range {range:?}): the analyses part's document differs", f.display());
            assert_eq!(w.outcome, t.outcome, "{}", f.display());
            assert_eq!(w.outcome, a.outcome, "{}", f.display());
            // The timeline part does not compute the analyses.
            assert_eq!(t.goroutines, 0, "{}", f.display());
            with_goroutines += usize::from(w.goroutines > 0);
            compared += 1;
        }
    }
    assert!(compared >= 20 && rejected >= 2 && with_goroutines >= 10, "{compared} compared, {rejected} rejected, {with_goroutines} with goroutines");
}
