//! Goroutine, task and region summaries (Go's `internal/trace/summary.go`).
//!
//! A [`Summarizer`] takes the ordered events one at a time and builds, for every goroutine,
//! where its time went (running, waiting to run, blocked by reason, in syscalls, in GC
//! ranges), and the user tasks and regions of the trace with the goroutines' stats during
//! each region. The numbers are Go's to the nanosecond, quirks included (each is noted where
//! it happens): this is what `go tool trace` shows on its goroutine, task and region pages.
//!
//! Like Go's, the summary keeps the events that begin and end tasks and regions and the log
//! events ([`EventRef`]). Unlike Go's, it keeps them compactly (a big trace has millions of
//! regions): the summary holds records of a few dozen bytes, and gives views of them
//! ([`UserTaskSummary`], [`UserRegionSummary`]) that borrow it. A region takes 32 bytes and its
//! stats about 10 more (varints, relative to the region's extent, with the keys of the maps as
//! an interned set); a task 48 bytes and its lists; a log 24 bytes and its message. Names,
//! stacks and "sites" (goroutine, name, stack: where events happen) are interned once. The
//! goroutines are few: their summaries are plain structs.
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
//!     for r in summary.goroutine_regions(g) {
//!         println!("  region {:?}: {} ns", r.name, r.stats.total_time);
//!     }
//! }
//! for task in summary.tasks() {
//!     println!("task {} {:?}: {} logs", task.id, task.name, task.logs.len());
//! }
//! # Ok(()) }
//! ```

use std::collections::BTreeMap;

use gotrace::{GoId, TaskId};

mod annotations;
mod event;
mod exec_stats;
mod go_sort;
mod goroutine;
mod names;
mod paged;
mod ranges;
mod region;
mod store;
mod summarizer;
mod system;
mod task;
mod transitions;

pub use event::{EventRef, StackRef, Transition};
pub use exec_stats::GoroutineExecStats;
pub use goroutine::GoroutineSummary;
pub use region::{ListedRegion, NameDurations, RegionExtent, RegionId, RegionKey, RegionStats, UserRegionSummary};
pub use summarizer::{Summarizer, Threads};
pub use system::is_system_goroutine;
pub use task::{Logs, TaskGoroutines, UserTaskSummary};

use region::RegionRec;
use store::{Ev, Store};
use task::{Lists, LogRec, TaskRec};

/// A duration in nanoseconds (Go's `time.Duration`).
pub type Duration = i64;

/// The result of the summarizer.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Every goroutine seen, by id.
    pub goroutines: BTreeMap<GoId, GoroutineSummary>,
    data: SummaryData,
}

/// The tasks, regions and logs, compactly; see the views.
#[derive(Debug, Clone, Default)]
pub(crate) struct SummaryData {
    pub store: Store,
    /// Regions by [`RegionId`].
    pub regions: paged::Paged<RegionRec>,
    /// The index in `tasks` of a region's task, by the index its `task` holds (that of the
    /// task's first mention).
    pub region_tasks: Vec<u32>,
    /// Tasks by id.
    pub tasks: paged::Paged<TaskRec>,
    pub task_regions: Lists<RegionId>,
    pub task_logs: Lists<u32>,
    /// Goroutine indices, sorted by id.
    pub task_goroutines: Lists<u32>,
    pub task_children: Lists<TaskId>,
    /// Log events in trace order.
    pub logs: paged::Paged<LogRec>,
    /// The indices of the tasks shown, by id, if not all (see [`Summary::retain_tasks`]).
    pub shown: Option<Vec<u32>>,
}

impl SummaryData {
    fn log(&self, i: usize) -> Option<EventRef<'_>> {
        let l = self.logs.get(i)?;
        let end = self.logs.get(i + 1).map_or(self.store.messages.len() as u64, |n| n.message);
        let site = self.store.sites.get(l.site);
        let ev = Ev {
            time: l.time,
            g: self.store.go_id(site.g),
            id: self.tasks.get(l.task as usize).map_or(TaskId::NONE.0, |t| t.id.0),
            aux: l.message,
            aux2: u32::try_from(end - l.message).unwrap_or(0),
            name: site.name,
            stack: site.stack,
            kind: gotrace::EventKind::Log,
            ..Ev::NONE
        };
        Some(EventRef::new(ev, &self.store))
    }
}

