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
    let files = common::traces(&["go1.26", "go1.19", "bad"]);
    let (mut compared, mut rejected) = (0, 0);
    for f in &files {
        let data = std::fs::read(f).unwrap();
        for range in [None, Some(TimeRange { from: 1_000_000, to: 50_000_000 })] {
            let one = Options { range, timeline: true, one_thread: true, analyses: true };
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

/// Each event's text, as the consumer sees it.
struct Texts(Vec<String>);

impl gotrace_analysis::Consumer for Texts {
    fn event(&mut self, ev: &gotrace::Event) {
        self.0.push(format!("{ev}"));
    }
}

/// A relay whose other end is slower than the reader (its packets then wait, held, while the
/// reader reads the next generation ahead) hands on every event read, in order, with the
/// tables and strings they refer to: what one thread reads, on every fixture and the shared
/// Go 1.26 and damaged traces.
#[test]
fn a_slow_other_end_gets_every_event_in_order() {
    use gotrace_analysis::driver::{self, Ignore};
    let files = common::traces(&["go1.26", "bad"]);
    let mut compared = 0;
    for f in &files {
        let data = std::fs::read(f).unwrap();
        let mut want = Texts(Vec::new());
        let Ok(want_out) = driver::run(&data, &mut want, &mut Ignore, None, &mut |_, _| {}) else { continue };
        let (mut relay, receiving) = gotrace_analysis::relay::relay_sized(64, 1);
        let (got_out, got) = std::thread::scope(|s| {
            let other = s.spawn(move || {
                let mut got = Texts(Vec::new());
                let mut slow = SlowDown(0);
                receiving.feed(&mut got, &mut slow, None);
                got
            });
            let out = driver::run(&data, &mut relay, &mut Ignore, None, &mut |_, _| {});
            relay.finish();
            (out, other.join().unwrap())
        });
        let got_out = got_out.expect("read once already");
        assert_eq!((got_out.events_read, got_out.events_kept), (want_out.events_read, want_out.events_kept), "{}", f.display());
        assert_eq!(got.0.len(), want.0.len(), "{}: events", f.display());
        for (i, (g, w)) in got.0.iter().zip(&want.0).enumerate() {
            assert_eq!(g, w, "{}: event {i}", f.display());
        }
        compared += 1;
    }
    assert!(compared >= 5, "{compared} traces compared");
}

/// Sleeps now and then: the other end falls behind.
struct SlowDown(u64);

impl gotrace_analysis::Consumer for SlowDown {
    fn event(&mut self, _: &gotrace::Event) {
        self.0 += 1;
        if self.0.is_multiple_of(256) {
            std::thread::sleep(std::time::Duration::from_micros(50));
        }
    }
}
