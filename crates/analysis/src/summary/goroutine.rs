//! Per-goroutine summaries (Go's `GoroutineSummary`) and the state kept while building them.

use std::collections::BTreeMap;

use gotrace::{Event, GoId, Time};

use super::exec_stats::{add, GoroutineExecStats, RawStats};
use super::go_sort::sort_func;
use super::names::{Names, Sym, SymMap};
use super::region::{RegionId, RegionRec};
use super::system::is_system_goroutine;
use super::Duration;

/// Statistics and execution details of one goroutine.
///
/// Times are trace times in nanoseconds; 0 means "not seen" (as in Go, which uses 0 as the
/// unset value throughout).
#[derive(Debug, Clone)]
pub struct GoroutineSummary {
    pub id: GoId,
    /// The goroutine's start function (the root frame of the first stack seen in one of its
    /// transitions): a non-unique, human-friendly identifier. Empty if never seen with a stack.
    pub name: String,
    /// The PC of that root frame (for goroutines that existed when the trace started, not
    /// necessarily the function's entry).
    pub pc: u64,
    /// When the goroutine was created, or the Sync before its first appearance.
    pub creation_time: Time,
    /// When it first started running; 0 if it never ran.
    pub start_time: Time,
    /// When it ended (or blocked forever); 0 if it did not.
    pub end_time: Time,
    /// The goroutine's regions, sorted by start time (regions with no start first).
    pub regions: Vec<RegionId>,
    /// Where its time went.
    pub stats: GoroutineExecStats,
}

impl GoroutineSummary {
    /// See [`GoroutineExecStats::unknown_time`].
    pub fn unknown_time(&self) -> Duration {
        self.stats.unknown_time()
    }

    /// See [`GoroutineExecStats::non_overlapping_stats`].
    pub fn non_overlapping_stats(&self) -> BTreeMap<String, Duration> {
        self.stats.non_overlapping_stats()
    }

    /// The duration of the goroutine's presence in the trace.
    pub fn total_time(&self) -> Duration {
        self.stats.total_time
    }

    /// Whether this is one of the runtime's goroutines ([`is_system_goroutine`] of its name).
    pub fn is_system(&self) -> bool {
        is_system_goroutine(&self.name)
    }
}

/// Go's private `goroutineSummary`: what is pending since the last transition. Zeroed when
/// the goroutine ends.
#[derive(Debug, Default)]
pub(crate) struct Pending {
    pub last_start_time: Time,
    pub last_runnable_time: Time,
    pub last_block_time: Time,
    pub last_block_reason: Sym,
    pub last_syscall_time: Time,
    pub last_syscall_block_time: Time,
    pub last_range_time: SymMap<Time>,
    /// Stack of active regions.
    pub active_regions: Vec<RegionId>,
}

/// A goroutine while the trace is being read.
#[derive(Debug)]
pub(crate) struct GoRec {
    pub id: GoId,
    pub name: String,
    pub pc: u64,
    pub creation_time: Time,
    pub start_time: Time,
    pub end_time: Time,
    pub regions: Vec<RegionId>,
    pub stats: RawStats,
    pub pending: Pending,
}

impl GoRec {
    pub fn new(id: GoId, creation_time: Time) -> GoRec {
        GoRec {
            id,
            name: String::new(),
            pc: 0,
            creation_time,
            start_time: 0,
            end_time: 0,
            regions: Vec::new(),
            stats: RawStats::default(),
            pending: Pending::default(),
        }
    }

    /// The stats as of `last_ts`, with the pending state accounted for (Go's `snapshotStat`).
    pub fn snapshot(&self, last_ts: Time) -> RawStats {
        let p = &self.pending;
        let mut ret = self.stats.clone();
        if self.stats.total == 0 {
            ret.total = last_ts.wrapping_sub(self.creation_time);
        }
        if p.last_start_time != 0 {
            add(&mut ret.exec, last_ts.wrapping_sub(p.last_start_time));
        }
        if p.last_runnable_time != 0 {
            add(&mut ret.sched_wait, last_ts.wrapping_sub(p.last_runnable_time));
        }
        if p.last_block_time != 0 {
            add(ret.block.slot(p.last_block_reason), last_ts.wrapping_sub(p.last_block_time));
        }
        if p.last_syscall_time != 0 {
            add(&mut ret.syscall, last_ts.wrapping_sub(p.last_syscall_time));
        }
        // Surprising but Go's: a pending blocked syscall counts as syscall time for its whole
        // length (above) AND as sched wait time since its P was taken; a finished one is split
        // into syscall and syscall-block time instead.
        if p.last_syscall_block_time != 0 {
            add(&mut ret.sched_wait, last_ts.wrapping_sub(p.last_syscall_block_time));
        }
        for (name, ts) in p.last_range_time.iter() {
            add(ret.range.slot(name), last_ts.wrapping_sub(ts));
        }
        ret
    }

    /// Closes the books at a goroutine end event (`trigger`) or at the end of the trace
    /// (`None`); ends the open regions with `trigger` (Go's `finalize`).
    ///
    /// Go calls this again at the end of the trace for goroutines that already ended; it is
    /// then a no-op, except that a goroutine whose total time is still 0 (it ended at the
    /// nanosecond it was created) gets total time `last_ts - creation_time`.
    pub fn finalize(&mut self, last_ts: Time, trigger: Option<&Event>, regions: &mut [RegionRec]) {
        if let Some(ev) = trigger {
            self.end_time = ev.time();
        }
        let final_stat = self.snapshot(last_ts);

        // System goroutines are never part of regions, even though they "inherit" a task
        // when created from within a region (e.g. GC workers started by the first GC). Their
        // open regions are dropped (but stay in their task's list).
        if !is_system_goroutine(&self.name) {
            for &id in &self.pending.active_regions {
                if let Some(r) = regions.get_mut(id.0) {
                    r.end = trigger.cloned();
                    r.stats = final_stat.sub(&r.stats);
                }
                self.regions.push(id);
            }
        }
        self.stats = final_stat;
        self.pending = Pending::default();
    }

    /// The public summary; regions sorted by start time exactly as Go sorts them.
    pub fn publish(mut self, names: &Names, regions: &[RegionRec]) -> GoroutineSummary {
        let start = |id: &RegionId| regions.get(id.0).and_then(|r| r.start.as_ref()).map(Event::time);
        // None (no start event) sorts first; Go's sort is not stable, hence go_sort.
        sort_func(&mut self.regions, |a, b| start(a).cmp(&start(b)));
        GoroutineSummary {
            id: self.id,
            name: self.name,
            pc: self.pc,
            creation_time: self.creation_time,
            start_time: self.start_time,
            end_time: self.end_time,
            regions: self.regions,
            stats: self.stats.publish(names),
        }
    }
}
