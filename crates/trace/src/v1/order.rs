//! Merging the per-P batches into one stream (Go's `parseEventBatches` in
//! `internal/trace/internal/tracev1/parser.go` and its `order.go`).
//!
//! Events of one batch are in order (one P wrote them), so the merge takes the first unmerged
//! event of each P (the frontier), keeps those whose goroutine is in the state the event needs
//! (sequence numbers and statuses), and takes the earliest. This gives a consistent stream even
//! when timestamps are not. Go walks the Ps in map order, which makes the order of events with
//! equal timestamps vary from run to run; here they are walked in ascending P id order.

use super::idmap::IdMap;
use super::parser::{Cursor, Parser, V1Event};
use super::spec::*;
use super::stream::Builder;
use crate::error::Error;

type GStatus = u8;
const G_DEAD: GStatus = 0;
const G_RUNNABLE: GStatus = 1;
const G_RUNNING: GStatus = 2;
const G_WAITING: GStatus = 3;

const UNORDERED: u64 = u64::MAX;
const GARBAGE: u64 = u64::MAX - 1;
const NOSEQ: u64 = u64::MAX;
const SEQINC: u64 = u64::MAX - 1;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct GState {
    seq: u64,
    status: GStatus,
}

const fn gs(seq: u64, status: GStatus) -> GState {
    GState { seq, status }
}

/// The goroutine an event orders on, the state it needs (init) and the state after it (next)
/// (Go's `stateTransition`).
#[inline]
fn state_transition(ev: &V1Event) -> (u64, GState, GState) {
    match ev.typ {
        EV_GO_CREATE => (ev.args[0], gs(0, G_DEAD), gs(1, G_RUNNABLE)),
        EV_GO_WAITING | EV_GO_IN_SYSCALL => (ev.g, gs(1, G_RUNNABLE), gs(2, G_WAITING)),
        EV_GO_START | EV_GO_START_LABEL => (ev.g, gs(ev.args[1], G_RUNNABLE), gs(ev.args[1].wrapping_add(1), G_RUNNING)),
        // Emitted on the same P as the GoCreate/GoUnblock it follows, which is merged already;
        // it increments the sequence number, whatever it is.
        EV_GO_START_LOCAL => (ev.g, gs(NOSEQ, G_RUNNABLE), gs(SEQINC, G_RUNNING)),
        EV_GO_BLOCK | EV_GO_BLOCK_SEND | EV_GO_BLOCK_RECV | EV_GO_BLOCK_SELECT | EV_GO_BLOCK_SYNC | EV_GO_BLOCK_COND | EV_GO_BLOCK_NET
        | EV_GO_SLEEP | EV_GO_SYS_BLOCK | EV_GO_BLOCK_GC => (ev.g, gs(NOSEQ, G_RUNNING), gs(NOSEQ, G_WAITING)),
        EV_GO_SCHED | EV_GO_PREEMPT => (ev.g, gs(NOSEQ, G_RUNNING), gs(NOSEQ, G_RUNNABLE)),
        EV_GO_UNBLOCK | EV_GO_SYS_EXIT => (ev.args[0], gs(ev.args[1], G_WAITING), gs(ev.args[1].wrapping_add(1), G_RUNNABLE)),
        EV_GO_UNBLOCK_LOCAL | EV_GO_SYS_EXIT_LOCAL => (ev.args[0], gs(NOSEQ, G_WAITING), gs(SEQINC, G_RUNNABLE)),
        EV_GC_START => (GARBAGE, gs(ev.args[0], G_DEAD), gs(ev.args[0].wrapping_add(1), G_DEAD)),
        // No ordering requirements.
        _ => (UNORDERED, GState::default(), GState::default()),
    }
}

#[inline]
fn transition_ready(g: u64, curr: GState, init: GState) -> bool {
    g == UNORDERED || (init.seq == NOSEQ || init.seq == curr.seq) && init.status == curr.status
}

/// The goroutine states of the merge, by goroutine id (and [`GARBAGE`] for the GC).
#[derive(Default)]
struct GStates {
    map: IdMap<GState>,
}

impl GStates {
    #[inline]
    fn get(&self, g: u64) -> GState {
        self.map.get_or_default(g)
    }

