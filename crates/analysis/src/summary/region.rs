//! User regions (Go's `UserRegionSummary`): compact records while the trace is read and in the
//! summary, and the view the summary gives of each.

use std::collections::BTreeMap;
use std::fmt;

use gotrace::{EventKind, TaskId, Time};

use super::event::{EventRef, StackRef};
use super::paged::Paged;
use super::exec_stats::{self, get_i, get_u, GoroutineExecStats, Scalars};
use super::names::{Names, Sym};
use super::store::{Ev, Store};
use super::{Duration, SummaryData};

/// Index of a region in the summary ([`Summary::region`](super::Summary::region)).
///
/// Go shares `*UserRegionSummary` pointers between a goroutine's and a task's region lists;
/// here both lists hold indices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct RegionId(pub u32);

/// How a record refers to its start or end event: no event, an event the record and a site
/// describe (the payload is the site), or an event kept apart (the payload is its index in
/// `Store::events`). One more bit is free for the record's use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Tag(u32);

impl Tag {
    const NONE: u32 = 0;
    const INLINE: u32 = 1;
    const APART: u32 = 2;
    const FLAG: u32 = 4;

    fn make(form: u32, payload: u32) -> Tag {
        assert!(payload < 1 << 29, "internal limit: fewer than 2^29 sites and kept events");
        Tag(payload << 3 | form)
    }

    /// No event (with a payload for the record's use).
    pub fn none(payload: u32) -> Tag {
        Tag::make(Tag::NONE, payload)
    }

    pub fn inline(site: u32) -> Tag {
        Tag::make(Tag::INLINE, site)
    }

    pub fn apart(index: u32) -> Tag {
        Tag::make(Tag::APART, index)
    }

    pub fn with_flag(self, flag: bool) -> Tag {
        Tag(if flag { self.0 | Tag::FLAG } else { self.0 & !Tag::FLAG })
    }

    pub fn flag(self) -> bool {
        self.0 & Tag::FLAG != 0
    }

    pub fn is_some(self) -> bool {
        self.0 & 3 != Tag::NONE
    }

    pub fn is_apart(self) -> bool {
        self.0 & 3 == Tag::APART
    }

    pub fn payload(self) -> u32 {
        self.0 >> 3
    }

    /// The event: `inline` completed with the site's goroutine, name and stack, or the one
    /// kept apart.
    pub fn event(self, store: &Store, inline: Ev) -> Option<Ev> {
        match self.0 & 3 {
            Tag::INLINE => {
                let site = store.sites.get(self.payload());
                Some(Ev { g: store.go_id(site.g), name: site.name, stack: site.stack, ..inline })
            }
            Tag::APART => store.events.get(self.payload() as usize).copied(),
            _ => None,
        }
    }
}

/// A region while the trace is being read and in the summary: 32 bytes, the stats encoded
/// apart. The start's site gives the region's goroutine and type (the site of its RegionBegin,
/// or of its RegionEnd if it has no begin); the start and end events are the RegionBegin and
/// RegionEnd of the region's task at those sites, or kept apart.
#[derive(Debug, Clone)]
pub(crate) struct RegionRec {
    pub start_time: Time,
    pub end_time: Time,
    /// Index of its task in the summary's tasks.
    pub task: u32,
    /// Payload: the region's site, also when the start is kept apart (in
    /// `Store::apart_starts`) or absent. Flag: whether the region is in its task's list (all
    /// but the synthetic regions of task inheritance are).
    pub start: Tag,
    pub end: Tag,
    /// Offset of the encoded stats in `Store::region_stats`; `NO_STATS` until the region ends.
    pub stats: u32,
}

pub(crate) const NO_STATS: u32 = u32::MAX;

/// The id of the next region of `regions`.
pub(crate) fn next_id(regions: &Paged<RegionRec>) -> RegionId {
    RegionId(u32::try_from(regions.len()).ok().filter(|&i| i != u32::MAX).expect("fewer than 2^32 regions"))
}

impl RegionRec {
    /// The start time as Go's region sort compares it: `None` (no start event) first.
    pub fn sort_key(&self) -> Option<Time> {
        self.start.is_some().then_some(self.start_time)
    }

    /// What the stats are encoded relative to (see `exec_stats::Encoder`).
    pub fn stats_base(&self) -> Duration {
        self.end_time.wrapping_sub(self.start_time)
    }
}

