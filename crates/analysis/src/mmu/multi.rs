//! Several flag sets' utilization functions in one pass: [`MultiUtilBuilder`] gives, for each
//! flag set, exactly what a [`MutatorUtilBuilder`](super::MutatorUtilBuilder) of that set gives,
//! but decodes each event once and shares what the sets have in common.
//!
//! What is shared: GOMAXPROCS and its history, the stop-the-world count (every set with
//! [`UtilFlags::STW`] counts the same ranges), which goroutines do GC work (one map, with a bit
//! per reason, from which each set's membership follows), and the goroutine states of the first
//! generation. What is per set: the GC work on each P and the series. A set's series only
//! changes when its utilization does, so after an event only the sets whose state changed are
//! looked at (Go evaluates every set after every event; all other evaluations change nothing).
//!
//! Most events are goroutine state transitions, and only those that start or stop a goroutine
//! doing GC work matter: the rest cost a decode and, when the goroutine starts or stops
//! running, one lookup.

use gotrace::{Event, EventKind, GoId, GoState, ProcId, Range, Time};
use rustc_hash::FxHashMap;

use super::flags::UtilFlags;
use super::util::{add_util, MutatorUtil};
use crate::Consumer;

/// The metric that carries GOMAXPROCS.
const GOMAXPROCS_METRIC: &str = "/sched/gomaxprocs:threads";

/// GOMAXPROCS values above this are ignored (see the single-set builder).
const MAX_GOMAXPROCS: u64 = 1 << 20;

/// Goroutine bit: in a mark assist (counts for sets with [`UtilFlags::ASSIST`]).
const IN_GC: u8 = 1;
/// Goroutine bit: labelled as a background mark worker other than a dedicated one (counts for
/// sets with [`UtilFlags::BACKGROUND`]).
const BG_MARK: u8 = 2;
/// Goroutine bit: labelled "GC (dedicated)" (counts for sets with [`UtilFlags::BACKGROUND`]
/// and without [`UtilFlags::PER_PROC`]).
const BG_DEDICATED: u8 = 4;

/// Builds the utilization functions of up to 64 flag sets in one pass over the events, each
/// exactly as [`MutatorUtilBuilder`](super::MutatorUtilBuilder) (and Go's
/// `MutatorUtilizationV2`) would for that set alone.
///
/// Feed every event in order with [`Consumer::event`], then call [`finish`](Self::finish).
#[derive(Debug)]
pub struct MultiUtilBuilder {
    sets: Vec<FlagSet>,
    /// Sets (bit `i` = `sets[i]`) that count stop-the-world ranges, background workers,
    /// dedicated background workers, mark assists, sweeps.
    stw_sets: u64,
    bg_sets: u64,
    dedicated_sets: u64,
    assist_sets: u64,
    sweep_sets: u64,
    /// Sets in whose GC work a goroutine's transitions count, by its goroutine bits.
    member: [u64; 8],
    /// Whether some set needs the goroutine states of the first generation (assists, not per
    /// proc: see [`MultiUtilBuilder::fix_up_active`]).
    wants_states: bool,
    /// Current GOMAXPROCS (the length of every set's `ps`).
    n_procs: usize,
    /// Open GC stop-the-world ranges (unbalanced ends can make it negative).
    stw: i64,
    /// Goroutines doing GC work: [`IN_GC`], [`BG_MARK`], [`BG_DEDICATED`] bits.
    gc_gs: GoMap<u8>,
    /// Last known state of each goroutine, while `tracking`.
    states: GoMap<Option<GoState>>,
    tracking: bool,
    /// Whether state transitions can matter: GOMAXPROCS is known, and goroutine states are
    /// tracked or some goroutine does GC work.
    watch_transitions: bool,
    /// GOMAXPROCS changes, for correcting ranges found active at the start of the trace.
    procs: Vec<ProcsCount>,
    n_sync: u64,
    last_time: Option<Time>,
    /// Sets whose series may not show their current utilization (none while GOMAXPROCS is 0).
    dirty: u64,
}

#[derive(Debug)]
struct FlagSet {
    flags: UtilFlags,
    per_proc: bool,
    stw: bool,
    out: Vec<Vec<MutatorUtil>>,
    ps: Vec<PerP>,
    /// Number of `ps` with `gc > 0`.
    gc_ps: usize,
    /// Per-proc sets: indices of Ps whose series may not show their current utilization.
    pending: Vec<usize>,
}

#[derive(Debug, Clone, Copy)]
struct PerP {
    /// GC work in progress on this P (> 0: GC is active on it).
    gc: i64,
    /// Index of this P's series in `out`.
    series: usize,
    /// Whether the P is listed in `pending`.
    pending: bool,
}

