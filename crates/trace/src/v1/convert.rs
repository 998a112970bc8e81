//! Conversion of a parsed v1 trace to the event model of Go 1.22+ (Go's `tracev1.go`,
//! `traceV1Converter`): one event at a time, the whole trace being one generation with one
//! table.
//!
//! Most events map one to one, with arguments reordered. Block reasons and stop-the-world
//! kinds become strings. An instantaneous GoSysCall becomes a 1 ns GoSyscallBegin+End pair,
//! unless the goroutine's next event is a GoSysBlock (then GoSyscallBegin only, ended by the
//! GoSysExit). Goroutines that existed when tracing started get GoStatus events.

use std::collections::VecDeque;
use std::rc::Rc;

use rustc_hash::{FxHashMap, FxHashSet};

use super::idmap::{p_key, IdMap};
use super::parser::{Trace, V1Event};
use super::post::{Finish, PostInfo};
use super::spec as v1;
use super::stream::{Cursor, Stream};
use crate::error::Error;
use crate::event::{BaseEvent, Event, SchedCtx};
use crate::resources::{GoId, ProcId, StringId, ThreadId};
use crate::spec::{self, go_status, proc_status, EventType};
use crate::table::{EvTable, FrameRef};

// Strings the converter emits: block reasons, then stop-the-world kinds.
const S_FOREVER: usize = 0;
const S_PREEMPTED: usize = 1;
const S_GOSCHED: usize = 2;
const S_SLEEP: usize = 3;
const S_CHAN_SEND: usize = 4;
const S_CHAN_RECV: usize = 5;
const S_NETWORK: usize = 6;
const S_SYNC: usize = 7;
const S_SYNC_COND: usize = 8;
const S_SELECT: usize = 9;
const S_EMPTY: usize = 10;
const S_MARK_ASSIST_WAIT: usize = 11;
const S_STW_UNKNOWN: usize = 12;

/// The converter's own strings, in Go's order (`sForever` .. `sSTWResetDebugLog`).
const BUILTINS: [&str; 29] = [
    "forever",
    "preempted",
    "runtime.Gosched",
    "sleep",
    "chan send",
    "chan receive",
    "network",
    "sync",
    "sync.(*Cond).Wait",
    "select",
    "",
    "GC mark assist wait for work",
    "",
    "GC mark termination",
    "GC sweep termination",
    "write heap dump",
    "goroutine profile",
    "goroutine profile cleanup",
    "all goroutine stack trace",
    "read mem stats",
    "AllThreadsSyscall",
    "GOMAXPROCS",
    "start trace",
    "stop trace",
    "CountPagesInUse (test)",
    "ReadMetricsSlow (test)",
    "ReadMemStatsSlow (test)",
    "PageCachePagesLeaked (test)",
    "ResetDebugLog (test)",
];

pub(crate) struct Converter {
    version: u32,
    pub(crate) evt: Rc<EvTable>,
    /// Until the first Gomaxprocs: the goroutines that existed when tracing started.
    pre_init: bool,
    /// The first Gomaxprocs (time and value), which Go's conversion drops.
    pub(crate) initial_gomaxprocs: Option<(i64, u64)>,
    created_pre_init: PreInitSet,
    stream: Stream,
    cursor: Cursor,
    finish: Finish,
    info: PostInfo,
    /// Index in the stream of the next event, and of the next netpoll unblock and blocking
    /// syscall in `info`.
    index: u64,
    netpoll: usize,
    blocked: usize,
    /// The time of the first event, if any.
    first_ts: Option<i64>,
    extra: VecDeque<Event>,
    /// Open tasks: name and parent.
    tasks: FxHashMap<u64, (Rc<str>, u64)>,
    seen_procs: IdMap<()>,
    pub(crate) last_ts: i64,
    /// The thread of each running P.
    proc_ms: IdMap<i64>,
    last_stw_reason: u64,
    unconvertible_off: u64,
    inline_to_string_id: Vec<u64>,
    builtin_to_string_id: [u64; BUILTINS.len()],
}

