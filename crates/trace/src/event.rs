//! The public event model (Go's `event.go`): a small set of kinds, each with one accessor.
//! Wire types stay private; an [`Event`] keeps the wire form and decodes on demand.

use std::borrow::Cow;
use std::rc::Rc;

use crate::resources::{GoId, GoState, ProcId, ProcState, ResourceId, StackId, StringId, TaskId, ThreadId};
use crate::spec::{self, go_status, proc_status, EventType};
use crate::table::{EvTable, ExperimentalBatch};

/// Nanoseconds on the trace clock.
pub type Time = i64;

/// What kind of thing an event says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EventKind {
    Bad,
    Sync,
    Metric,
    Label,
    StackSample,
    RangeBegin,
    RangeActive,
    RangeEnd,
    TaskBegin,
    TaskEnd,
    RegionBegin,
    RegionEnd,
    Log,
    StateTransition,
    Experimental,
}

impl EventKind {
    pub const ALL: [EventKind; 15] = [
        EventKind::Bad,
        EventKind::Sync,
        EventKind::Metric,
        EventKind::Label,
        EventKind::StackSample,
        EventKind::RangeBegin,
        EventKind::RangeActive,
        EventKind::RangeEnd,
        EventKind::TaskBegin,
        EventKind::TaskEnd,
        EventKind::RegionBegin,
        EventKind::RegionEnd,
        EventKind::Log,
        EventKind::StateTransition,
        EventKind::Experimental,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Bad => "Bad",
            EventKind::Sync => "Sync",
            EventKind::Metric => "Metric",
            EventKind::Label => "Label",
            EventKind::StackSample => "StackSample",
            EventKind::RangeBegin => "RangeBegin",
            EventKind::RangeActive => "RangeActive",
            EventKind::RangeEnd => "RangeEnd",
            EventKind::TaskBegin => "TaskBegin",
            EventKind::TaskEnd => "TaskEnd",
            EventKind::RegionBegin => "RegionBegin",
            EventKind::RegionEnd => "RegionEnd",
            EventKind::Log => "Log",
            EventKind::StateTransition => "StateTransition",
            EventKind::Experimental => "Experimental",
        }
    }
}

/// The kind of each wire type, looked up in a table built once.
#[inline]
pub(crate) fn kind_of(typ: EventType) -> EventKind {
    KINDS[typ as usize]
}

static KINDS: [EventKind; 256] = {
    let mut k = [EventKind::Bad; 256];
    let mut i = 0;
    while i < 256 {
        k[i] = kind_of_slow(i as EventType);
        i += 1;
    }
    k
};

const fn kind_of_slow(typ: EventType) -> EventKind {
    use EventKind as K;
    match typ {
        spec::EV_CPU_SAMPLE => K::StackSample,
        spec::EV_PROCS_CHANGE | spec::EV_HEAP_ALLOC | spec::EV_HEAP_GOAL => K::Metric,
        spec::EV_PROC_START..=spec::EV_GO_STATUS => K::StateTransition,
        spec::EV_GO_SWITCH..=spec::EV_GO_STATUS_STACK => K::StateTransition,
        spec::EV_STW_BEGIN | spec::EV_GC_BEGIN | spec::EV_GC_SWEEP_BEGIN | spec::EV_GC_MARK_ASSIST_BEGIN => K::RangeBegin,
        spec::EV_GC_ACTIVE | spec::EV_GC_SWEEP_ACTIVE | spec::EV_GC_MARK_ASSIST_ACTIVE => K::RangeActive,
        spec::EV_STW_END | spec::EV_GC_END | spec::EV_GC_SWEEP_END | spec::EV_GC_MARK_ASSIST_END => K::RangeEnd,
        spec::EV_GO_LABEL => K::Label,
        spec::EV_USER_TASK_BEGIN => K::TaskBegin,
        spec::EV_USER_TASK_END => K::TaskEnd,
        spec::EV_USER_REGION_BEGIN => K::RegionBegin,
        spec::EV_USER_REGION_END => K::RegionEnd,
        spec::EV_USER_LOG => K::Log,
        spec::EV_SPAN..=spec::EV_GOROUTINE_STACK_FREE => K::Experimental,
        spec::EV_SYNC_EVENT => K::Sync,
        _ => K::Bad,
    }
}

