//! Goroutine and proc state transitions: the meat of the time accounting.
//!
//! Most events are a goroutine known to the summary moving between running, runnable,
//! waiting and in a syscall: that case is handled inline ([`Summarizer::quick_transition`]);
//! the rest (goroutines appearing, ending or not yet named) in
//! [`Summarizer::goroutine_transition`]. Both account the same way ([`leave`], [`enter`]).

use gotrace::{Event, GoId, GoState, ProcId, ProcState, ResourceKind, StateTransition, Time};

use super::exec_stats::add;
use super::goroutine::{GoRec, GoSlot};
use super::names::{Names, Sym};
use super::region::{next_id, RegionRec, Tag, NO_STATS};
use super::store::Site;
use super::summarizer::{ProcMap, Summarizer};

impl Summarizer {
    #[inline]
    pub(super) fn state_transition(&mut self, ev: &Event) {
        // Goroutines: the states alone first (cheap); the rest of the transition (reason,
        // stack) only when a goroutine appears, ends or is not yet named.
        if let Some((id, old, new)) = ev.goroutine_transition() {
            // Nothing new (e.g. the status of a goroutine restated at a generation start).
            if old != new && !self.quick_transition(ev, id, old, new) {
                if let Some(st) = ev.state_transition() {
                    self.goroutine_transition(ev, &st, id, old, new);
                }
            }
            return;
        }
        let Some(st) = ev.state_transition() else { return };
        // A P going idle while its goroutine is in a syscall: the syscall blocked.
        if st.resource.kind == ResourceKind::Proc {
            let Some((old, new)) = st.proc() else { return };
            if old != new && new == ProcState::Idle {
                if let Some(goid) = self.syscalling_p.remove(ProcId(st.resource.id)) {
                    if let Some(g) = self.gs.get_mut(goid) {
                        g.pending.last_syscall_block_time = ev.time();
                    }
                }
            }
        }
    }

    /// The transition of a named goroutine with a summary between Running, Runnable, Waiting
    /// (not forever) and Syscall; false (and nothing done) if it is not one.
    #[inline(always)]
    fn quick_transition(&mut self, ev: &Event, id: GoId, old: GoState, new: GoState) -> bool {
        const LIVE: u8 = 1 << GoState::Running as u8 | 1 << GoState::Runnable as u8 | 1 << GoState::Waiting as u8 | 1 << GoState::Syscall as u8;
        if (1u8 << old as u8 | 1u8 << new as u8) & !LIVE != 0 {
            return false;
        }
        let reason = if new == GoState::Waiting { ev.transition_reason() } else { "" };
        if reason == "forever" {
            return false;
        }
        let Some(i) = self.gs.find(id) else { return false };
        let slot = &mut self.gs.slots[i as usize];
        if !slot.g.as_ref().is_some_and(|g| g.named) {
            return false;
        }
        leave(slot, &mut self.syscalling_p, old, ev.time());
        enter(slot, &mut self.syscalling_p, &mut self.store.names, ev, reason, new);
        true
    }

