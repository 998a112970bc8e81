//! Go's `MutatorUtilizationV2` as a streaming [`Consumer`]: events in, utilization functions
//! out, in one pass and without keeping the events.

use gotrace::{Event, EventKind, GoId, GoState, ProcId, Range, Time};
use rustc_hash::FxHashMap;

use super::flags::UtilFlags;
use super::util::{add_util, MutatorUtil};
use crate::Consumer;

/// The metric that carries GOMAXPROCS.
const GOMAXPROCS_METRIC: &str = "/sched/gomaxprocs:threads";

/// `gc_gs` bit: the goroutine is in a mark assist.
const IN_GC: u8 = 1;
/// `gc_gs` bit: the goroutine is a background mark worker.
const BG_MARK: u8 = 2;

/// GOMAXPROCS values above this are treated as corrupt and ignored: Go would try to allocate
/// one P record per unit (and index out of range for values >= 2^63). The runtime keeps
/// GOMAXPROCS in an int32 and no real program comes near a million Ps.
const MAX_GOMAXPROCS: u64 = 1 << 20;

/// Builds mutator utilization functions from a trace's events, exactly as Go's
/// `trace.MutatorUtilizationV2(events, flags)`.
///
/// Feed every event in order with [`Consumer::event`], then call [`finish`](Self::finish)
/// (the reader reached the end of the trace) or [`finish_at_last_sync`](Self::finish_at_last_sync)
/// (the reader failed: `cmd/trace` then analyses only the events up to the last Sync).
///
/// Without [`UtilFlags::PER_PROC`] the result is a single function, in which each P weighs
/// 1/GOMAXPROCS; with it, one function per P (a new one each time GOMAXPROCS grows again).
/// Every function ends with a 0-utilization point at the last event.
#[derive(Debug)]
pub struct MutatorUtilBuilder {
    flags: UtilFlags,
    per_proc: bool,
    out: Vec<Vec<MutatorUtil>>,
    /// Open GC stop-the-world ranges (Go's `stw`; unbalanced ends can make it negative).
    stw: i64,
    ps: Vec<PerP>,
    /// Number of `ps` with `gc > 0`, so the whole-program utilization is O(1) per event
    /// (Go counts them on every event).
    gc_ps: usize,
    /// Per-proc mode: indices of Ps whose series may not show their current utilization. Go
    /// calls `addUtil` for every P on every event; all but these calls change nothing.
    pending: Vec<usize>,
    /// Goroutines doing GC work ([`IN_GC`], [`BG_MARK`] bits; Go's `inGC` and `bgMark` maps,
    /// merged to look up each transition once).
    gc_gs: FxHashMap<GoId, u8>,
    /// Last known state of each goroutine. Go reads it only for RangeActive events of the
    /// first generation, so it is kept only while that can still happen.
    states: FxHashMap<GoId, GoState>,
    /// GOMAXPROCS changes, for correcting ranges found active at the start of the trace.
    procs: Vec<ProcsCount>,
    n_sync: u64,
    last_time: Option<Time>,
    /// The state right after the last Sync event.
    checkpoint: Option<Checkpoint>,
    /// Events Go would have crashed on (see [`MutatorUtilBuilder::unindexable_events`]).
    unindexable: u64,
}

#[derive(Debug, Clone, Copy)]
struct PerP {
    /// GC work in progress on this P (> 0: GC is active on it).
    gc: i64,
    /// Index of this P's series in `out` (Ps removed and added again get a new one).
    series: usize,
    /// Whether the P is listed in `pending`.
    pending: bool,
}

#[derive(Debug, Clone, Copy)]
struct ProcsCount {
    time: Time,
    n: usize,
}

/// What [`MutatorUtilBuilder::finish_at_last_sync`] needs to rebuild the result as it would have
/// been had the events stopped at a Sync. Series only grow at their end, so each one's length
/// and last point are enough. (Go rewrites earlier points only while the first generation is
/// read, i.e. after Sync 1, which is the first event of every trace.)
#[derive(Debug, Default)]
struct Checkpoint {
    time: Time,
    lens: Vec<usize>,
    lasts: Vec<MutatorUtil>,
    ps_series: Vec<usize>,
}

