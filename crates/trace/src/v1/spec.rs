//! The v1 wire format's event types (Go 1.11-1.21), as Go's `internal/trace/internal/tracev1`
//! (`EventDescriptions`, itself a copy of the old `runtime/trace.go`).

pub(crate) const EV_NONE: u8 = 0; // unused
pub(crate) const EV_BATCH: u8 = 1; // start of per-P batch of events [pid, timestamp]
pub(crate) const EV_FREQUENCY: u8 = 2; // contains tracer timer frequency [frequency (ticks per second)]
pub(crate) const EV_STACK: u8 = 3; // stack [stack id, number of PCs, array of {PC, func string ID, file string ID, line}]
pub(crate) const EV_GOMAXPROCS: u8 = 4; // current value of GOMAXPROCS [timestamp, GOMAXPROCS, stack id]
pub(crate) const EV_PROC_START: u8 = 5; // start of P [timestamp, thread id]
pub(crate) const EV_PROC_STOP: u8 = 6; // stop of P [timestamp]
pub(crate) const EV_GC_START: u8 = 7; // GC start [timestamp, seq, stack id]
pub(crate) const EV_GC_DONE: u8 = 8; // GC done [timestamp]
pub(crate) const EV_STW_START: u8 = 9; // GC mark termination start [timestamp, kind]
pub(crate) const EV_STW_DONE: u8 = 10; // GC mark termination done [timestamp]
pub(crate) const EV_GC_SWEEP_START: u8 = 11; // GC sweep start [timestamp, stack id]
pub(crate) const EV_GC_SWEEP_DONE: u8 = 12; // GC sweep done [timestamp, swept, reclaimed]
pub(crate) const EV_GO_CREATE: u8 = 13; // goroutine creation [timestamp, new goroutine id, new stack id, stack id]
pub(crate) const EV_GO_START: u8 = 14; // goroutine starts running [timestamp, goroutine id, seq]
pub(crate) const EV_GO_END: u8 = 15; // goroutine ends [timestamp]
pub(crate) const EV_GO_STOP: u8 = 16; // goroutine stops (like in select{}) [timestamp, stack]
pub(crate) const EV_GO_SCHED: u8 = 17; // goroutine calls Gosched [timestamp, stack]
pub(crate) const EV_GO_PREEMPT: u8 = 18; // goroutine is preempted [timestamp, stack]
pub(crate) const EV_GO_SLEEP: u8 = 19; // goroutine calls Sleep [timestamp, stack]
pub(crate) const EV_GO_BLOCK: u8 = 20; // goroutine blocks [timestamp, stack]
pub(crate) const EV_GO_UNBLOCK: u8 = 21; // goroutine is unblocked [timestamp, goroutine id, seq, stack]
pub(crate) const EV_GO_BLOCK_SEND: u8 = 22; // goroutine blocks on chan send [timestamp, stack]
pub(crate) const EV_GO_BLOCK_RECV: u8 = 23; // goroutine blocks on chan recv [timestamp, stack]
pub(crate) const EV_GO_BLOCK_SELECT: u8 = 24; // goroutine blocks on select [timestamp, stack]
pub(crate) const EV_GO_BLOCK_SYNC: u8 = 25; // goroutine blocks on Mutex/RWMutex [timestamp, stack]
pub(crate) const EV_GO_BLOCK_COND: u8 = 26; // goroutine blocks on Cond [timestamp, stack]
pub(crate) const EV_GO_BLOCK_NET: u8 = 27; // goroutine blocks on network [timestamp, stack]
pub(crate) const EV_GO_SYS_CALL: u8 = 28; // syscall enter [timestamp, stack]
pub(crate) const EV_GO_SYS_EXIT: u8 = 29; // syscall exit [timestamp, goroutine id, seq, real timestamp]
pub(crate) const EV_GO_SYS_BLOCK: u8 = 30; // syscall blocks [timestamp]
pub(crate) const EV_GO_WAITING: u8 = 31; // goroutine is blocked when tracing starts [timestamp, goroutine id]
pub(crate) const EV_GO_IN_SYSCALL: u8 = 32; // goroutine is in syscall when tracing starts [timestamp, goroutine id]
pub(crate) const EV_HEAP_ALLOC: u8 = 33; // gcController.heapLive change [timestamp, heap live bytes]
pub(crate) const EV_HEAP_GOAL: u8 = 34; // gcController.heapGoal change [timestamp, heap goal bytes]
pub(crate) const EV_TIMER_GOROUTINE: u8 = 35; // denotes timer goroutine [timer goroutine id]
pub(crate) const EV_FUTILE_WAKEUP: u8 = 36; // the previous wakeup of this goroutine was futile [timestamp]
pub(crate) const EV_STRING: u8 = 37; // string dictionary entry [ID, length, string]
pub(crate) const EV_GO_START_LOCAL: u8 = 38; // goroutine starts running on the same P as the last event [timestamp, goroutine id]
pub(crate) const EV_GO_UNBLOCK_LOCAL: u8 = 39; // goroutine is unblocked on the same P as the last event [timestamp, goroutine id, stack]
pub(crate) const EV_GO_SYS_EXIT_LOCAL: u8 = 40; // syscall exit on the same P as the last event [timestamp, goroutine id, real timestamp]
pub(crate) const EV_GO_START_LABEL: u8 = 41; // goroutine starts running with label [timestamp, goroutine id, seq, label string id]
pub(crate) const EV_GO_BLOCK_GC: u8 = 42; // goroutine blocks on GC assist [timestamp, stack]
pub(crate) const EV_GC_MARK_ASSIST_START: u8 = 43; // GC mark assist start [timestamp, stack]
pub(crate) const EV_GC_MARK_ASSIST_DONE: u8 = 44; // GC mark assist done [timestamp]
pub(crate) const EV_USER_TASK_CREATE: u8 = 45; // trace.NewTask [timestamp, internal task id, internal parent id, stack, name string]
pub(crate) const EV_USER_TASK_END: u8 = 46; // end of task [timestamp, internal task id, stack]
pub(crate) const EV_USER_REGION: u8 = 47; // trace.WithRegion [timestamp, internal task id, mode(0:start, 1:end), name string]
pub(crate) const EV_USER_LOG: u8 = 48; // trace.Log [timestamp, internal id, key string id, stack, value string]
pub(crate) const EV_CPU_SAMPLE: u8 = 49; // CPU profiling sample [timestamp, stack, real timestamp, real P id (-1 when absent), goroutine id]
pub(crate) const EV_COUNT: u8 = 50;