/// The goroutine, proc and thread an event happened on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SchedCtx {
    pub g: GoId,
    pub p: ProcId,
    pub m: ThreadId,
}

impl SchedCtx {
    pub const NONE: SchedCtx = SchedCtx { g: GoId::NONE, p: ProcId::NONE, m: ThreadId::NONE };
}

/// A wire event with its time in nanoseconds; `args` excludes the timestamp, and its tail
/// beyond the spec's arguments carries values the ordering adds ("extra" in Go).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct BaseEvent {
    pub typ: EventType,
    pub time: Time,
    pub args: [u64; 4],
}

impl BaseEvent {
    /// Index of the first argument past the spec's (Go's `extra(version.Go122)`).
    pub fn extra_index(&self) -> usize {
        spec::spec(self.typ).args.len().saturating_sub(1)
    }
    pub fn set_extra(&mut self, i: usize, v: u64) {
        let at = self.extra_index() + i;
        self.args[at] = v;
    }
    pub fn extra(&self, i: usize) -> u64 {
        self.args[self.extra_index() + i]
    }
}

/// One event of the ordered stream.
#[derive(Debug, Clone)]
pub struct Event {
    pub(crate) table: Option<Rc<EvTable>>,
    pub(crate) ctx: SchedCtx,
    pub(crate) base: BaseEvent,
}

/// A metric sample (GOMAXPROCS, live heap, heap goal).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Metric {
    pub name: &'static str,
    pub value: u64,
}

/// A label applied to a goroutine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label<'a> {
    pub label: &'a str,
    pub resource: ResourceId,
}

/// A named range of time on a resource (GC phases, sweeps, mark assists, stop-the-world).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Range<'a> {
    pub name: Cow<'a, str>,
    pub scope: ResourceId,
}

/// A user task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    pub id: TaskId,
    pub parent: TaskId,
    pub typ: Rc<str>,
}

/// A user region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region<'a> {
    pub task: TaskId,
    pub typ: &'a str,
}

/// A user log message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Log<'a> {
    pub task: TaskId,
    pub category: &'a str,
    pub message: &'a str,
}

/// A resource changing state.
#[derive(Debug, Clone)]
pub struct StateTransition<'a> {
    pub resource: ResourceId,
    pub reason: &'a str,
    /// The stack of the resource that changes (not of the event's own goroutine).
    pub stack: Stack<'a>,
    old: u8,
    new: u8,
}

impl StateTransition<'_> {
    /// Old and new states of a goroutine transition.
    pub fn goroutine(&self) -> Option<(GoState, GoState)> {
        self.resource.as_goroutine()?;
        Some((GoState::from_u8(self.old)?, GoState::from_u8(self.new)?))
    }
    /// Old and new states of a proc transition.
    pub fn proc(&self) -> Option<(ProcState, ProcState)> {
        self.resource.as_proc()?;
        Some((ProcState::from_u8(self.old)?, ProcState::from_u8(self.new)?))
    }
}

/// Wall, monotonic and trace clocks read at one moment (Go 1.25+).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClockSnapshot {
    pub trace: Time,
    pub wall_sec: i64,
    pub wall_nsec: i64,
    pub mono: u64,
}

/// A generation boundary.
#[derive(Debug, Clone)]
pub struct Sync<'a> {
    /// 1 for the first Sync of the trace.
    pub n: u64,
    pub clock_snapshot: Option<ClockSnapshot>,
    /// Experimental batches by experiment name.
    pub experimental_batches: Vec<(&'static str, &'a [ExperimentalBatch])>,
}

/// An experimental event in raw form.
#[derive(Debug, Clone)]
pub struct ExperimentalEvent<'a> {
    pub name: &'static str,
    pub experiment: &'static str,
    pub args: &'static [&'static str],
    pub values: &'a [u64],
}

/// A stack: frames, leaf first.
#[derive(Debug, Clone, Copy)]
pub struct Stack<'a> {
    table: Option<&'a EvTable>,
    id: StackId,
}