/// A region and its goroutine's execution stats while the region was active: a view of the
/// summary (cheap to copy).
#[derive(Debug, Clone, Copy)]
pub struct UserRegionSummary<'a> {
    pub id: RegionId,
    pub task_id: TaskId,
    /// The region type. Empty for the synthetic region of task inheritance (below), also when
    /// a `RegionEnd` of another type closed it: like Go, the end never renames a region.
    pub name: &'a str,
    /// Normally a RegionBegin event; `None` if the region began before the trace did. It is
    /// the goroutine's creation (a StateTransition from NotExist) for the synthetic region
    /// that represents a goroutine inheriting the task of the region its creator was in.
    pub start: Option<EventRef<'a>>,
    /// Normally a RegionEnd event; the goroutine's end (a StateTransition to NotExist, or to
    /// Waiting with reason "forever") if it ended with the region open; `None` if the region
    /// was still open at the end of the trace.
    pub end: Option<EventRef<'a>>,
    /// For a region that ended (or whose goroutine ended or was still alive at the end of
    /// the trace): the stats between start and end. For a region that never made it into a
    /// goroutine's list (open on a system goroutine, or on a goroutine whose id was reused),
    /// the goroutine's stats when the region began — as in Go.
    pub stats: RegionStats<'a>,
}

impl<'a> UserRegionSummary<'a> {
    pub(crate) fn new(data: &'a SummaryData, id: RegionId) -> Option<UserRegionSummary<'a>> {
        Some(UserRegionSummary::of(data, id, data.regions.get(id.0 as usize)?))
    }

    pub(crate) fn of(data: &'a SummaryData, id: RegionId, r: &RegionRec) -> UserRegionSummary<'a> {
        let e = RegionExtent::of(data, id, r);
        UserRegionSummary { id, task_id: e.task_id, name: e.name, start: e.start, end: e.end, stats: RegionStats::decode(&data.store, r) }
    }

    /// See [`GoroutineExecStats::unknown_time`].
    pub fn unknown_time(&self) -> Duration {
        self.stats.unknown_time()
    }

    /// See [`GoroutineExecStats::non_overlapping_stats`].
    pub fn non_overlapping_stats(&self) -> BTreeMap<String, Duration> {
        self.stats.non_overlapping_stats()
    }
}

/// A region without its stats: what its type, location and duration need (cheaper to make
/// than a [`UserRegionSummary`], which decodes the stats).
#[derive(Debug, Clone, Copy)]
pub struct RegionExtent<'a> {
    pub task_id: TaskId,
    /// See [`UserRegionSummary::name`].
    pub name: &'a str,
    /// See [`UserRegionSummary::start`].
    pub start: Option<EventRef<'a>>,
    /// See [`UserRegionSummary::end`].
    pub end: Option<EventRef<'a>>,
}

impl<'a> RegionExtent<'a> {
    pub(crate) fn of(data: &'a SummaryData, id: RegionId, r: &RegionRec) -> RegionExtent<'a> {
        let store = &data.store;
        let task_id = data.region_tasks.get(r.task as usize).and_then(|&t| data.tasks.get(t as usize)).map_or(TaskId::NONE, |t| t.id);
        let (start, end) = events(store, id, r, task_id);
        RegionExtent {
            task_id,
            name: store.names.name(store.sites.get(r.start.payload()).name),
            start: start.map(|ev| EventRef::new(ev, store)),
            end: end.map(|ev| EventRef::new(ev, store)),
        }
    }
}

/// A region's start and end events, of task `task`.
fn events(store: &Store, id: RegionId, r: &RegionRec, task: TaskId) -> (Option<Ev>, Option<Ev>) {
    let inline = |time, kind| Ev { time, id: task.0, kind, ..Ev::NONE };
    let start = if r.start.is_apart() {
        store.apart_starts.get(&id.0).and_then(|&i| store.events.get(i as usize).copied())
    } else {
        r.start.event(store, inline(r.start_time, EventKind::RegionBegin))
    };
    (start, r.end.event(store, inline(r.end_time, EventKind::RegionEnd)))
}

/// What the region types of the document need of a region: its name and the stack of its start
/// (its location). Made without looking up the region's task, a random access per region that
/// cost most of the types' time on a big trace.
#[derive(Debug, Clone, Copy)]
pub struct RegionKey<'a> {
    pub name: &'a str,
    /// The start's stack (none without a start event).
    pub stack: Option<StackRef<'a>>,
}

/// A region as [`Summary::listed_regions`](super::Summary::listed_regions) gives it: its start
/// and end times, its [`RegionKey`] made on demand.
#[derive(Debug, Clone, Copy)]
pub struct ListedRegion<'a> {
    pub(super) data: &'a SummaryData,
    pub(super) id: RegionId,
    pub(super) rec: &'a RegionRec,
}

impl<'a> ListedRegion<'a> {
    /// The site of its start when the start is described by it: regions with the same site
    /// have the same key (the site is the start's goroutine, name and stack).
    pub fn site(&self) -> Option<u32> {
        (self.rec.start.is_some() && !self.rec.start.is_apart()).then(|| self.rec.start.payload())
    }

    /// The time of its start event (none if it began before the trace).
    pub fn start(&self) -> Option<Time> {
        let r = self.rec;
        if r.start.is_apart() {
            events(&self.data.store, self.id, r, TaskId::NONE).0.map(|ev| ev.time)
        } else {
            r.start.is_some().then_some(r.start_time)
        }
    }

