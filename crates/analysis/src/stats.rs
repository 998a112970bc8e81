//! Event counts, resources seen and the time span: the `events`, `counts` and `time` sections.

use std::collections::BTreeMap;

use gotrace::{Event, EventKind, GoId, GoState, ProcId, ProcState, ResourceKind, ThreadId};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

use crate::Consumer;

/// Counts over the kept events, as the oracle's `events` section.
#[derive(Debug, Default, Clone, Serialize)]
pub struct EventCounts {
    pub total: u64,
    pub by_kind: BTreeMap<&'static str, u64>,
    pub goroutine_transitions: BTreeMap<String, u64>,
    pub goroutine_transition_reasons: BTreeMap<String, u64>,
    pub proc_transitions: BTreeMap<String, u64>,
    pub ranges: BTreeMap<String, BTreeMap<&'static str, u64>>,
    pub labels: BTreeMap<String, u64>,
    pub experimental: BTreeMap<&'static str, u64>,
    pub events_with_stack: u64,
}

/// The time span of the kept events.
#[derive(Debug, Default, Clone, Copy, Serialize)]
pub struct TimeSpan {
    /// Time of the first and last events: cmd/trace's start and end times.
    pub first: i64,
    pub last: i64,
    pub min: i64,
    pub max: i64,
    pub duration_ns: i64,
}

/// A set of ids: a bitset for the small non-negative ids the runtime hands out, a hash set for
/// the rest.
#[derive(Debug, Default)]
struct IdSet {
    bits: Vec<u64>,
    other: FxHashSet<i64>,
    len: usize,
}

impl IdSet {
    const DENSE: i64 = 1 << 24;

    /// Adds `id`; whether it was new.
    #[inline(always)]
    fn insert(&mut self, id: i64) -> bool {
        if (0..Self::DENSE).contains(&id) {
            if let Some(w) = self.bits.get_mut(id as usize / 64) {
                let bit = 1 << (id % 64);
                let new = *w & bit == 0;
                *w |= bit;
                self.len += usize::from(new);
                return new;
            }
        }
        self.insert_slow(id)
    }

    /// Adds the ids of `other`.
    fn union(&mut self, other: &IdSet) {
        if self.bits.len() < other.bits.len() {
            self.bits.resize(other.bits.len(), 0);
        }
        for (w, o) in self.bits.iter_mut().zip(&other.bits) {
            *w |= o;
        }
        self.other.extend(other.other.iter().copied());
        self.len = self.bits.iter().map(|w| w.count_ones() as usize).sum::<usize>() + self.other.len();
    }

    #[inline(never)]
    fn insert_slow(&mut self, id: i64) -> bool {
        let new = if (0..Self::DENSE).contains(&id) {
            let (w, b) = (id as usize / 64, id % 64);
            if w >= self.bits.len() {
                self.bits.resize(w + 1, 0);
            }
            let new = self.bits[w] & (1 << b) == 0;
            self.bits[w] |= 1 << b;
            new
        } else {
            self.other.insert(id)
        };
        self.len += usize::from(new);
        new
    }
}

/// Which events a [`Stats`] looks at: all, or one of two shares that [`Stats::add_transitions`]
/// joins, so that two threads can share the work.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum Share {
    #[default]
    All,
    /// The state transitions only (most events).
    Transitions,
    /// Every other event, and the time and resources of all.
    Rest,
}

/// One pass over the kept events.
#[derive(Debug, Default)]
pub struct Stats {
    share: Share,
    pub events: EventCounts,
    goroutines: IdSet,
    procs: IdSet,
    threads: IdSet,
    pub max_goroutine: i64,
    pub syncs: u64,
    first: Option<i64>,
    last: i64,
    min: i64,
    max: i64,
    kind_counts: [u64; EventKind::ALL.len()],
    go_transitions: [[u64; 6]; 6],
    proc_transitions: [[u64; 4]; 4],
    reasons: Vec<(Box<str>, u64)>,
    /// Index in `reasons` of the last reason seen.
    last_reason: usize,
    /// Where the text of the last reason seen was (address, length): a reason at the same place
    /// is the same reason, without comparing the text. Strings stay where they are while their
    /// generation is read; forgotten at each Sync, after which a string of a new generation
    /// could be where one of an old one was.
    last_reason_at: (usize, usize),
    /// Counts by label, folded into `events.labels` by `finish`.
    labels: FxHashMap<Box<str>, u64>,
    /// Counts by range name of RangeBegin, RangeActive and RangeEnd, folded into
    /// `events.ranges` by `finish`.
    ranges: Vec<(Box<str>, [u64; 3])>,
    last_ctx: (GoId, ProcId, ThreadId),
}