#[derive(Debug, Clone, Copy)]
struct ProcsCount {
    time: Time,
    n: usize,
}

/// What a range is to the MMU.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RangeClass {
    Stw,
    Sweep,
    Assist,
    Other,
}

fn classify(r: &Range) -> RangeClass {
    if r.name.starts_with("stop-the-world") && r.name.contains("GC") {
        RangeClass::Stw
    } else if r.name == "GC incremental sweep" {
        RangeClass::Sweep
    } else if r.name == "GC mark assist" {
        RangeClass::Assist
    } else {
        RangeClass::Other
    }
}

/// Iterates over the set bits of a mask, as indices.
fn bits(mut mask: u64) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        if mask == 0 {
            return None;
        }
        let i = mask.trailing_zeros() as usize;
        mask &= mask - 1;
        Some(i)
    })
}

impl MultiUtilBuilder {
    /// A builder for each of `flags` (at most 64).
    pub fn new(flags: &[UtilFlags]) -> MultiUtilBuilder {
        assert!(flags.len() <= 64, "at most 64 flag sets");
        let mask = |f: &dyn Fn(UtilFlags) -> bool| {
            flags.iter().enumerate().filter(|(_, &s)| f(s)).fold(0u64, |m, (i, _)| m | 1u64 << i)
        };
        let stw_sets = mask(&|s| s.contains(UtilFlags::STW));
        let bg_sets = mask(&|s| s.contains(UtilFlags::BACKGROUND));
        let dedicated_sets = mask(&|s| s.contains(UtilFlags::BACKGROUND) && !s.contains(UtilFlags::PER_PROC));
        let assist_sets = mask(&|s| s.contains(UtilFlags::ASSIST));
        let sweep_sets = mask(&|s| s.contains(UtilFlags::SWEEP));
        let mut member = [0u64; 8];
        for (b, m) in member.iter_mut().enumerate() {
            let b = b as u8;
            if b & IN_GC != 0 {
                *m |= assist_sets;
            }
            if b & BG_MARK != 0 {
                *m |= bg_sets;
            }
            if b & BG_DEDICATED != 0 {
                *m |= dedicated_sets;
            }
        }
        let wants_states = flags.iter().any(|s| s.contains(UtilFlags::ASSIST) && !s.contains(UtilFlags::PER_PROC));
        MultiUtilBuilder {
            sets: flags
                .iter()
                .map(|&flags| FlagSet {
                    flags,
                    per_proc: flags.contains(UtilFlags::PER_PROC),
                    stw: flags.contains(UtilFlags::STW),
                    out: Vec::new(),
                    ps: Vec::new(),
                    gc_ps: 0,
                    pending: Vec::new(),
                })
                .collect(),
            stw_sets,
            bg_sets,
            dedicated_sets,
            assist_sets,
            sweep_sets,
            member,
            wants_states,
            n_procs: 0,
            stw: 0,
            gc_gs: GoMap::default(),
            states: GoMap::default(),
            tracking: wants_states,
            watch_transitions: false,
            procs: Vec::new(),
            n_sync: 0,
            last_time: None,
            dirty: 0,
        }
    }

