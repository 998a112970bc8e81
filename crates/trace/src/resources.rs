//! Resources (goroutines, procs, threads), their ids and states (Go's `resources.go`).

use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident($inner:ty)) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        pub struct $name(pub $inner);
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// A goroutine id; [`GoId::NONE`] (-1) when there is none.
    GoId(i64)
);
id_type!(
    /// A P id; [`ProcId::NONE`] (-1) when there is none.
    ProcId(i64)
);
id_type!(
    /// An M (OS thread) id; [`ThreadId::NONE`] (-1) when there is none.
    ThreadId(i64)
);
id_type!(
    /// A user task id ([`TaskId::NONE`] = no task, [`TaskId::BACKGROUND`] = 0).
    TaskId(u64)
);
id_type!(
    /// An id in a generation's stack table (0 = no stack).
    StackId(u64)
);
id_type!(
    /// An id in a generation's string table (0 = the empty string).
    StringId(u64)
);

impl GoId {
    pub const NONE: GoId = GoId(-1);
}
impl ProcId {
    pub const NONE: ProcId = ProcId(-1);
}
impl ThreadId {
    pub const NONE: ThreadId = ThreadId(-1);
}
impl TaskId {
    pub const NONE: TaskId = TaskId(u64::MAX);
    pub const BACKGROUND: TaskId = TaskId(0);
}

/// A goroutine's state, as the public event model reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum GoState {
    Undetermined = 0,
    NotExist = 1,
    Runnable = 2,
    Running = 3,
    Waiting = 4,
    Syscall = 5,
}

impl GoState {
    pub fn from_u8(v: u8) -> Option<GoState> {
        Some(match v {
            0 => GoState::Undetermined,
            1 => GoState::NotExist,
            2 => GoState::Runnable,
            3 => GoState::Running,
            4 => GoState::Waiting,
            5 => GoState::Syscall,
            _ => return None,
        })
    }

    /// Running or in a syscall: the goroutine holds a thread.
    pub fn executing(self) -> bool {
        matches!(self, GoState::Running | GoState::Syscall)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            GoState::Undetermined => "Undetermined",
            GoState::NotExist => "NotExist",
            GoState::Runnable => "Runnable",
            GoState::Running => "Running",
            GoState::Waiting => "Waiting",
            GoState::Syscall => "Syscall",
        }
    }
}

impl fmt::Display for GoState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A proc's state, as the public event model reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum ProcState {
    Undetermined = 0,
    NotExist = 1,
    Running = 2,
    Idle = 3,
}

impl ProcState {
    pub fn from_u8(v: u8) -> Option<ProcState> {
        Some(match v {
            0 => ProcState::Undetermined,
            1 => ProcState::NotExist,
            2 => ProcState::Running,
            3 => ProcState::Idle,
            _ => return None,
        })
    }

    pub fn executing(self) -> bool {
        self == ProcState::Running
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ProcState::Undetermined => "Undetermined",
            ProcState::NotExist => "NotExist",
            ProcState::Running => "Running",
            ProcState::Idle => "Idle",
        }
    }
}

impl fmt::Display for ProcState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a [`ResourceId`] names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ResourceKind {
    None,
    Goroutine,
    Proc,
    Thread,
}

impl ResourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ResourceKind::None => "None",
            ResourceKind::Goroutine => "Goroutine",
            ResourceKind::Proc => "Proc",
            ResourceKind::Thread => "Thread",
        }
    }
}

/// A goroutine, proc or thread (or nothing), by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ResourceId {
    pub kind: ResourceKind,
    pub id: i64,
}

impl ResourceId {
    pub const NONE: ResourceId = ResourceId { kind: ResourceKind::None, id: 0 };

    pub fn goroutine(g: GoId) -> ResourceId {
        ResourceId { kind: ResourceKind::Goroutine, id: g.0 }
    }
    pub fn proc(p: ProcId) -> ResourceId {
        ResourceId { kind: ResourceKind::Proc, id: p.0 }
    }
    pub fn thread(m: ThreadId) -> ResourceId {
        ResourceId { kind: ResourceKind::Thread, id: m.0 }
    }
    /// The goroutine this names, if it names one.
    pub fn as_goroutine(self) -> Option<GoId> {
        (self.kind == ResourceKind::Goroutine).then_some(GoId(self.id))
    }
    pub fn as_proc(self) -> Option<ProcId> {
        (self.kind == ResourceKind::Proc).then_some(ProcId(self.id))
    }
    pub fn as_thread(self) -> Option<ThreadId> {
        (self.kind == ResourceKind::Thread).then_some(ThreadId(self.id))
    }
}

impl fmt::Display for ResourceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.kind == ResourceKind::None {
            return f.write_str("None");
        }
        write!(f, "{}({})", self.kind.as_str(), self.id)
    }
}
