//! Goroutine, task and region summaries (Go's `internal/trace/summary.go`).
//!
//! A [`Summarizer`] takes the ordered events one at a time and builds, for every goroutine,
//! where its time went (running, waiting to run, blocked by reason, in syscalls, in GC
//! ranges), and the user tasks and regions of the trace with the goroutines' stats during
//! each region. The numbers are Go's to the nanosecond, quirks included (each is noted where
//! it happens): this is what `go tool trace` shows on its goroutine, task and region pages.
//!
//! Like Go's, the summary keeps the events that begin and end tasks and regions and the log
//! events; each holds its generation's string and stack tables.
//!
//! ```no_run
//! use gotrace_analysis::{summary::Summarizer, Consumer};
//! # fn main() -> Result<(), gotrace::Error> {
//! # let bytes: &[u8] = &[];
//! let mut reader = gotrace::Reader::new(bytes)?;
//! let mut summarizer = Summarizer::new();
//! while let Some(ev) = reader.read_event()? {
//!     summarizer.event(&ev);
//! }
//! let summary = summarizer.finalize();
//! for g in summary.goroutines.values() {
//!     println!("{} {}: {} ns running", g.id, g.name, g.stats.exec_time);
//! }
//! # Ok(()) }
//! ```

use std::collections::BTreeMap;

use gotrace::{GoId, TaskId};

mod annotations;
mod exec_stats;
mod go_sort;
mod goroutine;
mod names;
mod ranges;
mod region;
mod summarizer;
mod system;
mod task;
mod transitions;

pub use exec_stats::GoroutineExecStats;
pub use goroutine::GoroutineSummary;
pub use region::{RegionId, UserRegionSummary};
pub use summarizer::Summarizer;
pub use system::is_system_goroutine;
pub use task::UserTaskSummary;

/// A duration in nanoseconds (Go's `time.Duration`).
pub type Duration = i64;

/// The result of the summarizer.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Every goroutine seen, by id.
    pub goroutines: BTreeMap<GoId, GoroutineSummary>,
    /// Every task mentioned (by a task, region or log event), by id.
    pub tasks: BTreeMap<TaskId, UserTaskSummary>,
    /// Every region, indexed by [`RegionId`]; goroutines and tasks list theirs by id.
    pub regions: Vec<UserRegionSummary>,
}

impl Summary {
    pub fn region(&self, id: RegionId) -> Option<&UserRegionSummary> {
        self.regions.get(id.0)
    }

    /// A goroutine's regions, sorted by start time.
    pub fn goroutine_regions<'a>(
        &'a self,
        g: &'a GoroutineSummary,
    ) -> impl Iterator<Item = &'a UserRegionSummary> + 'a {
        g.regions.iter().filter_map(|&id| self.region(id))
    }

    /// A task's regions, in the order they began.
    pub fn task_regions<'a>(&'a self, task: &'a UserTaskSummary) -> impl Iterator<Item = &'a UserRegionSummary> + 'a {
        task.regions.iter().filter_map(|&id| self.region(id))
    }

    /// The number of regions in goroutine summaries (what `go tool trace` lists).
    pub fn goroutine_region_count(&self) -> usize {
        self.goroutines.values().map(|g| g.regions.len()).sum()
    }
}
