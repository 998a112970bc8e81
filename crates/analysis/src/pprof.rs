//! The four blocking profiles of `go tool trace` (cmd/trace's pprof.go): time goroutines spent
//! waiting on the network, on synchronization (channels, select, sync), in syscalls, and
//! runnable but not running (scheduler latency), attributed to the stack of the event that
//! entered the state.
//!
//! One pass. cmd/trace clips each sample to the goroutine's [start, end] from the summary; the
//! start (first time running) is tracked here as the summary does, and samples that end before
//! a goroutine has ever run are held until we know whether it runs at all (they count only if
//! it never does, as in Go).

use std::collections::BTreeMap;

use gotrace::{Event, EventKind, GoId, GoState};
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::Consumer;

/// Which profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ProfileKind {
    Net,
    Sync,
    Syscall,
    Sched,
}

impl ProfileKind {
    pub const ALL: [ProfileKind; 4] = [ProfileKind::Net, ProfileKind::Sync, ProfileKind::Syscall, ProfileKind::Sched];

    pub fn as_str(self) -> &'static str {
        match self {
            ProfileKind::Net => "net",
            ProfileKind::Sync => "sync",
            ProfileKind::Syscall => "syscall",
            ProfileKind::Sched => "sched",
        }
    }

    pub fn parse(s: &str) -> Option<ProfileKind> {
        ProfileKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The state a sample is spent in.
    fn state(self) -> GoState {
        match self {
            ProfileKind::Net | ProfileKind::Sync => GoState::Waiting,
            ProfileKind::Syscall => GoState::Syscall,
            ProfileKind::Sched => GoState::Runnable,
        }
    }

    /// Whether entering the state for this reason starts a sample.
    fn tracks(self, reason: &str) -> bool {
        match self {
            ProfileKind::Net => reason == "network",
            ProfileKind::Sync => reason.contains("chan") || reason.contains("sync") || reason.contains("select"),
            ProfileKind::Syscall | ProfileKind::Sched => true,
        }
    }
}

/// Most frames of a stack that identify a record (cmd/trace's `pprofMaxStack`).
const MAX_STACK: usize = 128;

/// One frame of a profile stack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Frame {
    pub func: String,
    pub file: String,
    pub line: u64,
    pub pc: u64,
}

/// Time spent at one stack.
#[derive(Debug, Clone, Serialize)]
pub struct Record {
    /// Leaf first.
    pub frames: Vec<Frame>,
    pub count: u64,
    pub time_ns: i64,
}

/// A finished profile, records sorted by time (most first).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Profile {
    pub total_ns: i64,
    pub total_count: u64,
    pub records: Vec<Record>,
}

impl Profile {
    /// Time by leaf function (pprof's "flat").
    pub fn flat_by_func(&self) -> BTreeMap<String, i64> {
        let mut m = BTreeMap::new();
        for r in &self.records {
            if let Some(f) = r.frames.first() {
                *m.entry(f.func.clone()).or_default() += r.time_ns;
            }
        }
        m
    }

    /// Time by function anywhere on the stack, once per stack (pprof's "cum").
    pub fn cum_by_func(&self) -> BTreeMap<String, i64> {
        let mut m = BTreeMap::new();
        for r in &self.records {
            let mut seen: Vec<&str> = Vec::new();
            for f in &r.frames {
                if !seen.contains(&f.func.as_str()) {
                    seen.push(&f.func);
                    *m.entry(f.func.clone()).or_default() += r.time_ns;
                }
            }
        }
        m
    }
}

#[derive(Debug, Default)]
pub(crate) struct Records {
    index: FxHashMap<Box<[u64]>, usize>,
    /// (generation, stack id) to record: most samples repeat a stack already seen.
    by_stack: FxHashMap<(u64, u64), usize>,
    /// The same for the newest generation seen, indexed by stack id (NO_SLOT: unknown).
    dense_gen: u64,
    dense: Vec<u32>,
    list: Vec<Record>,
    /// The stack each record's frames come from: cmd/trace reports the frames of the stack
    /// added last, which differ only where stacks share PCs (an empty stack and a PC-0 frame).
    last: Vec<(u64, u64)>,
}

/// (generation, stack id): identifies the stack of an event across the trace.
#[inline]
fn stack_key(ev: &Event) -> (u64, u64) {
    (ev.generation(), ev.stack().id().0)
}