    /// Any goroutine transition (see [`Summarizer::quick_transition`] for the most common).
    #[inline(never)]
    fn goroutine_transition(&mut self, ev: &Event, st: &StateTransition<'_>, id: GoId, old: GoState, new: GoState) {
        let t = ev.time();

        // Transition out of `old`; the goroutine's index.
        let index = match old {
            GoState::Undetermined => {
                // First sight of a goroutine that existed before: it was created, as far as
                // we know, at the last Sync, and was in `new` since then.
                let mut g = GoRec::new(id, self.gs.index(id), self.sync_ts);
                let state_time = t.wrapping_sub(self.sync_ts);
                match new {
                    GoState::Running => add(&mut g.stats.s.exec, state_time),
                    GoState::Waiting => {
                        let reason = self.store.names.intern(st.reason);
                        add(g.stats.block.slot(reason), state_time)
                    }
                    GoState::Runnable => add(&mut g.stats.s.sched_wait, state_time),
                    // With a P it had the P all along: a plain syscall. Without, it blocked.
                    GoState::Syscall if ev.proc() == ProcId::NONE => add(&mut g.stats.s.syscall_block, state_time),
                    GoState::Syscall => add(&mut g.stats.s.syscall, state_time),
                    GoState::Undetermined | GoState::NotExist => {}
                }
                // `new` is handled again below: the time until the next event counts too.
                self.replace(g)
            }
            GoState::NotExist => {
                let mut g = GoRec::new(id, self.gs.index(id), t);
                // A goroutine created inside a region inherits the task of the creator's
                // innermost region, as a synthetic region that starts at the creation.
                // (Looked up before replacing: the creator could have the same id.)
                let inherited = self
                    .gs
                    .get(ev.goroutine())
                    .and_then(|creator| creator.open.active_regions.last())
                    .and_then(|top| self.regions.get(top.id.0 as usize))
                    .map(|top| top.task);
                if let Some(task) = inherited {
                    let rid = next_id(&self.regions);
                    // The region's site: its goroutine, no name.
                    let site = self.store.sites.intern(Site { g: g.index, name: Sym::default(), stack: 0 });
                    let start = self.store.keep_apart(ev);
                    self.store.apart_starts.insert(rid.0, start);
                    self.regions.push(RegionRec {
                        start_time: t,
                        end_time: 0,
                        task,
                        // Not in its task's list.
                        start: Tag::apart(site),
                        end: Tag::default(),
                        stats: NO_STATS,
                    });
                    // Zero stats to start from (no snapshot), as in Go.
                    g.open.push_zero(rid);
                }
                self.replace(g)
            }
            _ => {
                // Go dereferences a nil summary here (it panics); a valid trace never gets
                // here for an unknown goroutine.
                let Some(i) = self.gs.find(id) else { return };
                let slot = &mut self.gs.slots[i as usize];
                if slot.g.is_none() {
                    return;
                }
                leave(slot, &mut self.syscalling_p, old, t);
                i
            }
        };
        let slot = &mut self.gs.slots[index as usize];
        let Some(g) = slot.g.as_mut() else { return };

        // Name the goroutine after the root frame of the first transition stack seen. The
        // root frame is the goroutine's immutable start point (its PC not necessarily the
        // function entry for goroutines that existed when the trace started).
        if !g.named {
            if let Some(root) = st.stack.frames().last() {
                g.pc = root.pc;
                root.func.clone_into(&mut g.name);
                g.named = !g.name.is_empty();
            }
        }

        // Transition into `new`. Blocking "forever" is like goroutine death.
        match new {
            GoState::Waiting if st.reason == "forever" => self.finalize_goroutine(index, t, Some(ev)),
            GoState::NotExist => self.finalize_goroutine(index, t, Some(ev)),
            _ => enter(slot, &mut self.syscalling_p, &mut self.store.names, ev, st.reason, new),
        }
    }
}

/// Accounts the time in `old` of the goroutine of `slot` (which has one), left at `t`.
#[inline(always)]
fn leave(slot: &mut GoSlot, syscalling_p: &mut ProcMap, old: GoState, t: Time) {
    let Some(g) = slot.g.as_mut() else { return };
    let p = &mut g.pending;
    match old {
        GoState::Running => {
            // Not guarded by `!= 0`, unlike the others (as in Go).
            add(&mut g.stats.s.exec, t.wrapping_sub(p.last_start_time));
            p.last_start_time = 0;
        }
        GoState::Waiting => {
            if p.last_block_time != 0 {
                add(g.stats.block.slot(p.last_block_reason), t.wrapping_sub(p.last_block_time));
                p.last_block_time = 0;
            }
        }
        GoState::Runnable => {
            if p.last_runnable_time != 0 {
                add(&mut g.stats.s.sched_wait, t.wrapping_sub(p.last_runnable_time));
                p.last_runnable_time = 0;
            }
        }
        GoState::Syscall => {
            if p.last_syscall_time != 0 {
                if p.last_syscall_block_time != 0 {
                    add(&mut g.stats.s.syscall_block, t.wrapping_sub(p.last_syscall_block_time));
                    add(&mut g.stats.s.syscall, p.last_syscall_block_time.wrapping_sub(p.last_syscall_time));
                } else {
                    add(&mut g.stats.s.syscall, t.wrapping_sub(p.last_syscall_time));
                }
                p.last_syscall_time = 0;
                p.last_syscall_block_time = 0;
                // Go deletes syscallingP[syscallingG[id]]: with no entry for the goroutine
                // that is the zero ProcId, 0 — not "no proc".
                let proc = slot.syscall_p.take().unwrap_or(ProcId(0));
                syscalling_p.remove(proc);
            }
        }
        GoState::Undetermined | GoState::NotExist => {}
    }
}

/// Starts the time in `new` (Running, Runnable, Waiting but not forever, Syscall) of the
/// goroutine of `slot` (which has one).
#[inline(always)]
fn enter(slot: &mut GoSlot, syscalling_p: &mut ProcMap, names: &mut Names, ev: &Event, reason: &str, new: GoState) {
    let Some(g) = slot.g.as_mut() else { return };
    let t = ev.time();
    match new {
        GoState::Running => {
            g.pending.last_start_time = t;
            if g.start_time == 0 {
                g.start_time = t;
            }
        }
        GoState::Runnable => g.pending.last_runnable_time = t,
        GoState::Waiting => {
            g.pending.last_block_time = t;
            g.pending.last_block_reason = names.intern(reason);
        }
        GoState::Syscall => {
            g.pending.last_syscall_time = t;
            syscalling_p.insert(ev.proc(), g.id);
            slot.syscall_p = Some(ev.proc());
        }
        GoState::Undetermined | GoState::NotExist => {}
    }
}
