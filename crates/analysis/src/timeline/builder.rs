//! The one-pass builder of the timeline: a state machine per goroutine, proc and thread that
//! closes a span at each transition and opens the next, plus GC/STW ranges, regions, tasks,
//! heap metrics and CPU samples.

use gotrace::{Event, EventKind, GoState, ProcState, ResourceKind};
use rustc_hash::FxHashMap;

use super::spans::SpanLane;
use super::stacks::{IdMap, RecentStrings, Stacks, Strings};
use super::{go, proc, thread, Lane, LaneKind, Sample, Series, Timeline};
use crate::Consumer;

/// A span being built: its start, state, label and aux.
#[derive(Debug, Clone, Copy)]
struct Open {
    start: i64,
    state: u8,
    label: u32,
    aux: u32,
}

#[derive(Debug)]
struct OpenLane {
    id: i64,
    spans: SpanLane,
    open: Option<Open>,
}

impl OpenLane {
    fn new(id: i64, nstates: u8) -> Self {
        OpenLane { id, spans: SpanLane::new(nstates), open: None }
    }

    #[inline]
    fn close(&mut self, t: i64) {
        if let Some(o) = self.open.take() {
            self.spans.push(o.start, t, o.state, o.label, o.aux);
        }
    }

    /// Opens a span (closing the current one), unless the same state and label are open.
    #[inline]
    fn open(&mut self, t: i64, state: u8, label: u32, aux: u32) {
        if let Some(o) = self.open {
            if o.state == state && o.label == label && o.aux == aux {
                return;
            }
        }
        self.close(t);
        self.open = Some(Open { start: t, state, label, aux });
    }
}

#[derive(Debug)]
struct Goroutine {
    lane: OpenLane,
    name: u32,
    /// Proc ordinal it runs (or syscalls) on, u32::MAX if none.
    on_p: u32,
    assist: bool,
    /// Ran on a proc before its name was known (GC workers are recognised by name).
    ran_unnamed: bool,
    /// Open regions: start and type.
    regions: Vec<(i64, u32)>,
}

/// Builds a [`Timeline`]: feed it every kept event, then [`TimelineBuilder::finish`].
#[derive(Debug, Default)]
pub struct TimelineBuilder {
    first: Option<i64>,
    last: i64,
    strings: Strings,
    recent: RecentStrings,
    stacks: Stacks,
    gs: Vec<Goroutine>,
    g_ids: IdMap,
    ps: Vec<OpenLane>,
    p_ids: IdMap,
    ms: Vec<OpenLane>,
    m_ids: IdMap,
    gc: Option<OpenLane>,
    stw: Option<OpenLane>,
    /// Per proc that swept (in order of its first sweep): its sweep lane (id: the P).
    sweeps: Vec<OpenLane>,
    sweep_ids: IdMap,
    regions: Vec<(u32, u32, SpanLane)>,
    region_ids: FxHashMap<(u32, u32), usize>,
    tasks: TaskRows,
    heap_live: Series,
    heap_goal: Series,
    samples: Vec<Sample>,
    gc_worker_name: u32,
}

impl TimelineBuilder {
    pub fn new() -> Self {
        let mut b = TimelineBuilder { gc: Some(OpenLane::new(0, 1)), stw: Some(OpenLane::new(0, 1)), ..Default::default() };
        b.gc_worker_name = b.strings.intern("runtime.gcBgMarkWorker");
        b
    }

    fn goroutine(&mut self, id: i64) -> u32 {
        if let Some(i) = self.g_ids.get(id) {
            return i;
        }
        let i = self.gs.len() as u32;
        self.gs.push(Goroutine {
            lane: OpenLane::new(id, go::NSTATES),
            name: 0,
            on_p: u32::MAX,
            assist: false,
            ran_unnamed: false,
            regions: Vec::new(),
        });
        self.g_ids.insert(id, i);
        i
    }

