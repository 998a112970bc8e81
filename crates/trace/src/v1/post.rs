//! Step 4 of the parse: the merged stream checked as a whole (Go's `postProcessTrace`): a P
//! runs one goroutine at a time, a goroutine is blocked before it is unblocked, GC phases,
//! sweeps, tasks and regions nest. Also finds what the conversion needs to know ahead: which
//! unblocks came from the network poller and which syscalls blocked.

use rustc_hash::{FxHashMap, FxHashSet};

use super::idmap::{p_key, IdMap};
use super::parser::V1Event;
use super::spec::*;
use super::stream::Stream;

/// Step 3 of the parse: ticks to nanoseconds since the first event, and timer unblocks and
/// syscall exits moved to their fake Ps.
#[derive(Debug, Default)]
pub(crate) struct Finish {
    pub min_ts: i64,
    /// Nanoseconds per tick.
    pub freq: f64,
    pub timer_goids: FxHashSet<u64>,
}

impl Finish {
    #[inline]
    pub(crate) fn apply(&self, ev: &mut V1Event) {
        ev.ts = go_f64_to_i64(ev.ts.wrapping_sub(self.min_ts) as f64 * self.freq);
        if ev.typ == EV_GO_UNBLOCK && !self.timer_goids.is_empty() && self.timer_goids.contains(&ev.g) {
            ev.p = TIMER_P;
        }
        if ev.typ == EV_GO_SYS_EXIT {
            ev.p = SYSCALL_P;
        }
    }
}

/// Go's conversion of a float64 to int64 on amd64: out of range (or NaN) gives the minimum.
#[inline]
fn go_f64_to_i64(x: f64) -> i64 {
    // -2^63 and 2^63, exactly.
    const MIN: f64 = -9_223_372_036_854_775_808.0;
    if x.is_nan() || !(MIN..-MIN).contains(&x) {
        return i64::MIN;
    }
    x as i64
}

/// What the checks found that the conversion needs: positions in the stream.
#[derive(Debug, Default)]
pub(crate) struct PostInfo {
    /// Unblocks of goroutines blocked on the network: they move to the fake netpoll P.
    pub netpoll: Vec<u64>,
    /// Syscalls whose goroutine's next event is a GoSysBlock.
    pub blocked: Vec<u64>,
}

const G_DEAD: u8 = 0;
const G_RUNNABLE: u8 = 1;
const G_RUNNING: u8 = 2;
const G_WAITING: u8 = 3;

/// Go's `gdesc`, with only what is read later.
#[derive(Clone, Copy, Default)]
struct GDesc {
    state: u8,
    /// Type of the last event that changed the state (`g.ev`), 0 for none.
    ev_typ: u8,
    mark_assist: bool,
}

/// Go's `pdesc`.
#[derive(Clone, Copy, Default)]
struct PDesc {
    running: bool,
    g: u64,
    sweep: bool,
}

/// The state of the checks.
struct State<'s> {
    stacks: &'s IdMap<Box<[u64]>>,
    gs: IdMap<GDesc>,
    ps: IdMap<PDesc>,
    /// Open tasks: their creation event.
    tasks: FxHashMap<u64, V1Event>,
    /// Open regions of each goroutine: their start events.
    active_regions: FxHashMap<u64, Vec<V1Event>>,
    in_gc: bool,
    in_stw: bool,
    info: PostInfo,
}

fn check_running(p: &PDesc, g: &GDesc, ev: &V1Event, allow_g0: bool) -> Result<(), String> {
    let name = desc(ev.typ).name;
    if g.state != G_RUNNING {
        return Err(format!("g {} is not running while {name} (time {})", ev.g, ev.ts));
    }
    if p.g != ev.g {
        return Err(format!("p {} is not running g {} while {name} (time {})", ev.p, ev.g, ev.ts));
    }
    if !allow_g0 && ev.g == 0 {
        return Err(format!("g 0 did {name} (time {})", ev.ts));
    }
    Ok(())
}

/// Checks the stream (Go's `postProcessTrace`). An error comes with the event (as in the
/// stream, in ticks) and Go's message.
pub(crate) fn post_process(stream: &Stream, stacks: &IdMap<Box<[u64]>>, finish: &Finish) -> Result<PostInfo, (V1Event, String)> {
    let mut st = State {
        stacks,
        gs: IdMap::default(),
        ps: IdMap::default(),
        tasks: FxHashMap::default(),
        active_regions: FxHashMap::default(),
        in_gc: false,
        in_stw: false,
        info: PostInfo::default(),
    };
    st.gs.insert(0, GDesc { state: G_RUNNING, ..GDesc::default() });
    // Syscalls whose goroutine has not had another event yet, by goroutine.
    let mut pending: IdMap<u64> = IdMap::default();
    let mut n_pending = 0usize;
    let mut cursor = stream.cursor();
    let mut ev = V1Event::default();
    let mut i: u64 = 0;
    while cursor.next_into(stream, &mut ev) {
        // As in the stream, for an error message.
        let (raw_ts, raw_p, raw_stk) = (ev.ts, ev.p, ev.stk);
        finish.apply(&mut ev);
        // The converter looks ahead from a GoSysCall to its goroutine's next event.
        if n_pending > 0 {
            if let Some(s) = pending.remove(ev.g) {
                n_pending -= 1;
                if ev.typ == EV_GO_SYS_BLOCK {
                    st.info.blocked.push(s);
                }
            }
        }
        if ev.typ == EV_GO_SYS_CALL {
            pending.insert(ev.g, i);
            n_pending += 1;
        }
        if let Err(msg) = st.step(&mut ev, i) {
            return Err((V1Event { ts: raw_ts, p: raw_p, stk: raw_stk, ..ev }, msg));
        }
        i += 1;
    }
    st.info.blocked.sort_unstable();
    Ok(st.info)
}