impl Stats {
    pub fn new() -> Stats {
        Self::share(Share::All)
    }

    /// Stats of a share of the events.
    pub fn share(share: Share) -> Stats {
        Stats { share, min: i64::MAX, max: i64::MIN, last_ctx: (GoId::NONE, ProcId::NONE, ThreadId::NONE), ..Default::default() }
    }

    /// Adds the counts of the [`Share::Transitions`] share to these of the [`Share::Rest`]
    /// (before [`finish`](Self::finish)): then they are the counts of all events.
    pub fn add_transitions(&mut self, t: Stats) {
        debug_assert!(self.share == Share::Rest && t.share == Share::Transitions);
        for (a, b) in self.kind_counts.iter_mut().zip(t.kind_counts) {
            *a += b;
        }
        self.events.events_with_stack += t.events.events_with_stack;
        for (ra, rb) in self.go_transitions.iter_mut().zip(t.go_transitions) {
            for (a, b) in ra.iter_mut().zip(rb) {
                *a += b;
            }
        }
        for (ra, rb) in self.proc_transitions.iter_mut().zip(t.proc_transitions) {
            for (a, b) in ra.iter_mut().zip(rb) {
                *a += b;
            }
        }
        for (r, n) in t.reasons {
            match self.reasons.iter_mut().find(|(s, _)| *s == r) {
                Some((_, m)) => *m += n,
                None => self.reasons.push((r, n)),
            }
        }
        self.goroutines.union(&t.goroutines);
        self.procs.union(&t.procs);
        self.max_goroutine = self.max_goroutine.max(t.max_goroutine);
        self.share = Share::All;
    }

    pub fn goroutines(&self) -> usize {
        self.goroutines.len
    }
    pub fn procs(&self) -> usize {
        self.procs.len
    }
    pub fn threads(&self) -> usize {
        self.threads.len
    }

    pub fn time(&self) -> TimeSpan {
        let first = self.first.unwrap_or(0);
        TimeSpan { first, last: self.last, min: self.min, max: self.max, duration_ns: self.last - first }
    }

    /// Folds the per-kind array into the map; call once at the end.
    pub fn finish(&mut self) {
        self.events.total = self.kind_counts.iter().sum();
        for (k, n) in EventKind::ALL.iter().zip(self.kind_counts) {
            if n > 0 {
                self.events.by_kind.insert(k.as_str(), n);
            }
        }
        for (i, row) in self.go_transitions.iter().enumerate() {
            for (j, &n) in row.iter().enumerate() {
                if let (true, Some(a), Some(b)) = (n > 0, GoState::from_u8(i as u8), GoState::from_u8(j as u8)) {
                    self.events.goroutine_transitions.insert(format!("{a}->{b}"), n);
                }
            }
        }
        for (i, row) in self.proc_transitions.iter().enumerate() {
            for (j, &n) in row.iter().enumerate() {
                if let (true, Some(a), Some(b)) = (n > 0, ProcState::from_u8(i as u8), ProcState::from_u8(j as u8)) {
                    self.events.proc_transitions.insert(format!("{a}->{b}"), n);
                }
            }
        }
        for (r, n) in self.reasons.drain(..) {
            self.events.goroutine_transition_reasons.insert(r.into(), n);
        }
        self.last_reason = 0;
        for (l, n) in self.labels.drain() {
            *self.events.labels.entry(l.into()).or_default() += n;
        }
        for (name, ns) in self.ranges.drain(..) {
            let kinds = [EventKind::RangeBegin, EventKind::RangeActive, EventKind::RangeEnd];
            for (k, n) in kinds.into_iter().zip(ns) {
                if n > 0 {
                    *self.events.ranges.entry(name.clone().into()).or_default().entry(k.as_str()).or_default() += n;
                }
            }
        }
    }

    #[inline]
    fn count_reason(&mut self, reason: &str) {
        let at = (reason.as_ptr() as usize, reason.len());
        if let Some((r, n)) = self.reasons.get_mut(self.last_reason) {
            if at == self.last_reason_at || **r == *reason {
                *n += 1;
                self.last_reason_at = at;
                return;
            }
        }
        self.last_reason_at = at;
        match self.reasons.iter().position(|(r, _)| **r == *reason) {
            Some(i) => {
                self.reasons[i].1 += 1;
                self.last_reason = i;
            }
            None => {
                self.reasons.push((reason.into(), 1));
                self.last_reason = self.reasons.len() - 1;
            }
        }
    }

    fn add_goroutine(&mut self, g: GoId) {
        if self.goroutines.insert(g.0) {
            self.max_goroutine = self.max_goroutine.max(g.0);
        }
    }
}