/// One frame of a stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StackFrame<'a> {
    pub pc: u64,
    pub func: &'a str,
    pub file: &'a str,
    pub line: u64,
}

impl<'a> Stack<'a> {
    /// No stack at all (Go's `NoStack`).
    pub const NONE: Stack<'static> = Stack { table: None, id: StackId(0) };

    /// Whether this is not [`Stack::NONE`]. An event can carry a present stack with no frames
    /// (id 0 on events whose stack is always reported), as in Go.
    pub fn is_present(&self) -> bool {
        self.table.is_some()
    }

    pub fn id(&self) -> StackId {
        self.id
    }

    /// The PCs of the frames, leaf first.
    pub fn pcs(&self) -> &'a [u64] {
        match self.table {
            Some(t) if self.id.0 != 0 => t.stack_pcs(self.id),
            _ => &[],
        }
    }

    pub fn frames(&self) -> impl Iterator<Item = StackFrame<'a>> + 'a {
        let table = self.table;
        self.pcs().iter().filter_map(move |pc| {
            let t = table?;
            let f = t.pcs.get(pc)?;
            Some(StackFrame { pc: f.pc, func: t.string(f.func_id), file: t.string(f.file_id), line: f.line })
        })
    }
}

impl PartialEq for Stack<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id && self.table.map(|t| t as *const EvTable) == other.table.map(|t| t as *const EvTable)
    }
}

impl Event {
    pub(crate) fn new(table: &Rc<EvTable>, ctx: SchedCtx, base: BaseEvent) -> Event {
        Event { table: Some(table.clone()), ctx, base }
    }

    pub(crate) fn new_sync(table: Option<Rc<EvTable>>, time: Time, n: u64) -> Event {
        Event { table, ctx: SchedCtx::NONE, base: BaseEvent { typ: spec::EV_SYNC_EVENT, time, args: [n, 0, 0, 0] } }
    }

    pub fn kind(&self) -> EventKind {
        kind_of(self.base.typ)
    }

    pub fn time(&self) -> Time {
        self.base.time
    }

    /// The goroutine the event happened on ([`GoId::NONE`] if none).
    pub fn goroutine(&self) -> GoId {
        self.ctx.g
    }

    pub fn proc(&self) -> ProcId {
        self.ctx.p
    }

    pub fn thread(&self) -> ThreadId {
        self.ctx.m
    }

    /// The generation the event belongs to (0 for the final Sync). With a stack id, it
    /// identifies a stack across the trace: ids are per generation.
    pub fn generation(&self) -> u64 {
        self.table.as_ref().map_or(0, |t| t.gen)
    }

