//! Analyses of Go execution traces, each computed in one pass over the ordered events, matching
//! Go's `internal/trace` (summary.go, gc.go) and `cmd/trace`.
//!
//! Every analysis is a [`Consumer`]: it takes events one at a time and is finished at the end.
//! [`analyze`] runs them all over a trace's bytes and returns the [`Report`].
//!
//! ```no_run
//! let bytes = std::fs::read("trace.out").unwrap();
//! let report = gotrace_analysis::analyze(&bytes, "trace.out", &mut |_, _| {}).unwrap();
//! println!("{} events", report.events.total);
//! ```

use gotrace::Event;

pub mod driver;
pub mod mmu;
pub mod pprof;
pub mod pprof_proto;
pub mod report;
pub mod stats;
pub mod summary;

pub use driver::{ParseOutcome, Rejected};
pub use report::Report;

/// An analysis fed one event at a time.
pub trait Consumer {
    fn event(&mut self, ev: &Event);
}

/// Reads the trace once and computes every analysis. `progress(bytes_read, total)` is called
/// now and then. A trace Go's tools reject is an error; a damaged one gives a report of its
/// valid part with a warning.
pub fn analyze(data: &[u8], name: &str, progress: &mut dyn FnMut(u64, u64)) -> Result<Report, Rejected> {
    let mut stats = stats::Stats::new();
    let mut syncs = report::SyncsAndMetrics::default();
    let mut profiles = pprof::BlockingProfiles::new();
    let outcome = {
        let mut kept = driver::Fanout(vec![&mut stats, &mut syncs, &mut profiles]);
        driver::run(data, &mut driver::Ignore, &mut kept, progress)?
    };
    stats.finish();
    let counts = report::Counts {
        goroutines: stats.goroutines(),
        procs: stats.procs(),
        threads: stats.threads(),
        summary_goroutines: 0,
        tasks: 0,
        regions: 0,
        generations: stats.syncs,
        max_goroutine_id: stats.max_goroutine,
    };
    let profiles = profiles.finish();
    let pprof = pprof::ProfileKind::ALL
        .into_iter()
        .map(|k| {
            let info = if stats.goroutines() == 0 {
                report::PprofInfo::no_goroutines()
            } else {
                report::PprofInfo::of(&profiles.profile(k))
            };
            (k.as_str(), info)
        })
        .collect();
    Ok(Report {
        file: report::FileInfo { name: name.to_string(), size: data.len() as u64 },
        header: report::HeaderInfo::of(data),
        parse: report::ParseInfo::from(&outcome),
        warnings: outcome.warning().into_iter().collect(),
        time: stats.time(),
        events: stats.events,
        counts,
        syncs: syncs.syncs,
        metrics: syncs.metrics,
        pprof,
    })
}