/// Stack ids below this index [`Records::dense`].
const DENSE_STACKS: u64 = 1 << 20;

impl Records {
    #[inline]
    fn by_stack(&self, id: (u64, u64)) -> Option<usize> {
        if id.0 == self.dense_gen && id.1 < DENSE_STACKS {
            let s = *self.dense.get(id.1 as usize)?;
            return (s != NO_SLOT).then_some(s as usize);
        }
        self.by_stack.get(&id).copied()
    }

    fn set_by_stack(&mut self, id: (u64, u64), i: usize) {
        if id.0 > self.dense_gen {
            self.dense_gen = id.0;
            self.dense.clear();
        }
        if id.0 == self.dense_gen && id.1 < DENSE_STACKS {
            let j = id.1 as usize;
            if j >= self.dense.len() {
                self.dense.resize((j + 1).max(self.dense.len() * 2), NO_SLOT);
            }
            self.dense[j] = i as u32;
        }
        self.by_stack.insert(id, i);
    }

    /// The record of a stack, keyed by its first 128 PCs (trailing zero PCs count as absent,
    /// as in Go's zero-padded array key); its frames become this stack's.
    pub(crate) fn add(&mut self, ev: &Event, time_ns: i64) -> usize {
        self.add_keyed(stack_key(ev), ev, time_ns)
    }

    /// [`add`](Self::add) with the event's [`stack_key`] already known.
    #[inline]
    fn add_keyed(&mut self, id: (u64, u64), ev: &Event, time_ns: i64) -> usize {
        if let Some(i) = self.by_stack(id) {
            if self.last[i] == id {
                let r = &mut self.list[i];
                r.count += 1;
                r.time_ns += time_ns;
                return i;
            }
        }
        self.add_slow(id, ev, time_ns)
    }

    #[inline(never)]
    fn add_slow(&mut self, id: (u64, u64), ev: &Event, time_ns: i64) -> usize {
        let stack = ev.stack();
        let pcs = stack.pcs();
        let mut key = &pcs[..pcs.len().min(MAX_STACK)];
        while let [rest @ .., 0] = key {
            key = rest;
        }
        let i = match self.index.get(key) {
            Some(&i) => i,
            None => {
                self.list.push(Record { frames: Vec::new(), count: 0, time_ns: 0 });
                self.last.push(id);
                self.index.insert(key.into(), self.list.len() - 1);
                self.list.len() - 1
            }
        };
        let r = &mut self.list[i];
        if r.count == 0 || self.last[i] != id {
            r.frames = stack
                .frames()
                .take(MAX_STACK)
                .map(|f| Frame { func: f.func.to_string(), file: f.file.to_string(), line: f.line, pc: f.pc })
                .collect();
        }
        r.count += 1;
        r.time_ns += time_ns;
        self.last[i] = id;
        self.set_by_stack(id, i);
        i
    }
}

/// A sample ended before its goroutine first ran.
#[derive(Debug)]
struct Held {
    kind: usize,
    start: Open,
    duration_ns: i64,
}

/// The start of an open sample: its event, with the event's time and [`stack_key`].
#[derive(Debug)]
struct Open {
    time: i64,
    key: (u64, u64),
    ev: Event,
}

/// (kind << 32 | record) -> (count, time) contributed by one goroutine.
type Contributions = FxHashMap<u64, (u64, i64)>;

#[derive(Debug, Default)]
struct GoState4 {
    /// The event that began the open sample of each kind.
    open: [Option<Open>; 4],
    held: Vec<Held>,
    /// What this goroutine contributed, for per-group profiles; the latest record of each
    /// kind accumulates in `pending` first.
    contributions: Contributions,
    /// (record, count, time) not yet in `contributions`, by kind (count 0: none).
    pending: [(u32, u64, i64); 4],
}

impl GoState4 {
    #[inline]
    fn contribute(&mut self, kind: usize, rec: usize, t: i64) {
        let p = &mut self.pending[kind];
        if p.1 != 0 && p.0 as usize == rec {
            p.1 += 1;
            p.2 += t;
            return;
        }
        self.flush(kind);
        self.pending[kind] = (rec as u32, 1, t);
    }

