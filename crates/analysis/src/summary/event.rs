//! The events the summary keeps, as the summary gives them back: [`EventRef`], with the
//! accessors of [`gotrace::Event`] that make sense for them.

use std::fmt;
use std::rc::Rc;

use gotrace::{EventKind, GoId, GoState, Log, ProcState, Region, ResourceId, StackFrame, Task, TaskId, Time};

use super::store::{Ev, Store};

/// An event of the summary: the start or end of a task or region, or a log message. Normally a
/// TaskBegin, TaskEnd, RegionBegin, RegionEnd or Log event; a region can also start with the
/// creation of its goroutine (a StateTransition from NotExist) and end with its end (a
/// StateTransition to NotExist, or to Waiting with reason "forever").
///
/// It answers like the [`gotrace::Event`] it was made from, for what it keeps: kind, time,
/// goroutine, stack, and the region, task, log or goroutine transition it describes. Cheap to
/// copy; it borrows the [`Summary`](super::Summary).
#[derive(Clone, Copy)]
pub struct EventRef<'a> {
    ev: Ev,
    store: &'a Store,
}

impl<'a> EventRef<'a> {
    pub(crate) fn new(ev: Ev, store: &'a Store) -> EventRef<'a> {
        EventRef { ev, store }
    }

    pub fn kind(&self) -> EventKind {
        self.ev.kind
    }

    pub fn time(&self) -> Time {
        self.ev.time
    }

    /// The goroutine the event happened on ([`GoId::NONE`] if none).
    pub fn goroutine(&self) -> GoId {
        self.ev.g
    }

    /// The stack of the event's goroutine when it happened ([`gotrace::Event::stack`]).
    pub fn stack(&self) -> StackRef<'a> {
        StackRef { index: self.ev.stack, store: self.store }
    }

    pub fn region(&self) -> Option<Region<'a>> {
        matches!(self.ev.kind, EventKind::RegionBegin | EventKind::RegionEnd)
            .then(|| Region { task: TaskId(self.ev.id), typ: self.store.names.name(self.ev.name) })
    }

    pub fn task(&self) -> Option<Task> {
        matches!(self.ev.kind, EventKind::TaskBegin | EventKind::TaskEnd).then(|| Task {
            id: TaskId(self.ev.id),
            parent: TaskId(self.ev.aux),
            typ: Rc::from(self.store.names.name(self.ev.name)),
        })
    }

    pub fn log(&self) -> Option<Log<'a>> {
        (self.ev.kind == EventKind::Log).then(|| Log {
            task: TaskId(self.ev.id),
            category: self.store.names.name(self.ev.name),
            message: self.store.message(self.ev.aux, self.ev.aux2),
        })
    }

    pub fn state_transition(&self) -> Option<Transition<'a>> {
        (self.ev.kind == EventKind::StateTransition).then(|| Transition {
            resource: Store::resource(&self.ev),
            reason: self.store.names.name(self.ev.name),
            old: self.ev.old,
            new: self.ev.new,
        })
    }
}

impl fmt::Debug for EventRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventRef")
            .field("kind", &self.ev.kind)
            .field("time", &self.ev.time)
            .field("goroutine", &self.ev.g)
            .finish_non_exhaustive()
    }
}

impl PartialEq for EventRef<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.ev == other.ev && std::ptr::eq(self.store, other.store)
    }
}

/// A resource changing state ([`gotrace::StateTransition`] without the stack).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition<'a> {
    pub resource: ResourceId,
    pub reason: &'a str,
    old: u8,
    new: u8,
}

impl Transition<'_> {
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

/// The stack of a kept event ([`gotrace::Stack`]): frames, leaf first.
#[derive(Clone, Copy)]
pub struct StackRef<'a> {
    index: u32,
    store: &'a Store,
}

impl<'a> StackRef<'a> {
    /// Whether the event had a stack (see [`gotrace::Stack::is_present`]).
    pub fn is_present(&self) -> bool {
        self.index != 0
    }

    /// The PCs of the frames, leaf first.
    pub fn pcs(&self) -> &'a [u64] {
        self.store.stacks.pcs(self.index)
    }

    /// The frames whose PC the trace describes, leaf first.
    pub fn frames(&self) -> impl DoubleEndedIterator<Item = StackFrame<'a>> + ExactSizeIterator + 'a {
        let names = &self.store.names;
        self.store.stacks.frames(self.index).iter().map(move |f| StackFrame {
            pc: f.pc,
            func: names.name(f.func),
            file: names.name(f.file),
            line: f.line,
        })
    }
}

impl fmt::Debug for StackRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.frames()).finish()
    }
}