    fn proc(&mut self, id: i64) -> Option<u32> {
        if id < 0 {
            return None;
        }
        if let Some(i) = self.p_ids.get(id) {
            return Some(i);
        }
        let i = self.ps.len() as u32;
        self.ps.push(OpenLane::new(id, proc::NSTATES));
        self.p_ids.insert(id, i);
        Some(i)
    }

    fn thread(&mut self, id: i64) -> Option<u32> {
        if id < 0 {
            return None;
        }
        if let Some(i) = self.m_ids.get(id) {
            return Some(i);
        }
        let i = self.ms.len() as u32;
        self.ms.push(OpenLane::new(id, thread::NSTATES));
        self.m_ids.insert(id, i);
        Some(i)
    }

    /// Closes the proc's span if it shows goroutine `gi`.
    fn close_proc_of(&mut self, p: u32, gi: u32, t: i64) {
        if let Some(lane) = self.ps.get_mut(p as usize) {
            if lane.open.is_some_and(|o| o.label == gi + 1) {
                lane.close(t);
            }
        }
    }

    fn go_transition(&mut self, ev: &Event, st: &gotrace::StateTransition<'_>, from: GoState, to: GoState) {
        let t = ev.time();
        let Some(id) = st.resource.as_goroutine() else { return };
        let gi = self.goroutine(id.0);
        let stack = self.stacks.intern(ev.generation(), st.stack, &mut self.strings);
        if self.gs[gi as usize].name == 0 && stack != 0 {
            if let Some(&root) = self.stacks.get(stack).last() {
                self.gs[gi as usize].name = self.stacks.frames[root as usize].func;
            }
        }
        if from == to && from != GoState::Undetermined {
            return; // a status event restating the state
        }
        // The thread matters for syscalls only.
        let m = if from == GoState::Syscall || to == GoState::Syscall { self.thread(ev.thread().0) } else { None };
        // Leaving a state: the proc and thread stop showing it.
        let on_p = self.gs[gi as usize].on_p;
        if matches!(from, GoState::Running | GoState::Syscall) && on_p != u32::MAX {
            self.close_proc_of(on_p, gi, t);
            self.gs[gi as usize].on_p = u32::MAX;
        }
        if from == GoState::Syscall {
            if let Some(m) = m {
                let lane = &mut self.ms[m as usize];
                if to == GoState::Running && ev.proc().0 >= 0 {
                    lane.open(t, thread::HAS_P, 0, 0);
                } else {
                    lane.close(t);
                }
            }
        }
        // Entering a state.
        let g = &mut self.gs[gi as usize];
        match to {
            GoState::Running => {
                let state = if g.assist { go::ASSIST } else { go::RUNNING };
                g.lane.open(t, state, stack, 0);
                if let Some(p) = self.proc(ev.proc().0) {
                    let g = &mut self.gs[gi as usize];
                    g.on_p = p;
                    let state = if g.name == self.gc_worker_name { proc::GC } else { proc::RUNNING };
                    g.ran_unnamed |= g.name == 0;
                    self.ps[p as usize].open(t, state, gi + 1, 0);
                }
            }
            GoState::Runnable => {
                // The flow into this wait to run: who created or unblocked it.
                let by = ev.goroutine().0;
                let source = match from {
                    GoState::Syscall => gi + 1,
                    _ if by >= 0 && by != id.0 => self.goroutine(by) + 1,
                    _ => 0,
                };
                self.gs[gi as usize].lane.open(t, go::RUNNABLE, stack, source);
            }
            GoState::Waiting => {
                let reason = self.recent.intern(ev.generation(), st.reason, &mut self.strings);
                g.lane.open(t, go::WAITING, stack, reason);
            }
            GoState::Syscall => {
                g.lane.open(t, go::SYSCALL, stack, 0);
                let p = if on_p != u32::MAX { Some(on_p) } else { self.proc(ev.proc().0) };
                if let Some(p) = p {
                    self.gs[gi as usize].on_p = p;
                    self.ps[p as usize].open(t, proc::SYSCALL, gi + 1, 0);
                }
                if let Some(m) = m {
                    self.ms[m as usize].open(t, thread::SYSCALL, gi + 1, 0);
                }
            }
            GoState::NotExist | GoState::Undetermined => g.lane.close(t),
        }
    }