impl MutatorUtilBuilder {
    pub fn new(flags: UtilFlags) -> MutatorUtilBuilder {
        MutatorUtilBuilder {
            flags,
            per_proc: flags.contains(UtilFlags::PER_PROC),
            out: Vec::new(),
            stw: 0,
            ps: Vec::new(),
            gc_ps: 0,
            pending: Vec::new(),
            gc_gs: FxHashMap::default(),
            states: FxHashMap::default(),
            procs: Vec::new(),
            n_sync: 0,
            last_time: None,
            checkpoint: None,
            unindexable: 0,
        }
    }

    pub fn flags(&self) -> UtilFlags {
        self.flags
    }

    /// The number of events that should change the GC state of their P but have no P, or one
    /// beyond GOMAXPROCS. Go indexes its P table with them and panics (`index out of range
    /// [-1]`: `go tool trace`'s MMU page fails on such traces); they are ignored here. Seen on
    /// real traces when a background mark worker leaves a syscall without a P.
    pub fn unindexable_events(&self) -> u64 {
        self.unindexable
    }

    /// The utilization functions for all events seen (Go's result for the whole event slice).
    /// Empty if there were no events or no GOMAXPROCS metric.
    pub fn finish(mut self) -> Vec<Vec<MutatorUtil>> {
        let Some(time) = self.last_time else {
            return Vec::new();
        };
        self.end_series(time);
        self.out
    }

    /// The utilization functions for the events up to and including the last Sync, which is
    /// what `cmd/trace` analyses when the reader fails part way. `None` if no Sync was seen
    /// (`cmd/trace` then rejects the trace).
    pub fn finish_at_last_sync(mut self) -> Option<Vec<Vec<MutatorUtil>>> {
        let cp = self.checkpoint.take()?;
        self.out.truncate(cp.lens.len());
        for ((series, &len), &last) in self.out.iter_mut().zip(&cp.lens).zip(&cp.lasts) {
            series.truncate(len);
            if let Some(l) = series.last_mut() {
                *l = last;
            }
        }
        let mu = MutatorUtil { time: cp.time, util: 0.0 };
        for &s in &cp.ps_series {
            if let Some(series) = self.out.get_mut(s) {
                add_util(series, mu);
            }
        }
        Some(self.out)
    }

    /// Adds the final 0-utilization point to every live series: it marks the end of the trace.
    fn end_series(&mut self, time: Time) {
        let mu = MutatorUtil { time, util: 0.0 };
        for p in &self.ps {
            add_util(&mut self.out[p.series], mu);
        }
    }

    fn save_checkpoint(&mut self, time: Time) {
        let cp = self.checkpoint.get_or_insert_with(Checkpoint::default);
        cp.time = time;
        cp.lens.clear();
        cp.lens.extend(self.out.iter().map(Vec::len));
        cp.lasts.clear();
        cp.lasts.extend(self.out.iter().filter_map(|s| s.last().copied()));
        cp.ps_series.clear();
        cp.ps_series.extend(self.ps.iter().map(|p| p.series));
    }

    fn handle_stw(&self, r: &Range) -> bool {
        self.flags.contains(UtilFlags::STW) && r.name.starts_with("stop-the-world") && r.name.contains("GC")
    }

    fn handle_mark_assist(&self, r: &Range) -> bool {
        self.flags.contains(UtilFlags::ASSIST) && r.name == "GC mark assist"
    }

    fn handle_sweep(&self, r: &Range) -> bool {
        self.flags.contains(UtilFlags::SWEEP) && r.name == "GC incremental sweep"
    }

    fn set_gomaxprocs(&mut self, time: Time, value: u64) {
        if value > MAX_GOMAXPROCS {
            return;
        }
        let n = value as usize;
        if self.ps.len() > n {
            for p in &self.ps[n..] {
                if self.per_proc {
                    // End each removed P's series.
                    add_util(&mut self.out[p.series], MutatorUtil { time, util: 0.0 });
                }
                if p.gc > 0 {
                    self.gc_ps -= 1;
                }
            }
            self.ps.truncate(n);
            self.pending.retain(|&i| i < n);
        }
        while self.ps.len() < n {
            // Start the new P's series. Without per-proc, every P shares series 0.
            let mut series = 0;
            if self.per_proc || self.out.is_empty() {
                series = self.out.len();
                self.out.push(vec![MutatorUtil { time, util: 1.0 }]);
            }
            self.ps.push(PerP { gc: 0, series, pending: false });
            self.mark_pending(self.ps.len() - 1);
        }
        if self.procs.last().is_none_or(|p| p.n != n) {
            self.procs.push(ProcsCount { time, n });
        }
    }