/// The goroutines created before the first Gomaxprocs, in the order Go's map most often gives
/// them. Go iterates its `map[GoID]struct{}` in random order: while the map is small (one group
/// of 8 slots) the order is the order of its slots, rotated by a random offset; a key goes to the
/// first free slot and a deleted key frees its slot. The unrotated slot order is the most
/// frequent one, so that is the order here. A map that outgrew one group has no usual order:
/// then the ids come in ascending order.
#[derive(Default)]
struct PreInitSet {
    slots: [Option<u64>; 8],
    big: Option<FxHashSet<u64>>,
}

impl PreInitSet {
    fn insert(&mut self, g: u64) {
        if let Some(big) = &mut self.big {
            big.insert(g);
            return;
        }
        if self.slots.contains(&Some(g)) {
            return;
        }
        if let Some(free) = self.slots.iter_mut().find(|s| s.is_none()) {
            *free = Some(g);
            return;
        }
        let mut big: FxHashSet<u64> = self.slots.iter().flatten().copied().collect();
        big.insert(g);
        self.big = Some(big);
    }

    fn remove(&mut self, g: u64) {
        match &mut self.big {
            Some(big) => {
                big.remove(&g);
            }
            None => {
                if let Some(s) = self.slots.iter_mut().find(|s| **s == Some(g)) {
                    *s = None;
                }
            }
        }
    }

    fn into_ordered(self) -> Vec<u64> {
        match self.big {
            Some(big) => {
                let mut v: Vec<u64> = big.into_iter().collect();
                v.sort_unstable();
                v
            }
            None => self.slots.iter().flatten().copied().collect(),
        }
    }
}

fn too_many_strings(data_len: usize) -> Error {
    Error::Format { offset: data_len as u64, msg: "trace contains too many strings".into() }
}

impl Converter {
    /// Builds the table of the trace (Go's `traceV1Converter.init`).
    pub(crate) fn new(trace: Trace<'_>, data_len: usize) -> Result<Converter, Error> {
        let Trace { version, stream, finish, info, mut stacks, pcs, strings, inline_strings, unconvertible_off } = trace;
        let mut evt = EvTable::default();

        let mut max: u64 = 0;
        for (&id, s) in &strings {
            let _ = evt.strings.insert(id, String::from_utf8_lossy(s).into());
            max = max.max(id);
        }
        drop(strings);

        // UserLog values were inline, without ids: they get ids after the others.
        if max.checked_add(inline_strings.len() as u64).is_none() {
            return Err(too_many_strings(data_len));
        }
        let mut add_err: Option<String> = None;
        let mut add = |evt: &mut EvTable, id: u64, s: Box<str>| {
            if let Err((new, existing)) = evt.strings.insert(id, s) {
                if add_err.is_none() {
                    add_err = Some(format!(
                        "couldn't add strings: multiple strings with the same ID: id={id}, new={new}, existing={}",
                        existing.map(|e| &**e).unwrap_or("")
                    ));
                }
            }
        };
        let mut inline_to_string_id = Vec::with_capacity(inline_strings.len());
        for (i, s) in inline_strings.iter().enumerate() {
            let nid = max + 1 + i as u64;
            inline_to_string_id.push(nid);
            add(&mut evt, nid, String::from_utf8_lossy(s).into());
        }
        max += inline_strings.len() as u64;

        if max.checked_add(BUILTINS.len() as u64).is_none() {
            return Err(too_many_strings(data_len));
        }
        let mut builtin_to_string_id = [0u64; BUILTINS.len()];
        for (c, s) in BUILTINS.iter().enumerate() {
            let nid = max + 1 + c as u64;
            builtin_to_string_id[c] = nid;
            add(&mut evt, nid, (*s).into());
        }
        if let Some(msg) = add_err {
            return Err(Error::Format { offset: data_len as u64, msg });
        }
        evt.strings.compactify();

        for (id, stk) in stacks.drain() {
            let _ = evt.stacks.insert(id, stk);
        }
        evt.pcs.reserve(pcs.len());
        for (pc, f) in pcs {
            evt.pcs.insert(pc, FrameRef { pc, func_id: StringId(f.func), file_id: StringId(f.file), line: f.line });
        }
        evt.stacks.compactify();

        Ok(Converter {
            version,
            evt: Rc::new(evt),
            pre_init: true,
            initial_gomaxprocs: None,
            created_pre_init: PreInitSet::default(),
            cursor: stream.cursor(),
            first_ts: stream.iter().next().map(|mut e| {
                finish.apply(&mut e);
                e.ts
            }),
            stream,
            finish,
            info,
            index: 0,
            netpoll: 0,
            blocked: 0,
            extra: VecDeque::new(),
            tasks: FxHashMap::default(),
            seen_procs: IdMap::default(),
            last_ts: -1,
            proc_ms: IdMap::default(),
            last_stw_reason: 0,
            unconvertible_off,
            inline_to_string_id,
            builtin_to_string_id,
        })
    }

