//! User tasks (Go's `UserTaskSummary`) and their logs: compact records, and the view the
//! summary gives of each task.

use gotrace::{EventKind, GoId, TaskId, Time};
use rustc_hash::FxHashSet;

use super::event::EventRef;
use super::names::Sym;
use super::region::{RegionId, Tag};
use super::store::{Ev, Store};
use super::{Summary, SummaryData};

/// A task while the trace is read and in the summary: 48 bytes. The start and end events are
/// TaskBegin and TaskEnd of the task at a site (goroutine, type, stack), whose parent is the
/// task's (tag flag set) or none; or kept apart.
#[derive(Debug, Clone)]
pub(crate) struct TaskRec {
    pub id: TaskId,
    /// [`TaskId::NONE`] if unknown.
    pub parent: TaskId,
    pub start_time: Time,
    pub end_time: Time,
    pub name: Sym,
    pub start: Tag,
    pub end: Tag,
    /// The first goroutine (index) of the task (the others are kept apart); `NO_G` if none
    /// yet.
    pub first_g: u32,
}

pub(crate) const NO_G: u32 = u32::MAX;

impl TaskRec {
    pub fn new(id: TaskId) -> TaskRec {
        TaskRec {
            id,
            parent: TaskId::NONE,
            start_time: 0,
            end_time: 0,
            name: Sym(0),
            start: Tag::default(),
            end: Tag::default(),
            first_g: NO_G,
        }
    }

    /// The start (`end` false) or end event.
    pub fn event(&self, end: bool, store: &Store) -> Option<Ev> {
        let (tag, time, kind) =
            if end { (self.end, self.end_time, EventKind::TaskEnd) } else { (self.start, self.start_time, EventKind::TaskBegin) };
        let parent = if tag.flag() { self.parent } else { TaskId::NONE };
        tag.event(store, Ev { time, id: self.id.0, aux: parent.0, kind, ..Ev::NONE })
    }
}

/// A log message while the trace is read and in the summary: 24 bytes. Its message is in
/// `Store::messages` from `message` up to the next log's.
#[derive(Debug, Clone)]
pub(crate) struct LogRec {
    pub time: Time,
    pub message: u64,
    /// Index of its task.
    pub task: u32,
    /// Goroutine, category and stack.
    pub site: u32,
}

/// Lists per task (or any index), one after the other (compressed sparse rows).
#[derive(Debug, Clone)]
pub(crate) struct Lists<T> {
    /// End of list `i` in `items` is at `i`; lists start where the previous one ends.
    pub ends: Vec<u32>,
    pub items: Vec<T>,
}

impl<T> Default for Lists<T> {
    fn default() -> Self {
        Lists { ends: Vec::new(), items: Vec::new() }
    }
}

impl<T: Copy + Default> Lists<T> {
    /// Lists of `n` indices from `(index, item)` pairs, each list in the pairs' order.
    pub fn build(n: usize, pairs: impl Iterator<Item = (u32, T)> + Clone) -> Lists<T> {
        if n == 0 {
            return Lists { ends: Vec::new(), items: Vec::new() };
        }
        let mut ends = vec![0u32; n];
        for (i, _) in pairs.clone() {
            if let Some(e) = ends.get_mut(i as usize) {
                *e += 1;
            }
        }
        let mut at = 0u32;
        for e in &mut ends {
            at += *e;
            *e = at;
        }
        let mut items = vec![T::default(); at as usize];
        // Where the next item of each list goes: the lists' starts, then moving up.
        let mut next: Vec<u32> = Vec::with_capacity(n);
        next.push(0);
        next.extend_from_slice(&ends[..n - 1]);
        for (i, item) in pairs {
            if let Some(at) = next.get_mut(i as usize) {
                items[*at as usize] = item;
                *at += 1;
            }
        }
        Lists { ends, items }
    }

