//! Per-goroutine summaries (Go's `GoroutineSummary`) and the state kept while building them.

use std::collections::BTreeMap;

use gotrace::{GoId, ProcId, Time};
use rustc_hash::FxHashMap;

use super::exec_stats::{add, Entries, GoroutineExecStats, RawStats, Scalars, Snap, StartStats};
use super::names::{self, Sym, SymMap};
use super::region::RegionId;
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
    /// The goroutine's regions, sorted by start time (regions with no start first); see
    /// [`Summary::goroutine_regions`](super::Summary::goroutine_regions).
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

/// An open region of a goroutine, with the goroutine's stats when it began.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Active {
    pub id: RegionId,
    pub start: StartStats,
}

/// Go's private `goroutineSummary`: what is pending since the last transition (with
/// [`Open`]). Zeroed when the goroutine ends.
#[derive(Debug, Default)]
#[repr(C)]
pub(crate) struct Pending {
    pub last_start_time: Time,
    pub last_runnable_time: Time,
    pub last_block_time: Time,
    pub last_syscall_time: Time,
    pub last_syscall_block_time: Time,
    pub last_block_reason: Sym,
}

/// The rest of Go's `goroutineSummary`: ranges and regions open. Emptied when the goroutine
/// ends.
#[derive(Debug, Default)]
pub(crate) struct Open {
    pub last_range_time: SymMap<Time>,
    /// Stack of active regions.
    pub active_regions: Vec<Active>,
    /// The map entries of the active regions' start stats (see [`StartStats`]).
    pub starts: Vec<(Sym, Duration)>,
}

impl Open {
    /// Pushes a region starting with zero stats, with no keys (the synthetic region of task
    /// inheritance).
    pub fn push_zero(&mut self, id: RegionId) {
        let at = u32::try_from(self.starts.len()).expect("fewer than 2^32 open region stats");
        self.active_regions.push(Active { id, start: StartStats { at, ..StartStats::default() } });
    }

    /// The start stats' map entries (block times, range times) of the active region `i`.
    pub fn start_maps(&self, i: usize) -> (Entries<'_>, Entries<'_>) {
        let Some(a) = self.active_regions.get(i) else { return (&[], &[]) };
        let end = self.active_regions.get(i + 1).map_or(self.starts.len(), |n| n.start.at as usize);
        let (at, mid) = (a.start.at as usize, (a.start.at + a.start.block_n) as usize);
        match (self.starts.get(at..mid), self.starts.get(mid..end)) {
            (Some(b), Some(r)) => (b, r),
            _ => (&[], &[]),
        }
    }

    /// Forgets the innermost region (after [`Open::start_maps`] of it).
    pub fn pop(&mut self) {
        if let Some(a) = self.active_regions.pop() {
            self.starts.truncate(a.start.at as usize);
        }
    }
}

/// A goroutine while the trace is being read. What every transition reads and writes comes
/// first, in two cache lines.
#[derive(Debug)]
#[repr(C)]
pub(crate) struct GoRec {
    pub pending: Pending,
    pub start_time: Time,
    /// Whether `name` is set.
    pub named: bool,
    pub stats: RawStats,
    pub id: GoId,
    /// Its index in the goroutine table.
    pub index: u32,
    pub name: String,
    pub pc: u64,
    pub creation_time: Time,
    pub end_time: Time,
    pub regions: Vec<RegionId>,
    pub open: Open,
}

impl GoRec {
    pub fn new(id: GoId, index: u32, creation_time: Time) -> GoRec {
        GoRec {
            pending: Pending::default(),
            start_time: 0,
            named: false,
            stats: RawStats::default(),
            id,
            index,
            name: String::new(),
            pc: 0,
            creation_time,
            end_time: 0,
            regions: Vec::new(),
            open: Open::default(),
        }
    }

    /// The stats as of `last_ts`, with the pending state accounted for (Go's `snapshotStat`),
    /// into `out`.
    pub fn snapshot(&self, last_ts: Time, out: &mut Snap) {
        out.block.clear();
        out.range.clear();
        out.s = self.snapshot_into(last_ts, &mut out.block, &mut out.range);
    }

    /// Pushes a region starting now, at `t`, with the goroutine's stats as they are
    /// (`scratch`: a buffer for the range times).
    pub fn push_region(&mut self, id: RegionId, t: Time, scratch: &mut Vec<(Sym, Duration)>) {
        let mut starts = std::mem::take(&mut self.open.starts);
        let at = starts.len();
        scratch.clear();
        let s = self.snapshot_into(t, &mut starts, scratch);
        let block_n = (starts.len() - at) as u32;
        starts.extend_from_slice(scratch);
        self.open.starts = starts;
        let at = u32::try_from(at).expect("fewer than 2^32 open region stats");
        self.open.active_regions.push(Active { id, start: StartStats { s, at, block_n } });
    }

