//! User annotations: regions, tasks and logs.

use gotrace::{Event, EventKind, TaskId};

use super::exec_stats::Scalars;
use super::region::{next_id, RegionRec, Tag, NO_STATS};
use super::summarizer::Summarizer;
use super::task::LogRec;

impl Summarizer {
    pub(super) fn region_begin(&mut self, ev: &Event) {
        let Some(r) = ev.region() else { return };
        // Go dereferences a nil summary here; a valid trace has regions on known goroutines.
        let Some(gi) = self.gs.find(ev.goroutine()) else { return };
        let Some(g) = self.gs.slots[gi as usize].g.as_mut() else { return };
        let t = ev.time();
        let id = next_id(&self.regions);
        let task = self.tasks.get_or_add(r.task);
        let site = self.store.site_of(ev, gi, r.typ);
        g.push_region(id, t, &mut self.snap.range);
        self.regions.push(RegionRec {
            start_time: t,
            end_time: 0,
            task,
            // In its task's list.
            start: Tag::inline(site).with_flag(true),
            end: Tag::default(),
            stats: NO_STATS,
        });
        self.tasks.add_goroutine(task, gi);
    }

    pub(super) fn region_end(&mut self, ev: &Event) {
        let Some(r) = ev.region() else { return };
        let Some(gi) = self.gs.find(ev.goroutine()) else { return };
        let Some(g) = self.gs.slots[gi as usize].g.as_mut() else { return };
        let t = ev.time();
        let site = self.store.site_of(ev, gi, r.typ);
        g.snapshot(t, &mut self.snap);
        // The innermost active region is the one that ends, whatever its type or task.
        let (id, start) = match g.open.active_regions.last() {
            Some(&a) => (a.id, Some(a.start.s)),
            None => {
                // An end without a begin: make up the region now (no start, zero stats).
                let id = next_id(&self.regions);
                let task = self.tasks.get_or_add(r.task);
                self.regions.push(RegionRec {
                    start_time: 0,
                    end_time: 0,
                    task,
                    // The region's site, in its task's list.
                    start: Tag::none(site).with_flag(true),
                    end: Tag::default(),
                    stats: NO_STATS,
                });
                self.tasks.add_goroutine(task, gi);
                (id, None)
            }
        };
        g.regions.push(id);
        let Some(region) = self.regions.get_mut(id.0 as usize) else { return };
        region.end_time = t;
        // The record and the site say it all if the end is of the region's task.
        let task_id = self.tasks.recs.get(region.task as usize).map(|t| t.id);
        region.end = if task_id == Some(r.task) { Tag::inline(site) } else { Tag::apart(self.store.keep_apart(ev)) };
        let snap = std::mem::take(&mut self.snap);
        let end = (snap.s, &snap.block[..], &snap.range[..]);
        match start {
            Some(s) => {
                let Some(g) = self.gs.slots[gi as usize].g.as_mut() else { return };
                let (block, range) = g.open.start_maps(g.open.active_regions.len() - 1);
                let region = self.regions.get_mut(id.0 as usize).expect("a region");
                let out = &mut self.store.region_stats;
                region.stats = self.enc.encode(out, &mut self.store.key_sets, region.stats_base(), end, (s, block, range));
                g.open.pop();
            }
            None => self.set_region_stats(id, end, (Scalars::default(), &[], &[])),
        }
        self.snap = snap;
    }

    /// TaskBegin and TaskEnd.
    pub(super) fn task_event(&mut self, ev: &Event) {
        let Some(t) = ev.task() else { return };
        let gi = self.gs.index(ev.goroutine());
        let i = self.tasks.get_or_add(t.id);
        let name = self.store.names.intern(&t.typ);
        self.tasks.add_goroutine(i, gi);
        // The parent, once (else the task would be in its parent's children twice).
        if t.parent != TaskId::NONE && self.tasks.recs[i as usize].parent == TaskId::NONE {
            self.tasks.recs[i as usize].parent = t.parent;
            let p = self.tasks.get_or_add(t.parent);
            self.tasks.children.push((p, t.id));
        }
        let task = &mut self.tasks.recs[i as usize];
        task.name = name;
        // The record and the site say it all if the event's parent is none or the task's
        // (set once).
        let tag = if t.parent == TaskId::NONE || t.parent == task.parent {
            Tag::inline(self.store.site(ev, gi, name)).with_flag(t.parent != TaskId::NONE)
        } else {
            Tag::apart(self.store.keep_apart(ev))
        };
        if ev.kind() == EventKind::TaskBegin {
            (task.start, task.start_time) = (tag, ev.time());
        } else {
            (task.end, task.end_time) = (tag, ev.time());
        }
    }

    pub(super) fn log(&mut self, ev: &Event) {
        let Some(log) = ev.log() else { return };
        let gi = self.gs.index(ev.goroutine());
        // The task is created if this is the first mention of it.
        let task = self.tasks.get_or_add(log.task);
        self.tasks.add_goroutine(task, gi);
        let site = self.store.site_of(ev, gi, log.category);
        let message = self.store.messages.len() as u64;
        self.store.messages.push_str(log.message);
        self.logs.push(LogRec { time: ev.time(), message, task, site });
    }
}