    /// The flag sets, in the order given to [`new`](Self::new).
    pub fn flags(&self) -> impl Iterator<Item = UtilFlags> + '_ {
        self.sets.iter().map(|s| s.flags)
    }

    /// Whether GOMAXPROCS is known yet (nothing is analysed before).
    pub fn knows_gomaxprocs(&self) -> bool {
        self.n_procs != 0
    }

    /// Sets GOMAXPROCS at `time`, as a GOMAXPROCS metric event there would: for a v1 trace,
    /// whose initial GOMAXPROCS no event carries.
    pub fn seed_gomaxprocs(&mut self, time: Time, value: u64) {
        self.set_gomaxprocs(time, value);
        self.watch_transitions = self.n_procs != 0 && (self.tracking || !self.gc_gs.is_empty());
    }

    /// Each flag set's utilization functions for all events seen, in the order given to
    /// [`new`](Self::new): what [`MutatorUtilBuilder::finish`](super::MutatorUtilBuilder::finish)
    /// gives for that set.
    pub fn finish(self) -> Vec<(UtilFlags, Vec<Vec<MutatorUtil>>)> {
        let last_time = self.last_time;
        self.sets
            .into_iter()
            .map(|mut set| {
                let Some(time) = last_time else {
                    return (set.flags, Vec::new());
                };
                // The final 0-utilization point of every live series marks the end of the trace.
                let mu = MutatorUtil { time, util: 0.0 };
                for p in &set.ps {
                    add_util(&mut set.out[p.series], mu);
                }
                (set.flags, set.out)
            })
            .collect()
    }

    fn sync(&mut self, ev: &Event) {
        if let Some(s) = ev.sync() {
            self.n_sync = s.n;
        }
        self.tracking = self.wants_states && self.n_sync <= 1;
        if !self.tracking {
            self.states = GoMap::default();
        }
    }

    fn set_gomaxprocs(&mut self, time: Time, value: u64) {
        if value > MAX_GOMAXPROCS {
            return;
        }
        let n = value as usize;
        if n == self.n_procs {
            if self.procs.is_empty() {
                self.procs.push(ProcsCount { time, n });
            }
            return;
        }
        for (i, set) in self.sets.iter_mut().enumerate() {
            if set.ps.len() > n {
                for p in &set.ps[n..] {
                    if set.per_proc {
                        // End each removed P's series.
                        add_util(&mut set.out[p.series], MutatorUtil { time, util: 0.0 });
                    }
                    if p.gc > 0 {
                        set.gc_ps -= 1;
                    }
                }
                set.ps.truncate(n);
                set.pending.retain(|&i| i < n);
            }
            while set.ps.len() < n {
                // Start the new P's series. Without per-proc, every P shares series 0.
                let mut series = 0;
                if set.per_proc || set.out.is_empty() {
                    series = set.out.len();
                    set.out.push(vec![MutatorUtil { time, util: 1.0 }]);
                }
                set.ps.push(PerP { gc: 0, series, pending: set.per_proc });
                if set.per_proc {
                    set.pending.push(set.ps.len() - 1);
                }
            }
            // Whole-program utilization depends on GOMAXPROCS; per-proc sets have their new
            // Ps pending, or nothing left to record.
            if !set.per_proc || !set.pending.is_empty() {
                self.dirty |= 1u64 << i;
            }
        }
        self.n_procs = n;
        if n == 0 {
            // Nothing is recorded without Ps.
            self.dirty = 0;
        }
        if self.procs.last().is_none_or(|p| p.n != n) {
            self.procs.push(ProcsCount { time, n });
        }
    }

    /// `ps[proc].gc += delta` in every set of `mask`. Events without a P or with one beyond
    /// GOMAXPROCS are ignored (Go panics on them).
    fn add_gc(&mut self, mask: u64, proc: ProcId, delta: i64) {
        let Some(i) = usize::try_from(proc.0).ok().filter(|&i| i < self.n_procs) else {
            return;
        };
        for s in bits(mask) {
            let set = &mut self.sets[s];
            let p = &mut set.ps[i];
            let was = p.gc > 0;
            p.gc += delta;
            let is = p.gc > 0;
            if was != is {
                if is {
                    set.gc_ps += 1;
                } else {
                    set.gc_ps -= 1;
                }
                if set.per_proc && !p.pending {
                    p.pending = true;
                    set.pending.push(i);
                }
                self.dirty |= 1u64 << s;
            }
        }
    }

    fn add_stw(&mut self, delta: i64) {
        let was = self.stw > 0;
        self.stw += delta;
        if was == (self.stw > 0) {
            return;
        }
        for s in bits(self.stw_sets) {
            let set = &mut self.sets[s];
            if set.per_proc {
                for (i, p) in set.ps.iter_mut().enumerate() {
                    if !p.pending {
                        p.pending = true;
                        set.pending.push(i);
                    }
                }
            }
            self.dirty |= 1u64 << s;
        }
    }

    fn range_begin(&mut self, ev: &Event, r: &Range, class: RangeClass) {
        match class {
            RangeClass::Stw if self.stw_sets != 0 => self.add_stw(1),
            RangeClass::Sweep => self.add_gc(self.sweep_sets, ev.proc(), 1),
            RangeClass::Assist if self.assist_sets != 0 => {
                self.add_gc(self.assist_sets, ev.proc(), 1);
                if let Some(g) = r.scope.as_goroutine().filter(|&g| g != GoId::NONE) {
                    let b = self.gc_gs.get(g);
                    self.gc_gs.set(g, b | IN_GC);
                }
            }
            _ => {}
        }
    }

    fn range_end(&mut self, ev: &Event, r: &Range, class: RangeClass) {
        match class {
            RangeClass::Stw if self.stw_sets != 0 => self.add_stw(-1),
            RangeClass::Sweep => self.add_gc(self.sweep_sets, ev.proc(), -1),
            RangeClass::Assist if self.assist_sets != 0 => {
                self.add_gc(self.assist_sets, ev.proc(), -1);
                if let Some(g) = r.scope.as_goroutine().filter(|&g| g != GoId::NONE) {
                    let b = self.gc_gs.get(g);
                    if b != 0 {
                        self.gc_gs.set(g, b & !IN_GC);
                    }
                }
            }
            _ => {}
        }
    }

    /// A range found already active in the first generation was active since the start of the
    /// trace: in each whole-program set that counts it, take its P's share out of everything
    /// recorded so far. Go does this for sweeps, and for mark assists only if the event's
    /// goroutine is known to be executing. (Per-proc series of a P that is first mentioned now
    /// have no points to fix yet.)
    fn fix_up_active(&mut self, ev: &Event, class: RangeClass) {
        let mask = match class {
            RangeClass::Sweep => self.sweep_sets,
            RangeClass::Assist if self.states.get(ev.goroutine()).is_some_and(|s| s.executing()) => self.assist_sets,
            _ => return,
        };
        for s in bits(mask) {
            let set = &mut self.sets[s];
            if set.per_proc {
                continue;
            }
            let Some(series) = set.out.first_mut() else {
                continue;
            };
            self.dirty |= 1u64 << s;
            // Subtract 1/GOMAXPROCS, with GOMAXPROCS as it was at each point.
            let procs = &self.procs;
            let (mut mi, mut pi) = (0, 0);
            while mi < series.len() {
                if pi + 1 < procs.len() && procs[pi + 1].time < series[mi].time {
                    pi += 1;
                    continue;
                }
                let Some(pc) = procs.get(pi) else {
                    break;
                };
                let u = &mut series[mi].util;
                *u -= 1.0 / pc.n as f64;
                if *u < 0.0 {
                    *u = 0.0;
                }
                mi += 1;
            }
        }
    }

    fn range(&mut self, ev: &Event, kind: EventKind) {
        // Once a full generation has been seen, Active events only repeat what is known.
        if kind == EventKind::RangeActive && self.n_sync > 1 {
            return;
        }
        let Some(r) = ev.range() else {
            return;
        };
        let class = classify(&r);
        match kind {
            EventKind::RangeActive => {
                // A trace cannot start during a stop-the-world, so those need no fixing.
                self.fix_up_active(ev, class);
                // Then it acts like the beginning of a new range.
                self.range_begin(ev, &r, class);
            }
            EventKind::RangeBegin => self.range_begin(ev, &r, class),
            _ => self.range_end(ev, &r, class),
        }
    }

    /// The events other than state transitions that some set may care about.
    #[inline(never)]
    fn other_event(&mut self, ev: &Event) {
        let kind = ev.kind();
        match kind {
            EventKind::Sync => self.sync(ev),
            EventKind::Metric => {
                if let Some(m) = ev.metric().filter(|m| m.name == GOMAXPROCS_METRIC) {
                    self.set_gomaxprocs(ev.time(), m.value);
                }
            }
            // Nothing can be analysed before GOMAXPROCS is known.
            _ if self.n_procs == 0 => {}
            EventKind::RangeBegin | EventKind::RangeActive | EventKind::RangeEnd => self.range(ev, kind),
            EventKind::Label => self.label(ev),
            _ => {}
        }
        self.watch_transitions = self.n_procs != 0 && (self.tracking || !self.gc_gs.is_empty());
    }

    /// Only called when GOMAXPROCS is known and either goroutine states are tracked or some
    /// goroutine does GC work (`watch_transitions`).
    #[inline]
    fn state_transition(&mut self, ev: &Event) {
        let Some((g, old, new)) = ev.goroutine_transition() else {
            return;
        };
        let (was, is) = (old.executing(), new.executing());
        if was != is {
            let b = self.gc_gs.get(g);
            if b != 0 {
                // Started or stopped running while doing GC things.
                self.gc_goroutine_moved(b, ev.proc(), is);
            }
        }
        if self.tracking {
            self.states.set(g, Some(new));
        }
    }

    #[inline(never)]
    fn gc_goroutine_moved(&mut self, bits: u8, proc: ProcId, started: bool) {
        let mask = self.member[bits as usize];
        if mask != 0 {
            self.add_gc(mask, proc, if started { 1 } else { -1 });
        }
    }

    fn label(&mut self, ev: &Event) {
        if self.bg_sets == 0 {
            return;
        }
        let Some(l) = ev.label() else {
            return;
        };
        // A background mark worker. In per-proc mode dedicated workers do not count: they
        // kick every goroutine off their P, so they add no latency to any goroutine.
        if !l.label.starts_with("GC ") || l.label == "GC (idle)" {
            return;
        }
        let (bit, mask) =
            if l.label == "GC (dedicated)" { (BG_DEDICATED, self.dedicated_sets) } else { (BG_MARK, self.bg_sets) };
        if mask == 0 {
            return;
        }
        let g = ev.goroutine();
        let b = self.gc_gs.get(g);
        self.gc_gs.set(g, b | bit);
        self.add_gc(mask, ev.proc(), 1);
    }

    /// Brings the series of the dirty sets up to date with their utilization after an event.
    #[inline(never)]
    fn record(&mut self, time: Time) {
        let stw = self.stw > 0;
        for s in bits(self.dirty) {
            let set = &mut self.sets[s];
            let stw = stw && set.stw;
            let settled = if set.per_proc {
                let mut k = 0;
                while k < set.pending.len() {
                    let p = &mut set.ps[set.pending[k]];
                    let util = if stw || p.gc > 0 { 0.0 } else { 1.0 };
                    let series = &mut set.out[p.series];
                    add_util(series, MutatorUtil { time, util });
                    // Several changes at one timestamp keep the lowest, so the series can lag.
                    if series.last().is_some_and(|u| u.util == util) {
                        p.pending = false;
                        set.pending.swap_remove(k);
                    } else {
                        k += 1;
                    }
                }
                set.pending.is_empty()
            } else {
                let n = set.ps.len();
                let gc_ps = if stw { n } else { set.gc_ps };
                let util = 1.0 - gc_ps as f64 / n as f64;
                let series = &mut set.out[0];
                add_util(series, MutatorUtil { time, util });
                series.last().is_some_and(|u| u.util == util)
            };
            if settled {
                self.dirty &= !(1u64 << s);
            }
        }
    }
}