    fn mark_pending(&mut self, i: usize) {
        if self.per_proc && !self.ps[i].pending {
            self.ps[i].pending = true;
            self.pending.push(i);
        }
    }

    /// `ps[proc].gc += delta`. Go indexes `ps` with the event's P and panics on an event
    /// without a P or with one beyond GOMAXPROCS; such events are counted and ignored.
    fn add_gc(&mut self, proc: ProcId, delta: i64) {
        let Some(i) = usize::try_from(proc.0).ok().filter(|&i| i < self.ps.len()) else {
            self.unindexable += 1;
            return;
        };
        let p = &mut self.ps[i];
        let was = p.gc > 0;
        p.gc += delta;
        let is = p.gc > 0;
        if was != is {
            if is {
                self.gc_ps += 1;
            } else {
                self.gc_ps -= 1;
            }
            self.mark_pending(i);
        }
    }

    fn add_stw(&mut self, delta: i64) {
        let was = self.stw > 0;
        self.stw += delta;
        if was != (self.stw > 0) {
            for i in 0..self.ps.len() {
                self.mark_pending(i);
            }
        }
    }

    fn range_begin(&mut self, ev: &Event, r: &Range) {
        if self.handle_stw(r) {
            self.add_stw(1);
        } else if self.handle_sweep(r) {
            self.add_gc(ev.proc(), 1);
        } else if self.handle_mark_assist(r) {
            self.add_gc(ev.proc(), 1);
            if let Some(g) = r.scope.as_goroutine().filter(|&g| g != GoId::NONE) {
                *self.gc_gs.entry(g).or_default() |= IN_GC;
            }
        }
    }

    fn range_end(&mut self, ev: &Event, r: &Range) {
        if self.handle_stw(r) {
            self.add_stw(-1);
        } else if self.handle_sweep(r) {
            self.add_gc(ev.proc(), -1);
        } else if self.handle_mark_assist(r) {
            self.add_gc(ev.proc(), -1);
            if let Some(g) = r.scope.as_goroutine().filter(|&g| g != GoId::NONE) {
                if let Some(bits) = self.gc_gs.get_mut(&g) {
                    *bits &= !IN_GC;
                    if *bits == 0 {
                        self.gc_gs.remove(&g);
                    }
                }
            }
        }
    }

    /// A range found already active in the first generation was active since the start of the
    /// trace: take its P's share out of everything recorded so far. Go does this for sweeps,
    /// and for mark assists only if the event's goroutine is known to be executing.
    fn fix_up_active(&mut self, ev: &Event, r: &Range) {
        let fix = if self.handle_mark_assist(r) {
            self.states.get(&ev.goroutine()).is_some_and(|s| s.executing())
        } else {
            self.handle_sweep(r)
        };
        // Per-proc series of a P that is first mentioned now have no points to fix yet.
        if !fix || self.per_proc {
            return;
        }
        let Some(series) = self.out.first_mut() else {
            return;
        };
        // Subtract 1/GOMAXPROCS, with GOMAXPROCS as it was at each point.
        let procs = &self.procs;
        let (mut mi, mut pi) = (0, 0);
        while mi < series.len() {
            if pi + 1 < procs.len() && procs[pi + 1].time < series[mi].time {
                pi += 1;
                continue;
            }
            let Some(pc) = procs.get(pi) else {
                return;
            };
            let u = &mut series[mi].util;
            *u -= 1.0 / pc.n as f64;
            if *u < 0.0 {
                *u = 0.0;
            }
            mi += 1;
        }
    }