    /// The wire type name, for debugging.
    pub fn wire_name(&self) -> &'static str {
        if self.base.typ == spec::EV_SYNC_EVENT {
            return "Sync";
        }
        spec::spec(self.base.typ).name
    }

    fn table(&self) -> Option<&EvTable> {
        self.table.as_deref()
    }

    #[inline]
    fn string(&self, id: u64) -> &str {
        self.table().map(|t| t.string(StringId(id))).unwrap_or("")
    }

    /// The stack of the event's own goroutine when it happened.
    pub fn stack(&self) -> Stack<'_> {
        let typ = self.base.typ;
        if typ == spec::EV_SYNC_EVENT {
            return Stack::NONE;
        }
        if typ == spec::EV_CPU_SAMPLE {
            return Stack { table: self.table(), id: StackId(self.base.args[0]) };
        }
        let sp = spec::spec(typ);
        let Some(&i) = sp.stack_ids.first() else {
            return Stack::NONE;
        };
        let id = self.base.args[i - 1];
        if id == 0 {
            return Stack::NONE;
        }
        Stack { table: self.table(), id: StackId(id) }
    }

    pub fn metric(&self) -> Option<Metric> {
        let name = match self.base.typ {
            spec::EV_PROCS_CHANGE => "/sched/gomaxprocs:threads",
            spec::EV_HEAP_ALLOC => "/memory/classes/heap/objects:bytes",
            spec::EV_HEAP_GOAL => "/gc/heap/goal:bytes",
            _ => return None,
        };
        Some(Metric { name, value: self.base.args[0] })
    }

    pub fn label(&self) -> Option<Label<'_>> {
        (self.base.typ == spec::EV_GO_LABEL)
            .then(|| Label { label: self.string(self.base.args[0]), resource: ResourceId::goroutine(self.ctx.g) })
    }

    pub fn range(&self) -> Option<Range<'_>> {
        let a = &self.base.args;
        Some(match self.base.typ {
            spec::EV_STW_BEGIN | spec::EV_STW_END => Range {
                name: Cow::Owned(format!("stop-the-world ({})", self.string(a[0]))),
                scope: ResourceId::goroutine(self.ctx.g),
            },
            spec::EV_GC_BEGIN | spec::EV_GC_ACTIVE | spec::EV_GC_END => {
                Range { name: Cow::Borrowed("GC concurrent mark phase"), scope: ResourceId::NONE }
            }
            spec::EV_GC_SWEEP_BEGIN | spec::EV_GC_SWEEP_ACTIVE | spec::EV_GC_SWEEP_END => {
                let p = if self.base.typ == spec::EV_GC_SWEEP_ACTIVE { ProcId(a[0] as i64) } else { self.ctx.p };
                Range { name: Cow::Borrowed("GC incremental sweep"), scope: ResourceId::proc(p) }
            }
            spec::EV_GC_MARK_ASSIST_BEGIN | spec::EV_GC_MARK_ASSIST_ACTIVE | spec::EV_GC_MARK_ASSIST_END => {
                let g = if self.base.typ == spec::EV_GC_MARK_ASSIST_ACTIVE { GoId(a[0] as i64) } else { self.ctx.g };
                Range { name: Cow::Borrowed("GC mark assist"), scope: ResourceId::goroutine(g) }
            }
            _ => return None,
        })
    }

    /// Attributes of a RangeEnd (bytes swept and reclaimed by a sweep).
    pub fn range_attributes(&self) -> Vec<(&'static str, u64)> {
        if self.base.typ != spec::EV_GC_SWEEP_END {
            return Vec::new();
        }
        vec![("bytes swept", self.base.args[0]), ("bytes reclaimed", self.base.args[1])]
    }

    pub fn task(&self) -> Option<Task> {
        let a = &self.base.args;
        let (parent, typ): (u64, Rc<str>) = match self.base.typ {
            spec::EV_USER_TASK_BEGIN => (a[1], Rc::from(self.string(a[2]))),
            spec::EV_USER_TASK_END => {
                let t = self.table()?;
                (self.base.extra(0), t.extra_string(self.base.extra(1)))
            }
            _ => return None,
        };
        Some(Task { id: TaskId(a[0]), parent: TaskId(parent), typ })
    }

    pub fn region(&self) -> Option<Region<'_>> {
        matches!(self.base.typ, spec::EV_USER_REGION_BEGIN | spec::EV_USER_REGION_END)
            .then(|| Region { task: TaskId(self.base.args[0]), typ: self.string(self.base.args[1]) })
    }

    pub fn log(&self) -> Option<Log<'_>> {
        (self.base.typ == spec::EV_USER_LOG).then(|| Log {
            task: TaskId(self.base.args[0]),
            category: self.string(self.base.args[1]),
            message: self.string(self.base.args[2]),
        })
    }

    /// A goroutine's state change, without the reason and stacks that
    /// [`state_transition`](Self::state_transition) also looks up: the goroutine, old and new
    /// states. For analyses that only follow states.
    #[inline]
    pub fn goroutine_transition(&self) -> Option<(GoId, GoState, GoState)> {
        use GoState as G;
        let a = &self.base.args;
        let cur = self.ctx.g;
        Some(match self.base.typ {
            spec::EV_GO_CREATE => (GoId(a[0] as i64), G::NotExist, G::Runnable),
            spec::EV_GO_CREATE_BLOCKED => (GoId(a[0] as i64), G::NotExist, G::Waiting),
            spec::EV_GO_CREATE_SYSCALL => (GoId(a[0] as i64), G::NotExist, G::Syscall),
            spec::EV_GO_START => (GoId(a[0] as i64), G::Runnable, G::Running),
            spec::EV_GO_DESTROY => (cur, G::Running, G::NotExist),
            spec::EV_GO_DESTROY_SYSCALL => (cur, G::Syscall, G::NotExist),
            spec::EV_GO_STOP => (cur, G::Running, G::Runnable),
            spec::EV_GO_BLOCK => (cur, G::Running, G::Waiting),
            spec::EV_GO_UNBLOCK | spec::EV_GO_SWITCH | spec::EV_GO_SWITCH_DESTROY => (GoId(a[0] as i64), G::Waiting, G::Runnable),
            spec::EV_GO_SYSCALL_BEGIN => (cur, G::Running, G::Syscall),
            spec::EV_GO_SYSCALL_END => (cur, G::Syscall, G::Running),
            spec::EV_GO_SYSCALL_END_BLOCKED => (cur, G::Syscall, G::Runnable),
            spec::EV_GO_STATUS | spec::EV_GO_STATUS_STACK => {
                let packed = a[2];
                (GoId(a[0] as i64), GoState::from_u8((packed >> 32) as u8)?, go_state_of_status(packed & 0xffff_ffff))
            }
            _ => return None,
        })
    }

    /// The reason of a goroutine's stop or block ("" for other events).
    #[inline]
    pub fn transition_reason(&self) -> &str {
        match self.base.typ {
            spec::EV_GO_STOP | spec::EV_GO_BLOCK => self.string(self.base.args[0]),
            _ => "",
        }
    }

    pub fn state_transition(&self) -> Option<StateTransition<'_>> {
        use GoState as G;
        let a = &self.base.args;
        let g = |id: GoId, from: G, to: G| StateTransition {
            resource: ResourceId::goroutine(id),
            reason: "",
            stack: Stack::NONE,
            old: from as u8,
            new: to as u8,
        };
        let p = |id: ProcId, from: ProcState, to: ProcState| StateTransition {
            resource: ResourceId::proc(id),
            reason: "",
            stack: Stack::NONE,
            old: from as u8,
            new: to as u8,
        };
        let cur = self.ctx.g;
        Some(match self.base.typ {
            spec::EV_PROC_START => p(ProcId(a[0] as i64), ProcState::Idle, ProcState::Running),
            spec::EV_PROC_STOP => p(self.ctx.p, ProcState::Running, ProcState::Idle),
            spec::EV_PROC_STEAL => {
                let before = if self.base.extra(0) == proc_status::SYSCALL_ABANDONED { ProcState::Idle } else { ProcState::Running };
                p(ProcId(a[0] as i64), before, ProcState::Idle)
            }
            spec::EV_PROC_STATUS => {
                let mut s = p(ProcId(a[0] as i64), ProcState::Undetermined, proc_state_of_status(a[1]));
                s.old = self.base.extra(0) as u8;
                s
            }
            spec::EV_GO_CREATE | spec::EV_GO_CREATE_BLOCKED => {
                let to = if self.base.typ == spec::EV_GO_CREATE_BLOCKED { G::Waiting } else { G::Runnable };
                let mut s = g(GoId(a[0] as i64), G::NotExist, to);
                s.stack = Stack { table: self.table(), id: StackId(a[1]) };
                s
            }
            spec::EV_GO_CREATE_SYSCALL => g(GoId(a[0] as i64), G::NotExist, G::Syscall),
            spec::EV_GO_START => g(GoId(a[0] as i64), G::Runnable, G::Running),
            spec::EV_GO_DESTROY => g(cur, G::Running, G::NotExist),
            spec::EV_GO_DESTROY_SYSCALL => g(cur, G::Syscall, G::NotExist),
            spec::EV_GO_STOP | spec::EV_GO_BLOCK => {
                let to = if self.base.typ == spec::EV_GO_STOP { G::Runnable } else { G::Waiting };
                let mut s = g(cur, G::Running, to);
                s.reason = self.string(a[0]);
                s.stack = self.stack();
                s
            }
            spec::EV_GO_UNBLOCK | spec::EV_GO_SWITCH | spec::EV_GO_SWITCH_DESTROY => g(GoId(a[0] as i64), G::Waiting, G::Runnable),
            spec::EV_GO_SYSCALL_BEGIN => {
                let mut s = g(cur, G::Running, G::Syscall);
                s.stack = self.stack();
                s
            }
            spec::EV_GO_SYSCALL_END => g(cur, G::Syscall, G::Running),
            spec::EV_GO_SYSCALL_END_BLOCKED => g(cur, G::Syscall, G::Runnable),
            spec::EV_GO_STATUS | spec::EV_GO_STATUS_STACK => {
                let packed = a[2];
                let mut s = g(GoId(a[0] as i64), G::Undetermined, go_state_of_status(packed & 0xffff_ffff));
                s.old = (packed >> 32) as u8;
                s.stack = self.stack();
                s
            }
            _ => return None,
        })
    }

    pub fn sync(&self) -> Option<Sync<'_>> {
        if self.base.typ != spec::EV_SYNC_EVENT {
            return None;
        }
        let mut s = Sync { n: self.base.args[0], clock_snapshot: None, experimental_batches: Vec::new() };
        if let Some(t) = self.table() {
            for (exp, batches) in &t.exp_batches {
                let name = spec::EXPERIMENTS.get(*exp as usize).copied().unwrap_or("");
                s.experimental_batches.push((name, batches.as_slice()));
            }
            if t.sync.has_clock_snapshot {
                s.clock_snapshot = Some(ClockSnapshot {
                    trace: t.sync.ns(t.sync.snap_time),
                    wall_sec: t.sync.snap_wall_sec,
                    wall_nsec: t.sync.snap_wall_nsec,
                    mono: t.sync.snap_mono,
                });
            }
        }
        Some(s)
    }

    pub fn experimental(&self) -> Option<ExperimentalEvent<'_>> {
        if self.kind() != EventKind::Experimental {
            return None;
        }
        let sp = spec::spec(self.base.typ);
        let args = &sp.args[1..];
        Some(ExperimentalEvent {
            name: sp.name,
            experiment: spec::EXPERIMENTS.get(sp.experiment as usize).copied().unwrap_or(""),
            args,
            values: &self.base.args[..args.len()],
        })
    }

    /// Checks that the event's stack and string ids exist in its table.
    #[inline]
    pub(crate) fn validate_table_ids(&self) -> Result<(), String> {
        let mask = spec::TABLE_ID_ARGS[self.base.typ as usize];
        if mask == 0 {
            return Ok(());
        }
        let Some(t) = self.table.as_deref() else { return Ok(()) };
        // Arguments 1..=4 are `args[0..4]` (the timestamp is not among them).
        let (stacks, strings) = (mask & 0xff, mask >> 8);
        for i in 0..self.base.args.len() {
            if stacks & (1 << i) != 0 && !t.stacks.contains(self.base.args[i]) {
                return Err(format!("found invalid stack ID {} for event {}", self.base.args[i], spec::spec(self.base.typ).name));
            }
        }
        for i in 0..self.base.args.len() {
            if strings & (1 << i) != 0 && !t.strings.contains(self.base.args[i]) {
                return Err(format!("found invalid string ID {} for event {}", self.base.args[i], spec::spec(self.base.typ).name));
            }
        }
        Ok(())
    }
}

/// `tracev2GoStatus2GoState`.
pub(crate) fn go_state_of_status(s: u64) -> GoState {
    match s {
        go_status::RUNNABLE => GoState::Runnable,
        go_status::RUNNING => GoState::Running,
        go_status::WAITING => GoState::Waiting,
        go_status::SYSCALL => GoState::Syscall,
        _ => GoState::Undetermined,
    }
}

/// `tracev2ProcStatus2ProcState`.
pub(crate) fn proc_state_of_status(s: u64) -> ProcState {
    match s {
        proc_status::RUNNING | proc_status::SYSCALL => ProcState::Running,
        proc_status::IDLE | proc_status::SYSCALL_ABANDONED => ProcState::Idle,
        _ => ProcState::Undetermined,
    }
}
