//! The consumers of the one pass, grouped as the pass runs them: the goroutine summarizers
//! (every event read) with the MMU builders (kept events), the blocking profiles, the
//! counting analyses and the timeline (kept events). Each group calls its members directly:
//! no dynamic dispatch per event and member (it costs much in wasm).

use gotrace::EventKind;

use crate::cpu::CpuSamples;
use crate::driver::Both;
use crate::mmu_page::MmuBuilders;
use crate::pprof::BlockingProfiles;
use crate::range::{InRange, LastTime, TimeRange};
use crate::report::SyncsAndMetrics;
use crate::stats::{Share, Stats};
use crate::summary::{Summarizer, Summary, Threads};
use crate::Consumer;

/// The goroutine summaries: like cmd/trace, the summarizer sees every event read (the other
/// analyses only the kept ones). With a range, one summarizer stops at its end and one at its
/// start: a goroutine's time in the range is the difference.
pub(crate) struct Summarizing {
    range: Option<TimeRange>,
    upto: InRange<Summarizer>,
    before: InRange<Summarizer>,
    /// The last kept event's time (where a range's summary ends at the latest).
    last: LastTime,
    /// The utilization functions (kept events): natively, the summaries' thread has the time.
    pub mmu: MmuBuilders,
    pub summary: Option<Summary>,
}

impl Summarizing {
    pub fn new(range: Option<TimeRange>) -> Summarizing {
        let r = range.unwrap_or(TimeRange::ALL);
        Summarizing {
            range,
            upto: InRange { inner: Summarizer::new(), range: TimeRange { from: i64::MIN, to: r.to } },
            before: InRange { inner: Summarizer::new(), range: TimeRange { from: i64::MIN, to: r.from } },
            last: LastTime::default(),
            mmu: MmuBuilders::new(),
            summary: None,
        }
    }

    /// What sees every event read, and what sees the kept ones.
    pub fn consumers(&mut self) -> (SummarizersOf<'_>, Both<'_, LastTime, MmuBuilders>) {
        let before = if self.range.is_some() { Some(&mut self.before) } else { None };
        (SummarizersOf { upto: &mut self.upto, before }, Both(&mut self.last, &mut self.mmu))
    }

    /// Finalizes the summary once every event is read (on two threads if told so).
    pub fn finish(&mut self, threads: Threads) {
        let upto = std::mem::take(&mut self.upto.inner);
        self.summary = Some(match self.range {
            None => upto.finalize_on(threads),
            Some(r) => {
                let end = r.to.min(self.last.0);
                let before = std::mem::take(&mut self.before.inner).finalize_at(r.from.max(i64::MIN + 1).min(end), threads);
                crate::range::summary_in_range(&before, upto.finalize_at(end, threads), r)
            }
        });
    }
}

/// The summarizers of [`Summarizing`], as one consumer.
pub(crate) struct SummarizersOf<'a> {
    upto: &'a mut InRange<Summarizer>,
    before: Option<&'a mut InRange<Summarizer>>,
}

impl Consumer for SummarizersOf<'_> {
    #[inline]
    fn event(&mut self, ev: &gotrace::Event) {
        self.upto.event(ev);
        if let Some(b) = &mut self.before {
            b.event(ev);
        }
    }
}

/// The counting analyses: they see the kept events in the range.
pub(crate) struct Counting {
    range: TimeRange,
    stats: Stats,
    syncs: SyncsAndMetrics,
    cpu: CpuSamples,
}

/// What [`Counting`] found.
pub(crate) struct Counted {
    pub stats: Stats,
    pub syncs: SyncsAndMetrics,
    pub cpu: CpuSamples,
}

impl Counting {
    /// Counting with the stats of `share` of the events (the other share counted elsewhere,
    /// see [`transition_stats`]).
    pub fn new(range: Option<TimeRange>, share: Share) -> Counting {
        Counting {
            range: range.unwrap_or(TimeRange::ALL),
            stats: Stats::share(share),
            syncs: SyncsAndMetrics::default(),
            cpu: CpuSamples::new(),
        }
    }

    /// Finishes each analysis once every event is read, with the stats of the transitions if
    /// this counted the rest.
    pub fn finish(self, transitions: Option<InRange<Stats>>) -> Counted {
        let mut stats = self.stats;
        if let Some(t) = transitions {
            stats.add_transitions(t.inner);
        }
        stats.finish();
        Counted { stats, syncs: self.syncs, cpu: self.cpu }
    }
}

impl Consumer for Counting {
    #[inline]
    fn event(&mut self, ev: &gotrace::Event) {
        if !self.range.contains(ev.time()) {
            return;
        }
        self.stats.event(ev);
        // The others look at a few kinds of events only.
        match ev.kind() {
            EventKind::Sync | EventKind::Metric => self.syncs.event(ev),
            EventKind::StackSample => self.cpu.event(ev),
            _ => {}
        }
    }
}

/// The stats of the state transitions (kept events in the range), to join with a [`Counting`]
/// of [`Share::Rest`].
pub(crate) fn transition_stats(range: Option<TimeRange>) -> InRange<Stats> {
    InRange { inner: Stats::share(Share::Transitions), range: range.unwrap_or(TimeRange::ALL) }
}

/// The blocking profiles (kept events), restricted to the range if any.
pub(crate) fn profiles(range: Option<TimeRange>) -> BlockingProfiles {
    match range {
        Some(r) => BlockingProfiles::with_range(r.from, r.to),
        None => BlockingProfiles::new(),
    }
}
