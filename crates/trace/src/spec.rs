//! The wire format's event types: one row per type, as Go's `internal/trace/tracev2/events.go`.
//!
//! Each Go version's trace uses a prefix of [`SPECS`] (see [`crate::Version::specs`]); the
//! experimental events (AllocFree) live above [`MAX_EVENT`].

/// A wire event type byte.
pub type EventType = u8;

pub const EV_NONE: EventType = 0;
pub const EV_EVENT_BATCH: EventType = 1; // [gen, M ID, timestamp, batch length]
pub const EV_STACKS: EventType = 2;
pub const EV_STACK: EventType = 3; // [ID, ...{PC, func string ID, file string ID, line}]
pub const EV_STRINGS: EventType = 4;
pub const EV_STRING: EventType = 5; // [ID, length, string]
pub const EV_CPU_SAMPLES: EventType = 6;
pub const EV_CPU_SAMPLE: EventType = 7; // [timestamp, M ID, P ID, goroutine ID, stack ID]
pub const EV_FREQUENCY: EventType = 8; // [freq]
pub const EV_PROCS_CHANGE: EventType = 9; // [timestamp, GOMAXPROCS, stack ID]
pub const EV_PROC_START: EventType = 10; // [timestamp, P ID, P seq]
pub const EV_PROC_STOP: EventType = 11; // [timestamp]
pub const EV_PROC_STEAL: EventType = 12; // [timestamp, P ID, P seq, M ID]
pub const EV_PROC_STATUS: EventType = 13; // [timestamp, P ID, status]
pub const EV_GO_CREATE: EventType = 14; // [timestamp, new goroutine ID, new stack ID, stack ID]
pub const EV_GO_CREATE_SYSCALL: EventType = 15; // [timestamp, new goroutine ID]
pub const EV_GO_START: EventType = 16; // [timestamp, goroutine ID, goroutine seq]
pub const EV_GO_DESTROY: EventType = 17; // [timestamp]
pub const EV_GO_DESTROY_SYSCALL: EventType = 18; // [timestamp]
pub const EV_GO_STOP: EventType = 19; // [timestamp, reason, stack ID]
pub const EV_GO_BLOCK: EventType = 20; // [timestamp, reason, stack ID]
pub const EV_GO_UNBLOCK: EventType = 21; // [timestamp, goroutine ID, goroutine seq, stack ID]
pub const EV_GO_SYSCALL_BEGIN: EventType = 22; // [timestamp, P seq, stack ID]
pub const EV_GO_SYSCALL_END: EventType = 23; // [timestamp]
pub const EV_GO_SYSCALL_END_BLOCKED: EventType = 24; // [timestamp]
pub const EV_GO_STATUS: EventType = 25; // [timestamp, goroutine ID, M ID, status]
pub const EV_STW_BEGIN: EventType = 26; // [timestamp, kind, stack ID]
pub const EV_STW_END: EventType = 27; // [timestamp]
pub const EV_GC_ACTIVE: EventType = 28; // [timestamp, seq]
pub const EV_GC_BEGIN: EventType = 29; // [timestamp, seq, stack ID]
pub const EV_GC_END: EventType = 30; // [timestamp, seq]
pub const EV_GC_SWEEP_ACTIVE: EventType = 31; // [timestamp, P ID]
pub const EV_GC_SWEEP_BEGIN: EventType = 32; // [timestamp, stack ID]
pub const EV_GC_SWEEP_END: EventType = 33; // [timestamp, swept bytes, reclaimed bytes]
pub const EV_GC_MARK_ASSIST_ACTIVE: EventType = 34; // [timestamp, goroutine ID]
pub const EV_GC_MARK_ASSIST_BEGIN: EventType = 35; // [timestamp, stack ID]
pub const EV_GC_MARK_ASSIST_END: EventType = 36; // [timestamp]
pub const EV_HEAP_ALLOC: EventType = 37; // [timestamp, heap alloc in bytes]
pub const EV_HEAP_GOAL: EventType = 38; // [timestamp, heap goal in bytes]
pub const EV_GO_LABEL: EventType = 39; // [timestamp, label string ID]
pub const EV_USER_TASK_BEGIN: EventType = 40; // [timestamp, task ID, parent task ID, name string ID, stack ID]
pub const EV_USER_TASK_END: EventType = 41; // [timestamp, task ID, stack ID]
pub const EV_USER_REGION_BEGIN: EventType = 42; // [timestamp, task ID, name string ID, stack ID]
pub const EV_USER_REGION_END: EventType = 43; // [timestamp, task ID, name string ID, stack ID]
pub const EV_USER_LOG: EventType = 44; // [timestamp, task ID, key string ID, value string ID, stack]
// Added in Go 1.23.
pub const EV_GO_SWITCH: EventType = 45; // [timestamp, goroutine ID, goroutine seq]
pub const EV_GO_SWITCH_DESTROY: EventType = 46; // [timestamp, goroutine ID, goroutine seq]
pub const EV_GO_CREATE_BLOCKED: EventType = 47; // [timestamp, new goroutine ID, new stack ID, stack ID]
pub const EV_GO_STATUS_STACK: EventType = 48; // [timestamp, goroutine ID, M ID, status, stack ID]
pub const EV_EXPERIMENTAL_BATCH: EventType = 49; // [experiment ID, generation, M ID, timestamp, batch length, data...]
// Added in Go 1.25.
pub const EV_SYNC: EventType = 50;
pub const EV_CLOCK_SNAPSHOT: EventType = 51; // [timestamp, mono, sec, nsec]
// Added in Go 1.26.
pub const EV_END_OF_GENERATION: EventType = 52;