    /// The time of the first event, if there are events.
    pub(crate) fn first_ts(&self) -> Option<i64> {
        self.first_ts
    }

    /// The next event of the stream, as Go's parser leaves it: times in nanoseconds, fake Ps,
    /// stacks that exist.
    #[inline(always)]
    fn next_v1(&mut self) -> Option<V1Event> {
        let mut ev = V1Event::default();
        if !self.cursor.next_into(&self.stream, &mut ev) {
            return None;
        }
        // The conversion reads the stream last: what it has read can go.
        self.stream.let_go_before(&self.cursor);
        self.finish.apply(&mut ev);
        match ev.typ {
            v1::EV_GC_START => ev.p = v1::GC_P,
            v1::EV_GO_UNBLOCK if self.info.netpoll.get(self.netpoll) == Some(&self.index) => {
                ev.p = v1::NETPOLL_P;
                self.netpoll += 1;
            }
            _ => {}
        }
        if ev.stk != 0 && !self.evt.stacks.contains(ev.stk as u64) {
            ev.stk = 0;
        }
        self.index += 1;
        Some(ev)
    }

    /// Puts the next event in `slot`; `false` at the end (Go's `traceV1Converter.next`).
    /// Times strictly increase: an event at or before the last one is moved 1 ns after it.
    ///
    /// An event of this trace's table in `slot` (the last one, done with) is written over in
    /// place: no event moves through the layers of the reader, nor its table's count.
    #[inline]
    pub(crate) fn next_into(&mut self, slot: &mut Option<Event>) -> Result<bool, Error> {
        loop {
            if let Some(mut ev) = self.extra.pop_front() {
                ev.base.time = self.later(ev.base.time);
                *slot = Some(ev);
                return Ok(true);
            }
            let Some(oev) = self.next_v1() else {
                *slot = None;
                return Ok(false);
            };
            if !slot.as_ref().is_some_and(|ev| ev.table.as_ref().is_some_and(|t| Rc::ptr_eq(t, &self.evt))) {
                *slot = Some(Event::new(&self.evt, SchedCtx::NONE, BaseEvent { typ: spec::EV_NONE, time: 0, args: [0; 4] }));
            }
            let out = slot.as_mut().expect("an event to write over");
            if self.convert_event(&oev, out)? {
                out.base.time = self.later(out.base.time);
                return Ok(true);
            }
        }
    }

    /// `time`, or 1 ns after the last event's if not after it; becomes the last time.
    #[inline(always)]
    fn later(&mut self, time: i64) -> i64 {
        let time = if time <= self.last_ts { self.last_ts.wrapping_add(1) } else { time };
        self.last_ts = time;
        time
    }