impl Stats {
    /// An event other than a state transition.
    #[inline(never)]
    fn other_event(&mut self, ev: &Event, k: EventKind) {
        let e = &mut self.events;
        if k != EventKind::Sync && ev.stack().is_present() {
            e.events_with_stack += 1;
        }
        match k {
            EventKind::Sync => {
                self.syncs += 1;
                self.last_reason_at = (0, 0);
            }
            EventKind::Label => {
                if let Some(l) = ev.label() {
                    match self.labels.get_mut(l.label) {
                        Some(n) => *n += 1,
                        None => {
                            self.labels.insert(l.label.into(), 1);
                        }
                    }
                }
            }
            EventKind::Experimental => {
                if let Some(x) = ev.experimental() {
                    *e.experimental.entry(x.name).or_default() += 1;
                }
            }
            EventKind::RangeBegin | EventKind::RangeActive | EventKind::RangeEnd => {
                if let Some(r) = ev.range() {
                    let i = match k {
                        EventKind::RangeBegin => 0,
                        EventKind::RangeActive => 1,
                        _ => 2,
                    };
                    match self.ranges.iter_mut().find(|(n, _)| **n == *r.name) {
                        Some((_, ns)) => ns[i] += 1,
                        None => {
                            let mut ns = [0; 3];
                            ns[i] = 1;
                            self.ranges.push((r.name.into(), ns));
                        }
                    }
                }
            }
            _ => {}
        }
    }

    /// A proc transition, or a goroutine one [`Event::goroutine_transition`] leaves out.
    #[inline(never)]
    fn other_transition(&mut self, ev: &Event) {
        let Some(st) = ev.state_transition() else { return };
        match st.resource.kind {
            ResourceKind::Goroutine => {
                if let Some((from, to)) = st.goroutine() {
                    self.go_transitions[from as usize][to as usize] += 1;
                }
                if !st.reason.is_empty() {
                    self.count_reason(st.reason);
                }
                self.add_goroutine(GoId(st.resource.id));
            }
            ResourceKind::Proc => {
                if let Some((from, to)) = st.proc() {
                    self.proc_transitions[from as usize][to as usize] += 1;
                }
                self.procs.insert(st.resource.id);
            }
            _ => {}
        }
    }
}

impl Consumer for Stats {
    #[inline]
    fn event(&mut self, ev: &Event) {
        if self.share == Share::Transitions {
            self.transitions_only(ev);
        } else {
            self.counted(ev);
        }
    }
}

impl Stats {
    /// An event, for the [`Share::Transitions`] share.
    #[inline(never)]
    fn transitions_only(&mut self, ev: &Event) {
        match ev.kind() {
            EventKind::StateTransition => {
                self.kind_counts[EventKind::StateTransition as usize] += 1;
                self.transition(ev);
            }
            // A new generation: see `last_reason_at`.
            EventKind::Sync => self.last_reason_at = (0, 0),
            _ => {}
        }
    }

    /// An event, for the other shares.
    #[inline(never)]
    fn counted(&mut self, ev: &Event) {
        let k = ev.kind();
        let t = ev.time();
        self.first.get_or_insert(t);
        self.last = t;
        self.min = self.min.min(t);
        self.max = self.max.max(t);
        // Consecutive events mostly share their goroutine, proc and thread: skip the sets then.
        let (g, p, m) = (ev.goroutine(), ev.proc(), ev.thread());
        if g != self.last_ctx.0 && g != GoId::NONE {
            self.add_goroutine(g);
        }
        if p != self.last_ctx.1 && p != ProcId::NONE {
            self.procs.insert(p.0);
        }
        if m != self.last_ctx.2 && m != ThreadId::NONE {
            self.threads.insert(m.0);
        }
        self.last_ctx = (g, p, m);
        if k != EventKind::StateTransition {
            self.kind_counts[k as usize] += 1;
            self.other_event(ev, k);
        } else if self.share == Share::All {
            self.kind_counts[k as usize] += 1;
            self.transition(ev);
        }
    }
}

impl Stats {
    /// A state transition event.
    #[inline(always)]
    fn transition(&mut self, ev: &Event) {
        if ev.stack().is_present() {
            self.events.events_with_stack += 1;
        }
        // Goroutine transitions are most events: take them without the stack and resource
        // lookups of `state_transition`.
        let Some((id, from, to)) = ev.goroutine_transition() else {
            self.other_transition(ev);
            return;
        };
        self.go_transitions[from as usize][to as usize] += 1;
        let reason = ev.transition_reason();
        if !reason.is_empty() {
            self.count_reason(reason);
        }
        // The event's own goroutine is in the set already (of the share that counts resources).
        if id != ev.goroutine() {
            self.add_goroutine(id);
        }
    }
}
