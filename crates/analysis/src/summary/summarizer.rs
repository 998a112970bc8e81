//! The summarizer: one pass over the events (Go's `Summarizer`).

use gotrace::{Event, EventKind, GoId, ProcId, TaskId, Time};
use rustc_hash::FxHashMap;

use super::goroutine::GoRec;
use super::names::{Names, Sym};
use super::region::RegionRec;
use super::task::UserTaskSummary;
use super::Summary;
use crate::Consumer;

/// Builds per-goroutine time statistics, tasks and regions from the ordered events.
///
/// Feed it every event the reader returns (also those after the last Sync of a damaged
/// trace: that is what `go tool trace` does), then call [`Summarizer::finalize`].
#[derive(Debug)]
pub struct Summarizer {
    /// Goroutines being summarized. A goroutine id seen again as created (from NotExist or
    /// Undetermined) starts a new summary that replaces the old one, as in Go.
    pub(super) gs: FxHashMap<GoId, GoRec>,
    pub(super) tasks: FxHashMap<TaskId, UserTaskSummary>,
    /// Every region, referenced by index from goroutines and tasks.
    pub(super) regions: Vec<RegionRec>,
    pub(super) names: Names,

    /// The binding between a P and the goroutine in a syscall on it, to detect the syscall
    /// blocking (the P going idle) and to clean up after it.
    pub(super) syscalling_p: FxHashMap<ProcId, GoId>,
    pub(super) syscalling_g: FxHashMap<GoId, ProcId>,

    /// Best-effort attribution of P-scoped ranges (sweeps) to the goroutine that began them.
    pub(super) ranges_p: FxHashMap<(ProcId, Sym), GoId>,

    /// Time of the last event processed.
    pub(super) last_ts: Time,
    /// Time of the last Sync event (or of the first event).
    pub(super) sync_ts: Time,
}

impl Default for Summarizer {
    fn default() -> Self {
        Summarizer::new()
    }
}

impl Consumer for Summarizer {
    fn event(&mut self, ev: &Event) {
        let t = ev.time();
        if self.sync_ts == 0 {
            self.sync_ts = t;
        }
        self.last_ts = t;

        match ev.kind() {
            // Sync time is where RangeActive ranges and goroutines first seen mid-trace start.
            EventKind::Sync => self.sync_ts = t,
            EventKind::StateTransition => self.state_transition(ev),
            EventKind::RangeBegin | EventKind::RangeActive => self.range_begin(ev),
            EventKind::RangeEnd => self.range_end(ev),
            EventKind::RegionBegin => self.region_begin(ev),
            EventKind::RegionEnd => self.region_end(ev),
            EventKind::TaskBegin | EventKind::TaskEnd => self.task_event(ev),
            EventKind::Log => self.log(ev),
            _ => {}
        }
    }
}

impl Summarizer {
    pub fn new() -> Summarizer {
        Summarizer {
            gs: FxHashMap::default(),
            tasks: FxHashMap::default(),
            regions: Vec::new(),
            names: Names::new(),
            syscalling_p: FxHashMap::default(),
            syscalling_g: FxHashMap::default(),
            ranges_p: FxHashMap::default(),
            last_ts: 0,
            sync_ts: 0,
        }
    }

    /// Ends the analysis: closes every goroutine and its open regions at the time of the last
    /// event and returns the summary.
    /// [`finalize`](Self::finalize) as if the trace ended at `t` (not before the last event
    /// seen): goroutines still in a state count it up to `t`. For summaries of a time range.
    pub fn finalize_at(mut self, t: Time) -> Summary {
        self.last_ts = self.last_ts.max(t);
        self.finalize()
    }

    pub fn finalize(mut self) -> Summary {
        let mut goroutines = std::collections::BTreeMap::new();
        for (id, mut g) in self.gs.drain() {
            g.finalize(self.last_ts, None, &mut self.regions);
            goroutines.insert(id, g.publish(&self.names, &self.regions));
        }
        let names = &self.names;
        Summary {
            goroutines,
            tasks: self.tasks.into_iter().collect(),
            regions: self.regions.into_iter().map(|r| r.publish(names)).collect(),
        }
    }
}