    #[inline]
    fn event(&self, ctx: SchedCtx, typ: EventType, time: i64, args: [u64; 4]) -> Event {
        Event::new(&self.evt, ctx, BaseEvent { typ, time, args })
    }

    /// The thread running P `p`, 0 if none (Go's `it.procMs[p]` on a missing key).
    fn proc_m(&self, p: i32) -> i64 {
        self.proc_ms.get_or_default(p_key(p))
    }

    fn reason(&self, s: usize, stk: u32) -> [u64; 4] {
        [self.builtin_to_string_id[s], stk as u64, 0, 0]
    }

    /// Converts one event: `None` when it gives no event (yet); further events go to `extra`
    /// (Go's `convertEvent`).
    #[inline]
    fn convert_event(&mut self, ev: &V1Event, out: &mut Event) -> Result<bool, Error> {
        let mut args = ev.args;
        let p64 = ev.p as i64 as u64;
        let stk = ev.stk as u64;
        let mapped: EventType = match ev.typ {
            v1::EV_GOMAXPROCS => {
                if self.pre_init {
                    // The first Gomaxprocs ends the trace's initialization: every goroutine
                    // that existed when tracing started has been seen. Those with neither
                    // GoWaiting, GoInSyscall nor GoStart were idle or runnable.
                    self.pre_init = false;
                    self.initial_gomaxprocs = Some((ev.ts, ev.args[0]));
                    for gid in std::mem::take(&mut self.created_pre_init).into_ordered() {
                        let e = self.event(SchedCtx::NONE, spec::EV_GO_STATUS, ev.ts, [gid, u64::MAX, go_status::RUNNABLE, 0]);
                        self.extra.push_back(e);
                    }
                    return Ok(false);
                }
                spec::EV_PROCS_CHANGE
            }
            v1::EV_PROC_START => {
                self.proc_ms.insert(p_key(ev.p), ev.args[0] as i64);
                if self.seen_procs.contains(p_key(ev.p)) {
                    args = [p64, 0, 0, 0];
                    spec::EV_PROC_START
                } else {
                    self.seen_procs.insert(p_key(ev.p), ());
                    args = [p64, proc_status::RUNNING, 0, 0];
                    spec::EV_PROC_STATUS
                }
            }
            v1::EV_PROC_STOP => {
                if self.seen_procs.contains(p_key(ev.p)) {
                    args = [p64, 0, 0, 0];
                    spec::EV_PROC_STOP
                } else {
                    self.seen_procs.insert(p_key(ev.p), ());
                    args = [p64, proc_status::IDLE, 0, 0];
                    spec::EV_PROC_STATUS
                }
            }
            v1::EV_GC_START => spec::EV_GC_BEGIN,
            v1::EV_GC_DONE => spec::EV_GC_END,
            v1::EV_STW_START => {
                let sid = self.builtin_to_string_id[S_STW_UNKNOWN + v1::stw_reason(self.version, ev.args[0]) as usize];
                self.last_stw_reason = sid;
                args = [sid, 0, 0, 0];
                spec::EV_STW_BEGIN
            }
            v1::EV_STW_DONE => {
                args = [self.last_stw_reason, 0, 0, 0];
                spec::EV_STW_END
            }
            v1::EV_GC_SWEEP_START => spec::EV_GC_SWEEP_BEGIN,
            v1::EV_GC_SWEEP_DONE => spec::EV_GC_SWEEP_END,
            v1::EV_GO_CREATE => {
                if self.pre_init {
                    self.created_pre_init.insert(ev.args[0]);
                    return Ok(false);
                }
                spec::EV_GO_CREATE
            }
            v1::EV_GO_START => {
                if self.pre_init {
                    args = [ev.args[0], u64::MAX, go_status::RUNNING, 0];
                    self.created_pre_init.remove(ev.args[0]);
                    spec::EV_GO_STATUS
                } else {
                    spec::EV_GO_START
                }
            }
            v1::EV_GO_START_LABEL => {
                let ctx = SchedCtx { g: GoId(ev.g as i64), p: ProcId(ev.p as i64), m: ThreadId(self.proc_m(ev.p)) };
                let label = self.event(ctx, spec::EV_GO_LABEL, ev.ts, [ev.args[2], 0, 0, 0]);
                self.extra.clear();
                self.extra.push_back(label);
                put(out, ctx, spec::EV_GO_START, ev.ts, args);
                return Ok(true);
            }
            v1::EV_GO_END => spec::EV_GO_DESTROY,
            v1::EV_GO_STOP => {
                args = self.reason(S_FOREVER, ev.stk);
                spec::EV_GO_BLOCK
            }
            v1::EV_GO_SCHED => {
                args = self.reason(S_GOSCHED, ev.stk);
                spec::EV_GO_STOP
            }
            v1::EV_GO_PREEMPT => {
                args = self.reason(S_PREEMPTED, ev.stk);
                spec::EV_GO_STOP
            }
            v1::EV_GO_SLEEP => {
                args = self.reason(S_SLEEP, ev.stk);
                spec::EV_GO_BLOCK
            }
            v1::EV_GO_BLOCK => {
                args = self.reason(S_EMPTY, ev.stk);
                spec::EV_GO_BLOCK
            }
            v1::EV_GO_UNBLOCK => spec::EV_GO_UNBLOCK,
            v1::EV_GO_BLOCK_SEND => {
                args = self.reason(S_CHAN_SEND, ev.stk);
                spec::EV_GO_BLOCK
            }
            v1::EV_GO_BLOCK_RECV => {
                args = self.reason(S_CHAN_RECV, ev.stk);
                spec::EV_GO_BLOCK
            }
            v1::EV_GO_BLOCK_SELECT => {
                args = self.reason(S_SELECT, ev.stk);
                spec::EV_GO_BLOCK
            }
            v1::EV_GO_BLOCK_SYNC => {
                args = self.reason(S_SYNC, ev.stk);
                spec::EV_GO_BLOCK
            }
            v1::EV_GO_BLOCK_COND => {
                args = self.reason(S_SYNC_COND, ev.stk);
                spec::EV_GO_BLOCK
            }
            v1::EV_GO_BLOCK_NET => {
                args = self.reason(S_NETWORK, ev.stk);
                spec::EV_GO_BLOCK
            }
            v1::EV_GO_BLOCK_GC => {
                args = self.reason(S_MARK_ASSIST_WAIT, ev.stk);
                spec::EV_GO_BLOCK
            }
            v1::EV_GO_SYS_CALL => {
                // The goroutine's next event tells whether the syscall blocked: a GoSysBlock,
                // or anything else (or nothing) if it did not.
                let blocked = self.info.blocked.get(self.blocked) == Some(&(self.index - 1));
                if blocked {
                    self.blocked += 1;
                    args = [0, stk, 0, 0];
                    spec::EV_GO_SYSCALL_BEGIN
                } else {
                    // An instantaneous syscall: begin and end, 1 ns apart.
                    let ctx = SchedCtx { g: GoId(ev.g as i64), p: ProcId(ev.p as i64), m: ThreadId(self.proc_m(ev.p)) };
                    let end = self.event(ctx, spec::EV_GO_SYSCALL_END, ev.ts.wrapping_add(1), [0; 4]);
                    self.extra.push_back(end);
                    put(out, ctx, spec::EV_GO_SYSCALL_BEGIN, ev.ts, [0, stk, 0, 0]);
                    return Ok(true);
                }
            }
            v1::EV_GO_SYS_EXIT => spec::EV_GO_SYSCALL_END_BLOCKED,
            v1::EV_GO_SYS_BLOCK => return Ok(false),
            v1::EV_GO_WAITING => {
                args = [ev.args[0], u64::MAX, go_status::WAITING, 0];
                self.created_pre_init.remove(ev.args[0]);
                spec::EV_GO_STATUS
            }
            v1::EV_GO_IN_SYSCALL => {
                // A v1 trace does not say which thread the syscall is on.
                args = [ev.args[0], u64::MAX, go_status::SYSCALL, 0];
                self.created_pre_init.remove(ev.args[0]);
                spec::EV_GO_STATUS
            }
            v1::EV_HEAP_ALLOC => spec::EV_HEAP_ALLOC,
            v1::EV_HEAP_GOAL => spec::EV_HEAP_GOAL,
            v1::EV_GC_MARK_ASSIST_START => spec::EV_GC_MARK_ASSIST_BEGIN,
            v1::EV_GC_MARK_ASSIST_DONE => spec::EV_GC_MARK_ASSIST_END,
            v1::EV_USER_TASK_CREATE => {
                let parent = if ev.args[1] == 0 { u64::MAX } else { ev.args[1] };
                args = [ev.args[0], parent, ev.args[2], stk];
                let name: Rc<str> = Rc::from(self.evt.strings.get(ev.args[2]).map(|s| &**s).unwrap_or(""));
                self.tasks.insert(ev.args[0], (name, ev.args[1]));
                spec::EV_USER_TASK_BEGIN
            }
            v1::EV_USER_TASK_END => {
                // Event::task reads the parent and the type from the extra arguments.
                let (name, parent) = match self.tasks.remove(&ev.args[0]) {
                    Some((name, parent)) => (name, parent),
                    None => (Rc::from(""), u64::MAX),
                };
                args = [ev.args[0], ev.args[1], parent, self.evt.add_extra_string(name)];
                spec::EV_USER_TASK_END
            }
            v1::EV_USER_REGION => {
                args = [ev.args[0], ev.args[2], stk, 0];
                match ev.args[1] {
                    0 => spec::EV_USER_REGION_BEGIN,
                    1 => spec::EV_USER_REGION_END,
                    _ => spec::EV_NONE,
                }
            }
            v1::EV_USER_LOG => {
                let value = self.inline_to_string_id.get(ev.args[3] as usize).copied().unwrap_or(0);
                args = [ev.args[0], ev.args[1], value, stk];
                spec::EV_USER_LOG
            }
            v1::EV_CPU_SAMPLE => {
                // Go 1.21 CPU samples have no M.
                args = [stk, u64::MAX, p64, ev.g];
                spec::EV_CPU_SAMPLE
            }
            t => return Err(Error::Format { offset: self.unconvertible_off, msg: format!("unexpected event type {t}") }),
        };

        if v1::desc(ev.typ).stack {
            if let Some(&i) = spec::spec(mapped).stack_ids.first() {
                args[i - 1] = stk;
            }
        }
        let mut m = ThreadId::NONE;
        if ev.p != -1 && ev.typ != v1::EV_CPU_SAMPLE {
            if let Some(&t) = self.proc_ms.get(p_key(ev.p)) {
                m = ThreadId(t);
            }
        }
        if ev.typ == v1::EV_PROC_STOP {
            self.proc_ms.remove(p_key(ev.p));
        }
        let g = if ev.g == 0 { GoId::NONE } else { GoId(ev.g as i64) };
        put(out, SchedCtx { g, p: ProcId(ev.p as i64), m }, mapped, ev.ts, args);
        Ok(true)
    }
}

/// Writes a converted event over `out`, field by field (a copy of a whole event built
/// elsewhere would read it back in wider loads than it was written with, which stalls until
/// the writes land). Its time is made strictly increasing afterwards.
#[inline(always)]
fn put(out: &mut Event, ctx: SchedCtx, typ: EventType, time: i64, args: [u64; 4]) {
    out.ctx.g = ctx.g;
    out.ctx.p = ctx.p;
    out.ctx.m = ctx.m;
    out.base.typ = typ;
    out.base.time = time;
    out.base.args[0] = args[0];
    out.base.args[1] = args[1];
    out.base.args[2] = args[2];
    out.base.args[3] = args[3];
}
