//! User regions (Go's `UserRegionSummary`).

use gotrace::{Event, TaskId};

use super::exec_stats::{GoroutineExecStats, RawStats};
use super::names::Names;

/// Index of a region in [`Summary::regions`](super::Summary::regions).
///
/// Go shares `*UserRegionSummary` pointers between a goroutine's and a task's region lists;
/// here both lists hold indices into one vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RegionId(pub usize);

/// A region and the goroutine's execution stats while the region was active.
#[derive(Debug, Clone)]
pub struct UserRegionSummary {
    pub task_id: TaskId,
    /// The region type. Empty for the synthetic region of task inheritance (below), also when
    /// a `RegionEnd` of another type closed it: like Go, the end never renames a region.
    pub name: String,
    /// Normally a RegionBegin event; `None` if the region began before the trace did. It is
    /// the goroutine's creation (a StateTransition from NotExist) for the synthetic region
    /// that represents a goroutine inheriting the task of the region its creator was in.
    pub start: Option<Event>,
    /// Normally a RegionEnd event; the goroutine's end (a StateTransition to NotExist, or to
    /// Waiting with reason "forever") if it ended with the region open; `None` if the region
    /// was still open at the end of the trace.
    pub end: Option<Event>,
    /// For a region that ended (or whose goroutine ended or was still alive at the end of
    /// the trace): the stats between start and end. For a region that never made it into a
    /// goroutine's list (open on a system goroutine, or on a goroutine whose id was reused),
    /// the goroutine's stats when the region began — as in Go.
    pub stats: GoroutineExecStats,
}

impl UserRegionSummary {
    /// See [`GoroutineExecStats::unknown_time`].
    pub fn unknown_time(&self) -> super::Duration {
        self.stats.unknown_time()
    }

    /// See [`GoroutineExecStats::non_overlapping_stats`].
    pub fn non_overlapping_stats(&self) -> std::collections::BTreeMap<String, super::Duration> {
        self.stats.non_overlapping_stats()
    }
}

/// A region while the trace is being read: `stats` holds the goroutine's stats at the start
/// until the region ends, then the difference (as Go reuses `GoroutineExecStats`).
#[derive(Debug)]
pub(crate) struct RegionRec {
    pub task_id: TaskId,
    pub name: String,
    pub start: Option<Event>,
    pub end: Option<Event>,
    pub stats: RawStats,
}

impl RegionRec {
    pub fn publish(self, names: &Names) -> UserRegionSummary {
        UserRegionSummary {
            task_id: self.task_id,
            name: self.name,
            start: self.start,
            end: self.end,
            stats: self.stats.publish(names),
        }
    }
}