    /// Go's `snapshotStat`: the scalars; the maps appended to `block` and `range` (from their
    /// length on, the keys looked up there).
    fn snapshot_into(&self, last_ts: Time, block: &mut Vec<(Sym, Duration)>, range: &mut Vec<(Sym, Duration)>) -> Scalars {
        let p = &self.pending;
        let mut s = self.stats.s;
        let (b0, r0) = (block.len(), range.len());
        block.extend_from_slice(self.stats.block.entries());
        range.extend_from_slice(self.stats.range.entries());
        if self.stats.s.total == 0 {
            s.total = last_ts.wrapping_sub(self.creation_time);
        }
        if p.last_start_time != 0 {
            add(&mut s.exec, last_ts.wrapping_sub(p.last_start_time));
        }
        if p.last_runnable_time != 0 {
            add(&mut s.sched_wait, last_ts.wrapping_sub(p.last_runnable_time));
        }
        if p.last_block_time != 0 {
            add(names::slot_from(block, b0, p.last_block_reason), last_ts.wrapping_sub(p.last_block_time));
        }
        if p.last_syscall_time != 0 {
            add(&mut s.syscall, last_ts.wrapping_sub(p.last_syscall_time));
        }
        // Surprising but Go's: a pending blocked syscall counts as syscall time for its whole
        // length (above) AND as sched wait time since its P was taken; a finished one is split
        // into syscall and syscall-block time instead.
        if p.last_syscall_block_time != 0 {
            add(&mut s.sched_wait, last_ts.wrapping_sub(p.last_syscall_block_time));
        }
        for (name, ts) in self.open.last_range_time.iter() {
            add(names::slot_from(range, r0, name), last_ts.wrapping_sub(ts));
        }
        s
    }

    /// The public summary; `regions` already sorted.
    pub fn publish(self, names: &super::names::Names) -> GoroutineSummary {
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

/// Ids below this index a vector directly (4 bytes each at most: 16 MiB); others a map.
const DENSE_LIMIT: i64 = 1 << 22;
const NO_INDEX: u32 = u32::MAX;

/// Every goroutine id the summarizer has met (in a goroutine transition, or as the goroutine of
/// a kept event), each with a small index, and the goroutine being summarized under each id.
/// Goroutine ids are small and dense (the runtime hands them out in order), so the look-up on
/// nearly every event indexes a vector.
#[derive(Debug, Default)]
pub(crate) struct GoTable {
    dense: Vec<u32>,
    sparse: FxHashMap<GoId, u32>,
    /// By index.
    pub ids: Vec<GoId>,
    pub slots: Vec<GoSlot>,
}

/// What is known under one goroutine id.
#[derive(Debug, Default)]
pub(crate) struct GoSlot {
    /// The goroutine being summarized. A goroutine id seen again as created (from NotExist or
    /// Undetermined) starts a new summary that replaces the old one, as in Go.
    pub g: Option<GoRec>,
    /// The P of the goroutine's syscall (Go's `syscallingG`, a map by goroutine id, which
    /// outlives a summary replaced).
    pub syscall_p: Option<ProcId>,
}

impl GoTable {
    #[inline]
    pub fn find(&self, id: GoId) -> Option<u32> {
        if let Some(&i) = self.dense.get(id.0 as usize) {
            if i != NO_INDEX {
                return Some(i);
            }
        }
        if self.sparse.is_empty() {
            return None;
        }
        self.sparse.get(&id).copied()
    }

    /// The index of `id`, added if new.
    #[inline]
    pub fn index(&mut self, id: GoId) -> u32 {
        match self.find(id) {
            Some(i) => i,
            None => self.add(id),
        }
    }

    fn add(&mut self, id: GoId) -> u32 {
        let i = u32::try_from(self.ids.len()).ok().filter(|&i| i != NO_INDEX).expect("fewer than 2^32 goroutines");
        self.ids.push(id);
        self.slots.push(GoSlot::default());
        // Dense while the ids are (a vector at most a few times the number of goroutines).
        let at = id.0 as usize;
        if (0..DENSE_LIMIT).contains(&id.0) && at < 4 * self.ids.len() + 4096 {
            if at >= self.dense.len() {
                self.dense.resize((at + 1).max(self.dense.len() * 2).min(DENSE_LIMIT as usize), NO_INDEX);
            }
            self.dense[at] = i;
        } else {
            self.sparse.insert(id, i);
        }
        i
    }

    #[inline]
    pub fn get_mut(&mut self, id: GoId) -> Option<&mut GoRec> {
        let i = self.find(id)?;
        self.slots[i as usize].g.as_mut()
    }

    #[inline]
    pub fn get(&self, id: GoId) -> Option<&GoRec> {
        let i = self.find(id)?;
        self.slots[i as usize].g.as_ref()
    }

    pub fn contains(&self, id: GoId) -> bool {
        self.get(id).is_some()
    }
}