    fn proc_transition(&mut self, ev: &Event, st: &gotrace::StateTransition<'_>, from: ProcState, to: ProcState) {
        let t = ev.time();
        let Some(pid) = st.resource.as_proc() else { return };
        let Some(p) = self.proc(pid.0) else { return };
        let m = self.thread(ev.thread().0);
        if to == ProcState::Running && from != ProcState::Running {
            if let Some(m) = m {
                let lane = &mut self.ms[m as usize];
                if lane.open.is_none_or(|o| o.state != thread::SYSCALL) {
                    lane.open(t, thread::HAS_P, 0, 0);
                }
            }
        } else if to == ProcState::Idle {
            // Stopped, or stolen from a thread in a syscall: the proc shows nothing more.
            self.ps[p as usize].close(t);
            if from == ProcState::Running && ev.proc() == pid {
                if let Some(m) = m {
                    let lane = &mut self.ms[m as usize];
                    if lane.open.is_some_and(|o| o.state == thread::HAS_P) {
                        lane.close(t);
                    }
                }
            }
        }
    }

    fn range(&mut self, ev: &Event) {
        let Some(r) = ev.range() else { return };
        let t = ev.time();
        let begin = ev.kind() != EventKind::RangeEnd;
        if r.name == "GC concurrent mark phase" {
            let lane = self.gc.as_mut().expect("gc lane");
            if begin {
                lane.open(t, 0, 0, 0);
            } else {
                lane.close(t);
            }
        } else if r.name.starts_with("stop-the-world") {
            let reason = self.strings.intern(r.name.trim_start_matches("stop-the-world (").trim_end_matches(')'));
            let lane = self.stw.as_mut().expect("stw lane");
            if begin {
                lane.open(t, 0, reason, 0);
            } else {
                lane.close(t);
            }
        } else if r.name == "GC incremental sweep" {
            let Some(p) = r.scope.as_proc() else { return };
            let i = match self.sweep_ids.get(p.0) {
                Some(i) => i as usize,
                None => {
                    self.sweep_ids.insert(p.0, self.sweeps.len() as u32);
                    self.sweeps.push(OpenLane::new(p.0, 1));
                    self.sweeps.len() - 1
                }
            };
            let stack = self.stacks.intern(ev.generation(), ev.stack(), &mut self.strings);
            let lane = &mut self.sweeps[i];
            match ev.kind() {
                // A sweep going on when a generation starts goes on.
                EventKind::RangeActive if lane.open.is_some() => {}
                EventKind::RangeBegin | EventKind::RangeActive => lane.open(t, 0, stack, 0),
                _ => {
                    if let Some(o) = &mut lane.open {
                        o.aux = stack;
                    }
                    lane.close(t);
                }
            }
        } else if r.name == "GC mark assist" {
            let Some(g) = r.scope.as_goroutine() else { return };
            let gi = self.goroutine(g.0) as usize;
            let g = &mut self.gs[gi];
            g.assist = begin;
            // Split a running span: running while assisting is its own state.
            if let Some(o) = g.lane.open {
                if o.state == go::RUNNING || o.state == go::ASSIST {
                    g.lane.open(t, if begin { go::ASSIST } else { go::RUNNING }, o.label, 0);
                }
            }
        }
    }

    fn region(&mut self, ev: &Event) {
        let Some(r) = ev.region() else { return };
        let t = ev.time();
        let g = ev.goroutine().0;
        if g < 0 {
            return;
        }
        let gi = self.goroutine(g);
        if ev.kind() == EventKind::RegionBegin {
            let typ = self.recent.intern(ev.generation(), r.typ, &mut self.strings);
            self.gs[gi as usize].regions.push((t, typ));
        } else {
            let (start, typ) = match self.gs[gi as usize].regions.pop() {
                Some(x) => x,
                None => (self.first.unwrap_or(t), self.strings.intern(r.typ)),
            };
            let depth = self.gs[gi as usize].regions.len() as u32;
            self.push_region(gi, depth, start, t, typ);
        }
    }