    fn flush(&mut self, kind: usize) {
        let (rec, n, t) = std::mem::take(&mut self.pending[kind]);
        if n == 0 {
            return;
        }
        let c = self.contributions.entry(((kind as u64) << 32) | rec as u64).or_default();
        c.0 += n;
        c.1 += t;
    }
}

/// What every transition of a goroutine looks at, kept small.
#[derive(Debug, Clone, Copy)]
struct Hot {
    /// First time the goroutine ran (0: not yet), as the summary's StartTime.
    start_time: i64,
    /// Index of the goroutine's [`GoState4`].
    slot: u32,
    /// Bit k: the goroutine's `open[k]` is set.
    mask: u8,
}

const NO_SLOT: u32 = u32::MAX;
const NO_HOT: Hot = Hot { start_time: 0, slot: NO_SLOT, mask: 0 };

/// Goroutine ids below this index a vector directly; others go to a hash map.
const DENSE_LIMIT: i64 = 1 << 22;

/// The per-goroutine states, in order of first sight: the runtime's ids are small and dense.
#[derive(Debug, Default)]
struct GoTable {
    hot: Vec<Hot>,
    overflow: FxHashMap<GoId, Hot>,
    slots: Vec<(GoId, GoState4)>,
}

impl GoTable {
    /// The hot and the other state of `id`, added if new.
    #[inline(always)]
    fn get(&mut self, id: GoId) -> (&mut Hot, &mut GoState4) {
        let n = self.slots.len() as u32;
        let h = if (0..DENSE_LIMIT).contains(&id.0) && (id.0 as usize) < self.hot.len() {
            &mut self.hot[id.0 as usize]
        } else {
            Self::hot_slow(&mut self.hot, &mut self.overflow, id)
        };
        if h.slot == NO_SLOT {
            h.slot = n;
            self.slots.push((id, GoState4::default()));
        }
        let g = &mut self.slots[h.slot as usize].1;
        (h, g)
    }

    #[inline(never)]
    fn hot_slow<'a>(hot: &'a mut Vec<Hot>, overflow: &'a mut FxHashMap<GoId, Hot>, id: GoId) -> &'a mut Hot {
        if (0..DENSE_LIMIT).contains(&id.0) {
            let i = id.0 as usize;
            if i >= hot.len() {
                hot.resize((i + 1).max(hot.len() * 2), NO_HOT);
            }
            &mut hot[i]
        } else {
            overflow.entry(id).or_insert(NO_HOT)
        }
    }

    fn start_time(&self, id: GoId) -> i64 {
        let h = if (0..DENSE_LIMIT).contains(&id.0) { self.hot.get(id.0 as usize) } else { self.overflow.get(&id) };
        h.map_or(0, |h| h.start_time)
    }
}

/// Computes the four profiles in one pass over the kept events.
#[derive(Debug, Default)]
pub struct BlockingProfiles {
    goroutines: GoTable,
    records: [Records; 4],
    /// Only time inside [from, to] counts (the whole trace by default).
    range: Option<(i64, i64)>,
    /// Which profiles track the reasons seen lately.
    reasons: ReasonCache,
}

impl BlockingProfiles {
    pub fn new() -> Self {
        Self::default()
    }

    /// Profiles of the time inside [from, to] only.
    pub fn with_range(from: i64, to: i64) -> Self {
        BlockingProfiles { range: Some((from, to)), ..Self::default() }
    }

    /// The profiles of all goroutines, and the goroutine ids for per-group profiles.
    pub fn finish(mut self) -> FinishedProfiles {
        // Samples of goroutines that never ran count whole (their interval is [0, end]).
        let mut slots = std::mem::take(&mut self.goroutines.slots);
        for (id, g) in &mut slots {
            if self.goroutines.start_time(*id) == 0 {
                for h in std::mem::take(&mut g.held) {
                    if h.duration_ns <= 0 {
                        continue;
                    }
                    let rec = self.records[h.kind].add_keyed(h.start.key, &h.start.ev, h.duration_ns);
                    g.contribute(h.kind, rec, h.duration_ns);
                }
            }
            for k in 0..4 {
                g.flush(k);
            }
        }
        let goroutines = slots.into_iter().map(|(id, g)| (id, g.contributions)).collect();
        FinishedProfiles { goroutines, records: self.records }
    }
}