impl Consumer for MultiUtilBuilder {
    #[inline]
    fn event(&mut self, ev: &Event) {
        let time = ev.time();
        self.last_time = Some(time);
        match ev.kind() {
            EventKind::StateTransition => {
                if self.watch_transitions {
                    self.state_transition(ev);
                }
            }
            EventKind::Log
            | EventKind::RegionBegin
            | EventKind::RegionEnd
            | EventKind::TaskBegin
            | EventKind::TaskEnd
            | EventKind::StackSample
            | EventKind::Experimental
            | EventKind::Bad => {}
            _ => self.other_event(ev),
        }
        // A series that lags (see `record`) catches up at the next event, whatever it is.
        if self.dirty != 0 {
            self.record(time);
        }
    }
}

/// Goroutine id → small value (default = absent): a table for ids below 2^20 (goroutine ids
/// are dense from 1), a hash map for the others.
#[derive(Debug, Default)]
struct GoMap<V> {
    dense: Vec<V>,
    sparse: FxHashMap<GoId, V>,
    /// Entries that are not the default.
    len: usize,
}

const DENSE_IDS: usize = 1 << 20;

impl<V: Copy + Default + PartialEq> GoMap<V> {
    fn is_empty(&self) -> bool {
        self.len == 0
    }

    #[inline]
    fn get(&self, g: GoId) -> V {
        match usize::try_from(g.0) {
            Ok(i) if i < DENSE_IDS => self.dense.get(i).copied().unwrap_or_default(),
            _ if self.sparse.is_empty() => V::default(),
            _ => self.sparse.get(&g).copied().unwrap_or_default(),
        }
    }

    #[inline]
    fn set(&mut self, g: GoId, v: V) {
        match usize::try_from(g.0) {
            Ok(i) if i < self.dense.len() => {
                let old = std::mem::replace(&mut self.dense[i], v);
                self.count(old, v);
            }
            _ => self.set_slow(g, v),
        }
    }

    #[inline(never)]
    fn set_slow(&mut self, g: GoId, v: V) {
        let absent = v == V::default();
        let old = match usize::try_from(g.0) {
            Ok(i) if i < DENSE_IDS => {
                if absent {
                    return;
                }
                let len = (i + 1).next_power_of_two().clamp(256, DENSE_IDS);
                self.dense.resize(len, V::default());
                std::mem::replace(&mut self.dense[i], v)
            }
            _ if absent => self.sparse.remove(&g).unwrap_or_default(),
            _ => self.sparse.insert(g, v).unwrap_or_default(),
        };
        self.count(old, v);
    }

    #[inline]
    fn count(&mut self, old: V, new: V) {
        match (old == V::default(), new == V::default()) {
            (true, false) => self.len += 1,
            (false, true) => self.len -= 1,
            _ => {}
        }
    }
}