    fn push_region(&mut self, gi: u32, depth: u32, start: i64, end: i64, typ: u32) {
        let n = self.regions.len();
        let at = *self.region_ids.entry((gi, depth)).or_insert(n);
        if at == n {
            self.regions.push((gi, depth, SpanLane::new(1)));
        }
        self.regions[at].2.push(start, end, 0, typ, 0);
    }

    fn task(&mut self, ev: &Event) {
        let Some(task) = ev.task() else { return };
        let t = ev.time();
        if ev.kind() == EventKind::TaskBegin {
            let typ = self.strings.intern(&task.typ);
            self.tasks.begin(task.id.0, t, typ);
        } else if !self.tasks.end(task.id.0, t) {
            let typ = self.strings.intern(&task.typ);
            self.tasks.begun_before.push((t, typ, task.id.0));
        }
    }

    /// Closes what is open at the trace's end and packs the lanes.
    pub fn finish(mut self) -> Timeline {
        let end = self.last;
        let start = self.first.unwrap_or(0);
        // GC workers that ran before their name was known: fix their proc spans.
        let late: Vec<u32> =
            self.gs.iter().enumerate().filter(|(_, g)| g.ran_unnamed && g.name == self.gc_worker_name).map(|(i, _)| i as u32 + 1).collect();
        let mut lanes = Vec::new();
        for mut p in std::mem::take(&mut self.ps) {
            p.close(end);
            if !late.is_empty() {
                p.spans.remap_states(|s, label| if s == proc::RUNNING && late.contains(&label) { proc::GC } else { s });
            }
            lanes.push(Lane { kind: LaneKind::Proc, id: p.id, group: 0, spans: p.spans });
        }
        for mut m in std::mem::take(&mut self.ms) {
            m.close(end);
            lanes.push(Lane { kind: LaneKind::Thread, id: m.id, group: 0, spans: m.spans });
        }
        for (kind, lane) in [(LaneKind::Gc, self.gc.take()), (LaneKind::Stw, self.stw.take())] {
            let mut lane = lane.expect("range lane");
            lane.close(end);
            lanes.push(Lane { kind, id: 0, group: 0, spans: lane.spans });
        }
        let mut sweeps = std::mem::take(&mut self.sweeps);
        sweeps.sort_by_key(|l| l.id);
        for mut lane in sweeps {
            lane.close(end);
            if lane.spans.is_empty() {
                continue;
            }
            lanes.push(Lane { kind: LaneKind::Sweep, id: lane.id, group: 0, spans: lane.spans });
        }
        for (i, r) in std::mem::take(&mut self.tasks).finish(start, end).into_iter().enumerate() {
            lanes.push(Lane { kind: LaneKind::Task, id: i as i64, group: 0, spans: r });
        }
        // Regions still open end with the trace.
        for gi in 0..self.gs.len() {
            while let Some((s, typ)) = self.gs[gi].regions.pop() {
                let depth = self.gs[gi].regions.len() as u32;
                self.push_region(gi as u32, depth, s, end, typ);
            }
        }
        let mut regions = std::mem::take(&mut self.regions);
        regions.sort_by_key(|&(gi, depth, _)| (gi, depth));
        for (gi, depth, spans) in regions {
            lanes.push(Lane { kind: LaneKind::Region, id: self.gs[gi as usize].lane.id, group: depth, spans });
        }
        let goroutine_base = lanes.len();
        for mut g in std::mem::take(&mut self.gs) {
            g.lane.close(end);
            lanes.push(Lane { kind: LaneKind::Goroutine, id: g.lane.id, group: g.name, spans: g.lane.spans });
        }
        for l in &mut lanes {
            l.spans.shrink();
        }
        self.samples.sort_by_key(|s| s.time);
        let (goroutine_samples, sample_offsets) = by_goroutine(&self.samples, lanes.len() - goroutine_base);
        self.stacks.finish();
        Timeline {
            start,
            end,
            lanes,
            goroutine_base,
            strings: self.strings,
            stacks: self.stacks,
            heap_live: self.heap_live,
            heap_goal: self.heap_goal,
            samples: self.samples,
            goroutine_samples,
            sample_offsets,
        }
    }
}