/// Ends the open sample of kind `k` of goroutine `g`, which first ran at `start_time`, at `ev`.
#[inline(never)]
fn close(g: &mut GoState4, records: &mut Records, range: Option<(i64, i64)>, start_time: i64, k: usize, ev: &Event) {
    let clip = |s0: i64, s1: i64| match range {
        Some((from, to)) => s1.min(to) - s0.max(from),
        None => s1 - s0,
    };
    let start = g.open[k].take().expect("open");
    let (s0, s1) = (start.time, ev.time());
    if start_time == 0 {
        g.held.push(Held { kind: k, start, duration_ns: clip(s0, s1) });
        return;
    }
    // Overlap of [s0, s1] with [start_time, end] (the end is never before s1), and with the
    // range if any.
    if s1 < start_time {
        return;
    }
    let t = clip(s0.max(start_time), s1);
    if t <= 0 {
        return;
    }
    let rec = records.add_keyed(start.key, &start.ev, t);
    g.contribute(k, rec, t);
}

/// Which of the net and sync profiles sample a block for a reason, by where the reason's text
/// is (address, length): few reasons recur, and a look here costs less than the profiles'
/// string comparisons and substring searches. A string stays where it is while its generation
/// is read: the cache is forgotten at each Sync, after which a string of a new generation could
/// be where one of an old one was.
#[derive(Debug, Default)]
struct ReasonCache {
    /// (address, length, bit k set: profile k tracks it), direct-mapped by address.
    slots: [(usize, usize, u8); 8],
}

impl ReasonCache {
    /// Whether profile `k` (net or sync) samples a block for `reason`.
    #[inline]
    fn tracks(&mut self, k: usize, reason: &str) -> bool {
        let (addr, len) = (reason.as_ptr() as usize, reason.len());
        let slot = &mut self.slots[(addr >> 3) % 8];
        if slot.0 != addr || slot.1 != len {
            let net = u8::from(ProfileKind::Net.tracks(reason)) << ProfileKind::Net as u8;
            let sync = u8::from(ProfileKind::Sync.tracks(reason)) << ProfileKind::Sync as u8;
            *slot = (addr, len, net | sync);
        }
        slot.2 & (1 << k) != 0
    }

    fn forget(&mut self) {
        *self = ReasonCache::default();
    }
}

impl Consumer for BlockingProfiles {
    fn event(&mut self, ev: &Event) {
        let Some((id, old, new)) = ev.goroutine_transition() else {
            if ev.kind() == EventKind::Sync {
                self.reasons.forget();
            }
            return;
        };
        let (h, g) = self.goroutines.get(id);
        if old != new && new == GoState::Running && h.start_time == 0 {
            h.start_time = ev.time();
            // Samples that ended by now fall outside [start, end]: cmd/trace drops them.
            g.held.clear();
        }
        // Which kinds' state the goroutine is now in.
        let in_state: u8 = match new {
            GoState::Waiting => 0b0011,
            GoState::Syscall => 0b0100,
            GoState::Runnable => 0b1000,
            _ => 0,
        };
        // Open samples end when the state is left; samples of the new state may begin.
        let closing = h.mask & !in_state;
        let opening = in_state & !h.mask;
        if closing == 0 && opening == 0 {
            return;
        }
        let mut todo = closing | opening;
        while todo != 0 {
            let k = todo.trailing_zeros() as usize;
            let bit = 1u8 << k;
            todo &= !bit;
            if closing & bit != 0 {
                close(g, &mut self.records[k], self.range, h.start_time, k, ev);
                h.mask &= !bit;
            } else if k >= 2 || self.reasons.tracks(k, ev.transition_reason()) {
                g.open[k] = Some(Open { time: ev.time(), key: stack_key(ev), ev: ev.clone() });
                h.mask |= bit;
            }
        }
    }
}

/// Profiles after the pass: whole-trace or restricted to some goroutines.
#[derive(Debug)]
pub struct FinishedProfiles {
    /// Each goroutine's contributions.
    goroutines: Vec<(GoId, Contributions)>,
    records: [Records; 4],
}