    fn transition(&mut self, g: u64, init: GState, mut next: GState) -> Result<(), &'static str> {
        if g == UNORDERED {
            return Ok(());
        }
        let curr = self.get(g);
        if !transition_ready(g, curr, init) {
            return Err("encountered impossible goroutine state transition");
        }
        match next.seq {
            NOSEQ => next.seq = curr.seq,
            SEQINC => next.seq = curr.seq.wrapping_add(1),
            _ => {}
        }
        self.map.insert(g, next);
        Ok(())
    }
}

/// What the merge hands its events to, in merge order.
pub(crate) trait Sink {
    fn push(&mut self, ev: &V1Event);
    /// Whether the merge can stop early.
    fn done(&self) -> bool {
        false
    }
}

/// One P's stream: its next event (`head`) and the rest of its current batch (unless read
/// lazily, one event at a time).
struct Proc {
    cur: Cursor,
    events: Vec<V1Event>,
    pos: usize,
    done: bool,
    head: V1Event,
    has_head: bool,
    /// `state_transition(&head)`.
    st: (u64, GState, GState),
}

impl Proc {
    fn new(pid: i32, events: Vec<V1Event>) -> Proc {
        Proc {
            cur: Cursor::new(pid),
            events,
            pos: 0,
            done: false,
            head: V1Event::default(),
            has_head: false,
            st: (UNORDERED, GState::default(), GState::default()),
        }
    }
}

/// Go's `orderEventList`: a binary min-heap on timestamps, with Go's exact sift order (so that
/// equal timestamps come out as Go's would for the same P order). An entry is the time of a
/// P's next event and the P (the event stays in the P's buffer).
#[derive(Default)]
struct Frontier(Vec<(i64, usize)>);

impl Frontier {
    /// Go's `heapUp` after an append, with the new entry kept aside (in registers) while the
    /// entries above it move down, and written once where it stops: the same order as Go's
    /// swaps. (Swapping would load the entry just written as a whole, in a wider load than it
    /// was written with, which stalls until the write lands.)
    #[inline]
    fn push(&mut self, x: (i64, usize)) {
        let h = &mut self.0;
        let mut j = h.len();
        h.push(x);
        while j > 0 {
            let i = (j - 1) / 2; // parent
            if x.0 >= h[i].0 {
                break;
            }
            h[j] = h[i];
            j = i;
        }
        h[j] = x;
    }

    /// Go's `heapDown(h, 0, n)` after swapping the first and last entries, then removes the
    /// last (the earliest), with the entry sifted down kept aside as in [`Frontier::push`].
    #[inline]
    fn pop(&mut self) -> (i64, usize) {
        let h = &mut self.0;
        let n = h.len() - 1;
        let first = h[0];
        let x = h[n];
        let mut i = 0;
        loop {
            let j1 = 2 * i + 1;
            if j1 >= n {
                break;
            }
            let mut j = j1;
            let j2 = j1 + 1;
            if j2 < n && h[j2].0 < h[j1].0 {
                j = j2;
            }
            if h[j].0 >= x.0 {
                break;
            }
            h[i] = h[j];
            i = j;
        }
        if n > 0 {
            h[i] = x;
        }
        h.pop();
        first
    }
}

