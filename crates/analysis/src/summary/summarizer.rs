//! The summarizer: one pass over the events (Go's `Summarizer`), then the summary.

use std::collections::BTreeMap;

use gotrace::{Event, EventKind, GoId, ProcId, TaskId, Time};
use rustc_hash::{FxHashMap, FxHashSet};

use super::exec_stats::{Encoder, Parts, Scalars, Snap};
use super::go_sort::sort_func;
use super::goroutine::{GoRec, GoTable, Open, Pending};
use super::names::Sym;
use super::paged::Paged;
use super::region::{RegionId, RegionRec, Tag};
use super::store::Store;
use super::system::is_system_goroutine;
use super::task::{Lists, LogRec, TaskRec, NO_G};
use super::{GoroutineSummary, Summary, SummaryData};
use crate::Consumer;

/// Builds per-goroutine time statistics, tasks and regions from the ordered events.
///
/// Feed it every event the reader returns (also those after the last Sync of a damaged
/// trace: that is what `go tool trace` does), then call [`Summarizer::finalize`].
#[derive(Debug)]
pub struct Summarizer {
    pub(super) gs: GoTable,
    pub(super) tasks: Tasks,
    /// Every region, by [`RegionId`].
    pub(super) regions: Paged<RegionRec>,
    /// Every log event, in trace order.
    pub(super) logs: Paged<LogRec>,
    pub(super) store: Store,

    /// The binding between a P and the goroutine in a syscall on it, to detect the syscall
    /// blocking (the P going idle) and to clean up after it (Go's `syscallingP`; its
    /// `syscallingG` is in the goroutine table).
    pub(super) syscalling_p: ProcMap,

    /// Best-effort attribution of P-scoped ranges (sweeps) to the goroutine that began them.
    pub(super) ranges_p: FxHashMap<(ProcId, Sym), GoId>,

    /// Time of the last event processed.
    pub(super) last_ts: Time,
    /// Time of the last Sync event (or of the first event).
    pub(super) sync_ts: Time,

    /// Scratch: a goroutine's stats snapshot, and the region stats' encoder.
    pub(super) snap: Snap,
    pub(super) enc: Encoder,
}

impl Default for Summarizer {
    fn default() -> Self {
        Summarizer::new()
    }
}

impl Consumer for Summarizer {
    #[inline]
    fn event(&mut self, ev: &Event) {
        let t = ev.time();
        if self.sync_ts == 0 {
            self.sync_ts = t;
        }
        self.last_ts = t;

        let kind = ev.kind();
        // Nearly all events are state transitions.
        if kind == EventKind::StateTransition {
            self.state_transition(ev);
            return;
        }
        match kind {
            // Sync time is where RangeActive ranges and goroutines first seen mid-trace start.
            EventKind::Sync => self.sync_ts = t,
            EventKind::RangeBegin | EventKind::RangeActive => self.range_begin(ev),
            EventKind::RangeEnd => self.range_end(ev),
            EventKind::RegionBegin => self.region_begin(ev),
            EventKind::RegionEnd => self.region_end(ev),
            EventKind::TaskBegin | EventKind::TaskEnd => self.task_event(ev),
            EventKind::Log => self.log(ev),
            _ => {}
        }
    }
}

impl Summarizer {
    pub fn new() -> Summarizer {
        Summarizer {
            gs: GoTable::default(),
            tasks: Tasks::default(),
            regions: Paged::default(),
            logs: Paged::default(),
            store: Store::default(),
            syscalling_p: ProcMap::default(),
            ranges_p: FxHashMap::default(),
            last_ts: 0,
            sync_ts: 0,
            snap: Snap::default(),
            enc: Encoder::default(),
        }
    }

    /// Makes `g` the summary of its id, replacing any older one (whose open regions keep the
    /// stats they began with, and no end, as in Go where they are only referenced by tasks).
    /// Its index.
    pub(super) fn replace(&mut self, g: GoRec) -> u32 {
        let i = g.index;
        if let Some(old) = self.gs.slots[i as usize].g.replace(g) {
            self.close_dropped(&old.open);
        }
        i
    }

