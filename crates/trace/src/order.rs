//! Ordering: the cross-M state machine that decides which M's next event may happen next
//! (Go's `order.go`). Each wire type has a small `advance_*` handler; a handler returns
//! `Ok(false)` ("not yet") when the event depends on another M's event that has not been
//! ordered, and an error when no order can make it valid.

use std::collections::VecDeque;
use std::rc::Rc;

use rustc_hash::FxHashMap;

use crate::event::{BaseEvent, Event, SchedCtx};
use crate::go_table::GoTable;
use crate::resources::{GoId, GoState, ProcId, ProcState, TaskId, ThreadId};
use crate::spec::{self, go_status, proc_status, EventType};
use crate::table::EvTable;
use crate::version::Version;

type Handler = fn(&mut Ordering, &mut BaseEvent, &Rc<EvTable>, ThreadId, u64, SchedCtx) -> Result<(SchedCtx, bool), String>;

/// Per-generation sequence counter of a goroutine or proc.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Seq {
    gen: u64,
    seq: u64,
}

impl Seq {
    fn new(gen: u64, seq: u64) -> Seq {
        Seq { gen, seq }
    }
    fn succeeds(self, b: Seq) -> bool {
        self.gen == b.gen && self.seq == b.seq.wrapping_add(1)
    }
}

impl std::fmt::Display for Seq {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (gen={})", self.seq, self.gen)
    }
}

/// A range in flight: its Begin event type and optional subtype (string id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct RangeType {
    typ: EventType,
    desc: u64,
}

impl std::fmt::Display for RangeType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{{{} {}}}", self.typ, self.desc)
    }
}

fn range_type(typ: EventType, desc: u64) -> RangeType {
    let start = spec::spec(typ).start_ev;
    RangeType { typ: if start != spec::EV_NONE { start } else { typ }, desc }
}

#[derive(Debug, Default)]
struct RangeState {
    in_flight: Vec<RangeType>,
}

impl RangeState {
    fn begin(&mut self, t: RangeType) -> Result<(), String> {
        if self.in_flight.contains(&t) {
            return Err(format!("discovered event already in-flight for when starting event {}", spec::spec(t.typ).name));
        }
        self.in_flight.push(t);
        Ok(())
    }

    fn active(&mut self, t: RangeType, initial_gen: bool) -> Result<(), String> {
        if initial_gen {
            if self.in_flight.contains(&t) {
                return Err(format!("found named active range already in first gen: {t}"));
            }
            self.in_flight.push(t);
        } else if !self.in_flight.contains(&t) {
            let list: Vec<String> = self.in_flight.iter().map(|r| r.to_string()).collect();
            return Err(format!("resource is missing active range: {} [{}]", spec::spec(t.typ).name, list.join(" ")));
        }
        Ok(())
    }

    fn end(&mut self, typ: EventType) -> Result<u64, String> {
        let st = spec::spec(typ).start_ev;
        let Some(idx) = self.in_flight.iter().position(|r| r.typ == st) else {
            return Err(format!("tried to end event {}, but not in-flight", spec::spec(st).name));
        };
        Ok(self.in_flight.swap_remove(idx).desc)
    }
}

/// A region in flight: its task and its name, interned (names repeat; comparing them must not
/// allocate per event).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct UserRegion {
    task: TaskId,
    name: u32,
}

/// Region names seen so far, by number.
#[derive(Debug, Default)]
struct Names {
    ids: FxHashMap<Box<str>, u32>,
    list: Vec<Box<str>>,
    /// The number of the name of each string id of `table` seen (`u32::MAX`: not yet), so that
    /// a name that recurs is not hashed again. Held, so that the pointer stays its own.
    table: Option<Rc<EvTable>>,
    by_id: Vec<u32>,
}

impl Names {
    /// The number of the name with string id `id` in `t` (0: ""); `None` for an id `t` lacks.
    #[inline]
    fn intern_id(&mut self, t: &Rc<EvTable>, id: u64) -> Option<u32> {
        if !self.table.as_ref().is_some_and(|c| Rc::ptr_eq(c, t)) {
            self.table = Some(t.clone());
            self.by_id.clear();
        }
        if let Some(&n) = self.by_id.get(id as usize) {
            if n != u32::MAX {
                return Some(n);
            }
        }
        let n = match t.strings.get(id) {
            Some(s) => self.intern(s),
            None if id == 0 => self.intern(""),
            None => return None,
        };
        // String ids are small and dense; others are interned each time.
        if id < 1 << 16 {
            if self.by_id.len() <= id as usize {
                self.by_id.resize(id as usize + 1, u32::MAX);
            }
            self.by_id[id as usize] = n;
        }
        Some(n)
    }

    fn intern(&mut self, s: &str) -> u32 {
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        let id = self.list.len() as u32;
        self.list.push(s.into());
        self.ids.insert(s.into(), id);
        id
    }

    /// Go's `%v` of a region: `{task name}`.
    fn show(&self, r: UserRegion) -> String {
        format!("{{{} {}}}", r.task, self.list.get(r.name as usize).map_or("", |s| &**s))
    }
}

#[derive(Debug)]
struct GState {
    id: GoId,
    status: u64,
    seq: Seq,
    regions: Vec<UserRegion>,
    ranges: RangeState,
}

impl GState {
    fn new(id: GoId, status: u64, seq: Seq) -> GState {
        GState { id, status, seq, regions: Vec::new(), ranges: RangeState::default() }
    }

    fn end_region(&mut self, r: UserRegion, names: &Names) -> Result<(), String> {
        // Regions that began before the trace started end without a begin: fine.
        let Some(&next) = self.regions.last() else { return Ok(()) };
        if next != r {
            return Err(format!(
                "misuse of region in goroutine {}: region end {} when the inner-most active region start event is {}",
                self.id,
                names.show(r),
                names.show(next)
            ));
        }
        self.regions.pop();
        Ok(())
    }
}

