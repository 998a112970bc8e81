//! Goroutine and proc state transitions: the meat of the time accounting.

use std::collections::hash_map::Entry;

use gotrace::{Event, GoId, GoState, ProcId, ProcState, ResourceKind, StateTransition};

use super::exec_stats::add;
use super::goroutine::GoRec;
use super::region::{RegionId, RegionRec};
use super::summarizer::Summarizer;

impl Summarizer {
    pub(super) fn state_transition(&mut self, ev: &Event) {
        let Some(st) = ev.state_transition() else { return };
        match st.resource.kind {
            ResourceKind::Goroutine => {
                let Some((old, new)) = st.goroutine() else { return };
                // Nothing new (e.g. the status of a goroutine restated at a generation start).
                if old != new {
                    self.goroutine_transition(ev, &st, GoId(st.resource.id), old, new);
                }
            }
            // A P going idle while its goroutine is in a syscall: the syscall blocked.
            ResourceKind::Proc => {
                let Some((old, new)) = st.proc() else { return };
                if old != new && new == ProcState::Idle {
                    if let Some(goid) = self.syscalling_p.remove(&ProcId(st.resource.id)) {
                        if let Some(g) = self.gs.get_mut(&goid) {
                            g.pending.last_syscall_block_time = ev.time();
                        }
                    }
                }
            }
            _ => {}
        }
    }

    fn goroutine_transition(&mut self, ev: &Event, st: &StateTransition<'_>, id: GoId, old: GoState, new: GoState) {
        let t = ev.time();

        // Transition out of `old`.
        let g: &mut GoRec = match old {
            GoState::Undetermined => {
                // First sight of a goroutine that existed before: it was created, as far as
                // we know, at the last Sync, and was in `new` since then.
                let mut g = GoRec::new(id, self.sync_ts);
                let state_time = t.wrapping_sub(self.sync_ts);
                match new {
                    GoState::Running => add(&mut g.stats.exec, state_time),
                    GoState::Waiting => add(g.stats.block.slot(self.names.intern(st.reason)), state_time),
                    GoState::Runnable => add(&mut g.stats.sched_wait, state_time),
                    // With a P it had the P all along: a plain syscall. Without, it blocked.
                    GoState::Syscall if ev.proc() == ProcId::NONE => add(&mut g.stats.syscall_block, state_time),
                    GoState::Syscall => add(&mut g.stats.syscall, state_time),
                    GoState::Undetermined | GoState::NotExist => {}
                }
                // `new` is handled again below: the time until the next event counts too.
                replace(&mut self.gs, id, g)
            }
            GoState::NotExist => {
                let mut g = GoRec::new(id, t);
                // A goroutine created inside a region inherits the task of the creator's
                // innermost region, as a synthetic region that starts at the creation.
                // (Looked up before inserting: the creator could have the same id.)
                let inherited = self
                    .gs
                    .get(&ev.goroutine())
                    .and_then(|creator| creator.pending.active_regions.last())
                    .and_then(|top| self.regions.get(top.0))
                    .map(|top| top.task_id);
                if let Some(task_id) = inherited {
                    let rid = RegionId(self.regions.len());
                    self.regions.push(RegionRec {
                        task_id,
                        name: String::new(),
                        start: Some(ev.clone()),
                        end: None,
                        stats: Default::default(),
                    });
                    g.pending.active_regions.push(rid);
                }
                replace(&mut self.gs, id, g)
            }
            _ => {
                // Go dereferences a nil summary here (it panics); a valid trace never gets
                // here for an unknown goroutine.
                let Some(g) = self.gs.get_mut(&id) else { return };
                let p = &mut g.pending;
                match old {
                    GoState::Running => {
                        // Not guarded by `!= 0`, unlike the others (as in Go).
                        add(&mut g.stats.exec, t.wrapping_sub(p.last_start_time));
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
                            add(&mut g.stats.sched_wait, t.wrapping_sub(p.last_runnable_time));
                            p.last_runnable_time = 0;
                        }
                    }
                    GoState::Syscall => {
                        if p.last_syscall_time != 0 {
                            if p.last_syscall_block_time != 0 {
                                add(&mut g.stats.syscall_block, t.wrapping_sub(p.last_syscall_block_time));
                                add(&mut g.stats.syscall, p.last_syscall_block_time.wrapping_sub(p.last_syscall_time));
                            } else {
                                add(&mut g.stats.syscall, t.wrapping_sub(p.last_syscall_time));
                            }
                            p.last_syscall_time = 0;
                            p.last_syscall_block_time = 0;
                            // Go deletes syscallingP[syscallingG[id]]: with no entry for the
                            // goroutine that is the zero ProcId, 0 — not "no proc".
                            let proc = self.syscalling_g.remove(&id).unwrap_or(ProcId(0));
                            self.syscalling_p.remove(&proc);
                        }
                    }
                    GoState::Undetermined | GoState::NotExist => {}
                }
                g
            }
        };

        // Name the goroutine after the root frame of the first transition stack seen. The
        // root frame is the goroutine's immutable start point (its PC not necessarily the
        // function entry for goroutines that existed when the trace started).
        if g.name.is_empty() {
            if let Some(root) = st.stack.frames().last() {
                g.pc = root.pc;
                root.func.clone_into(&mut g.name);
            }
        }

        // Transition into `new`.
        match new {
            GoState::Running => {
                g.pending.last_start_time = t;
                if g.start_time == 0 {
                    g.start_time = t;
                }
            }
            GoState::Runnable => g.pending.last_runnable_time = t,
            GoState::Waiting if st.reason != "forever" => {
                g.pending.last_block_time = t;
                g.pending.last_block_reason = self.names.intern(st.reason);
            }
            // Blocking "forever" is like goroutine death.
            GoState::Waiting | GoState::NotExist => g.finalize(t, Some(ev), &mut self.regions),
            GoState::Syscall => {
                self.syscalling_p.insert(ev.proc(), id);
                self.syscalling_g.insert(id, ev.proc());
                g.pending.last_syscall_time = t;
            }
            GoState::Undetermined => {}
        }
    }
}

/// Inserts `g` as the summary of `id`, replacing any older one, and returns it.
fn replace(gs: &mut rustc_hash::FxHashMap<GoId, GoRec>, id: GoId, g: GoRec) -> &mut GoRec {
    match gs.entry(id) {
        Entry::Occupied(mut e) => {
            e.insert(g);
            e.into_mut()
        }
        Entry::Vacant(e) => e.insert(g),
    }
}