    /// Encodes the stats of region `id`, `end - start`, once its end time is set.
    pub(super) fn set_region_stats(&mut self, id: RegionId, end: Parts<'_>, start: Parts<'_>) {
        let Some(r) = self.regions.get_mut(id.0 as usize) else { return };
        let out = &mut self.store.region_stats;
        r.stats = self.enc.encode(out, &mut self.store.key_sets, r.stats_base(), end, start);
    }

    /// Gives the open regions of `p` the stats they began with (and no end), as Go leaves the
    /// regions of a goroutine replaced or a system goroutine ended.
    pub(super) fn close_dropped(&mut self, p: &Open) {
        for (i, a) in p.active_regions.iter().enumerate() {
            let (block, range) = p.start_maps(i);
            self.set_region_stats(a.id, (a.start.s, block, range), (Scalars::default(), &[], &[]));
        }
    }

    /// Closes the books of the goroutine at `index` at a goroutine end event (`trigger`) or
    /// at the end of the trace (`None`); ends its open regions with `trigger` (Go's
    /// `finalize`).
    ///
    /// Go calls this again at the end of the trace for goroutines that already ended; it is
    /// then a no-op, except that a goroutine whose total time is still 0 (it ended at the
    /// nanosecond it was created) gets total time `last_ts - creation_time`.
    pub(super) fn finalize_goroutine(&mut self, index: u32, last_ts: Time, trigger: Option<&Event>) {
        let Some(mut g) = self.gs.slots[index as usize].g.take() else { return };
        if let Some(ev) = trigger {
            g.end_time = ev.time();
        }
        g.snapshot(last_ts, &mut self.snap);
        let snap = std::mem::take(&mut self.snap);

        // System goroutines are never part of regions, even though they "inherit" a task
        // when created from within a region (e.g. GC workers started by the first GC). Their
        // open regions are dropped (but stay in their task's list, with the stats they began
        // with).
        if is_system_goroutine(&g.name) {
            self.close_dropped(&g.open);
        } else if !g.open.active_regions.is_empty() {
            let end = trigger.map_or(Tag::default(), |ev| Tag::apart(self.store.keep_apart(ev)));
            for (i, a) in g.open.active_regions.iter().enumerate() {
                if let Some(r) = self.regions.get_mut(a.id.0 as usize) {
                    r.end = end;
                    r.end_time = trigger.map_or(0, Event::time);
                }
                let (block, range) = g.open.start_maps(i);
                self.set_region_stats(a.id, (snap.s, &snap.block, &snap.range), (a.start.s, block, range));
                g.regions.push(a.id);
            }
        }
        g.stats = snap.as_raw();
        self.snap = snap;
        g.pending = Pending::default();
        g.open = Open::default();
        self.gs.slots[index as usize].g = Some(g);
    }

    /// [`finalize`](Self::finalize) as if the trace ended at `t` (not before the last event
    /// seen): goroutines still in a state count it up to `t`. For summaries of a time range.
    pub fn finalize_at(mut self, t: Time, threads: Threads) -> Summary {
        self.last_ts = self.last_ts.max(t);
        self.finalize_on(threads)
    }

    /// Ends the analysis: closes every goroutine and its open regions at the time of the last
    /// event and returns the summary.
    pub fn finalize(self) -> Summary {
        self.finalize_on(Threads::One)
    }

    /// [`finalize`](Self::finalize), the goroutines' part and the tasks' on two threads if
    /// told so.
    pub fn finalize_on(mut self, threads: Threads) -> Summary {
        for i in 0..self.gs.slots.len() {
            self.finalize_goroutine(i as u32, self.last_ts, None);
        }
        let Summarizer { gs, tasks, regions, mut logs, mut store, .. } = self;
        store.go_ids = gs.ids;
        store.sites.freeze();
        let slots = gs.slots;
        let publish = || publish_goroutines(slots, &regions, &store);
        let (goroutines, tasks) = match threads {
            Threads::One => (publish(), tasks.finish(&store, &regions, &mut logs)),
            Threads::Two => std::thread::scope(|scope| {
                let published = scope.spawn(publish);
                let tasks = tasks.finish(&store, &regions, &mut logs);
                (published.join().expect("the goroutines' thread does not panic"), tasks)
            }),
        };
        let TaskLists { recs, region_tasks, task_regions, task_logs, task_goroutines, task_children } = tasks;
        let data = SummaryData {
            store,
            regions,
            region_tasks,
            tasks: recs,
            task_regions,
            task_logs,
            task_goroutines,
            task_children,
            logs,
            shown: None,
        };
        Summary { goroutines, data }
    }
}