    /// Keeps the items for which `keep` holds.
    pub fn retain(&mut self, mut keep: impl FnMut(&T) -> bool) {
        let (mut from, mut to) = (0usize, 0usize);
        for end in &mut self.ends {
            for i in from..*end as usize {
                if keep(&self.items[i]) {
                    self.items[to] = self.items[i];
                    to += 1;
                }
            }
            from = *end as usize;
            *end = to as u32;
        }
        self.items.truncate(to);
    }

    pub fn get(&self, i: usize) -> &[T] {
        let end = self.ends.get(i).copied().unwrap_or(0) as usize;
        let start = if i == 0 { 0 } else { self.ends.get(i - 1).copied().unwrap_or(0) as usize };
        self.items.get(start..end).unwrap_or(&[])
    }
}

/// A task in the trace: everything the trace says about one task id. A view of the summary
/// (cheap to copy).
#[derive(Debug, Clone, Copy)]
pub struct UserTaskSummary<'a> {
    /// Its index in the summary.
    pub(crate) index: u32,
    pub id: TaskId,
    /// The task type (from its TaskBegin or TaskEnd; empty if neither is in the trace).
    pub name: &'a str,
    /// The parent task, if known. Set from the first TaskBegin/TaskEnd naming a parent.
    pub parent: Option<TaskId>,
    /// Child tasks, in the order they named this one as parent.
    pub children: &'a [TaskId],
    /// The TaskBegin event, if in the trace.
    pub start: Option<EventRef<'a>>,
    /// The TaskEnd event, if in the trace.
    pub end: Option<EventRef<'a>>,
    /// The Log events of this task, in trace order.
    pub logs: Logs<'a>,
    /// Regions of this task, in the order they began (or, for a region whose begin is not in
    /// the trace, ended). Includes regions that are in no goroutine's list (see
    /// [`UserRegionSummary::stats`](super::UserRegionSummary::stats)).
    pub regions: &'a [RegionId],
    /// Goroutines that did something for the task (task begin/end, logs, regions), ascending.
    /// As in Go, this is the event's goroutine, so it can be [`GoId::NONE`] or a goroutine with
    /// no summary.
    pub goroutines: TaskGoroutines<'a>,
}

impl<'a> UserTaskSummary<'a> {
    pub(crate) fn of(data: &'a SummaryData, index: usize, t: &TaskRec) -> UserTaskSummary<'a> {
        let store = &data.store;
        let event = |end| t.event(end, store).map(|ev| EventRef::new(ev, store));
        UserTaskSummary {
            index: index as u32,
            id: t.id,
            name: store.names.name(t.name),
            parent: (t.parent != TaskId::NONE).then_some(t.parent),
            children: data.task_children.get(index),
            start: event(false),
            end: event(true),
            logs: Logs { data, logs: data.task_logs.get(index) },
            regions: data.task_regions.get(index),
            goroutines: TaskGoroutines { ids: data.task_goroutines.get(index), go_ids: &store.go_ids },
        }
    }

    /// Whether both the start and the end of the task are in the trace.
    pub fn complete(&self) -> bool {
        self.start.is_some() && self.end.is_some()
    }

    /// This task (always first) and, depth first, the transitive closure of its children
    /// (Go's `Descendents`). Unlike Go, which recurses forever, a task reached a second time
    /// (a malformed trace can make a task its own ancestor) is not visited again.
    pub fn descendents(&self, summary: &'a Summary) -> Vec<UserTaskSummary<'a>> {
        let mut out = vec![*self];
        let mut seen = FxHashSet::default();
        seen.insert(self.id);
        // Pre-order walk with an explicit stack: children pushed in reverse come out in order.
        let mut stack: Vec<TaskId> = self.children.iter().rev().copied().collect();
        while let Some(id) = stack.pop() {
            if !seen.insert(id) {
                continue;
            }
            let Some(task) = summary.task(id) else { continue };
            out.push(task);
            stack.extend(task.children.iter().rev().copied());
        }
        out
    }
}

/// A task's Log events, in trace order.
#[derive(Clone, Copy)]
pub struct Logs<'a> {
    data: &'a SummaryData,
    logs: &'a [u32],
}

impl<'a> Logs<'a> {
    pub fn len(&self) -> usize {
        self.logs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.logs.is_empty()
    }