/// Step 2 of the parse: merges the events of all batches into one consistent order, handing
/// them to `sink` (Go's `parseEventBatches`, up to its sortedness check). `lazy` reads the
/// events of each P one at a time instead of a batch at a time: the same order, but an error
/// may not be the one Go reports.
pub(crate) fn merge<S: Sink>(p: &mut Parser<'_>, sink: &mut S, lazy: bool) -> Result<(), Error> {
    // CPU samples were written when the signal handler got the lock: order them by the time
    // captured in the handler.
    let mut samples = std::mem::take(&mut p.cpu_samples);
    samples.sort_by_key(|e| e.ts);

    let mut pids: Vec<i32> = p.batches.iter().map(|(pid, _)| *pid).collect();
    pids.sort_unstable();
    let mut procs: Vec<Proc> = pids.into_iter().map(|pid| Proc::new(pid, Vec::new())).collect();
    procs.push(Proc::new(PROFILE_P, samples));

    let mut gstates = GStates::default();
    let mut frontier = Frontier::default();
    let mut available: Vec<usize> = (0..procs.len()).collect();

    loop {
        let mut i = 0;
        'procs: while i < available.len() {
            let pi = available[i];
            let proc = &mut procs[pi];
            if !proc.has_head {
                let more = if lazy && proc.pos == proc.events.len() {
                    p.next_event(&mut proc.cur, &mut proc.head)?
                } else {
                    loop {
                        if proc.pos < proc.events.len() {
                            proc.head = proc.events[proc.pos];
                            proc.pos += 1;
                            break true;
                        }
                        // Batches can be empty: load until one has events.
                        proc.pos = 0;
                        if !p.load_batch(proc.cur.pid, &mut proc.events)? {
                            proc.events.clear();
                            break false;
                        }
                    }
                };
                if !more {
                    // This P has no more events.
                    proc.done = true;
                    available.swap_remove(i);
                    continue 'procs;
                }
                proc.has_head = true;
                proc.st = state_transition(&proc.head);
            }
            let (g, init, _) = proc.st;
            if !transition_ready(g, gstates.get(g), init) {
                i += 1;
                continue;
            }
            frontier.push((proc.head.ts, pi));
            available.swap_remove(i);
        }

        if frontier.0.is_empty() {
            if let Some(pr) = procs.iter().find(|pr| !pr.done) {
                let offset = if pr.has_head { pr.head.off as u64 } else { p.data.len() as u64 };
                return Err(Error::Format { offset, msg: "no consistent ordering of events possible".into() });
            }
            return Ok(());
        }
        let (_, pi) = frontier.pop();
        let proc = &mut procs[pi];
        proc.has_head = false;
        let mut ev = proc.head;
        let (g, init, next) = proc.st;
        // "Local" events are only for ordering.
        ev.typ = match ev.typ {
            EV_GO_START_LOCAL => EV_GO_START,
            EV_GO_UNBLOCK_LOCAL => EV_GO_UNBLOCK,
            EV_GO_SYS_EXIT_LOCAL => EV_GO_SYS_EXIT,
            t => t,
        };
        sink.push(&ev);
        if let Err(msg) = gstates.transition(g, init, next) {
            return Err(Error::Format { offset: ev.off as u64, msg: msg.into() });
        }
        if sink.done() {
            return Ok(());
        }
        available.push(pi);
    }
}

/// The sink of the parse: checks that the merged events are sorted by time, gives syscall
/// exits their real time (Go's steps after the merge in `parseEventBatches`), and builds the
/// sorted stream. Errors wait for the end of the merge, whose own errors come first.
pub(crate) struct Checks {
    pub builder: Builder,
    prev_ts: Option<i64>,
    /// The first event out of time order.
    pub unsorted: Option<V1Event>,
    /// The first syscall exit that is wrong.
    pub sys_exit_err: Option<(V1Event, &'static str)>,
    last_sys_block: IdMap<i64>,
    /// Where the first event that the conversion rejects is (a FutileWakeup).
    pub unconvertible: Option<u32>,
}

impl Checks {
    pub(crate) fn new(builder: Builder) -> Checks {
        Checks { builder, prev_ts: None, unsorted: None, sys_exit_err: None, last_sys_block: IdMap::default(), unconvertible: None }
    }