/// How many threads [`Summarizer::finalize_on`] may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Threads {
    One,
    Two,
}

/// The goroutine summaries, by id, their regions sorted by start time.
fn publish_goroutines(slots: Vec<super::goroutine::GoSlot>, regions: &Paged<RegionRec>, store: &Store) -> BTreeMap<GoId, GoroutineSummary> {
    let mut goroutines = BTreeMap::new();
    let mut keyed: Vec<(Option<Time>, RegionId)> = Vec::new();
    for slot in slots {
        let Some(mut g) = slot.g else { continue };
        // None (no start event) sorts first; Go's sort is not stable, hence go_sort. (On
        // the keys, copied out: the same comparisons, without chasing each region.)
        keyed.clear();
        keyed.extend(g.regions.iter().map(|&id| (regions.get(id.0 as usize).and_then(RegionRec::sort_key), id)));
        sort_func(&mut keyed, |a, b| a.0.cmp(&b.0));
        g.regions.clear();
        g.regions.extend(keyed.iter().map(|&(_, id)| id));
        goroutines.insert(g.id, g.publish(&store.names));
    }
    goroutines
}

/// What [`Tasks::finish`] makes of the tasks: the records sorted by id, and their lists.
struct TaskLists {
    recs: Paged<TaskRec>,
    region_tasks: Vec<u32>,
    task_regions: Lists<RegionId>,
    task_logs: Lists<u32>,
    task_goroutines: Lists<u32>,
    task_children: Lists<TaskId>,
}

/// Task ids below this index a vector; others a map.
const DENSE_TASKS: u64 = 1 << 24;
const NO_TASK: u32 = u32::MAX;

/// The tasks while the trace is read: records in the order tasks are first mentioned.
#[derive(Debug, Default)]
pub(super) struct Tasks {
    /// Index by id: task ids count up from 1, so mostly a vector.
    dense: Vec<u32>,
    sparse: FxHashMap<TaskId, u32>,
    /// In pages: a vector growing by a quarter would hold its old and new copies at once, late
    /// in the pass (9 MB of a big trace's tasks), when the memory is at its fullest.
    pub recs: Paged<TaskRec>,
    /// (parent index, child id), in the order children named their parent.
    pub children: Vec<(u32, TaskId)>,
    /// (task index, goroutine index) of the goroutines of tasks beyond their first.
    goroutines: FxHashSet<(u32, u32)>,
    /// Some of `goroutines`, recently added, by hash: most events repeat a recent pair.
    recent: Vec<(u32, u32)>,
}

const RECENT: usize = 256;

impl Tasks {
    /// The index of task `id`, created if this is its first mention.
    #[inline]
    pub fn get_or_add(&mut self, id: TaskId) -> u32 {
        if let Some(&i) = self.dense.get(id.0 as usize) {
            if i != NO_TASK {
                return i;
            }
        }
        self.add(id)
    }

    fn add(&mut self, id: TaskId) -> u32 {
        if let Some(&i) = self.sparse.get(&id) {
            return i;
        }
        let i = u32::try_from(self.recs.len()).ok().filter(|&i| i != NO_TASK).expect("fewer than 2^32 tasks");
        self.recs.push(TaskRec::new(id));
        // Dense while the ids are (a vector at most a few times the number of tasks).
        let at = id.0 as usize;
        if id.0 < DENSE_TASKS && at < 4 * self.recs.len() + 4096 {
            if at >= self.dense.len() {
                self.dense.resize((at + 1).max(self.dense.len() * 2).min(DENSE_TASKS as usize), NO_TASK);
            }
            self.dense[at] = i;
        } else {
            self.sparse.insert(id, i);
        }
        i
    }