impl FinishedProfiles {
    fn build(&self, kind: ProfileKind, mut filter: impl FnMut(GoId) -> bool) -> Profile {
        let k = kind as usize;
        let mut acc: Vec<(u64, i64)> = vec![(0, 0); self.records[k].list.len()];
        for (id, g) in &self.goroutines {
            if !filter(*id) {
                continue;
            }
            for (&key, &(n, t)) in g {
                if (key >> 32) as usize == k {
                    let rec = key as u32 as usize;
                    acc[rec].0 += n;
                    acc[rec].1 += t;
                }
            }
        }
        let mut p = Profile::default();
        for (r, (count, time_ns)) in self.records[k].list.iter().zip(acc) {
            if count == 0 {
                continue;
            }
            p.total_ns += time_ns;
            p.total_count += count;
            p.records.push(Record { frames: r.frames.clone(), count, time_ns });
        }
        p.records.sort_by(|a, b| {
            let join = |r: &Record| r.frames.iter().map(|f| f.func.as_str()).collect::<Vec<_>>().join(";");
            b.time_ns.cmp(&a.time_ns).then_with(|| join(a).cmp(&join(b)))
        });
        p
    }

    /// Whether any goroutine was seen (cmd/trace refuses to make profiles otherwise).
    pub fn has_goroutines(&self) -> bool {
        !self.goroutines.is_empty()
    }

    /// The profile over every goroutine.
    pub fn profile(&self, kind: ProfileKind) -> Profile {
        self.build(kind, |_| true)
    }

    /// The profile over the goroutines `keep` selects (a goroutine group, say).
    pub fn profile_of(&self, kind: ProfileKind, keep: impl FnMut(GoId) -> bool) -> Profile {
        self.build(kind, keep)
    }
}

impl Records {
    /// The records as a profile, most time first.
    pub(crate) fn to_profile(&self) -> Profile {
        let mut p = Profile::default();
        for r in &self.list {
            p.total_ns += r.time_ns;
            p.total_count += r.count;
            p.records.push(r.clone());
        }
        p.records.sort_by(|a, b| b.time_ns.cmp(&a.time_ns).then(b.count.cmp(&a.count)));
        p
    }
}

/// cmd/trace's `makeComputePprofFunc` with explicit intervals: the profile of `kind` counting
/// only the time each goroutine spends inside its intervals (as the profile pages of a
/// goroutine group or a region type do). A second pass over the trace: the intervals come
/// from the summary of the first.
pub struct ScopedProfile {
    kind: ProfileKind,
    intervals: FxHashMap<GoId, Vec<(i64, i64)>>,
    open: FxHashMap<GoId, Event>,
    records: Records,
}

impl ScopedProfile {
    pub fn new(kind: ProfileKind, intervals: FxHashMap<GoId, Vec<(i64, i64)>>) -> Self {
        ScopedProfile { kind, intervals, open: FxHashMap::default(), records: Records::default() }
    }

    pub fn profile(&self) -> Profile {
        self.records.to_profile()
    }
}

/// Go's `interval.overlap`.
fn overlap(i: (i64, i64), s: (i64, i64)) -> i64 {
    if i.1 < s.0 || s.1 < i.0 {
        return 0;
    }
    i.1.min(s.1) - i.0.max(s.0)
}

impl Consumer for ScopedProfile {
    fn event(&mut self, ev: &Event) {
        let Some((id, _, new)) = ev.goroutine_transition() else { return };
        let state = self.kind.state();
        let Some(start) = self.open.get(&id) else {
            if new == state && self.kind.tracks(ev.transition_reason()) {
                self.open.insert(id, ev.clone());
            }
            return;
        };
        if new == state {
            return;
        }
        let sample = (start.time(), ev.time());
        let t: i64 = self.intervals.get(&id).map_or(0, |v| v.iter().map(|&i| overlap(i, sample)).filter(|&o| o > 0).sum());
        let start = self.open.remove(&id).expect("checked above");
        if t > 0 {
            self.records.add(&start, t);
        }
    }
}

/// cmd/trace's `pprofMatchingRegions` interval merging: sorted, and a region starting before
/// the previous kept one ended is dropped.
pub fn non_overlapping(mut v: Vec<(i64, i64)>) -> Vec<(i64, i64)> {
    v.sort();
    let mut out: Vec<(i64, i64)> = Vec::with_capacity(v.len());
    let mut last = 0;
    for i in v {
        if last <= i.0 {
            out.push(i);
            last = i.1;
        }
    }
    out
}
