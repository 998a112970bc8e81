//! User annotations: regions, tasks and logs.

use gotrace::{Event, EventKind, TaskId};
use rustc_hash::FxHashMap;

use super::region::{RegionId, RegionRec};
use super::summarizer::Summarizer;
use super::task::UserTaskSummary;

fn get_or_add_task(tasks: &mut FxHashMap<TaskId, UserTaskSummary>, id: TaskId) -> &mut UserTaskSummary {
    tasks.entry(id).or_insert_with(|| UserTaskSummary::new(id))
}

impl Summarizer {
    pub(super) fn region_begin(&mut self, ev: &Event) {
        let Some(r) = ev.region() else { return };
        // Go dereferences a nil summary here; a valid trace has regions on known goroutines.
        let Some(g) = self.gs.get_mut(&ev.goroutine()) else { return };
        let rid = RegionId(self.regions.len());
        self.regions.push(RegionRec {
            task_id: r.task,
            name: r.typ.to_owned(),
            start: Some(ev.clone()),
            end: None,
            stats: g.snapshot(ev.time()),
        });
        g.pending.active_regions.push(rid);
        let task = get_or_add_task(&mut self.tasks, r.task);
        task.regions.push(rid);
        task.goroutines.insert(g.id);
    }

    pub(super) fn region_end(&mut self, ev: &Event) {
        let Some(r) = ev.region() else { return };
        let Some(g) = self.gs.get_mut(&ev.goroutine()) else { return };
        // The innermost active region is the one that ends, whatever its type or task.
        let rid = match g.pending.active_regions.pop() {
            Some(rid) => rid,
            None => {
                // An end without a begin: make up the region now (no start).
                let rid = RegionId(self.regions.len());
                self.regions.push(RegionRec {
                    task_id: r.task,
                    name: r.typ.to_owned(),
                    start: None,
                    end: None,
                    stats: Default::default(),
                });
                let task = get_or_add_task(&mut self.tasks, r.task);
                task.goroutines.insert(g.id);
                task.regions.push(rid);
                rid
            }
        };
        if let Some(region) = self.regions.get_mut(rid.0) {
            region.stats = g.snapshot(ev.time()).sub(&region.stats);
            region.end = Some(ev.clone());
        }
        g.regions.push(rid);
    }

    /// TaskBegin and TaskEnd.
    pub(super) fn task_event(&mut self, ev: &Event) {
        let Some(t) = ev.task() else { return };
        let task = get_or_add_task(&mut self.tasks, t.id);
        if *task.name != *t.typ {
            task.name = t.typ.to_string();
        }
        task.goroutines.insert(ev.goroutine());
        if ev.kind() == EventKind::TaskBegin {
            task.start = Some(ev.clone());
        } else {
            task.end = Some(ev.clone());
        }
        // The parent, once (else the task would be in its parent's children twice).
        if t.parent != TaskId::NONE && task.parent.is_none() {
            task.parent = Some(t.parent);
            get_or_add_task(&mut self.tasks, t.parent).children.push(t.id);
        }
    }

    pub(super) fn log(&mut self, ev: &Event) {
        let Some(log) = ev.log() else { return };
        // The task is created if this is the first mention of it.
        let task = get_or_add_task(&mut self.tasks, log.task);
        task.goroutines.insert(ev.goroutine());
        task.logs.push(ev.clone());
    }
}