    fn state_transition(&mut self, ev: &Event) {
        if self.gc_gs.is_empty() && !self.tracks_states() {
            // Nothing to learn from it (always the case with neither assists nor background
            // workers counted).
            return;
        }
        let Some(st) = ev.state_transition() else {
            return;
        };
        let (Some(g), Some((old, new))) = (st.resource.as_goroutine(), st.goroutine()) else {
            return;
        };
        if self.gc_gs.contains_key(&g) {
            if !old.executing() && new.executing() {
                // Started running while doing GC things.
                self.add_gc(ev.proc(), 1);
            } else if old.executing() && !new.executing() {
                // Stopped running while doing GC things.
                self.add_gc(ev.proc(), -1);
            }
        }
        if self.tracks_states() {
            self.states.insert(g, new);
        }
    }

    fn tracks_states(&self) -> bool {
        self.n_sync <= 1 && self.flags.contains(UtilFlags::ASSIST) && !self.per_proc
    }

    fn label(&mut self, ev: &Event) {
        if !self.flags.contains(UtilFlags::BACKGROUND) {
            return;
        }
        let Some(l) = ev.label() else {
            return;
        };
        // A background mark worker. In per-proc mode dedicated workers do not count: they
        // kick every goroutine off their P, so they add no latency to any goroutine.
        if l.label.starts_with("GC ") && l.label != "GC (idle)" && !(self.per_proc && l.label == "GC (dedicated)") {
            *self.gc_gs.entry(ev.goroutine()).or_default() |= BG_MARK;
            self.add_gc(ev.proc(), 1);
        }
    }

    /// Records the utilization after an event (Go evaluates it after every event).
    fn record(&mut self, time: Time) {
        if !self.per_proc {
            let n = self.ps.len();
            let gc_ps = if self.stw > 0 { n } else { self.gc_ps };
            let mu = MutatorUtil { time, util: 1.0 - gc_ps as f64 / n as f64 };
            add_util(&mut self.out[0], mu);
            return;
        }
        let stw = self.stw > 0;
        let mut k = 0;
        while k < self.pending.len() {
            let p = &mut self.ps[self.pending[k]];
            let util = if stw || p.gc > 0 { 0.0 } else { 1.0 };
            let series = &mut self.out[p.series];
            add_util(series, MutatorUtil { time, util });
            // Several changes at one timestamp keep the lowest, so the series can lag.
            if series.last().is_some_and(|u| u.util == util) {
                p.pending = false;
                self.pending.swap_remove(k);
            } else {
                k += 1;
            }
        }
    }

    fn process(&mut self, ev: &Event) {
        let time = ev.time();
        self.last_time = Some(time);
        match ev.kind() {
            EventKind::Sync => {
                if let Some(s) = ev.sync() {
                    self.n_sync = s.n;
                }
                if !self.tracks_states() && !self.states.is_empty() {
                    self.states = FxHashMap::default();
                }
            }
            EventKind::Metric => {
                if let Some(m) = ev.metric().filter(|m| m.name == GOMAXPROCS_METRIC) {
                    self.set_gomaxprocs(time, m.value);
                }
            }
            _ => {}
        }
        if self.ps.is_empty() {
            // Nothing can be analysed before GOMAXPROCS is known. It shows up very early,
            // but other events may come first.
            return;
        }
        match ev.kind() {
            // Once a full generation has been seen, Active events only repeat what is known.
            EventKind::RangeActive if self.n_sync <= 1 => {
                if let Some(r) = ev.range() {
                    // A trace cannot start during a stop-the-world, so those need no fixing.
                    self.fix_up_active(ev, &r);
                    // Then it acts like the beginning of a new range.
                    self.range_begin(ev, &r);
                }
            }
            EventKind::RangeBegin => {
                if let Some(r) = ev.range() {
                    self.range_begin(ev, &r);
                }
            }
            EventKind::RangeEnd => {
                if let Some(r) = ev.range() {
                    self.range_end(ev, &r);
                }
            }
            EventKind::StateTransition => self.state_transition(ev),
            EventKind::Label => self.label(ev),
            _ => {}
        }
        self.record(time);
    }
}

impl Consumer for MutatorUtilBuilder {
    fn event(&mut self, ev: &Event) {
        self.process(ev);
        if ev.kind() == EventKind::Sync {
            self.save_checkpoint(ev.time());
        }
    }
}
