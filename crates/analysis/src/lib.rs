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

pub mod analysis;
pub mod cpu;
pub mod driver;
pub mod duration;
mod grow;
pub mod goroutines;
pub mod histogram;
mod input;
pub mod list;
pub mod mmu;
pub mod mmu_page;
mod passes;
pub mod relay;
pub mod pprof;
pub mod pprof_proto;
pub mod queries;
pub mod range;
pub mod regions;
pub mod report;
pub mod stats;
pub mod summary;
pub mod tasks;
// timeline
pub mod timeline;

pub use driver::{ParseOutcome, Rejected};
pub use input::{ByteSource, Input};
pub use analysis::{Analysis, Detail, Options};
pub use list::List;
pub use report::Report;

/// An analysis fed one event at a time.
pub trait Consumer {
    fn event(&mut self, ev: &Event);

    /// A Go 1.11–1.21 trace's GOMAXPROCS when tracing started, which no event carries (see
    /// [`gotrace::Reader::initial_gomaxprocs`]): told once, before the first event after it.
    fn initial_gomaxprocs(&mut self, _time: gotrace::Time, _procs: u64) {}

    /// Whether the consumer holds events it could not hand on without waiting for another
    /// thread (see [`relay::Relay`]): the pass then has the reader read ahead
    /// ([`gotrace::Reader::read_ahead`]) before it calls [`wait`](Self::wait).
    #[inline]
    fn would_wait(&self) -> bool {
        false
    }

    /// Hands on what the consumer holds, waiting as long as it takes.
    fn wait(&mut self) {}
}

/// A consumer that may be absent (then it sees nothing).
impl<C: Consumer> Consumer for Option<C> {
    #[inline]
    fn event(&mut self, ev: &Event) {
        if let Some(c) = self {
            c.event(ev);
        }
    }

    fn initial_gomaxprocs(&mut self, time: gotrace::Time, procs: u64) {
        if let Some(c) = self {
            c.initial_gomaxprocs(time, procs);
        }
    }

    #[inline]
    fn would_wait(&self) -> bool {
        self.as_ref().is_some_and(C::would_wait)
    }

    fn wait(&mut self) {
        if let Some(c) = self {
            c.wait();
        }
    }
}

/// Reads the trace once and computes every analysis: the whole document, lists included.
/// `progress(bytes_read, total)` is called now and then. A trace Go's tools reject is an
/// error; a damaged one gives a report of its valid part with a warning.
pub fn analyze(data: &[u8], name: &str, progress: &mut dyn FnMut(u64, u64)) -> Result<Report<'static>, Rejected> {
    let opts = Options { timeline: false, ..Options::default() };
    let analysis = Analysis::run_with(data, name, &opts, progress)?;
    Ok(analysis.report(Detail::Full).into_owned())
}