/// How one v1 event type is laid out (Go's `EventDescriptions` entry).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Desc {
    pub name: &'static str,
    /// The first trace version (`go 1.N`) with this event.
    pub min_version: u32,
    /// Whether the last argument is a stack id.
    pub stack: bool,
    pub args: &'static [&'static str],
}

const fn d(name: &'static str, min_version: u32, stack: bool, args: &'static [&'static str]) -> Desc {
    Desc { name, min_version, stack, args }
}

/// Descriptions indexed by event type; types at or above [`EV_COUNT`] have an empty name.
pub(crate) static DESCS: [Desc; 256] = {
    let mut t = [d("", 0, false, &[]); 256];
    t[EV_NONE as usize] = d("None", 5, false, &[]);
    t[EV_BATCH as usize] = d("Batch", 5, false, &["p", "ticks"]);
    t[EV_FREQUENCY as usize] = d("Frequency", 5, false, &["freq"]);
    t[EV_STACK as usize] = d("Stack", 5, false, &["id", "siz"]);
    t[EV_GOMAXPROCS as usize] = d("Gomaxprocs", 5, true, &["procs"]);
    t[EV_PROC_START as usize] = d("ProcStart", 5, false, &["thread"]);
    t[EV_PROC_STOP as usize] = d("ProcStop", 5, false, &[]);
    t[EV_GC_START as usize] = d("GCStart", 5, true, &["seq"]);
    t[EV_GC_DONE as usize] = d("GCDone", 5, false, &[]);
    t[EV_STW_START as usize] = d("GCSTWStart", 5, false, &["kindid"]);
    t[EV_STW_DONE as usize] = d("GCSTWDone", 5, false, &[]);
    t[EV_GC_SWEEP_START as usize] = d("GCSweepStart", 5, true, &[]);
    t[EV_GC_SWEEP_DONE as usize] = d("GCSweepDone", 5, false, &["swept", "reclaimed"]);
    t[EV_GO_CREATE as usize] = d("GoCreate", 5, true, &["g", "stack"]);
    t[EV_GO_START as usize] = d("GoStart", 5, false, &["g", "seq"]);
    t[EV_GO_END as usize] = d("GoEnd", 5, false, &[]);
    t[EV_GO_STOP as usize] = d("GoStop", 5, true, &[]);
    t[EV_GO_SCHED as usize] = d("GoSched", 5, true, &[]);
    t[EV_GO_PREEMPT as usize] = d("GoPreempt", 5, true, &[]);
    t[EV_GO_SLEEP as usize] = d("GoSleep", 5, true, &[]);
    t[EV_GO_BLOCK as usize] = d("GoBlock", 5, true, &[]);
    t[EV_GO_UNBLOCK as usize] = d("GoUnblock", 5, true, &["g", "seq"]);
    t[EV_GO_BLOCK_SEND as usize] = d("GoBlockSend", 5, true, &[]);
    t[EV_GO_BLOCK_RECV as usize] = d("GoBlockRecv", 5, true, &[]);
    t[EV_GO_BLOCK_SELECT as usize] = d("GoBlockSelect", 5, true, &[]);
    t[EV_GO_BLOCK_SYNC as usize] = d("GoBlockSync", 5, true, &[]);
    t[EV_GO_BLOCK_COND as usize] = d("GoBlockCond", 5, true, &[]);
    t[EV_GO_BLOCK_NET as usize] = d("GoBlockNet", 5, true, &[]);
    t[EV_GO_SYS_CALL as usize] = d("GoSysCall", 5, true, &[]);
    t[EV_GO_SYS_EXIT as usize] = d("GoSysExit", 5, false, &["g", "seq", "ts"]);
    t[EV_GO_SYS_BLOCK as usize] = d("GoSysBlock", 5, false, &[]);
    t[EV_GO_WAITING as usize] = d("GoWaiting", 5, false, &["g"]);
    t[EV_GO_IN_SYSCALL as usize] = d("GoInSyscall", 5, false, &["g"]);
    t[EV_HEAP_ALLOC as usize] = d("HeapAlloc", 5, false, &["mem"]);
    t[EV_HEAP_GOAL as usize] = d("HeapGoal", 5, false, &["mem"]);
    t[EV_TIMER_GOROUTINE as usize] = d("TimerGoroutine", 5, false, &["g"]);
    t[EV_FUTILE_WAKEUP as usize] = d("FutileWakeup", 5, false, &[]);
    t[EV_STRING as usize] = d("String", 7, false, &[]);
    t[EV_GO_START_LOCAL as usize] = d("GoStartLocal", 7, false, &["g"]);
    t[EV_GO_UNBLOCK_LOCAL as usize] = d("GoUnblockLocal", 7, true, &["g"]);
    t[EV_GO_SYS_EXIT_LOCAL as usize] = d("GoSysExitLocal", 7, false, &["g", "ts"]);
    t[EV_GO_START_LABEL as usize] = d("GoStartLabel", 8, false, &["g", "seq", "labelid"]);
    t[EV_GO_BLOCK_GC as usize] = d("GoBlockGC", 8, true, &[]);
    t[EV_GC_MARK_ASSIST_START as usize] = d("GCMarkAssistStart", 9, true, &[]);
    t[EV_GC_MARK_ASSIST_DONE as usize] = d("GCMarkAssistDone", 9, false, &[]);
    t[EV_USER_TASK_CREATE as usize] = d("UserTaskCreate", 11, true, &["taskid", "pid", "typeid"]);
    t[EV_USER_TASK_END as usize] = d("UserTaskEnd", 11, true, &["taskid"]);
    t[EV_USER_REGION as usize] = d("UserRegion", 11, true, &["taskid", "mode", "typeid"]);
    t[EV_USER_LOG as usize] = d("UserLog", 11, true, &["id", "keyid"]);
    t[EV_CPU_SAMPLE as usize] = d("CPUSample", 19, true, &["ts", "p", "g"]);
    t
};

#[inline]
pub(crate) fn desc(typ: u8) -> &'static Desc {
    &DESCS[typ as usize]
}