/// Experimental events live above this value.
pub const MAX_EVENT: EventType = 127;
// Experimental AllocFree events, added in Go 1.23.
pub const EV_SPAN: EventType = 128; // [timestamp, id, npages, type/class]
pub const EV_SPAN_ALLOC: EventType = 129;
pub const EV_SPAN_FREE: EventType = 130; // [timestamp, id]
pub const EV_HEAP_OBJECT: EventType = 131; // [timestamp, id, type]
pub const EV_HEAP_OBJECT_ALLOC: EventType = 132;
pub const EV_HEAP_OBJECT_FREE: EventType = 133; // [timestamp, id]
pub const EV_GOROUTINE_STACK: EventType = 134; // [timestamp, id, order]
pub const EV_GOROUTINE_STACK_ALLOC: EventType = 135;
pub const EV_GOROUTINE_STACK_FREE: EventType = 136; // [timestamp, id]

/// Not a wire type: the reader's own Sync events.
pub const EV_SYNC_EVENT: EventType = 255;

/// Most arguments a timed event has, timestamp included.
pub const MAX_TIMED_EVENT_ARGS: usize = 5;
/// Largest batch the runtime writes.
pub const MAX_BATCH_SIZE: u64 = 64 << 10;
/// Most frames a stack may have.
pub const MAX_FRAMES_PER_STACK: u64 = 128;
/// Longest string in the string table.
pub const MAX_EVENT_TRAILER_DATA_SIZE: u64 = 1 << 10;

/// Experiment numbers of experimental batches.
pub const NO_EXPERIMENT: u8 = 0;
pub const EXPERIMENT_ALLOC_FREE: u8 = 1;
/// Names of experiments, indexed by experiment number.
pub const EXPERIMENTS: [&str; 2] = ["None", "AllocFree"];

/// How one wire event type is laid out.
#[derive(Debug, Clone, Copy)]
pub struct EventSpec {
    pub name: &'static str,
    /// Argument names; timed events start with "dt".
    pub args: &'static [&'static str],
    /// 1-based positions (in `args`) of string IDs.
    pub string_ids: &'static [usize],
    /// 1-based positions (in `args`) of stack IDs; the first is "the" event's stack.
    pub stack_ids: &'static [usize],
    /// For End/Active events, the Begin event of the range.
    pub start_ev: EventType,
    pub is_timed: bool,
    pub has_data: bool,
    pub is_stack: bool,
    pub experiment: u8,
}