impl Summary {
    /// A region by id.
    pub fn region(&self, id: RegionId) -> Option<UserRegionSummary<'_>> {
        UserRegionSummary::new(&self.data, id)
    }

    /// Every region (in no goroutine's list, too: see [`UserRegionSummary::stats`]), by id.
    pub fn regions(&self) -> impl ExactSizeIterator<Item = UserRegionSummary<'_>> + '_ {
        self.data.regions.iter().enumerate().map(|(i, r)| UserRegionSummary::of(&self.data, RegionId(i as u32), r))
    }

    /// The number of regions (in goroutine lists or not).
    pub fn region_count(&self) -> usize {
        self.data.regions.len()
    }

    /// A goroutine's regions, sorted by start time.
    pub fn goroutine_regions<'a>(&'a self, g: &'a GoroutineSummary) -> impl Iterator<Item = UserRegionSummary<'a>> + 'a {
        g.regions.iter().filter_map(|&id| self.region(id))
    }

    /// A region without its stats (see [`RegionExtent`]).
    pub fn region_extent(&self, id: RegionId) -> Option<RegionExtent<'_>> {
        Some(RegionExtent::of(&self.data, id, self.data.regions.get(id.0 as usize)?))
    }

    /// Every region in a goroutine's list (as many times as it is listed), in the order their
    /// records were made: the records are read in the order they are stored, not goroutine by
    /// goroutine (a cache miss per region on a big trace).
    pub fn listed_regions(&self) -> impl Iterator<Item = ListedRegion<'_>> + '_ {
        let mut listed = vec![0u32; self.data.regions.len()];
        for g in self.goroutines.values() {
            for &id in &g.regions {
                if let Some(n) = listed.get_mut(id.0 as usize) {
                    *n += 1;
                }
            }
        }
        let data = &self.data;
        data.regions.iter().zip(listed).enumerate().filter(|(_, (_, n))| *n > 0).flat_map(move |(i, (rec, n))| {
            std::iter::repeat_n(ListedRegion { data, id: RegionId(i as u32), rec }, n as usize)
        })
    }

    /// The number of sites ([`ListedRegion::site`] is below it).
    pub fn site_count(&self) -> usize {
        self.data.store.sites.list.len()
    }

    /// A task's regions, in the order they began.
    pub fn task_regions<'a>(&'a self, task: &UserTaskSummary<'a>) -> impl Iterator<Item = UserRegionSummary<'a>> + 'a {
        task.regions.iter().filter_map(|&id| self.region(id))
    }

    /// The number of regions in goroutine summaries (what `go tool trace` lists).
    pub fn goroutine_region_count(&self) -> usize {
        self.goroutines.values().map(|g| g.regions.len()).sum()
    }

    /// Every task mentioned (by a task, region or log event), by id.
    pub fn tasks(&self) -> Tasks<'_> {
        Tasks { data: &self.data, at: 0, end: self.task_count() }
    }

    /// The number of tasks.
    pub fn task_count(&self) -> usize {
        self.data.shown.as_ref().map_or(self.data.tasks.len(), Vec::len)
    }

    /// The bytes held by each part of the summary's tasks, regions and logs (for profiling).
    #[doc(hidden)]
    pub fn sizes(&self) -> Vec<(&'static str, usize)> {
        use std::mem::size_of_val;
        let d = &self.data;
        let lists = |l: &(usize, usize)| l.0 + l.1;
        let l = |ends: &Vec<u32>, items: usize| (size_of_val(&ends[..]), items);
        vec![
            ("regions", d.regions.bytes()),
            ("region stats", d.store.region_stats.len()),
            ("goroutine region lists", self.goroutines.values().map(|g| size_of_val(&g.regions[..])).sum()),
            ("tasks", d.tasks.bytes()),
            ("task regions", lists(&l(&d.task_regions.ends, size_of_val(&d.task_regions.items[..])))),
            ("task logs", lists(&l(&d.task_logs.ends, size_of_val(&d.task_logs.items[..])))),
            ("task goroutines", lists(&l(&d.task_goroutines.ends, size_of_val(&d.task_goroutines.items[..])))),
            ("task children", lists(&l(&d.task_children.ends, size_of_val(&d.task_children.items[..])))),
            ("logs", d.logs.bytes()),
            ("log messages", d.store.messages.len()),
            ("events kept apart", size_of_val(&d.store.events[..])),
            ("sites", size_of_val(&d.store.sites.list[..])),
        ]
    }

    /// A task by id.
    pub fn task(&self, id: TaskId) -> Option<UserTaskSummary<'_>> {
        let tasks = &self.data.tasks;
        let i = tasks.partition_point(|t| t.id < id);
        if tasks.get(i).is_none_or(|t| t.id != id) {
            return None;
        }
        if let Some(shown) = &self.data.shown {
            shown.binary_search(&(i as u32)).ok()?;
        }
        Some(UserTaskSummary::of(&self.data, i, &tasks[i]))
    }

    /// Keeps in the goroutines' and tasks' region lists only the regions for which `keep`
    /// holds. The regions themselves stay (by id, see [`Summary::regions`]).
    pub fn retain_regions(&mut self, mut keep: impl FnMut(&UserRegionSummary<'_>) -> bool) {
        let kept: Vec<bool> = self.regions().map(|r| keep(&r)).collect();
        let kept = |id: &RegionId| kept.get(id.0 as usize).copied().unwrap_or(false);
        for g in self.goroutines.values_mut() {
            g.regions.retain(kept);
        }
        self.data.task_regions.retain(kept);
    }

    /// Keeps only the tasks for which `keep` holds. (The others stay the tasks of their
    /// regions and logs, and are no one's children any more: [`Summary::task`] does not
    /// find them.)
    pub fn retain_tasks(&mut self, mut keep: impl FnMut(&UserTaskSummary<'_>) -> bool) {
        let shown: Vec<u32> = self.tasks().filter(|t| keep(t)).map(|t| t.index).collect();
        self.data.shown = Some(shown);
    }
}

/// The tasks of a summary, by id.
#[derive(Clone)]
pub struct Tasks<'a> {
    data: &'a SummaryData,
    at: usize,
    end: usize,
}

impl<'a> Tasks<'a> {
    fn get(&self, k: usize) -> UserTaskSummary<'a> {
        let i = self.data.shown.as_ref().map_or(k, |s| s[k] as usize);
        UserTaskSummary::of(self.data, i, &self.data.tasks[i])
    }
}

impl<'a> Iterator for Tasks<'a> {
    type Item = UserTaskSummary<'a>;

    fn next(&mut self) -> Option<UserTaskSummary<'a>> {
        if self.at >= self.end {
            return None;
        }
        self.at += 1;
        Some(self.get(self.at - 1))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.end - self.at, Some(self.end - self.at))
    }
}

impl DoubleEndedIterator for Tasks<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        if self.at >= self.end {
            return None;
        }
        self.end -= 1;
        Some(self.get(self.end))
    }
}

impl ExactSizeIterator for Tasks<'_> {}