    pub fn get(&self, i: usize) -> Option<EventRef<'a>> {
        self.data.log(*self.logs.get(i)? as usize)
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = EventRef<'a>> + ExactSizeIterator + 'a {
        let data = self.data;
        self.logs.iter().map(move |&i| data.log(i as usize).unwrap_or_else(|| EventRef::new(Ev::NONE, &data.store)))
    }
}

/// A task's goroutines, ascending.
#[derive(Clone, Copy)]
pub struct TaskGoroutines<'a> {
    /// Indices in `go_ids`.
    ids: &'a [u32],
    go_ids: &'a [GoId],
}

impl<'a> TaskGoroutines<'a> {
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = GoId> + ExactSizeIterator + 'a {
        let go_ids = self.go_ids;
        self.ids.iter().map(move |&i| go_ids.get(i as usize).copied().unwrap_or(GoId::NONE))
    }

    pub fn contains(&self, g: GoId) -> bool {
        self.iter().any(|x| x == g)
    }
}

impl std::fmt::Debug for TaskGoroutines<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl std::fmt::Debug for Logs<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use gotrace::TaskId;

    use super::{Lists, TaskRec};
    use crate::summary::{Summary, SummaryData};

    /// A summary with only tasks: (id, parent, children).
    fn summary(tasks: &[(u64, Option<u64>, &[u64])]) -> Summary {
        let mut recs = crate::summary::paged::Paged::default();
        for &(id, parent, _) in tasks {
            recs.push(TaskRec { parent: TaskId(parent.unwrap_or(u64::MAX)), ..TaskRec::new(TaskId(id)) });
        }
        let children = tasks.iter().enumerate().flat_map(|(i, t)| t.2.iter().map(move |&c| (i as u32, TaskId(c))));
        let data = SummaryData { task_children: Lists::build(tasks.len(), children), tasks: recs, ..SummaryData::default() };
        Summary { goroutines: Default::default(), data }
    }

    #[test]
    fn descendents_are_depth_first_and_finite() {
        // 1 -> [2, 3], 2 -> [4]; and 5 its own parent, which only a malformed trace can say (Go's
        // Descendents would recurse forever on it).
        let s = summary(&[(1, None, &[2, 3]), (2, Some(1), &[4]), (3, Some(1), &[]), (4, Some(2), &[]), (5, Some(5), &[5])]);
        let ids = |id: u64| s.task(TaskId(id)).unwrap().descendents(&s).iter().map(|t| t.id.0).collect::<Vec<_>>();
        assert_eq!(ids(1), [1, 2, 4, 3]);
        assert_eq!(ids(2), [2, 4]);
        assert_eq!(ids(5), [5]);
        assert_eq!(s.tasks().map(|t| t.id.0).collect::<Vec<_>>(), [1, 2, 3, 4, 5]);
        assert_eq!(s.task(TaskId(2)).unwrap().parent, Some(TaskId(1)));
        assert_eq!(s.task(TaskId(1)).unwrap().parent, None);
        assert!(s.task(TaskId(6)).is_none());
    }

    #[test]
    fn lists_keep_order() {
        let l = Lists::build(4, [(2, 'a'), (0, 'b'), (2, 'c'), (3, 'd'), (2, 'e')].into_iter());
        assert_eq!(l.get(0), ['b']);
        assert!(l.get(1).is_empty());
        assert_eq!(l.get(2), ['a', 'c', 'e']);
        assert_eq!(l.get(3), ['d']);
        assert!(l.get(4).is_empty());
        let mut l = l;
        l.retain(|&c| c != 'c' && c != 'b');
        assert!(l.get(0).is_empty());
        assert_eq!(l.get(2), ['a', 'e']);
        assert_eq!(l.get(3), ['d']);
    }
}