#[derive(Debug)]
struct PState {
    status: u64,
    seq: Seq,
    ranges: RangeState,
}

#[derive(Debug, Clone, Copy)]
struct MState {
    id: ThreadId,
    g: GoId,
    p: ProcId,
}

/// Thread states, kept in a vector (threads are few) indexed through a map; a thread's slot
/// never changes, so batch cursors cache it.
#[derive(Debug, Default)]
struct MStates {
    index: FxHashMap<ThreadId, usize>,
    list: Vec<MState>,
}

impl MStates {
    fn get(&self, m: &ThreadId) -> Option<&MState> {
        self.index.get(m).map(|&i| &self.list[i])
    }
    fn get_mut(&mut self, m: &ThreadId) -> Option<&mut MState> {
        self.index.get(m).map(|&i| &mut self.list[i])
    }
    fn insert(&mut self, m: ThreadId, s: MState) -> usize {
        let i = self.list.len();
        self.list.push(MState { id: m, ..s });
        self.index.insert(m, i);
        i
    }
    /// The slot of thread `m`, made (with no G and no P) if it has none.
    fn slot(&mut self, m: ThreadId) -> usize {
        match self.index.get(&m) {
            Some(&i) => i,
            None => self.insert(m, MState { id: m, g: GoId::NONE, p: ProcId::NONE }),
        }
    }
    fn iter(&self) -> impl Iterator<Item = (&ThreadId, &MState)> {
        self.list.iter().map(|s| (&s.id, s))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum GcState {
    Undetermined,
    NotRunning,
    Running,
}

#[derive(Debug, Clone)]
struct TaskState {
    name: Rc<str>,
    parent: TaskId,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Need {
    Forbidden,
    Optional,
    Required,
}

#[derive(Clone, Copy)]
struct Reqs {
    m: Need,
    p: Need,
    g: Need,
}

const USER_GO_REQS: Reqs = Reqs { m: Need::Required, p: Need::Required, g: Need::Required };

#[inline]
fn validate_ctx(ctx: SchedCtx, reqs: Reqs) -> Result<(), String> {
    let bad = |need: Need, has: bool| (need == Need::Required && !has) || (need == Need::Forbidden && has);
    let (m, p, g) = (ctx.m != ThreadId::NONE, ctx.p != ProcId::NONE, ctx.g != GoId::NONE);
    if bad(reqs.m, m) || bad(reqs.p, p) || bad(reqs.g, g) {
        return Err(ctx_error(reqs, m, p, g));
    }
    Ok(())
}

#[cold]
fn ctx_error(reqs: Reqs, m: bool, p: bool, g: bool) -> String {
    for (need, has, what) in [(reqs.m, m, "thread"), (reqs.p, p, "proc"), (reqs.g, g, "goroutine")] {
        match (need, has) {
            (Need::Required, false) => return format!("expected a {what} but didn't have one"),
            (Need::Forbidden, true) => return format!("expected no {what} but had one"),
            _ => {}
        }
    }
    String::new()
}

/// The ordering state across all generations.
pub(crate) struct Ordering {
    ver: Version,
    g_states: GoTable<GState>,
    p_states: FxHashMap<ProcId, PState>,
    m_states: MStates,
    active_tasks: FxHashMap<TaskId, TaskState>,
    region_names: Names,
    gc_seq: u64,
    gc_state: GcState,
    initial_gen: u64,
    /// The next ordered event, if `ready`: the reader lends it from here, its tables set
    /// (those of the generation being read if `head_has_table`, else none) when they change.
    head: Event,
    head_has_table: bool,
    ready: bool,
    /// Ordered events after `head`.
    queue: VecDeque<Queued>,
}

/// An ordered event without its tables: those of the generation being read, if `has_table`.
/// (The reader lends each event from one [`Event`], the ordering's head, whose tables change
/// only with the generation: events with their tables would count a reference up and down
/// for each.)
#[derive(Debug, Clone, Copy)]
pub(crate) struct Queued {
    pub ctx: SchedCtx,
    pub base: BaseEvent,
    pub has_table: bool,
}

impl Queued {
    /// An event the ordering makes, with the generation's tables.
    pub(crate) fn make(ctx: SchedCtx, typ: EventType, time: crate::Time, args: &[u64]) -> Queued {
        let mut base = BaseEvent { typ, time, args: [0; 4] };
        base.args[..args.len()].copy_from_slice(args);
        Queued { ctx, base, has_table: true }
    }
}

impl Ordering {
    pub fn new(ver: Version) -> Ordering {
        Ordering {
            ver,
            g_states: GoTable::default(),
            p_states: FxHashMap::default(),
            m_states: MStates::default(),
            active_tasks: FxHashMap::default(),
            region_names: Names::default(),
            gc_seq: 0,
            gc_state: GcState::Undetermined,
            initial_gen: 0,
            head: Event::new_sync(None, 0, 0),
            head_has_table: false,
            ready: false,
            queue: VecDeque::new(),
        }
    }

    /// Done with the head: the next queued event (if any) takes its place.
    #[inline]
    pub fn pop(&mut self) {
        self.ready = false;
        if let Some(q) = self.queue.pop_front() {
            self.push_queued(q);
        }
    }

    /// The head, if there is one, and whether it has the tables of the generation being read.
    #[inline]
    pub fn head_mut(&mut self) -> Option<(&mut Event, bool)> {
        self.ready.then_some((&mut self.head, self.head_has_table))
    }

    /// The head, if there is one.
    #[inline]
    pub fn head(&self) -> Option<&Event> {
        self.ready.then_some(&self.head)
    }

    fn name(&self, typ: EventType) -> String {
        self.ver.event_name(typ)
    }

    #[inline]
    fn push(&mut self, ctx: SchedCtx, ev: &BaseEvent) {
        self.push_queued(Queued { ctx, base: *ev, has_table: true });
    }

    /// Whether no ordered event is queued.
    #[inline]
    pub fn is_empty(&self) -> bool {
        !self.ready
    }

    /// Queues an event the reader made (a Sync: with the tables of the generation being read,
    /// or none).
    pub(crate) fn push_event(&mut self, ev: Event) {
        self.push_queued(Queued { ctx: ev.ctx, base: ev.base, has_table: ev.table.is_some() });
    }

    #[inline]
    pub(crate) fn push_queued(&mut self, q: Queued) {
        if self.ready {
            self.queue.push_back(q);
            return;
        }
        // Written field by field where the reader will read it (see `Packed` in handoff.rs).
        let h = &mut self.head;
        h.ctx = q.ctx;
        h.base.typ = q.base.typ;
        h.base.time = q.base.time;
        h.base.args = q.base.args;
        self.head_has_table = q.has_table;
        self.ready = true;
    }

    /// Tries to order `ev`, the next event of thread `m`: `Ok(true)` if it was queued.
    /// `m_slot` caches the thread's slot between calls.
    pub fn advance(&mut self, ev: &mut BaseEvent, t: &Rc<EvTable>, m: ThreadId, m_slot: &mut Option<usize>, gen: u64) -> Result<bool, String> {
        if self.initial_gen == 0 {
            self.initial_gen = gen;
        }
        let mut cur = SchedCtx { g: GoId::NONE, p: ProcId::NONE, m };
        let mut slot = None;
        if m != ThreadId::NONE {
            let i = *m_slot.get_or_insert_with(|| self.m_states.slot(m));
            let ms = self.m_states.list[i];
            cur.p = ms.p;
            cur.g = ms.g;
            slot = Some(i);
        }
        let Some(f) = handler(ev.typ) else {
            return Err(format!("bad event type found while ordering: {}", ev.typ));
        };
        let (new, ok) = f(self, ev, t, m, gen, cur)?;
        if let (true, Some(i)) = (ok, slot) {
            let ms = &mut self.m_states.list[i];
            ms.p = new.p;
            ms.g = new.g;
        }
        Ok(ok)
    }

    /// A text dump of the state, for "broken trace" errors.
    pub fn dump(&self) -> String {
        let mut s = String::new();
        let mut gs: Vec<_> = self.g_states.values().collect();
        gs.sort_by_key(|g| g.id);
        for g in gs {
            s += &format!("G {} [status={} seq={}]\n", g.id, go_status::name(g.status), g.seq);
        }
        s += "\n";
        let mut ps: Vec<_> = self.p_states.iter().collect();
        ps.sort_by_key(|(id, _)| **id);
        for (id, p) in ps {
            s += &format!("P {} [status={} seq={}]\n", id, proc_status::name(p.status), p.seq);
        }
        s += "\n";
        let mut ms: Vec<_> = self.m_states.iter().collect();
        ms.sort_by_key(|(id, _)| **id);
        for (id, m) in ms {
            s += &format!("M {} [g={} p={}]\n", id, m.g, m.p);
        }
        s += "\n";
        let gc = match self.gc_state {
            GcState::Undetermined => "Undetermined",
            GcState::NotRunning => "NotRunning",
            GcState::Running => "Running",
        };
        s += &format!("GC {} {}\n", self.gc_seq, gc);
        s
    }
}

fn handler(typ: EventType) -> Option<Handler> {
    use spec::*;
    Some(match typ {
        EV_PROCS_CHANGE | EV_GO_LABEL | EV_USER_LOG => advance_annotation,
        EV_PROC_START => advance_proc_start,
        EV_PROC_STOP => advance_proc_stop,
        EV_PROC_STEAL => advance_proc_steal,
        EV_PROC_STATUS => advance_proc_status,
        EV_GO_CREATE | EV_GO_CREATE_BLOCKED => advance_go_create,
        EV_GO_CREATE_SYSCALL => advance_go_create_syscall,
        EV_GO_START => advance_go_start,
        EV_GO_DESTROY | EV_GO_STOP | EV_GO_BLOCK => advance_go_stop_exec,
        EV_GO_DESTROY_SYSCALL => advance_go_destroy_syscall,
        EV_GO_UNBLOCK => advance_go_unblock,
        EV_GO_SYSCALL_BEGIN => advance_go_syscall_begin,
        EV_GO_SYSCALL_END => advance_go_syscall_end,
        EV_GO_SYSCALL_END_BLOCKED => advance_go_syscall_end_blocked,
        EV_GO_STATUS | EV_GO_STATUS_STACK => advance_go_status,
        EV_STW_BEGIN | EV_GC_MARK_ASSIST_BEGIN => advance_go_range_begin,
        EV_STW_END | EV_GC_MARK_ASSIST_END => advance_go_range_end,
        EV_GC_MARK_ASSIST_ACTIVE => advance_go_range_active,
        EV_GC_ACTIVE => advance_gc_active,
        EV_GC_BEGIN => advance_gc_begin,
        EV_GC_END => advance_gc_end,
        EV_GC_SWEEP_ACTIVE => advance_gc_sweep_active,
        EV_GC_SWEEP_BEGIN => advance_gc_sweep_begin,
        EV_GC_SWEEP_END => advance_gc_sweep_end,
        EV_HEAP_ALLOC | EV_HEAP_GOAL => advance_heap_metric,
        EV_USER_TASK_BEGIN => advance_user_task_begin,
        EV_USER_TASK_END => advance_user_task_end,
        EV_USER_REGION_BEGIN => advance_user_region_begin,
        EV_USER_REGION_END => advance_user_region_end,
        EV_GO_SWITCH | EV_GO_SWITCH_DESTROY => advance_go_switch,
        EV_SPAN..=EV_GOROUTINE_STACK_FREE => advance_alloc_free,
        _ => return None,
    })
}

type Step = Result<(SchedCtx, bool), String>;

fn advance_proc_status(o: &mut Ordering, ev: &mut BaseEvent, _t: &Rc<EvTable>, _m: ThreadId, gen: u64, mut cur: SchedCtx) -> Step {
    let pid = ProcId(ev.args[0] as i64);
    let status = ev.args[1];
    if status > proc_status::SYSCALL_ABANDONED {
        return Err(format!("invalid status for proc {pid}: {status}"));
    }
    let mut old = crate::event::proc_state_of_status(status);
    if let Some(s) = o.p_states.get_mut(&pid) {
        if status == proc_status::SYSCALL_ABANDONED && s.status == proc_status::SYSCALL {
            // The P was in a syscall and was stolen by the generation's end: it was running.
            old = ProcState::Running;
            ev.args[1] = proc_status::SYSCALL;
        } else if status == proc_status::SYSCALL_ABANDONED && s.status == proc_status::SYSCALL_ABANDONED {
            old = ProcState::Idle;
            ev.args[1] = proc_status::SYSCALL_ABANDONED;
        } else if s.status != status {
            return Err(format!(
                "inconsistent status for proc {pid}: old {} vs. new {}",
                proc_status::name(s.status),
                proc_status::name(status)
            ));
        }
        s.seq = Seq::new(gen, 0);
    } else {
        o.p_states.insert(pid, PState { status, seq: Seq::new(gen, 0), ranges: RangeState::default() });
        old = if gen == o.initial_gen { ProcState::Undetermined } else { ProcState::NotExist };
    }
    ev.set_extra(0, old as u64);
    let mut new = cur;
    if status == proc_status::RUNNING || status == proc_status::SYSCALL {
        new.p = pid;
    }
    if status == proc_status::SYSCALL_ABANDONED && old == ProcState::Running {
        // The event is attributed to the M that lost the P.
        let mut found = false;
        let mut ids: Vec<_> = o.m_states.iter().filter(|(_, ms)| ms.p == pid).map(|(id, ms)| (*id, *ms)).collect();
        ids.sort_by_key(|(id, _)| *id);
        for (mid, ms) in ids {
            cur.m = mid;
            cur.p = pid;
            cur.g = ms.g;
            found = true;
        }
        if !found {
            return Err(format!("failed to find sched context for proc {pid} that's about to be stolen"));
        }
    }
    o.push(cur, ev);
    Ok((new, true))
}

fn advance_proc_start(o: &mut Ordering, ev: &mut BaseEvent, _t: &Rc<EvTable>, _m: ThreadId, gen: u64, cur: SchedCtx) -> Step {
    let pid = ProcId(ev.args[0] as i64);
    let seq = Seq::new(gen, ev.args[1]);
    match o.p_states.get(&pid) {
        Some(s) if s.status == proc_status::IDLE && seq.succeeds(s.seq) && cur.p == ProcId::NONE => {}
        // Not yet: the P must be stopped (or stolen) by its previous M first.
        _ => return Ok((cur, false)),
    }
    validate_ctx(cur, Reqs { m: Need::Required, p: Need::Forbidden, g: Need::Optional })?;
    let s = o.p_states.get_mut(&pid).expect("checked above");
    s.status = proc_status::RUNNING;
    s.seq = seq;
    let mut new = cur;
    new.p = pid;
    o.push(cur, ev);
    Ok((new, true))
}

fn advance_proc_stop(o: &mut Ordering, ev: &mut BaseEvent, _t: &Rc<EvTable>, _m: ThreadId, _gen: u64, cur: SchedCtx) -> Step {
    let ver = o.ver;
    let Some(s) = o.p_states.get_mut(&cur.p) else {
        return Err(format!("event {} for proc ({}) that doesn't exist", ver.event_name(ev.typ), cur.p));
    };
    if s.status != proc_status::RUNNING && s.status != proc_status::SYSCALL {
        return Err(format!("{} event for proc that's not Running or Syscall", ver.event_name(ev.typ)));
    }
    validate_ctx(cur, Reqs { m: Need::Required, p: Need::Required, g: Need::Optional })?;
    s.status = proc_status::IDLE;
    let mut new = cur;
    new.p = ProcId::NONE;
    o.push(cur, ev);
    Ok((new, true))
}

fn advance_proc_steal(o: &mut Ordering, ev: &mut BaseEvent, _t: &Rc<EvTable>, _m: ThreadId, gen: u64, cur: SchedCtx) -> Step {
    let pid = ProcId(ev.args[0] as i64);
    let seq = Seq::new(gen, ev.args[1]);
    match o.p_states.get(&pid) {
        Some(s) if (s.status == proc_status::SYSCALL || s.status == proc_status::SYSCALL_ABANDONED) && seq.succeeds(s.seq) => {}
        // Not yet: the P's M must enter the syscall first.
        _ => return Ok((cur, false)),
    }
    validate_ctx(cur, Reqs { m: Need::Required, p: Need::Optional, g: Need::Optional })?;
    let s = o.p_states.get_mut(&pid).expect("checked above");
    let old_status = s.status;
    ev.set_extra(0, old_status);
    s.status = proc_status::IDLE;
    s.seq = seq;
    if old_status == proc_status::SYSCALL_ABANDONED {
        // Stolen from an M that has no record of it in this generation: nothing to update.
        o.push(cur, ev);
        return Ok((cur, true));
    }
    let mid = ThreadId(ev.args[2] as i64);
    let mut new = cur;
    if mid == cur.m {
        if cur.p != pid {
            return Err(format!("tried to self-steal proc {pid} (thread {mid}), but got proc {} instead", cur.p));
        }
        new.p = ProcId::NONE;
        o.push(cur, ev);
        return Ok((new, true));
    }
    let Some(ms) = o.m_states.get_mut(&mid) else {
        return Err(format!("stole proc from non-existent thread {mid}"));
    };
    if ms.p != pid {
        return Err(format!("tried to steal proc {pid} from thread {mid}, but got proc {} instead", ms.p));
    }
    ms.p = ProcId::NONE;
    o.push(cur, ev);
    Ok((new, true))
}

fn advance_go_status(o: &mut Ordering, ev: &mut BaseEvent, _t: &Rc<EvTable>, _m: ThreadId, gen: u64, mut cur: SchedCtx) -> Step {
    let gid = GoId(ev.args[0] as i64);
    let mid = ThreadId(ev.args[1] as i64);
    let status = ev.args[2];
    if status > go_status::WAITING {
        return Err(format!("invalid status for goroutine {gid}: {status}"));
    }
    let mut old = crate::event::go_state_of_status(status);
    if let Some(s) = o.g_states.get_mut(&gid) {
        if s.status != status {
            return Err(format!(
                "inconsistent status for goroutine {gid}: old {} vs. new {}",
                go_status::name(s.status),
                go_status::name(status)
            ));
        }
        s.seq = Seq::new(gen, 0);
    } else if gen == o.initial_gen {
        o.g_states.insert(gid, GState::new(gid, status, Seq::new(gen, 0)));
        old = GoState::Undetermined;
    } else {
        return Err(format!(
            "found goroutine status for new goroutine after the first generation: id={gid} status={}",
            go_status::name(status)
        ));
    }
    ev.args[2] = (old as u64) << 32 | status;
    let mut new = cur;
    match status {
        go_status::RUNNING => new.g = gid,
        go_status::SYSCALL => {
            if mid == ThreadId::NONE {
                return Err(format!("found goroutine {gid} in syscall without a thread"));
            }
            if mid == cur.m {
                if gen != o.initial_gen && cur.g != gid {
                    return Err(format!("inconsistent thread for syscalling goroutine {gid}: thread has goroutine {}", cur.g));
                }
                new.g = gid;
            } else {
                // The goroutine sits in a syscall on another thread (which lost its P).
                match o.m_states.get(&mid) {
                    Some(ms) => {
                        if ms.g != gid {
                            return Err(format!("inconsistent thread for syscalling goroutine {gid}: thread has goroutine {}", ms.g));
                        }
                        cur.g = ms.g;
                    }
                    None => {
                        o.m_states.insert(mid, MState { id: mid, g: gid, p: ProcId::NONE });
                    }
                }
                cur.m = mid;
            }
        }
        _ => {}
    }
    o.push(cur, ev);
    Ok((new, true))
}

fn advance_go_create(o: &mut Ordering, ev: &mut BaseEvent, _t: &Rc<EvTable>, _m: ThreadId, gen: u64, cur: SchedCtx) -> Step {
    validate_ctx(cur, Reqs { m: Need::Required, p: Need::Required, g: Need::Optional })?;
    if let Some(s) = o.g_states.get(&cur.g) {
        if s.status != go_status::RUNNING {
            return Err(format!("{} event for goroutine that's not Running", o.name(ev.typ)));
        }
    }
    let newg = GoId(ev.args[0] as i64);
    if o.g_states.contains_key(&newg) {
        return Err(format!("tried to create goroutine ({newg}) that already exists"));
    }
    let status = if ev.typ == spec::EV_GO_CREATE_BLOCKED { go_status::WAITING } else { go_status::RUNNABLE };
    o.g_states.insert(newg, GState::new(newg, status, Seq::new(gen, 0)));
    o.push(cur, ev);
    Ok((cur, true))
}

/// Checks that the current goroutine exists and runs; returns it for updating.
fn running_g(o: &mut Ordering, typ: EventType, cur: SchedCtx, want: u64) -> Result<&mut GState, String> {
    let ver = o.ver;
    let Some(s) = o.g_states.get_mut(&cur.g) else {
        return Err(format!("event {} for goroutine ({}) that doesn't exist", ver.event_name(typ), cur.g));
    };
    if s.status != want {
        // Go's wording names Running even where it wanted Syscall.
        return Err(format!("{} event for goroutine that's not Running", ver.event_name(typ)));
    }
    Ok(s)
}

fn advance_go_stop_exec(o: &mut Ordering, ev: &mut BaseEvent, _t: &Rc<EvTable>, _m: ThreadId, _gen: u64, cur: SchedCtx) -> Step {
    validate_ctx(cur, USER_GO_REQS)?;
    let s = running_g(o, ev.typ, cur, go_status::RUNNING)?;
    let mut new = cur;
    match ev.typ {
        spec::EV_GO_DESTROY => {
            o.g_states.remove(&cur.g);
            new.g = GoId::NONE;
        }
        spec::EV_GO_STOP => {
            s.status = go_status::RUNNABLE;
            new.g = GoId::NONE;
        }
        _ => {
            s.status = go_status::WAITING;
            new.g = GoId::NONE;
        }
    }
    o.push(cur, ev);
    Ok((new, true))
}

fn advance_go_start(o: &mut Ordering, ev: &mut BaseEvent, _t: &Rc<EvTable>, _m: ThreadId, gen: u64, cur: SchedCtx) -> Step {
    let gid = GoId(ev.args[0] as i64);
    let seq = Seq::new(gen, ev.args[1]);
    match o.g_states.get(&gid) {
        Some(s) if s.status == go_status::RUNNABLE && seq.succeeds(s.seq) => {}
        // Not yet: the goroutine must be made runnable first.
        _ => return Ok((cur, false)),
    }
    validate_ctx(cur, Reqs { m: Need::Required, p: Need::Required, g: Need::Forbidden })?;
    let s = o.g_states.get_mut(&gid).expect("checked above");
    s.status = go_status::RUNNING;
    s.seq = seq;
    let mut new = cur;
    new.g = gid;
    o.push(cur, ev);
    Ok((new, true))
}

fn advance_go_unblock(o: &mut Ordering, ev: &mut BaseEvent, _t: &Rc<EvTable>, _m: ThreadId, gen: u64, cur: SchedCtx) -> Step {
    let gid = GoId(ev.args[0] as i64);
    let seq = Seq::new(gen, ev.args[1]);
    match o.g_states.get_mut(&gid) {
        Some(s) if s.status == go_status::WAITING && seq.succeeds(s.seq) => {
            s.status = go_status::RUNNABLE;
            s.seq = seq;
        }
        // Not yet: the goroutine must block first.
        _ => return Ok((cur, false)),
    }
    o.push(cur, ev);
    Ok((cur, true))
}

fn advance_go_switch(o: &mut Ordering, ev: &mut BaseEvent, _t: &Rc<EvTable>, _m: ThreadId, gen: u64, cur: SchedCtx) -> Step {
    validate_ctx(cur, USER_GO_REQS)?;
    running_g(o, ev.typ, cur, go_status::RUNNING)?;
    let next = GoId(ev.args[0] as i64);
    let seq = Seq::new(gen, ev.args[1]);
    match o.g_states.get(&next) {
        Some(s) if s.status == go_status::WAITING && seq.succeeds(s.seq) => {}
        // Not yet: the goroutine switched to must be waiting.
        _ => return Ok((cur, false)),
    }
    o.push(cur, ev);
    // A switch is a block (or destroy) of this goroutine and a start of the next.
    if ev.typ == spec::EV_GO_SWITCH {
        if let Some(s) = o.g_states.get_mut(&cur.g) {
            s.status = go_status::WAITING;
        }
        o.push_queued(Queued::make(cur, spec::EV_GO_BLOCK, ev.time, &[0, 0]));
    } else {
        o.g_states.remove(&cur.g);
        o.push_queued(Queued::make(cur, spec::EV_GO_DESTROY, ev.time, &[]));
    }
    let s = o.g_states.get_mut(&next).expect("checked above");
    s.status = go_status::RUNNING;
    s.seq = seq;
    let mut new = cur;
    new.g = next;
    let mut start = cur;
    start.g = GoId::NONE;
    o.push_queued(Queued::make(start, spec::EV_GO_START, ev.time, &[next.0 as u64, ev.args[1]]));
    Ok((new, true))
}

fn advance_go_syscall_begin(o: &mut Ordering, ev: &mut BaseEvent, _t: &Rc<EvTable>, _m: ThreadId, gen: u64, cur: SchedCtx) -> Step {
    validate_ctx(cur, USER_GO_REQS)?;
    let s = running_g(o, ev.typ, cur, go_status::RUNNING)?;
    s.status = go_status::SYSCALL;
    let ver = o.ver;
    let Some(p) = o.p_states.get_mut(&cur.p) else {
        return Err(format!("uninitialized proc {} found during {}", cur.p, ver.event_name(ev.typ)));
    };
    p.status = proc_status::SYSCALL;
    // The P's sequence number orders this against a ProcSteal on another M.
    let pseq = Seq::new(gen, ev.args[0]);
    if !pseq.succeeds(p.seq) {
        return Err(format!("failed to advance {}: can't make sequence: {} -> {pseq}", ver.event_name(ev.typ), p.seq));
    }
    p.seq = pseq;
    o.push(cur, ev);
    Ok((cur, true))
}

fn advance_go_syscall_end(o: &mut Ordering, ev: &mut BaseEvent, _t: &Rc<EvTable>, _m: ThreadId, _gen: u64, cur: SchedCtx) -> Step {
    validate_ctx(cur, USER_GO_REQS)?;
    let s = running_g(o, ev.typ, cur, go_status::SYSCALL)?;
    s.status = go_status::RUNNING;
    let ver = o.ver;
    let Some(p) = o.p_states.get_mut(&cur.p) else {
        return Err(format!("uninitialized proc {} found during {}", cur.p, ver.event_name(ev.typ)));
    };
    if p.status != proc_status::SYSCALL {
        return Err(format!("expected proc {} in state Syscall, but got {} instead", cur.p, proc_status::name(p.status)));
    }
    p.status = proc_status::RUNNING;
    o.push(cur, ev);
    Ok((cur, true))
}

fn advance_go_syscall_end_blocked(o: &mut Ordering, ev: &mut BaseEvent, _t: &Rc<EvTable>, _m: ThreadId, _gen: u64, cur: SchedCtx) -> Step {
    if cur.p != ProcId::NONE {
        let Some(p) = o.p_states.get(&cur.p) else {
            return Err(format!("uninitialized proc {} found during {}", cur.p, o.name(ev.typ)));
        };
        if p.status == proc_status::SYSCALL {
            // Not yet: the P must be stolen from this M first.
            return Ok((cur, false));
        }
    }
    validate_ctx(cur, Reqs { m: Need::Required, p: Need::Optional, g: Need::Required })?;
    let s = running_g(o, ev.typ, cur, go_status::SYSCALL)?;
    s.status = go_status::RUNNABLE;
    let mut new = cur;
    new.g = GoId::NONE;
    o.push(cur, ev);
    Ok((new, true))
}

fn advance_go_create_syscall(o: &mut Ordering, ev: &mut BaseEvent, _t: &Rc<EvTable>, _m: ThreadId, gen: u64, cur: SchedCtx) -> Step {
    validate_ctx(cur, Reqs { m: Need::Required, p: Need::Optional, g: Need::Forbidden })?;
    let newg = GoId(ev.args[0] as i64);
    if o.g_states.contains_key(&newg) {
        return Err(format!("tried to create goroutine ({newg}) in syscall that already exists"));
    }
    o.g_states.insert(newg, GState::new(newg, go_status::SYSCALL, Seq::new(gen, 0)));
    let mut new = cur;
    new.g = newg;
    o.push(cur, ev);
    Ok((new, true))
}

fn advance_go_destroy_syscall(o: &mut Ordering, ev: &mut BaseEvent, _t: &Rc<EvTable>, _m: ThreadId, _gen: u64, cur: SchedCtx) -> Step {
    validate_ctx(cur, Reqs { m: Need::Required, p: Need::Optional, g: Need::Required })?;
    let name = o.name(ev.typ); // Rare event (cgo callbacks): naming it eagerly is fine.
    let Some(s) = o.g_states.get(&cur.g) else {
        return Err(format!("event {name} for goroutine ({}) that doesn't exist", cur.g));
    };
    if s.status != go_status::SYSCALL {
        return Err(format!("{name} event for goroutine that's not Syscall"));
    }
    o.g_states.remove(&cur.g);
    let mut new = cur;
    new.g = GoId::NONE;
    if cur.p != ProcId::NONE {
        // A P held through a cgo callback's syscall is given up: say so with a steal.
        let Some(p) = o.p_states.get_mut(&cur.p) else {
            return Err(format!("found invalid proc {} during {name}", cur.p));
        };
        if p.status != proc_status::SYSCALL {
            return Err(format!("proc {} in unexpected state {} during {name}", cur.p, proc_status::name(p.status)));
        }
        p.status = proc_status::SYSCALL_ABANDONED;
        new.p = ProcId::NONE;
        let mut extra = Queued::make(cur, spec::EV_PROC_STEAL, ev.time, &[cur.p.0 as u64]);
        extra.base.set_extra(0, proc_status::SYSCALL);
        o.push_queued(extra);
    }
    o.push(cur, ev);
    Ok((new, true))
}

fn advance_user_task_begin(o: &mut Ordering, ev: &mut BaseEvent, t: &Rc<EvTable>, _m: ThreadId, _gen: u64, cur: SchedCtx) -> Step {
    let id = TaskId(ev.args[0]);
    if o.active_tasks.contains_key(&id) {
        return Err(format!("task ID conflict: {id}"));
    }
    let mut parent = TaskId(ev.args[1]);
    if parent == TaskId::BACKGROUND {
        parent = TaskId::NONE;
        ev.args[1] = TaskId::NONE.0;
    }
    let name_id = ev.args[2];
    let Some(name) = t.strings.get(name_id).map(|s| Rc::<str>::from(&**s)).or_else(|| (name_id == 0).then(|| Rc::from(""))) else {
        return Err(format!("invalid string ID {name_id} for {} event", ev.typ));
    };
    o.active_tasks.insert(id, TaskState { name, parent });
    validate_ctx(cur, USER_GO_REQS)?;
    o.push(cur, ev);
    Ok((cur, true))
}

fn advance_user_task_end(o: &mut Ordering, ev: &mut BaseEvent, t: &Rc<EvTable>, _m: ThreadId, _gen: u64, cur: SchedCtx) -> Step {
    let id = TaskId(ev.args[0]);
    // Carry the task's parent and type to the end event: the begin may be generations ago.
    match o.active_tasks.remove(&id) {
        Some(ts) => {
            ev.set_extra(0, ts.parent.0);
            ev.set_extra(1, t.add_extra_string(ts.name));
        }
        None => {
            ev.set_extra(0, TaskId::NONE.0);
            ev.set_extra(1, 0);
        }
    }
    validate_ctx(cur, USER_GO_REQS)?;
    o.push(cur, ev);
    Ok((cur, true))
}

fn region_of(o: &mut Ordering, t: &Rc<EvTable>, ev: &BaseEvent) -> Result<UserRegion, String> {
    let name_id = ev.args[1];
    let Some(name) = o.region_names.intern_id(t, name_id) else {
        return Err(format!("invalid string ID {name_id} for {} event", ev.typ));
    };
    Ok(UserRegion { task: TaskId(ev.args[0]), name })
}

fn advance_user_region_begin(o: &mut Ordering, ev: &mut BaseEvent, t: &Rc<EvTable>, _m: ThreadId, _gen: u64, cur: SchedCtx) -> Step {
    validate_ctx(cur, USER_GO_REQS)?;
    let r = region_of(o, t, ev)?;
    let Some(s) = o.g_states.get_mut(&cur.g) else {
        return Err(format!("encountered EvUserRegionBegin without known state for current goroutine {}", cur.g));
    };
    s.regions.push(r);
    o.push(cur, ev);
    Ok((cur, true))
}

fn advance_user_region_end(o: &mut Ordering, ev: &mut BaseEvent, t: &Rc<EvTable>, _m: ThreadId, _gen: u64, cur: SchedCtx) -> Step {
    validate_ctx(cur, USER_GO_REQS)?;
    let r = region_of(o, t, ev)?;
    let Some(s) = o.g_states.get_mut(&cur.g) else {
        return Err(format!("encountered EvUserRegionEnd without known state for current goroutine {}", cur.g));
    };
    s.end_region(r, &o.region_names)?;
    o.push(cur, ev);
    Ok((cur, true))
}

fn advance_gc_active(o: &mut Ordering, ev: &mut BaseEvent, _t: &Rc<EvTable>, _m: ThreadId, gen: u64, cur: SchedCtx) -> Step {
    let seq = ev.args[0];
    if gen == o.initial_gen {
        if o.gc_state != GcState::Undetermined {
            return Err("GCActive in the first generation isn't first GC event".into());
        }
        o.gc_seq = seq;
        o.gc_state = GcState::Running;
        o.push(cur, ev);
        return Ok((cur, true));
    }
    if seq != o.gc_seq.wrapping_add(1) {
        // Not yet: an earlier GC event of another M comes first.
        return Ok((cur, false));
    }
    if o.gc_state != GcState::Running {
        return Err("encountered GCActive while GC was not in progress".into());
    }
    o.gc_seq = seq;
    validate_ctx(cur, USER_GO_REQS)?;
    o.push(cur, ev);
    Ok((cur, true))
}

fn advance_gc_begin(o: &mut Ordering, ev: &mut BaseEvent, _t: &Rc<EvTable>, _m: ThreadId, _gen: u64, cur: SchedCtx) -> Step {
    let seq = ev.args[0];
    if o.gc_state == GcState::Undetermined {
        o.gc_seq = seq;
        o.gc_state = GcState::Running;
        o.push(cur, ev);
        return Ok((cur, true));
    }
    if seq != o.gc_seq.wrapping_add(1) {
        // Not yet: an earlier GC event of another M comes first.
        return Ok((cur, false));
    }
    if o.gc_state == GcState::Running {
        return Err("encountered GCBegin while GC was already in progress".into());
    }
    o.gc_seq = seq;
    o.gc_state = GcState::Running;
    validate_ctx(cur, USER_GO_REQS)?;
    o.push(cur, ev);
    Ok((cur, true))
}

fn advance_gc_end(o: &mut Ordering, ev: &mut BaseEvent, _t: &Rc<EvTable>, _m: ThreadId, _gen: u64, cur: SchedCtx) -> Step {
    let seq = ev.args[0];
    if seq != o.gc_seq.wrapping_add(1) {
        // Not yet: an earlier GC event of another M comes first.
        return Ok((cur, false));
    }
    match o.gc_state {
        GcState::NotRunning => return Err("encountered GCEnd when GC was not in progress".into()),
        GcState::Undetermined => return Err("encountered GCEnd when GC was in an undetermined state".into()),
        GcState::Running => {}
    }
    o.gc_seq = seq;
    o.gc_state = GcState::NotRunning;
    validate_ctx(cur, USER_GO_REQS)?;
    o.push(cur, ev);
    Ok((cur, true))
}

fn advance_annotation(o: &mut Ordering, ev: &mut BaseEvent, _t: &Rc<EvTable>, _m: ThreadId, _gen: u64, cur: SchedCtx) -> Step {
    validate_ctx(cur, USER_GO_REQS)?;
    o.push(cur, ev);
    Ok((cur, true))
}

fn advance_heap_metric(o: &mut Ordering, ev: &mut BaseEvent, _t: &Rc<EvTable>, _m: ThreadId, _gen: u64, cur: SchedCtx) -> Step {
    validate_ctx(cur, Reqs { m: Need::Required, p: Need::Required, g: Need::Optional })?;
    o.push(cur, ev);
    Ok((cur, true))
}

fn advance_gc_sweep_begin(o: &mut Ordering, ev: &mut BaseEvent, _t: &Rc<EvTable>, _m: ThreadId, _gen: u64, cur: SchedCtx) -> Step {
    validate_ctx(cur, Reqs { m: Need::Required, p: Need::Required, g: Need::Optional })?;
    let Some(p) = o.p_states.get_mut(&cur.p) else {
        return Err(format!("uninitialized proc {} found during GCSweepBegin", cur.p));
    };
    p.ranges.begin(range_type(ev.typ, 0))?;
    o.push(cur, ev);
    Ok((cur, true))
}

fn advance_gc_sweep_active(o: &mut Ordering, ev: &mut BaseEvent, _t: &Rc<EvTable>, _m: ThreadId, gen: u64, cur: SchedCtx) -> Step {
    let pid = ProcId(ev.args[0] as i64);
    let initial = gen == o.initial_gen;
    let Some(p) = o.p_states.get_mut(&pid) else {
        return Err(format!("encountered GCSweepActive for unknown proc {pid}"));
    };
    p.ranges.active(range_type(ev.typ, 0), initial)?;
    o.push(cur, ev);
    Ok((cur, true))
}

fn advance_gc_sweep_end(o: &mut Ordering, ev: &mut BaseEvent, _t: &Rc<EvTable>, _m: ThreadId, _gen: u64, cur: SchedCtx) -> Step {
    validate_ctx(cur, Reqs { m: Need::Required, p: Need::Required, g: Need::Optional })?;
    let Some(p) = o.p_states.get_mut(&cur.p) else {
        return Err(format!("uninitialized proc {} found during GCSweepEnd", cur.p));
    };
    p.ranges.end(ev.typ)?;
    o.push(cur, ev);
    Ok((cur, true))
}

fn advance_go_range_begin(o: &mut Ordering, ev: &mut BaseEvent, _t: &Rc<EvTable>, _m: ThreadId, _gen: u64, cur: SchedCtx) -> Step {
    validate_ctx(cur, USER_GO_REQS)?;
    let desc = if ev.typ == spec::EV_STW_BEGIN { ev.args[0] } else { 0 };
    let Some(s) = o.g_states.get_mut(&cur.g) else {
        return Err(format!("encountered event of type {} without known state for current goroutine {}", ev.typ, cur.g));
    };
    s.ranges.begin(range_type(ev.typ, desc))?;
    o.push(cur, ev);
    Ok((cur, true))
}

fn advance_go_range_active(o: &mut Ordering, ev: &mut BaseEvent, _t: &Rc<EvTable>, _m: ThreadId, gen: u64, cur: SchedCtx) -> Step {
    let gid = GoId(ev.args[0] as i64);
    let initial = gen == o.initial_gen;
    let ver = o.ver;
    let Some(s) = o.g_states.get_mut(&gid) else {
        return Err(format!("uninitialized goroutine {gid} found during {}", ver.event_name(ev.typ)));
    };
    s.ranges.active(range_type(ev.typ, 0), initial)?;
    o.push(cur, ev);
    Ok((cur, true))
}

fn advance_go_range_end(o: &mut Ordering, ev: &mut BaseEvent, _t: &Rc<EvTable>, _m: ThreadId, _gen: u64, cur: SchedCtx) -> Step {
    validate_ctx(cur, USER_GO_REQS)?;
    let Some(s) = o.g_states.get_mut(&cur.g) else {
        return Err(format!("encountered event of type {} without known state for current goroutine {}", ev.typ, cur.g));
    };
    let desc = s.ranges.end(ev.typ)?;
    if ev.typ == spec::EV_STW_END {
        // The end carries the begin's kind, so both name the same range.
        ev.args[0] = desc;
    }
    o.push(cur, ev);
    Ok((cur, true))
}

fn advance_alloc_free(o: &mut Ordering, ev: &mut BaseEvent, _t: &Rc<EvTable>, _m: ThreadId, _gen: u64, cur: SchedCtx) -> Step {
    validate_ctx(cur, Reqs { m: Need::Required, p: Need::Optional, g: Need::Optional })?;
    o.push(cur, ev);
    Ok((cur, true))
}