/// The tasks' rows, filled as the tasks come: a task takes the lowest row free when it begins
/// (whose tasks all ended before), so tasks overlapping in time are on different rows, as many
/// rows as the most tasks at once (a server with a thousand requests in flight has a thousand
/// rows; the viewer draws the rows in view only). A task is written to its row when it ends:
/// only the open tasks are kept. Tasks that began before the trace (their end is in it, their
/// begin is not) get a row each, after the others.
#[derive(Debug, Default)]
pub(crate) struct TaskRows {
    rows: Vec<SpanLane>,
    free: std::collections::BTreeSet<u32>,
    /// Open tasks by id: start, type and row.
    open: FxHashMap<u64, (i64, u32, u32)>,
    /// Tasks that began before the trace: end, type and id.
    pub begun_before: Vec<(i64, u32, u64)>,
}

impl TaskRows {
    /// Task `id` of type `typ` begins at `t` (times come in order).
    pub fn begin(&mut self, id: u64, t: i64, typ: u32) {
        let row = self.free.pop_first().unwrap_or_else(|| {
            self.rows.push(SpanLane::new(1));
            self.rows.len() as u32 - 1
        });
        // A task begun again: the first begin is forgotten (as when the tasks were laid out
        // after the pass), and its row is free again.
        if let Some((_, _, old)) = self.open.insert(id, (t, typ, row)) {
            self.free.insert(old);
        }
    }

    /// Task `id` ends at `t`; false if it did not begin in the trace.
    pub fn end(&mut self, id: u64, t: i64) -> bool {
        let Some((start, typ, row)) = self.open.remove(&id) else { return false };
        self.rows[row as usize].push(start, t, 0, typ, id as u32);
        self.free.insert(row);
        true
    }

    /// The rows, with the tasks still open ending at `end` and those begun before the trace
    /// beginning at `start`.
    pub fn finish(mut self, start: i64, end: i64) -> Vec<SpanLane> {
        for (id, (s, typ, row)) in std::mem::take(&mut self.open) {
            self.rows[row as usize].push(s, end, 0, typ, id as u32);
        }
        self.begun_before.sort_unstable_by_key(|&(e, _, id)| (e, id));
        for (e, typ, id) in self.begun_before {
            let mut row = SpanLane::new(1);
            row.push(start, e, 0, typ, id as u32);
            self.rows.push(row);
        }
        self.rows
    }
}

/// The samples (in time order) of each of `n` goroutines: their indices by goroutine then
/// time, and where each goroutine's begin (samples on no goroutine are left out).
fn by_goroutine(samples: &[Sample], n: usize) -> (Vec<u32>, Vec<u32>) {
    let mut offsets = vec![0u32; n + 1];
    for s in samples {
        if s.goroutine > 0 && (s.goroutine as usize) <= n {
            offsets[s.goroutine as usize] += 1;
        }
    }
    for i in 1..=n {
        offsets[i] += offsets[i - 1];
    }
    let mut next = offsets.clone();
    let mut index = vec![0u32; offsets[n] as usize];
    for (i, s) in samples.iter().enumerate() {
        if s.goroutine > 0 && (s.goroutine as usize) <= n {
            let slot = &mut next[s.goroutine as usize - 1];
            index[*slot as usize] = i as u32;
            *slot += 1;
        }
    }
    (index, offsets)
}

