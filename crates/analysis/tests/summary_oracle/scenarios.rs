//! Synthetic traces for behaviours of Go's summarizer that the corpus does not reach, with what
//! Go computed for them.
//!
//! Each `source` is a trace in Go's text format (`internal/trace/raw`); `trace_hex` is its binary
//! form made by `shared/oracle/tracetxt2bin text`, and `oracle` the relevant part (`parse`,
//! `header`, `counts`, `goroutines`, `tasks` without `events`, `regions` without intervals and
//! frames) of what `shared/oracle/traceoracle` (go1.27.3) printed for it. To change one: edit the
//! source, keeping each `EventBatch`'s `size` right (the sum, over its events, of 1 byte plus the
//! uvarint length of every argument; a `String` adds its data's uvarint length and bytes, a
//! `Stack` frame its 4 uvarints), convert, run the oracle, paste. Times: `Frequency` is 1e9, so
//! one tick is one ns; Go's reader makes the times of successive events strictly increasing.

pub struct Scenario {
    pub name: &'static str,
    pub source: &'static str,
    pub trace_hex: &'static str,
    pub oracle: &'static str,
}

pub const SCENARIOS: &[Scenario] = &[
    // A syscall whose P is stolen still pending at the end of the trace, with a region open
    // across it (Go counts the syscall time whole AND the time since the steal as sched wait);
    // a goroutine created inside a region (synthetic inherited region, then closed by an
    // unrelated RegionEnd, which never renames it); a RegionEnd without begin; a goroutine first
    // seen in a syscall with its P (syscall time, not syscall block time) that then blocks forever.
    Scenario {
        name: "pending-stolen-syscall",
        source: r#"Trace Go1.22
EventBatch gen=1 m=0 time=100 size=18
ProcStatus dt=1 p=0 pstatus=1
GoStatus dt=1 g=1 m=0 gstatus=2
UserRegionBegin dt=10 task=0 name_string=1 stack=1
GoSyscallBegin dt=10 p_seq=1 stack=1
EventBatch gen=1 m=1 time=100 size=49
ProcStatus dt=1 p=1 pstatus=1
GoStatus dt=1 g=2 m=1 gstatus=2
ProcSteal dt=50 p=0 p_seq=2 m=0
UserRegionBegin dt=1 task=7 name_string=5 stack=2
GoCreate dt=1 new_g=3 new_stack=2 stack=2
UserRegionEnd dt=1 task=7 name_string=5 stack=2
GoBlock dt=5 reason_string=6 stack=2
GoStart dt=1 g=3 g_seq=1
UserRegionEnd dt=1 task=0 name_string=5 stack=0
UserRegionEnd dt=1 task=0 name_string=5 stack=0
GoDestroy dt=0
EventBatch gen=1 m=2 time=100 size=15
ProcStatus dt=1 p=2 pstatus=3
GoStatus dt=1 g=4 m=2 gstatus=3
GoSyscallEnd dt=40
GoBlock dt=10 reason_string=7 stack=3
EventBatch gen=1 m=18446744073709551615 time=0 size=6
Frequency freq=1000000000
EventBatch gen=1 m=18446744073709551615 time=0 size=30
Stacks
Stack id=1 nframes=2
	pc=4200 func=8 file=3 line=20
	pc=4096 func=2 file=3 line=10
Stack id=2 nframes=1
	pc=4300 func=4 file=3 line=30
Stack id=3 nframes=1
	pc=4400 func=9 file=3 line=40
EventBatch gen=1 m=18446744073709551615 time=0 size=101
Strings
String id=1
	data="r"
String id=2
	data="main.main"
String id=3
	data="main.go"
String id=4
	data="main.worker"
String id=5
	data="inner"
String id=6
	data="chan receive"
String id=7
	data="forever"
String id=8
	data="main.leaf"
String id=9
	data="main.sleeper"
"#,
        trace_hex: "676f20312e323220747261636500000001010064120d01000119010100022a0a000101160a010101010164310d01010119010201020c320002002a010705020e010302022b0107050214050602100103012b010005002b010005001100010102640f0d01020319010402031728140a07030101ffffffffffffffffff010006088094ebdc030101ffffffffffffffffff01001e02030102e820080314802002030a030201cc2104031e030301b0220903280101ffffffffffffffffff01006504050101720502096d61696e2e6d61696e0503076d61696e2e676f05040b6d61696e2e776f726b6572050505696e6e657205060c6368616e2072656365697665050707666f72657665720508096d61696e2e6c65616605090c6d61696e2e736c6565706572",
        oracle: r#"{"parse":{"strict_ok":true,"events_read":21,"events_kept":21,"reference_accepts":true,"bytes_valid":292},"header":{"format":"v2","version":"go 1.22 trace"},"counts":{"summary_goroutines":4,"tasks":2,"regions":4},"goroutines":[{"id":1,"name":"main.main","pc":4096,"creation_time":1,"start_time":105,"end_time":0,"exec_ns":121,"sched_wait_ns":12,"block_ns_by_reason":{},"syscall_ns":43,"syscall_block_ns":0,"total_ns":164,"unknown_ns":0,"regions":1,"system":false},
{"id":2,"name":"main.worker","pc":4300,"creation_time":1,"start_time":106,"end_time":0,"exec_ns":159,"sched_wait_ns":0,"block_ns_by_reason":{"chan receive":5},"syscall_ns":0,"syscall_block_ns":0,"total_ns":164,"unknown_ns":0,"regions":1,"system":false},
{"id":3,"name":"main.worker","pc":4300,"creation_time":155,"start_time":161,"end_time":164,"exec_ns":3,"sched_wait_ns":6,"block_ns_by_reason":{},"syscall_ns":0,"syscall_block_ns":0,"total_ns":9,"unknown_ns":0,"regions":2,"system":false},
{"id":4,"name":"main.sleeper","pc":4400,"creation_time":1,"start_time":142,"end_time":152,"exec_ns":10,"sched_wait_ns":0,"block_ns_by_reason":{},"syscall_ns":141,"syscall_block_ns":0,"total_ns":151,"unknown_ns":0,"regions":0,"system":false}],"tasks":[{"id":0,"type":"","parent":null,"children":[],"complete":false,"start":null,"end":null,"goroutines":[1,3],"logs":[],"regions":2},
{"id":7,"type":"","parent":null,"children":[],"complete":false,"start":null,"end":null,"goroutines":[2],"logs":[],"regions":1}],"regions":[{"goroutine":1,"task":0,"type":"r","start":112,"end":null,"start_kind":"RegionBegin","end_kind":"","non_overlapping_ns":{"Block time (syscall)":0,"Execution time":10,"Sched wait time":12,"Syscall execution time":43,"Unknown time":0},"total_ns":53},
{"goroutine":2,"task":7,"type":"inner","start":154,"end":156,"start_kind":"RegionBegin","end_kind":"RegionEnd","non_overlapping_ns":{"Block time (syscall)":0,"Execution time":2,"Sched wait time":0,"Syscall execution time":0,"Unknown time":0},"total_ns":2},
{"goroutine":3,"task":0,"type":"inner","start":null,"end":163,"start_kind":"","end_kind":"RegionEnd","non_overlapping_ns":{"Block time (syscall)":0,"Execution time":2,"Sched wait time":6,"Syscall execution time":0,"Unknown time":0},"total_ns":8},
{"goroutine":3,"task":7,"type":"","start":155,"end":162,"start_kind":"StateTransition","end_kind":"RegionEnd","non_overlapping_ns":{"Block time (syscall)":0,"Execution time":1,"Sched wait time":6,"Syscall execution time":0,"Unknown time":0},"total_ns":7}]}"#,
    },
    // 20 regions on one goroutine, 16 of them without a begin (equal, nil, start): Go's unstable
    // sort permutes them. A task that is its own parent, a child task, a log and a task end for
    // tasks never begun. Goroutines created inside a region: a user one that blocks forever with
    // the inherited region open (ended by the transition), a system one whose region is dropped.
    Scenario {
        name: "unsorted-regions-and-tasks",
        source: r#"Trace Go1.22
EventBatch gen=1 m=0 time=100 size=175
ProcStatus dt=1 p=0 pstatus=1
GoStatus dt=1 g=1 m=0 gstatus=2
UserTaskBegin dt=1 task=5 parent_task=5 name_string=6 stack=0
UserTaskBegin dt=1 task=8 parent_task=5 name_string=6 stack=0
UserLog dt=1 task=9 key_string=7 value_string=7 stack=0
UserTaskEnd dt=1 task=11 stack=0
UserRegionEnd dt=1 task=0 name_string=5 stack=0
UserRegionEnd dt=2 task=1 name_string=5 stack=0
UserRegionBegin dt=1 task=0 name_string=5 stack=0
UserRegionEnd dt=0 task=0 name_string=5 stack=0
UserRegionEnd dt=1 task=3 name_string=5 stack=0
UserRegionEnd dt=2 task=4 name_string=5 stack=0
UserRegionEnd dt=3 task=5 name_string=5 stack=0
UserRegionEnd dt=1 task=6 name_string=5 stack=0
UserRegionBegin dt=1 task=0 name_string=5 stack=0
UserRegionEnd dt=0 task=0 name_string=5 stack=0
UserRegionEnd dt=3 task=8 name_string=5 stack=0
UserRegionEnd dt=1 task=9 name_string=5 stack=0
UserRegionEnd dt=2 task=10 name_string=5 stack=0
UserRegionEnd dt=3 task=11 name_string=5 stack=0
UserRegionBegin dt=1 task=0 name_string=5 stack=0
UserRegionEnd dt=0 task=0 name_string=5 stack=0
UserRegionEnd dt=2 task=13 name_string=5 stack=0
UserRegionEnd dt=3 task=14 name_string=5 stack=0
UserRegionEnd dt=1 task=15 name_string=5 stack=0
UserRegionEnd dt=2 task=16 name_string=5 stack=0
UserRegionBegin dt=1 task=0 name_string=5 stack=0
UserRegionEnd dt=0 task=0 name_string=5 stack=0
UserRegionEnd dt=1 task=18 name_string=5 stack=0
UserRegionEnd dt=2 task=19 name_string=5 stack=0
GoCreate dt=1 new_g=3 new_stack=1 stack=1
UserRegionBegin dt=1 task=8 name_string=5 stack=0
GoCreate dt=1 new_g=4 new_stack=2 stack=1
GoCreate dt=1 new_g=5 new_stack=1 stack=1
GoStop dt=1 reason_string=7 stack=1
EventBatch gen=1 m=3 time=100 size=26
ProcStatus dt=1 p=3 pstatus=1
GoStart dt=40 g=3 g_seq=1
GoDestroy dt=0
GoStart dt=1 g=4 g_seq=1
GoBlock dt=3 reason_string=10 stack=2
GoStart dt=1 g=5 g_seq=1
GoBlock dt=3 reason_string=10 stack=1
EventBatch gen=1 m=18446744073709551615 time=0 size=6
Frequency freq=1000000000
EventBatch gen=1 m=18446744073709551615 time=0 size=17
Stacks
Stack id=1 nframes=1
	pc=4096 func=2 file=3 line=10
Stack id=2 nframes=1
	pc=8192 func=4 file=3 line=10
EventBatch gen=1 m=18446744073709551615 time=0 size=74
Strings
String id=2
	data="main.main"
String id=3
	data="main.go"
String id=4
	data="runtime.gcBgMarkWorker"
String id=5
	data="reg"
String id=6
	data="job"
String id=7
	data="x"
String id=10
	data="forever"
"#,
        trace_hex: "676f20312e323220747261636500000001010064af010d01000119010100022801050506002801080506002c010907070029010b002b010005002b020105002a010005002b000005002b010305002b020405002b030505002b010605002a010005002b000005002b030805002b010905002b020a05002b030b05002a010005002b000005002b020d05002b030e05002b010f05002b021005002a010005002b000005002b011205002b021305000e010301012a010805000e010402010e0105010113010701010103641a0d0103011028030111001001040114030a021001050114030a010101ffffffffffffffffff010006088094ebdc030101ffffffffffffffffff01001102030101802002030a030201804004030a0101ffffffffffffffffff01004a040502096d61696e2e6d61696e0503076d61696e2e676f05041672756e74696d652e676342674d61726b576f726b65720505037265670506036a6f6205070178050a07666f7265766572",
        oracle: r#"{"parse":{"strict_ok":true,"events_read":44,"events_kept":44,"reference_accepts":true,"bytes_valid":367},"header":{"format":"v2","version":"go 1.22 trace"},"counts":{"summary_goroutines":4,"tasks":16,"regions":22},"goroutines":[{"id":1,"name":"main.main","pc":4096,"creation_time":1,"start_time":103,"end_time":0,"exec_ns":147,"sched_wait_ns":4,"block_ns_by_reason":{},"syscall_ns":0,"syscall_block_ns":0,"total_ns":151,"unknown_ns":0,"regions":21,"system":false},
{"id":3,"name":"main.main","pc":4096,"creation_time":141,"start_time":142,"end_time":143,"exec_ns":1,"sched_wait_ns":1,"block_ns_by_reason":{},"syscall_ns":0,"syscall_block_ns":0,"total_ns":2,"unknown_ns":0,"regions":0,"system":false},
{"id":4,"name":"runtime.gcBgMarkWorker","pc":8192,"creation_time":145,"start_time":146,"end_time":149,"exec_ns":3,"sched_wait_ns":1,"block_ns_by_reason":{},"syscall_ns":0,"syscall_block_ns":0,"total_ns":4,"unknown_ns":0,"regions":0,"system":true},
{"id":5,"name":"main.main","pc":4096,"creation_time":147,"start_time":150,"end_time":151,"exec_ns":1,"sched_wait_ns":3,"block_ns_by_reason":{},"syscall_ns":0,"syscall_block_ns":0,"total_ns":4,"unknown_ns":0,"regions":1,"system":false}],"tasks":[{"id":0,"type":"","parent":null,"children":[],"complete":false,"start":null,"end":null,"goroutines":[1],"logs":[],"regions":5},
{"id":1,"type":"","parent":null,"children":[],"complete":false,"start":null,"end":null,"goroutines":[1],"logs":[],"regions":1},
{"id":3,"type":"","parent":null,"children":[],"complete":false,"start":null,"end":null,"goroutines":[1],"logs":[],"regions":1},
{"id":4,"type":"","parent":null,"children":[],"complete":false,"start":null,"end":null,"goroutines":[1],"logs":[],"regions":1},
{"id":5,"type":"job","parent":5,"children":[5,8],"complete":false,"start":104,"end":null,"goroutines":[1],"logs":[],"regions":1},
{"id":6,"type":"","parent":null,"children":[],"complete":false,"start":null,"end":null,"goroutines":[1],"logs":[],"regions":1},
{"id":8,"type":"job","parent":5,"children":[],"complete":false,"start":105,"end":null,"goroutines":[1],"logs":[],"regions":2},
{"id":9,"type":"","parent":null,"children":[],"complete":false,"start":null,"end":null,"goroutines":[1],"logs":[{"time":106,"goroutine":1,"category":"x","message":"x"}],"regions":1},
{"id":10,"type":"","parent":null,"children":[],"complete":false,"start":null,"end":null,"goroutines":[1],"logs":[],"regions":1},
{"id":11,"type":"","parent":null,"children":[],"complete":false,"start":null,"end":107,"goroutines":[1],"logs":[],"regions":1},
{"id":13,"type":"","parent":null,"children":[],"complete":false,"start":null,"end":null,"goroutines":[1],"logs":[],"regions":1},
{"id":14,"type":"","parent":null,"children":[],"complete":false,"start":null,"end":null,"goroutines":[1],"logs":[],"regions":1},
{"id":15,"type":"","parent":null,"children":[],"complete":false,"start":null,"end":null,"goroutines":[1],"logs":[],"regions":1},
{"id":16,"type":"","parent":null,"children":[],"complete":false,"start":null,"end":null,"goroutines":[1],"logs":[],"regions":1},
{"id":18,"type":"","parent":null,"children":[],"complete":false,"start":null,"end":null,"goroutines":[1],"logs":[],"regions":1},
{"id":19,"type":"","parent":null,"children":[],"complete":false,"start":null,"end":null,"goroutines":[1],"logs":[],"regions":1}],"regions":[{"goroutine":1,"task":10,"type":"reg","start":null,"end":124,"start_kind":"","end_kind":"RegionEnd","non_overlapping_ns":{"Block time (syscall)":0,"Execution time":123,"Sched wait time":0,"Syscall execution time":0,"Unknown time":0},"total_ns":123},
{"goroutine":1,"task":11,"type":"reg","start":null,"end":127,"start_kind":"","end_kind":"RegionEnd","non_overlapping_ns":{"Block time (syscall)":0,"Execution time":126,"Sched wait time":0,"Syscall execution time":0,"Unknown time":0},"total_ns":126},
{"goroutine":1,"task":19,"type":"reg","start":null,"end":140,"start_kind":"","end_kind":"RegionEnd","non_overlapping_ns":{"Block time (syscall)":0,"Execution time":139,"Sched wait time":0,"Syscall execution time":0,"Unknown time":0},"total_ns":139},
{"goroutine":1,"task":3,"type":"reg","start":null,"end":112,"start_kind":"","end_kind":"RegionEnd","non_overlapping_ns":{"Block time (syscall)":0,"Execution time":111,"Sched wait time":0,"Syscall execution time":0,"Unknown time":0},"total_ns":111},
{"goroutine":1,"task":4,"type":"reg","start":null,"end":113,"start_kind":"","end_kind":"RegionEnd","non_overlapping_ns":{"Block time (syscall)":0,"Execution time":112,"Sched wait time":0,"Syscall execution time":0,"Unknown time":0},"total_ns":112},
{"goroutine":1,"task":5,"type":"reg","start":null,"end":116,"start_kind":"","end_kind":"RegionEnd","non_overlapping_ns":{"Block time (syscall)":0,"Execution time":115,"Sched wait time":0,"Syscall execution time":0,"Unknown time":0},"total_ns":115},
{"goroutine":1,"task":6,"type":"reg","start":null,"end":117,"start_kind":"","end_kind":"RegionEnd","non_overlapping_ns":{"Block time (syscall)":0,"Execution time":116,"Sched wait time":0,"Syscall execution time":0,"Unknown time":0},"total_ns":116},
{"goroutine":1,"task":18,"type":"reg","start":null,"end":139,"start_kind":"","end_kind":"RegionEnd","non_overlapping_ns":{"Block time (syscall)":0,"Execution time":138,"Sched wait time":0,"Syscall execution time":0,"Unknown time":0},"total_ns":138},
{"goroutine":1,"task":8,"type":"reg","start":null,"end":121,"start_kind":"","end_kind":"RegionEnd","non_overlapping_ns":{"Block time (syscall)":0,"Execution time":120,"Sched wait time":0,"Syscall execution time":0,"Unknown time":0},"total_ns":120},
{"goroutine":1,"task":9,"type":"reg","start":null,"end":122,"start_kind":"","end_kind":"RegionEnd","non_overlapping_ns":{"Block time (syscall)":0,"Execution time":121,"Sched wait time":0,"Syscall execution time":0,"Unknown time":0},"total_ns":121},
{"goroutine":1,"task":1,"type":"reg","start":null,"end":109,"start_kind":"","end_kind":"RegionEnd","non_overlapping_ns":{"Block time (syscall)":0,"Execution time":108,"Sched wait time":0,"Syscall execution time":0,"Unknown time":0},"total_ns":108},
{"goroutine":1,"task":16,"type":"reg","start":null,"end":136,"start_kind":"","end_kind":"RegionEnd","non_overlapping_ns":{"Block time (syscall)":0,"Execution time":135,"Sched wait time":0,"Syscall execution time":0,"Unknown time":0},"total_ns":135},
{"goroutine":1,"task":0,"type":"reg","start":null,"end":108,"start_kind":"","end_kind":"RegionEnd","non_overlapping_ns":{"Block time (syscall)":0,"Execution time":107,"Sched wait time":0,"Syscall execution time":0,"Unknown time":0},"total_ns":107},
{"goroutine":1,"task":13,"type":"reg","start":null,"end":130,"start_kind":"","end_kind":"RegionEnd","non_overlapping_ns":{"Block time (syscall)":0,"Execution time":129,"Sched wait time":0,"Syscall execution time":0,"Unknown time":0},"total_ns":129},
{"goroutine":1,"task":14,"type":"reg","start":null,"end":133,"start_kind":"","end_kind":"RegionEnd","non_overlapping_ns":{"Block time (syscall)":0,"Execution time":132,"Sched wait time":0,"Syscall execution time":0,"Unknown time":0},"total_ns":132},
{"goroutine":1,"task":15,"type":"reg","start":null,"end":134,"start_kind":"","end_kind":"RegionEnd","non_overlapping_ns":{"Block time (syscall)":0,"Execution time":133,"Sched wait time":0,"Syscall execution time":0,"Unknown time":0},"total_ns":133},
{"goroutine":1,"task":0,"type":"reg","start":110,"end":111,"start_kind":"RegionBegin","end_kind":"RegionEnd","non_overlapping_ns":{"Block time (syscall)":0,"Execution time":1,"Sched wait time":0,"Syscall execution time":0,"Unknown time":0},"total_ns":1},
{"goroutine":1,"task":0,"type":"reg","start":118,"end":119,"start_kind":"RegionBegin","end_kind":"RegionEnd","non_overlapping_ns":{"Block time (syscall)":0,"Execution time":1,"Sched wait time":0,"Syscall execution time":0,"Unknown time":0},"total_ns":1},
{"goroutine":1,"task":0,"type":"reg","start":128,"end":129,"start_kind":"RegionBegin","end_kind":"RegionEnd","non_overlapping_ns":{"Block time (syscall)":0,"Execution time":1,"Sched wait time":0,"Syscall execution time":0,"Unknown time":0},"total_ns":1},
{"goroutine":1,"task":0,"type":"reg","start":137,"end":138,"start_kind":"RegionBegin","end_kind":"RegionEnd","non_overlapping_ns":{"Block time (syscall)":0,"Execution time":1,"Sched wait time":0,"Syscall execution time":0,"Unknown time":0},"total_ns":1},
{"goroutine":1,"task":8,"type":"reg","start":144,"end":null,"start_kind":"RegionBegin","end_kind":"","non_overlapping_ns":{"Block time (syscall)":0,"Execution time":4,"Sched wait time":4,"Syscall execution time":0,"Unknown time":0},"total_ns":8},
{"goroutine":5,"task":8,"type":"","start":147,"end":151,"start_kind":"StateTransition","end_kind":"StateTransition","non_overlapping_ns":{"Block time (syscall)":0,"Execution time":1,"Sched wait time":3,"Syscall execution time":0,"Unknown time":0},"total_ns":4}]}"#,
    },
    // Syscall bookkeeping across P reuse: g1's P is stolen, g3 takes the P and enters a syscall,
    // g1 returns and Go deletes the P binding by P id, i.e. g3's; g3's P is then stolen unseen,
    // so its whole syscall counts as syscall time. A P-scoped sweep that ends on another
    // goroutine (not attributed) and one left open at the end (pending range time).
    Scenario {
        name: "syscall-p-reuse-and-sweeps",
        source: r#"Trace Go1.22
EventBatch gen=1 m=0 time=100 size=15
ProcStatus dt=1 p=0 pstatus=1
GoStatus dt=1 g=1 m=0 gstatus=2
GoSyscallBegin dt=8 p_seq=1 stack=1
GoSyscallEndBlocked dt=40
EventBatch gen=1 m=1 time=100 size=55
ProcStatus dt=1 p=1 pstatus=1
GoStatus dt=1 g=2 m=1 gstatus=2
GoStatus dt=1 g=6 m=18446744073709551615 gstatus=1
ProcSteal dt=17 p=0 p_seq=2 m=0
ProcSteal dt=40 p=0 p_seq=5 m=2
GCSweepBegin dt=2 stack=0
GoStop dt=2 reason_string=5 stack=0
GoStart dt=1 g=6 g_seq=1
GCSweepEnd dt=3 swept_value=1 reclaimed_value=1
GCSweepBegin dt=2 stack=0
GCSweepEnd dt=5 swept_value=1 reclaimed_value=1
EventBatch gen=1 m=2 time=100 size=28
GoStatus dt=1 g=3 m=18446744073709551615 gstatus=1
ProcStart dt=29 p=0 p_seq=3
GoStart dt=1 g=3 g_seq=1
GoSyscallBegin dt=9 p_seq=4 stack=2
GoSyscallEndBlocked dt=30
EventBatch gen=1 m=18446744073709551615 time=0 size=6
Frequency freq=1000000000
EventBatch gen=1 m=18446744073709551615 time=0 size=17
Stacks
Stack id=1 nframes=1
	pc=4096 func=2 file=3 line=10
Stack id=2 nframes=1
	pc=4300 func=4 file=3 line=30
EventBatch gen=1 m=18446744073709551615 time=0 size=49
Strings
String id=2
	data="main.main"
String id=3
	data="main.go"
String id=5
	data="preempted"
String id=4
	data="main.worker"
"#,
        trace_hex: "676f20312e3232207472616365000000010100640f0d010001190101000216080101182801010164370d0101011901020102190106ffffffffffffffffff01010c110002000c2800050220020013020500100106012103010120020021050101010102641c190103ffffffffffffffffff01010a1d00031001030116090402181e0101ffffffffffffffffff010006088094ebdc030101ffffffffffffffffff01001102030101802002030a030201cc2104031e0101ffffffffffffffffff010031040502096d61696e2e6d61696e0503076d61696e2e676f050509707265656d7074656405040b6d61696e2e776f726b6572",
        oracle: r#"{"parse":{"strict_ok":true,"events_read":22,"events_kept":22,"reference_accepts":true,"bytes_valid":243},"header":{"format":"v2","version":"go 1.22 trace"},"counts":{"summary_goroutines":4,"tasks":0,"regions":0},"goroutines":[{"id":1,"name":"main.main","pc":4096,"creation_time":1,"start_time":104,"end_time":0,"exec_ns":109,"sched_wait_ns":26,"block_ns_by_reason":{},"syscall_ns":10,"syscall_block_ns":30,"total_ns":175,"unknown_ns":0,"regions":0,"system":false},
{"id":2,"name":"","pc":0,"creation_time":1,"start_time":105,"end_time":0,"exec_ns":163,"sched_wait_ns":12,"block_ns_by_reason":{},"syscall_ns":0,"syscall_block_ns":0,"total_ns":175,"unknown_ns":0,"range_ns":{"GC incremental sweep":14},"regions":0,"system":true},
{"id":3,"name":"main.worker","pc":4300,"creation_time":1,"start_time":131,"end_time":0,"exec_ns":9,"sched_wait_ns":135,"block_ns_by_reason":{},"syscall_ns":31,"syscall_block_ns":0,"total_ns":175,"unknown_ns":0,"regions":0,"system":false},
{"id":6,"name":"","pc":0,"creation_time":1,"start_time":165,"end_time":0,"exec_ns":11,"sched_wait_ns":164,"block_ns_by_reason":{},"syscall_ns":0,"syscall_block_ns":0,"total_ns":175,"unknown_ns":0,"range_ns":{"GC incremental sweep":5},"regions":0,"system":true}],"tasks":[],"regions":[]}"#,
    },
];