    /// Adds a goroutine (by index) to a task's set.
    #[inline]
    pub fn add_goroutine(&mut self, task: u32, g: u32) {
        let Some(t) = self.recs.get_mut(task as usize) else { return };
        if t.first_g == NO_G {
            t.first_g = g;
        } else if t.first_g != g {
            if self.recent.is_empty() {
                self.recent = vec![(NO_TASK, NO_G); RECENT];
            }
            let h = (u64::from(task) << 32 | u64::from(g)).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 56;
            let slot = &mut self.recent[h as usize % RECENT];
            if *slot != (task, g) {
                self.goroutines.insert((task, g));
                *slot = (task, g);
            }
        }
    }

    /// The tasks sorted by id, and their lists.
    /// Sorts the tasks by id; the logs' tasks numbered anew, the regions' given by
    /// `region_tasks` (the regions are left as they are: the goroutines' lists are made of them
    /// at the same time).
    fn finish(self, store: &Store, regions: &Paged<RegionRec>, logs: &mut Paged<LogRec>) -> TaskLists {
        let Tasks { mut recs, children, goroutines, dense, sparse, recent } = self;
        drop((dense, sparse, recent));
        let n = recs.len();
        // Sort by id (in place: no second copy of the tasks when the memory is fullest), and
        // renumber what refers to tasks by index.
        let mut order: Vec<u32> = (0..n as u32).collect();
        order.sort_unstable_by_key(|&i| recs[i as usize].id);
        let mut new_index = vec![0u32; n];
        for (new, &old) in order.iter().enumerate() {
            new_index[old as usize] = new as u32;
        }
        drop(order);
        recs.permute(&new_index);
        let renumber = |i: u32| new_index.get(i as usize).copied().unwrap_or(NO_TASK);
        for l in logs.iter_mut() {
            l.task = renumber(l.task);
        }
        let task_regions = Lists::build(
            n,
            regions.iter().enumerate().filter(|(_, r)| r.start.flag()).map(|(i, r)| (renumber(r.task), RegionId(i as u32))),
        );
        let task_logs = Lists::build(n, logs.iter().enumerate().map(|(i, l)| (l.task, i as u32)));
        let firsts = recs.iter().enumerate().filter(|(_, t)| t.first_g != NO_G).map(|(i, t)| (i as u32, t.first_g));
        let mut task_goroutines = Lists::build(n, firsts.chain(goroutines.iter().map(|&(t, g)| (renumber(t), g))));
        drop(goroutines);
        let mut start = 0;
        for &end in &task_goroutines.ends {
            task_goroutines.items[start..end as usize].sort_unstable_by_key(|&g| store.go_id(g));
            start = end as usize;
        }
        let task_children = Lists::build(n, children.iter().map(|&(p, c)| (renumber(p), c)));
        drop(children);
        TaskLists { recs, region_tasks: new_index, task_regions, task_logs, task_goroutines, task_children }
    }
}

/// A map from procs to goroutines, a vector for the small ids procs have.
#[derive(Debug, Default)]
pub(super) struct ProcMap {
    dense: Vec<Option<GoId>>,
    sparse: FxHashMap<ProcId, GoId>,
}

const DENSE_PROCS: i64 = 1 << 12;

impl ProcMap {
    #[inline]
    pub fn insert(&mut self, p: ProcId, g: GoId) {
        if (0..DENSE_PROCS).contains(&p.0) {
            let i = p.0 as usize;
            if i >= self.dense.len() {
                self.dense.resize(i + 1, None);
            }
            self.dense[i] = Some(g);
        } else {
            self.sparse.insert(p, g);
        }
    }

    #[inline]
    pub fn remove(&mut self, p: ProcId) -> Option<GoId> {
        if (0..DENSE_PROCS).contains(&p.0) {
            self.dense.get_mut(p.0 as usize).and_then(Option::take)
        } else {
            self.sparse.remove(&p)
        }
    }
}

// What a region, a task and a log cost.
const _: () = assert!(std::mem::size_of::<RegionRec>() == 32);
const _: () = assert!(std::mem::size_of::<TaskRec>() == 48);
const _: () = assert!(std::mem::size_of::<LogRec>() == 24);