impl Consumer for TimelineBuilder {
    fn event(&mut self, ev: &Event) {
        let t = ev.time();
        if self.first.is_none() {
            self.first = Some(t);
        }
        self.last = self.last.max(t);
        match ev.kind() {
            EventKind::StateTransition => {
                let Some(st) = ev.state_transition() else { return };
                match st.resource.kind {
                    ResourceKind::Goroutine => {
                        if let Some((from, to)) = st.goroutine() {
                            self.go_transition(ev, &st, from, to);
                        }
                    }
                    ResourceKind::Proc => {
                        if let Some((from, to)) = st.proc() {
                            self.proc_transition(ev, &st, from, to);
                        }
                    }
                    _ => {}
                }
            }
            EventKind::RangeBegin | EventKind::RangeActive | EventKind::RangeEnd => self.range(ev),
            EventKind::RegionBegin | EventKind::RegionEnd => self.region(ev),
            EventKind::TaskBegin | EventKind::TaskEnd => self.task(ev),
            EventKind::Metric => {
                if let Some(m) = ev.metric() {
                    match m.name {
                        "/memory/classes/heap/objects:bytes" => self.heap_live.push(t, m.value),
                        "/gc/heap/goal:bytes" => self.heap_goal.push(t, m.value),
                        _ => {}
                    }
                }
            }
            EventKind::StackSample => {
                let g = ev.goroutine().0;
                let goroutine = if g >= 0 { self.goroutine(g) + 1 } else { 0 };
                let stack = self.stacks.intern(ev.generation(), ev.stack(), &mut self.strings);
                self.samples.push(Sample { time: t, goroutine, stack });
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::TaskRows;

    /// Overlapping tasks never share a row; a row is reused once its last task ended; there
    /// are as many rows as the most tasks at once (here 1,000, far past the old cap of 64), and
    /// one more for each task begun before the trace; every task is in a row once, whole.
    #[test]
    fn task_rows_never_overlap_and_are_as_few_as_the_peak() {
        // Tasks with distinct even starts and odd ends (event times never tie, as the reader's).
        let mut tasks: Vec<(i64, i64, u64)> = Vec::new();
        let mut x: u64 = 12345;
        for i in 0..5000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let (s, len) = if i < 1000 { (i as i64, 1_000_000) } else { (1_000_000 + i as i64 * 200, (x >> 20) as i64 % 5000) };
            tasks.push((2 * s, 2 * (s + len) + 1, i));
        }
        // Begins and ends in time order; three tasks begun before the trace, one left open.
        let (first, last) = (-1, 1 << 40);
        let begun_before = [(5, 9000u64), (2_000_001, 9001), (7, 9002)];
        let mut events: Vec<(i64, bool, u64)> = tasks.iter().flat_map(|&(s, e, id)| [(s, true, id), (e, false, id)]).collect();
        events.extend(begun_before.iter().map(|&(e, id)| (e, false, id)));
        events.push((2 * 3_000_000, true, 7777));
        events.sort();
        let mut rows = TaskRows::default();
        for &(t, begin, id) in &events {
            if begin {
                rows.begin(id, t, 1);
            } else if !rows.end(id, t) {
                rows.begun_before.push((t, 2, id));
            }
        }
        let rows = rows.finish(first, last);
        let mut seen = Vec::new();
        for (r, row) in rows.iter().enumerate() {
            let mut last_end = i64::MIN;
            for i in 0..row.len() {
                let sp = row.get(i).expect("a span");
                assert!(last_end <= sp.start, "task [{}, {}) overlaps row {r}", sp.start, sp.end);
                last_end = sp.end;
                seen.push((sp.start, sp.end, sp.aux as u64));
            }
        }
        let mut want: Vec<(i64, i64, u64)> = tasks.clone();
        want.extend(begun_before.iter().map(|&(e, id)| (first, e, id)));
        want.push((2 * 3_000_000, last, 7777));
        want.sort();
        seen.sort();
        assert_eq!(seen, want);
        // The peak: the most tasks open at one time, begun in the trace; then a row for each
        // task begun before it.
        let mut points: Vec<(i64, i32)> = tasks.iter().flat_map(|&(s, e, _)| [(s, 1), (e, -1)]).collect();
        points.push((2 * 3_000_000, 1));
        points.sort();
        let (mut open, mut peak) = (0, 0);
        for (_, d) in points {
            open += d;
            peak = peak.max(open);
        }
        assert_eq!(rows.len(), peak as usize + begun_before.len());
        assert!(peak >= 1000);
    }
}