    /// The time of its end event (none if it was open at the end of the trace).
    pub fn end(&self) -> Option<Time> {
        let r = self.rec;
        if r.end.is_apart() {
            self.data.store.events.get(r.end.payload() as usize).map(|ev| ev.time)
        } else {
            r.end.is_some().then_some(r.end_time)
        }
    }

    pub fn key(&self) -> RegionKey<'a> {
        let (store, r) = (&self.data.store, self.rec);
        let (start, _) = events(store, self.id, r, TaskId::NONE);
        RegionKey {
            name: store.names.name(store.sites.get(r.start.payload()).name),
            stack: start.map(|ev| EventRef::new(ev, store).stack()),
        }
    }
}

/// A region's [`GoroutineExecStats`], decoded from the summary as needed: the durations are
/// here, the maps read on demand.
#[derive(Debug, Clone, Copy)]
pub struct RegionStats<'a> {
    pub exec_time: Duration,
    pub sched_wait_time: Duration,
    pub syscall_time: Duration,
    pub syscall_block_time: Duration,
    pub total_time: Duration,
    /// Time blocked, by reason; keys with zero values exactly where Go's map has them.
    pub block_time_by_reason: NameDurations<'a>,
    /// Time in ranges, by range name; keys with zero values exactly where Go's map has them.
    pub range_time: NameDurations<'a>,
}

impl<'a> RegionStats<'a> {
    fn decode(store: &'a Store, r: &RegionRec) -> RegionStats<'a> {
        let names = &store.names;
        if r.stats == NO_STATS {
            let empty = NameDurations { keys: &[], values: &[], names };
            return RegionStats::of(Scalars::default(), empty, empty);
        }
        let d = exec_stats::decode(store.region_stats.from(r.stats), 0, r.stats_base());
        let map = |(set, values)| NameDurations { keys: store.key_sets.get(set), values, names };
        RegionStats::of(d.s, map(d.block), map(d.range))
    }

    fn of(s: Scalars, block: NameDurations<'a>, range: NameDurations<'a>) -> RegionStats<'a> {
        RegionStats {
            exec_time: s.exec,
            sched_wait_time: s.sched_wait,
            syscall_time: s.syscall,
            syscall_block_time: s.syscall_block,
            total_time: s.total,
            block_time_by_reason: block,
            range_time: range,
        }
    }

    fn scalars(&self) -> Scalars {
        Scalars {
            exec: self.exec_time,
            sched_wait: self.sched_wait_time,
            syscall: self.syscall_time,
            syscall_block: self.syscall_block_time,
            total: self.total_time,
        }
    }

    /// See [`GoroutineExecStats::non_overlapping_stats`].
    pub fn non_overlapping_stats(&self) -> BTreeMap<String, Duration> {
        exec_stats::non_overlapping(self.scalars(), self.block_time_by_reason.iter())
    }

    /// See [`GoroutineExecStats::unknown_time`].
    pub fn unknown_time(&self) -> Duration {
        exec_stats::unknown(self.scalars(), self.block_time_by_reason.iter().map(|(_, d)| d))
    }

    /// The sum of all block times (all reasons).
    pub fn block_time(&self) -> Duration {
        self.block_time_by_reason.iter().fold(0, |a, (_, d)| a.wrapping_add(d))
    }

    /// The stats with their maps, as a goroutine's.
    pub fn to_exec_stats(&self) -> GoroutineExecStats {
        GoroutineExecStats {
            exec_time: self.exec_time,
            sched_wait_time: self.sched_wait_time,
            block_time_by_reason: self.block_time_by_reason.to_map(),
            syscall_time: self.syscall_time,
            syscall_block_time: self.syscall_block_time,
            total_time: self.total_time,
            range_time: self.range_time.to_map(),
        }
    }
}

/// Durations by name (a region's block times by reason, or range times), read from the summary.
#[derive(Clone, Copy)]
pub struct NameDurations<'a> {
    keys: &'a [Sym],
    /// The non-zero values: position in `keys` and value, varints.
    values: &'a [u8],
    names: &'a Names,
}

impl<'a> NameDurations<'a> {
    /// The names and durations, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&'a str, Duration)> + 'a {
        let (keys, values, names) = (self.keys, self.values, self.names);
        let mut at = 0;
        let mut next = move || (at < values.len()).then(|| (get_u(values, &mut at) as usize, get_i(values, &mut at)));
        let mut pending = next();
        keys.iter().enumerate().map(move |(i, &k)| {
            let v = match pending {
                Some((pos, v)) if pos == i => {
                    pending = next();
                    v
                }
                _ => 0,
            };
            (names.name(k), v)
        })
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The duration of `name` (0 if absent).
    pub fn get(&self, name: &str) -> Duration {
        self.iter().find(|&(k, _)| k == name).map_or(0, |(_, d)| d)
    }

    pub fn to_map(&self) -> BTreeMap<String, Duration> {
        self.iter().map(|(k, v)| (k.to_owned(), v)).collect()
    }
}

impl fmt::Debug for NameDurations<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}
