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

use gotrace::{Event, GoId, GoState};
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
    list: Vec<Record>,
    /// The stack each record's frames come from: cmd/trace reports the frames of the stack
    /// added last, which differ only where stacks share PCs (an empty stack and a PC-0 frame).
    last: Vec<(u64, u64)>,
}

impl Records {
    /// The record of a stack, keyed by its first 128 PCs (trailing zero PCs count as absent,
    /// as in Go's zero-padded array key); its frames become this stack's.
    pub(crate) fn add(&mut self, ev: &Event, time_ns: i64) -> usize {
        let stack = ev.stack();
        let id = (ev.generation(), stack.id().0);
        if let Some(&i) = self.by_stack.get(&id) {
            if self.last[i] == id {
                let r = &mut self.list[i];
                r.count += 1;
                r.time_ns += time_ns;
                return i;
            }
        }
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
        self.by_stack.insert(id, i);
        i
    }
}

/// A sample ended before its goroutine first ran.
#[derive(Debug)]
struct Held {
    kind: usize,
    start: Event,
    duration_ns: i64,
}

#[derive(Debug, Default)]
struct GoState4 {
    /// First time the goroutine ran (0: not yet), as the summary's StartTime.
    start_time: i64,
    /// The event that began the open sample of each kind.
    open: [Option<Event>; 4],
    held: Vec<Held>,
    /// (kind, record) -> (count, time) contributed by this goroutine, for per-group profiles.
    contributions: FxHashMap<(u8, u32), (u64, i64)>,
}

/// Computes the four profiles in one pass over the kept events.
#[derive(Debug, Default)]
pub struct BlockingProfiles {
    goroutines: FxHashMap<GoId, GoState4>,
    records: [Records; 4],
    /// Only time inside [from, to] counts (the whole trace by default).
    range: Option<(i64, i64)>,
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
        for g in self.goroutines.values_mut() {
            if g.start_time != 0 {
                continue;
            }
            for h in std::mem::take(&mut g.held) {
                if h.duration_ns <= 0 {
                    continue;
                }
                let rec = self.records[h.kind].add(&h.start, h.duration_ns);
                let c = g.contributions.entry((h.kind as u8, rec as u32)).or_default();
                c.0 += 1;
                c.1 += h.duration_ns;
            }
        }
        FinishedProfiles { goroutines: self.goroutines, records: self.records }
    }
}

impl Consumer for BlockingProfiles {
    fn event(&mut self, ev: &Event) {
        let Some((id, old, new)) = ev.goroutine_transition() else { return };
        let range = self.range;
        let clip = |s0: i64, s1: i64| match range {
            Some((from, to)) => s1.min(to) - s0.max(from),
            None => s1 - s0,
        };
        let g = self.goroutines.entry(id).or_default();
        if old != new && new == GoState::Running && g.start_time == 0 {
            g.start_time = ev.time();
            // Samples that ended by now fall outside [start, end]: cmd/trace drops them.
            g.held.clear();
        }
        for (k, kind) in ProfileKind::ALL.into_iter().enumerate() {
            let state = kind.state();
            let Some(start) = &g.open[k] else {
                if new == state && kind.tracks(ev.transition_reason()) {
                    g.open[k] = Some(ev.clone());
                }
                continue;
            };
            if new == state {
                continue;
            }
            let (s0, s1) = (start.time(), ev.time());
            let start = g.open[k].take().expect("checked above");
            if g.start_time == 0 {
                g.held.push(Held { kind: k, start, duration_ns: clip(s0, s1) });
                continue;
            }
            // Overlap of [s0, s1] with [start_time, end] (the end is never before s1), and
            // with the range if any.
            if s1 < g.start_time {
                continue;
            }
            let t = clip(s0.max(g.start_time), s1);
            if t <= 0 {
                continue;
            }
            let rec = self.records[k].add(&start, t);
            let c = g.contributions.entry((k as u8, rec as u32)).or_default();
            c.0 += 1;
            c.1 += t;
        }
    }
}

/// Profiles after the pass: whole-trace or restricted to some goroutines.
#[derive(Debug)]
pub struct FinishedProfiles {
    goroutines: FxHashMap<GoId, GoState4>,
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
            for (&(kk, rec), &(n, t)) in &g.contributions {
                if kk as usize == k {
                    acc[rec as usize].0 += n;
                    acc[rec as usize].1 += t;
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