/// Number of arguments a raw event of this type has on the wire, counting the timestamp and
/// the stack (Go's `rawEvent.argNum`); `EvStack` has as many as it says.
#[inline]
pub(crate) fn arg_num(typ: u8, nargs: usize) -> usize {
    if typ == EV_STACK {
        return nargs;
    }
    let d = desc(typ);
    let narg = d.args.len() + usize::from(d.stack);
    match typ {
        EV_BATCH | EV_FREQUENCY | EV_TIMER_GOROUTINE => narg,
        _ => narg + 1,
    }
}

/// Special P ids the parser moves events to (Go's `FakeP` and friends).
pub(crate) const FAKE_P: i32 = 1_000_000;
pub(crate) const TIMER_P: i32 = FAKE_P + 1;
pub(crate) const NETPOLL_P: i32 = FAKE_P + 2;
pub(crate) const SYSCALL_P: i32 = FAKE_P + 3;
pub(crate) const GC_P: i32 = FAKE_P + 4;
pub(crate) const PROFILE_P: i32 = FAKE_P + 5;

/// Reasons of stop-the-world phases (Go's `tracev1.STWReason`); 0 is unknown.
pub(crate) const NUM_STW_REASONS: u64 = 17;

/// Go's `Trace.STWReason`: the reason number of a kind id of this trace version.
pub(crate) fn stw_reason(version: u32, kind_id: u64) -> u64 {
    match version {
        v if v < 21 && (kind_id == 0 || kind_id == 1) => kind_id + 1,
        21 if kind_id < NUM_STW_REASONS => kind_id,
        _ => 0,
    }
}