    /// The error to report once the merge succeeded.
    pub(crate) fn error(&self) -> Option<Error> {
        if let Some(ev) = &self.unsorted {
            return Some(Error::Format { offset: ev.off as u64, msg: "time stamps out of order".into() });
        }
        self.sys_exit_err.as_ref().map(|(ev, msg)| Error::Format { offset: ev.off as u64, msg: (*msg).into() })
    }
}

impl Sink for Checks {
    #[inline]
    fn push(&mut self, ev: &V1Event) {
        if self.unsorted.is_some() || self.sys_exit_err.is_some() {
            return;
        }
        if ev.typ == EV_FUTILE_WAKEUP && self.unconvertible.is_none() {
            self.unconvertible = Some(ev.off);
        }
        if self.prev_ts.is_some_and(|p| ev.ts < p) {
            self.unsorted = Some(*ev);
            return;
        }
        self.prev_ts = Some(ev.ts);
        // A syscall exit's real time was taken before the event was written: it must not be
        // before the syscall blocked.
        match ev.typ {
            EV_GO_SYS_BLOCK | EV_GO_IN_SYSCALL => self.last_sys_block.insert(ev.g, ev.ts),
            EV_GO_SYS_EXIT if ev.args[2] != 0 => {
                let ts = ev.args[2] as i64;
                let block = self.last_sys_block.get_or_default(ev.g);
                if block == 0 {
                    self.sys_exit_err = Some((*ev, "stray syscall exit"));
                    return;
                }
                if ts < block {
                    self.sys_exit_err = Some((*ev, "time stamps out of order"));
                    return;
                }
                self.builder.push(&V1Event { ts, ..*ev });
                return;
            }
            _ => {}
        }
        self.builder.push(ev);
    }
}

/// Finds where an event of the merged stream came from (for error messages).
pub(crate) struct Locate {
    pub target: V1Event,
    pub found: Option<u32>,
}

impl Locate {
    /// A sink that finds nothing: for a merge run for its error only.
    pub(crate) fn nothing() -> Locate {
        Locate { target: V1Event { typ: EV_NONE, ..V1Event::default() }, found: None }
    }
}

impl Sink for Locate {
    fn push(&mut self, ev: &V1Event) {
        let t = &self.target;
        if self.found.is_none() && ev.typ == t.typ && ev.g == t.g && ev.p == t.p && ev.args == t.args && ev.stk == t.stk {
            // The time of a syscall exit may have been replaced.
            if ev.ts == t.ts || (ev.typ == EV_GO_SYS_EXIT && ev.args[2] as i64 == t.ts) {
                self.found = Some(ev.off);
            }
        }
    }
    fn done(&self) -> bool {
        self.found.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(ts: i64) -> (i64, usize) {
        (ts, ts as usize)
    }

    #[test]
    fn frontier_pops_in_time_order() {
        let mut f = Frontier::default();
        for ts in [5, 3, 9, 1, 7, 3, 2] {
            f.push(ev(ts));
        }
        let mut got = Vec::new();
        while !f.0.is_empty() {
            got.push(f.pop().0);
        }
        assert_eq!(got, vec![1, 2, 3, 3, 5, 7, 9]);
    }

    /// Go's heap, swap by swap (`container/heap`'s up and down on `orderEventList`).
    struct GoHeap(Vec<(i64, usize)>);

    impl GoHeap {
        fn push(&mut self, x: (i64, usize)) {
            self.0.push(x);
            let mut j = self.0.len() - 1;
            while j > 0 {
                let i = (j - 1) / 2;
                if self.0[j].0 >= self.0[i].0 {
                    break;
                }
                self.0.swap(i, j);
                j = i;
            }
        }

        fn pop(&mut self) -> (i64, usize) {
            let n = self.0.len() - 1;
            self.0.swap(0, n);
            self.down(0, n);
            self.0.pop().unwrap()
        }

        /// Go's `down`, recursively: swaps with the earlier child (the left one on equal
        /// times) while that child is earlier.
        fn down(&mut self, i: usize, n: usize) {
            let kids = [2 * i + 1, 2 * i + 2];
            let earlier = kids.into_iter().filter(|&k| k < n).reduce(|a, b| if self.0[b].0 < self.0[a].0 { b } else { a });
            if let Some(j) = earlier.filter(|&j| self.0[j].0 < self.0[i].0) {
                self.0.swap(i, j);
                self.down(j, n);
            }
        }
    }

    /// Equal times come out in Go's order (which entry, not only which time): the frontier
    /// moves entries as Go's swaps do, on pushes and pops mixed at random.
    #[test]
    fn frontier_orders_equal_times_as_go() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut rand = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        let (mut f, mut go) = (Frontier::default(), GoHeap(Vec::new()));
        let mut next = 0;
        for _ in 0..200_000 {
            if f.0.is_empty() || rand(2) == 0 {
                let x = (rand(8) as i64, next);
                next += 1;
                f.push(x);
                go.push(x);
            } else {
                assert_eq!(f.pop(), go.pop());
            }
            assert_eq!(f.0, go.0);
        }
    }

    #[test]
    fn transitions() {
        let mut g = GStates::default();
        let create = V1Event { typ: EV_GO_CREATE, args: [7, 0, 0, 0], ..V1Event::default() };
        let (id, init, next) = state_transition(&create);
        assert_eq!(id, 7);
        assert!(transition_ready(id, g.get(id), init));
        g.transition(id, init, next).unwrap();
        let start = V1Event { typ: EV_GO_START_LOCAL, g: 7, ..V1Event::default() };
        let (id, init, next) = state_transition(&start);
        assert!(transition_ready(id, g.get(id), init));
        g.transition(id, init, next).unwrap();
        assert_eq!(g.get(7), GState { seq: 2, status: G_RUNNING });
        assert!(g.transition(id, init, next).is_err());
    }
}
