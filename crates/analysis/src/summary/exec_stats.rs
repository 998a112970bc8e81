//! Time a goroutine spent in each state (Go's `GoroutineExecStats`), public and in-progress.

use std::collections::BTreeMap;

use super::names::{Names, SymMap};
use super::Duration;

/// Statistics about a goroutine's execution during a period of time: its whole life for a
/// [`GoroutineSummary`](super::GoroutineSummary), the region's extent for a
/// [`UserRegionSummary`](super::UserRegionSummary).
///
/// All durations are nanoseconds (Go's `time.Duration`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GoroutineExecStats {
    // These are non-overlapping.
    pub exec_time: Duration,
    pub sched_wait_time: Duration,
    /// Time blocked (Waiting), by the transition's reason (e.g. `"chan receive"`, `""`).
    /// Keys may have zero values, exactly where Go's map has them.
    pub block_time_by_reason: BTreeMap<String, Duration>,
    pub syscall_time: Duration,
    pub syscall_block_time: Duration,

    /// The duration of the goroutine's presence in the trace (overlaps the others).
    pub total_time: Duration,

    /// Time spent in ranges (GC mark assist, sweeps, stop-the-world…) by range name;
    /// overlaps the other stats. Keys may have zero values, as in Go.
    pub range_time: BTreeMap<String, Duration>,
}

impl GoroutineExecStats {
    /// The non-overlapping stats by the names Go's UI shows (`NonOverlappingStats`): execution,
    /// sched wait, syscall execution, `Block time (syscall)`, unknown, and one
    /// `Block time (REASON)` per block reason. As in Go, a block reason `"syscall"` is added to
    /// the `Block time (syscall)` entry, which starts as `syscall_block_time`.
    pub fn non_overlapping_stats(&self) -> BTreeMap<String, Duration> {
        let mut stats = BTreeMap::new();
        stats.insert("Execution time".to_owned(), self.exec_time);
        stats.insert("Sched wait time".to_owned(), self.sched_wait_time);
        stats.insert("Syscall execution time".to_owned(), self.syscall_time);
        stats.insert("Block time (syscall)".to_owned(), self.syscall_block_time);
        stats.insert("Unknown time".to_owned(), self.unknown_time());
        for (reason, &dt) in &self.block_time_by_reason {
            let slot = stats.entry(format!("Block time ({reason})")).or_insert(0);
            *slot = Duration::wrapping_add(*slot, dt);
        }
        stats
    }

    /// Whatever of `total_time` the non-overlapping stats do not account for; 0 if they
    /// account for more (`UnknownTime`). Range time is not counted: it overlaps the others.
    pub fn unknown_time(&self) -> Duration {
        let mut sum = self
            .exec_time
            .wrapping_add(self.sched_wait_time)
            .wrapping_add(self.syscall_time)
            .wrapping_add(self.syscall_block_time);
        for &dt in self.block_time_by_reason.values() {
            sum = sum.wrapping_add(dt);
        }
        if sum < self.total_time {
            self.total_time.wrapping_sub(sum)
        } else {
            0
        }
    }

    /// The sum of all block times (all reasons).
    pub fn block_time(&self) -> Duration {
        self.block_time_by_reason.values().fold(0, |a, &d| a.wrapping_add(d))
    }
}

/// [`GoroutineExecStats`] while the trace is being read, keyed by interned names.
///
/// Arithmetic wraps like Go's `int64` (no overflow panics on absurd timestamps).
#[derive(Debug, Clone, Default)]
pub(crate) struct RawStats {
    pub exec: Duration,
    pub sched_wait: Duration,
    pub block: SymMap<Duration>,
    pub syscall: Duration,
    pub syscall_block: Duration,
    pub total: Duration,
    pub range: SymMap<Duration>,
}

/// `*acc += d`, wrapping like Go.
pub(crate) fn add(acc: &mut Duration, d: Duration) {
    *acc = acc.wrapping_add(d);
}

impl RawStats {
    /// `self - v` (Go's `sub`). Only the keys of `self` are kept: a key that only `v` has is
    /// dropped, one missing from `v` is taken as zero.
    pub fn sub(&self, v: &RawStats) -> RawStats {
        let mut r = self.clone();
        r.exec = r.exec.wrapping_sub(v.exec);
        r.sched_wait = r.sched_wait.wrapping_sub(v.sched_wait);
        for (reason, _) in self.block.iter() {
            let slot = r.block.slot(reason);
            *slot = slot.wrapping_sub(v.block.get(reason));
        }
        r.syscall = r.syscall.wrapping_sub(v.syscall);
        r.syscall_block = r.syscall_block.wrapping_sub(v.syscall_block);
        r.total = r.total.wrapping_sub(v.total);
        for (name, _) in self.range.iter() {
            let slot = r.range.slot(name);
            *slot = slot.wrapping_sub(v.range.get(name));
        }
        r
    }

    pub fn publish(&self, names: &Names) -> GoroutineExecStats {
        // Inserting one by one: these maps are small, and `collect` would sort a temporary Vec.
        let map = |m: &SymMap<Duration>| {
            let mut out = BTreeMap::new();
            for (k, v) in m.iter() {
                out.insert(names.name(k).to_owned(), v);
            }
            out
        };
        GoroutineExecStats {
            exec_time: self.exec,
            sched_wait_time: self.sched_wait,
            block_time_by_reason: map(&self.block),
            syscall_time: self.syscall,
            syscall_block_time: self.syscall_block,
            total_time: self.total,
            range_time: map(&self.range),
        }
    }
}