const fn untimed(name: &'static str, args: &'static [&'static str]) -> EventSpec {
    EventSpec { name, args, string_ids: &[], stack_ids: &[], start_ev: EV_NONE, is_timed: false, has_data: false, is_stack: false, experiment: 0 }
}

const fn timed(name: &'static str, args: &'static [&'static str]) -> EventSpec {
    EventSpec { is_timed: true, ..untimed(name, args) }
}

const fn with_stacks(s: EventSpec, stack_ids: &'static [usize]) -> EventSpec {
    EventSpec { stack_ids, ..s }
}

const fn with_strings(s: EventSpec, string_ids: &'static [usize]) -> EventSpec {
    EventSpec { string_ids, ..s }
}

const fn ends(s: EventSpec, start_ev: EventType) -> EventSpec {
    EventSpec { start_ev, ..s }
}

const fn experimental(name: &'static str, args: &'static [&'static str]) -> EventSpec {
    EventSpec { experiment: EXPERIMENT_ALLOC_FREE, ..timed(name, args) }
}

const EMPTY: EventSpec = untimed("", &[]);

/// Number of entries of [`SPECS`]: every type up to the last experimental one.
pub const NUM_SPECS: usize = EV_GOROUTINE_STACK_FREE as usize + 1;

/// The spec table, indexed by event type.
pub static SPECS: [EventSpec; NUM_SPECS] = build_specs();

const fn build_specs() -> [EventSpec; NUM_SPECS] {
    let mut s = [EMPTY; NUM_SPECS];
    s[EV_EVENT_BATCH as usize] = untimed("EventBatch", &["gen", "m", "time", "size"]);
    s[EV_STACKS as usize] = untimed("Stacks", &[]);
    s[EV_STACK as usize] = EventSpec { is_stack: true, ..untimed("Stack", &["id", "nframes"]) };
    s[EV_STRINGS as usize] = untimed("Strings", &[]);
    s[EV_STRING as usize] = EventSpec { has_data: true, ..untimed("String", &["id"]) };
    s[EV_CPU_SAMPLES as usize] = untimed("CPUSamples", &[]);
    s[EV_CPU_SAMPLE as usize] = with_stacks(untimed("CPUSample", &["time", "m", "p", "g", "stack"]), &[4]);
    s[EV_FREQUENCY as usize] = untimed("Frequency", &["freq"]);
    s[EV_EXPERIMENTAL_BATCH as usize] = EventSpec { has_data: true, ..untimed("ExperimentalBatch", &["exp", "gen", "m", "time"]) };
    s[EV_SYNC as usize] = untimed("Sync", &[]);
    s[EV_END_OF_GENERATION as usize] = untimed("EndOfGeneration", &[]);

    s[EV_PROCS_CHANGE as usize] = with_stacks(timed("ProcsChange", &["dt", "procs_value", "stack"]), &[2]);
    s[EV_PROC_START as usize] = timed("ProcStart", &["dt", "p", "p_seq"]);
    s[EV_PROC_STOP as usize] = timed("ProcStop", &["dt"]);
    s[EV_PROC_STEAL as usize] = timed("ProcSteal", &["dt", "p", "p_seq", "m"]);
    s[EV_PROC_STATUS as usize] = timed("ProcStatus", &["dt", "p", "pstatus"]);
    s[EV_GO_CREATE as usize] = with_stacks(timed("GoCreate", &["dt", "new_g", "new_stack", "stack"]), &[3, 2]);
    s[EV_GO_CREATE_SYSCALL as usize] = timed("GoCreateSyscall", &["dt", "new_g"]);
    s[EV_GO_START as usize] = timed("GoStart", &["dt", "g", "g_seq"]);
    s[EV_GO_DESTROY as usize] = timed("GoDestroy", &["dt"]);
    s[EV_GO_DESTROY_SYSCALL as usize] = timed("GoDestroySyscall", &["dt"]);
    s[EV_GO_STOP as usize] = with_strings(with_stacks(timed("GoStop", &["dt", "reason_string", "stack"]), &[2]), &[1]);
    s[EV_GO_BLOCK as usize] = with_strings(with_stacks(timed("GoBlock", &["dt", "reason_string", "stack"]), &[2]), &[1]);
    s[EV_GO_UNBLOCK as usize] = with_stacks(timed("GoUnblock", &["dt", "g", "g_seq", "stack"]), &[3]);
    s[EV_GO_SYSCALL_BEGIN as usize] = with_stacks(timed("GoSyscallBegin", &["dt", "p_seq", "stack"]), &[2]);
    s[EV_GO_SYSCALL_END as usize] = ends(timed("GoSyscallEnd", &["dt"]), EV_GO_SYSCALL_BEGIN);
    s[EV_GO_SYSCALL_END_BLOCKED as usize] = ends(timed("GoSyscallEndBlocked", &["dt"]), EV_GO_SYSCALL_BEGIN);
    s[EV_GO_STATUS as usize] = timed("GoStatus", &["dt", "g", "m", "gstatus"]);
    s[EV_STW_BEGIN as usize] = with_strings(with_stacks(timed("STWBegin", &["dt", "kind_string", "stack"]), &[2]), &[1]);
    s[EV_STW_END as usize] = ends(timed("STWEnd", &["dt"]), EV_STW_BEGIN);
    s[EV_GC_ACTIVE as usize] = ends(timed("GCActive", &["dt", "gc_seq"]), EV_GC_BEGIN);
    s[EV_GC_BEGIN as usize] = with_stacks(timed("GCBegin", &["dt", "gc_seq", "stack"]), &[2]);
    s[EV_GC_END as usize] = ends(timed("GCEnd", &["dt", "gc_seq"]), EV_GC_BEGIN);
    s[EV_GC_SWEEP_ACTIVE as usize] = ends(timed("GCSweepActive", &["dt", "p"]), EV_GC_SWEEP_BEGIN);
    s[EV_GC_SWEEP_BEGIN as usize] = with_stacks(timed("GCSweepBegin", &["dt", "stack"]), &[1]);
    s[EV_GC_SWEEP_END as usize] = ends(timed("GCSweepEnd", &["dt", "swept_value", "reclaimed_value"]), EV_GC_SWEEP_BEGIN);
    s[EV_GC_MARK_ASSIST_ACTIVE as usize] = ends(timed("GCMarkAssistActive", &["dt", "g"]), EV_GC_MARK_ASSIST_BEGIN);
    s[EV_GC_MARK_ASSIST_BEGIN as usize] = with_stacks(timed("GCMarkAssistBegin", &["dt", "stack"]), &[1]);
    s[EV_GC_MARK_ASSIST_END as usize] = ends(timed("GCMarkAssistEnd", &["dt"]), EV_GC_MARK_ASSIST_BEGIN);
    s[EV_HEAP_ALLOC as usize] = timed("HeapAlloc", &["dt", "heapalloc_value"]);
    s[EV_HEAP_GOAL as usize] = timed("HeapGoal", &["dt", "heapgoal_value"]);
    s[EV_GO_LABEL as usize] = with_strings(timed("GoLabel", &["dt", "label_string"]), &[1]);
    s[EV_USER_TASK_BEGIN as usize] =
        with_strings(with_stacks(timed("UserTaskBegin", &["dt", "task", "parent_task", "name_string", "stack"]), &[4]), &[3]);
    s[EV_USER_TASK_END as usize] = with_stacks(timed("UserTaskEnd", &["dt", "task", "stack"]), &[2]);
    s[EV_USER_REGION_BEGIN as usize] =
        with_strings(with_stacks(timed("UserRegionBegin", &["dt", "task", "name_string", "stack"]), &[3]), &[2]);
    s[EV_USER_REGION_END as usize] = ends(
        with_strings(with_stacks(timed("UserRegionEnd", &["dt", "task", "name_string", "stack"]), &[3]), &[2]),
        EV_USER_REGION_BEGIN,
    );
    s[EV_USER_LOG as usize] =
        with_strings(with_stacks(timed("UserLog", &["dt", "task", "key_string", "value_string", "stack"]), &[4]), &[2, 3]);
    s[EV_GO_SWITCH as usize] = timed("GoSwitch", &["dt", "g", "g_seq"]);
    s[EV_GO_SWITCH_DESTROY as usize] = timed("GoSwitchDestroy", &["dt", "g", "g_seq"]);
    s[EV_GO_CREATE_BLOCKED as usize] = with_stacks(timed("GoCreateBlocked", &["dt", "new_g", "new_stack", "stack"]), &[3, 2]);
    s[EV_GO_STATUS_STACK as usize] = with_stacks(timed("GoStatusStack", &["dt", "g", "m", "gstatus", "stack"]), &[4]);
    s[EV_CLOCK_SNAPSHOT as usize] = timed("ClockSnapshot", &["dt", "mono", "sec", "nsec"]);

    s[EV_SPAN as usize] = experimental("Span", &["dt", "id", "npages_value", "kindclass"]);
    s[EV_SPAN_ALLOC as usize] = experimental("SpanAlloc", &["dt", "id", "npages_value", "kindclass"]);
    s[EV_SPAN_FREE as usize] = experimental("SpanFree", &["dt", "id"]);
    s[EV_HEAP_OBJECT as usize] = experimental("HeapObject", &["dt", "id", "type"]);
    s[EV_HEAP_OBJECT_ALLOC as usize] = experimental("HeapObjectAlloc", &["dt", "id", "type"]);
    s[EV_HEAP_OBJECT_FREE as usize] = experimental("HeapObjectFree", &["dt", "id"]);
    s[EV_GOROUTINE_STACK as usize] = experimental("GoroutineStack", &["dt", "id", "order"]);
    s[EV_GOROUTINE_STACK_ALLOC as usize] = experimental("GoroutineStackAlloc", &["dt", "id", "order"]);
    s[EV_GOROUTINE_STACK_FREE as usize] = experimental("GoroutineStackFree", &["dt", "id"]);
    s
}

/// The spec of `typ`, or an empty (nameless, untimed) spec for types outside the table.
/// Per event type, which arguments (bit `i - 1` for argument `i`, the timestamp being
/// argument 0) are stack ids (low byte) and string ids (high byte): what every event's ids
/// are checked against, in one load.
pub(crate) static TABLE_ID_ARGS: [u16; 256] = {
    let mut m = [0u16; 256];
    let mut t = 0;
    while t < NUM_SPECS {
        let sp = &SPECS[t];
        let mut i = 0;
        while i < sp.stack_ids.len() {
            m[t] |= 1 << (sp.stack_ids[i] - 1);
            i += 1;
        }
        let mut i = 0;
        while i < sp.string_ids.len() {
            m[t] |= 1 << (8 + sp.string_ids[i] - 1);
            i += 1;
        }
        t += 1;
    }
    m
};

pub fn spec(typ: EventType) -> &'static EventSpec {
    SPECS.get(typ as usize).unwrap_or(&EMPTY)
}

/// Goroutine status on the wire (`tracev2.GoStatus`).
pub mod go_status {
    pub const BAD: u64 = 0;
    pub const RUNNABLE: u64 = 1;
    pub const RUNNING: u64 = 2;
    pub const SYSCALL: u64 = 3;
    pub const WAITING: u64 = 4;

    pub fn name(s: u64) -> &'static str {
        match s {
            RUNNABLE => "Runnable",
            RUNNING => "Running",
            SYSCALL => "Syscall",
            WAITING => "Waiting",
            _ => "Bad",
        }
    }
}

/// Proc status on the wire (`tracev2.ProcStatus`).
pub mod proc_status {
    pub const BAD: u64 = 0;
    pub const RUNNING: u64 = 1;
    pub const IDLE: u64 = 2;
    pub const SYSCALL: u64 = 3;
    /// The P was in a syscall when the generation ended, and its M lost it (added in Go 1.22).
    pub const SYSCALL_ABANDONED: u64 = 4;

    pub fn name(s: u64) -> &'static str {
        match s {
            RUNNING => "Running",
            IDLE => "Idle",
            SYSCALL => "Syscall",
            SYSCALL_ABANDONED => "SyscallAbandoned",
            _ => "Bad",
        }
    }
}