impl State<'_> {
    #[inline]
    fn step(&mut self, ev: &mut V1Event, i: u64) -> Result<(), String> {
        let (gs, ps) = (&mut self.gs, &mut self.ps);
        let mut keep_task = false;
        let mut keep_region = false;
        match ev.typ {
            EV_PROC_START => {
                let p = ps.entry(p_key(ev.p));
                if p.running {
                    return Err(format!("p {} is running before start (time {})", ev.p, ev.ts));
                }
                p.running = true;
            }
            EV_PROC_STOP => {
                let p = ps.entry(p_key(ev.p));
                if !p.running {
                    return Err(format!("p {} is not running before stop (time {})", ev.p, ev.ts));
                }
                if p.g != 0 {
                    return Err(format!("p {} is running a goroutine {} during stop (time {})", ev.p, p.g, ev.ts));
                }
                p.running = false;
            }
            EV_GC_START => {
                if self.in_gc {
                    return Err(format!("previous GC is not ended before a new one (time {})", ev.ts));
                }
                self.in_gc = true;
                // Attribute this to the global GC state.
                ev.p = GC_P;
            }
            EV_GC_DONE => {
                if !self.in_gc {
                    return Err(format!("bogus GC end (time {})", ev.ts));
                }
                self.in_gc = false;
            }
            EV_STW_START => {
                if self.in_stw {
                    return Err(format!("previous STW is not ended before a new one (time {})", ev.ts));
                }
                self.in_stw = true;
            }
            EV_STW_DONE => {
                if !self.in_stw {
                    return Err(format!("bogus STW end (time {})", ev.ts));
                }
                self.in_stw = false;
            }
            EV_GC_SWEEP_START => {
                let p = ps.entry(p_key(ev.p));
                if p.sweep {
                    return Err(format!("previous sweeping is not ended before a new one (time {})", ev.ts));
                }
                p.sweep = true;
            }
            EV_GC_MARK_ASSIST_START => {
                let g = gs.entry(ev.g);
                if g.mark_assist {
                    return Err(format!("previous mark assist is not ended before a new one (time {})", ev.ts));
                }
                g.mark_assist = true;
            }
            EV_GC_MARK_ASSIST_DONE => {
                // Mark assists can be in progress when tracing starts: no error here.
                gs.entry(ev.g).mark_assist = false;
            }
            EV_GC_SWEEP_DONE => {
                let p = ps.entry(p_key(ev.p));
                if !p.sweep {
                    return Err(format!("bogus sweeping end (time {})", ev.ts));
                }
                p.sweep = false;
            }
            EV_GO_WAITING | EV_GO_IN_SYSCALL => {
                let g = gs.entry(ev.g);
                if g.state != G_RUNNABLE {
                    let what = if ev.typ == EV_GO_WAITING { "EvGoWaiting" } else { "EvGoInSyscall" };
                    return Err(format!("g {} is not runnable before {what} (time {})", ev.g, ev.ts));
                }
                g.state = G_WAITING;
                g.ev_typ = ev.typ;
            }
            EV_GO_CREATE => {
                let g = gs.get_or_default(ev.g);
                let p = ps.get_or_default(p_key(ev.p));
                check_running(&p, &g, ev, true)?;
                if gs.contains(ev.args[0]) {
                    return Err(format!("g {} already exists (time {})", ev.args[0], ev.ts));
                }
                gs.insert(ev.args[0], GDesc { state: G_RUNNABLE, ev_typ: ev.typ, mark_assist: false });
            }
            EV_GO_START | EV_GO_START_LABEL => {
                let g = gs.entry(ev.g);
                if g.state != G_RUNNABLE {
                    return Err(format!("g {} is not runnable before start (time {})", ev.g, ev.ts));
                }
                let p = ps.entry(p_key(ev.p));
                if p.g != 0 {
                    return Err(format!("p {} is already running g {} while start g {} (time {})", ev.p, p.g, ev.g, ev.ts));
                }
                g.state = G_RUNNING;
                g.ev_typ = 0;
                p.g = ev.g;
                // Go also gives the event the stack of the goroutine's creation here, which no
                // converted event shows.
            }
            EV_GO_END | EV_GO_STOP => {
                let g = gs.get_or_default(ev.g);
                let p = ps.get_or_default(p_key(ev.p));
                check_running(&p, &g, ev, false)?;
                gs.entry(ev.g).state = G_DEAD;
                ps.entry(p_key(ev.p)).g = 0;
                if ev.typ == EV_GO_END {
                    // Flush all active regions.
                    self.active_regions.remove(&ev.g);
                }
            }
            EV_GO_SCHED | EV_GO_PREEMPT => {
                let g = gs.get_or_default(ev.g);
                let p = ps.get_or_default(p_key(ev.p));
                check_running(&p, &g, ev, false)?;
                let g = gs.entry(ev.g);
                g.state = G_RUNNABLE;
                g.ev_typ = ev.typ;
                ps.entry(p_key(ev.p)).g = 0;
            }
            EV_GO_UNBLOCK => {
                let g = gs.get_or_default(ev.g);
                let p = ps.get_or_default(p_key(ev.p));
                if g.state != G_RUNNING {
                    return Err(format!("g {} is not running while unpark (time {})", ev.g, ev.ts));
                }
                if ev.p != TIMER_P && p.g != ev.g {
                    return Err(format!("p {} is not running g {} while unpark (time {})", ev.p, ev.g, ev.ts));
                }
                let g1 = gs.entry(ev.args[0]);
                if g1.state != G_WAITING {
                    return Err(format!("g {} is not waiting before unpark (time {})", ev.args[0], ev.ts));
                }
                if g1.ev_typ == EV_GO_BLOCK_NET {
                    ev.p = NETPOLL_P;
                    self.info.netpoll.push(i);
                }
                g1.state = G_RUNNABLE;
                g1.ev_typ = ev.typ;
            }
            EV_GO_SYS_CALL => {
                let g = gs.get_or_default(ev.g);
                let p = ps.get_or_default(p_key(ev.p));
                check_running(&p, &g, ev, false)?;
                gs.entry(ev.g).ev_typ = ev.typ;
            }
            EV_GO_SYS_BLOCK => {
                let g = gs.get_or_default(ev.g);
                let p = ps.get_or_default(p_key(ev.p));
                check_running(&p, &g, ev, false)?;
                gs.entry(ev.g).state = G_WAITING;
                ps.entry(p_key(ev.p)).g = 0;
            }
            EV_GO_SYS_EXIT => {
                let g = gs.entry(ev.g);
                if g.state != G_WAITING {
                    return Err(format!("g {} is not waiting during syscall exit (time {})", ev.g, ev.ts));
                }
                g.state = G_RUNNABLE;
                g.ev_typ = ev.typ;
            }
            EV_GO_SLEEP | EV_GO_BLOCK | EV_GO_BLOCK_SEND | EV_GO_BLOCK_RECV | EV_GO_BLOCK_SELECT | EV_GO_BLOCK_SYNC | EV_GO_BLOCK_COND
            | EV_GO_BLOCK_NET | EV_GO_BLOCK_GC => {
                let g = gs.get_or_default(ev.g);
                let p = ps.get_or_default(p_key(ev.p));
                check_running(&p, &g, ev, false)?;
                let g = gs.entry(ev.g);
                g.state = G_WAITING;
                g.ev_typ = ev.typ;
                ps.entry(p_key(ev.p)).g = 0;
            }
            EV_USER_TASK_CREATE => {
                let id = ev.args[0];
                if let Some(prev) = self.tasks.get(&id) {
                    return Err(format!(
                        "task id conflicts (id:{id}), {} vs {}",
                        crate::go_quote(&ev.go_string()),
                        crate::go_quote(&prev.go_string())
                    ));
                }
                keep_task = true;
            }
            EV_USER_TASK_END => {
                self.tasks.remove(&ev.args[0]);
            }
            EV_USER_REGION => {
                let mode = ev.args[1];
                if mode == 0 {
                    // Region start.
                    keep_region = true;
                } else if mode == 1 {
                    // Region end.
                    if let Some(regions) = self.active_regions.get_mut(&ev.g) {
                        if let Some(start) = regions.last() {
                            if start.args[0] != ev.args[0] || start.args[2] != ev.args[2] {
                                return Err(format!(
                                    "misuse of region in goroutine {}: span end {} when the inner-most active span start event is {}",
                                    ev.g,
                                    crate::go_quote(&ev.go_string()),
                                    crate::go_quote(&start.go_string())
                                ));
                            }
                            regions.pop();
                            if regions.is_empty() {
                                self.active_regions.remove(&ev.g);
                            }
                        }
                    }
                } else {
                    return Err(format!("invalid user region mode: {}", crate::go_quote(&ev.go_string())));
                }
            }
            _ => {}
        }
        // Events must not refer to stacks that do not exist (or have no frames).
        if ev.stk != 0 && !self.stacks.contains(ev.stk as u64) {
            ev.stk = 0;
        }
        if keep_task {
            self.tasks.insert(ev.args[0], *ev);
        }
        if keep_region {
            self.active_regions.entry(ev.g).or_default().push(*ev);
        }
        Ok(())
    }
}
