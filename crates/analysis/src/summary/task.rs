//! User tasks (Go's `UserTaskSummary`).

use std::collections::BTreeSet;

use gotrace::{Event, GoId, TaskId};
use rustc_hash::FxHashSet;

use super::region::RegionId;
use super::Summary;

/// A task in the trace: everything the trace says about one task id.
#[derive(Debug, Clone)]
pub struct UserTaskSummary {
    pub id: TaskId,
    /// The task type (from its TaskBegin or TaskEnd; empty if neither is in the trace).
    pub name: String,
    /// The parent task, if known. Set from the first TaskBegin/TaskEnd naming a parent.
    pub parent: Option<TaskId>,
    /// Child tasks, in the order they named this one as parent.
    pub children: Vec<TaskId>,
    /// The TaskBegin event, if in the trace.
    pub start: Option<Event>,
    /// The TaskEnd event, if in the trace.
    pub end: Option<Event>,
    /// The Log events of this task, in trace order.
    pub logs: Vec<Event>,
    /// Regions of this task, in the order they began (or, for a region whose begin is not in
    /// the trace, ended). Includes regions that are in no goroutine's list (see
    /// [`UserRegionSummary::stats`](super::UserRegionSummary::stats)).
    pub regions: Vec<RegionId>,
    /// Goroutines that did something for the task (task begin/end, logs, regions). As in Go,
    /// this is the event's goroutine, so it can be [`GoId::NONE`] or a goroutine with no
    /// summary.
    pub goroutines: BTreeSet<GoId>,
}

impl UserTaskSummary {
    pub(crate) fn new(id: TaskId) -> UserTaskSummary {
        UserTaskSummary {
            id,
            name: String::new(),
            parent: None,
            children: Vec::new(),
            start: None,
            end: None,
            logs: Vec::new(),
            regions: Vec::new(),
            goroutines: BTreeSet::new(),
        }
    }

    /// Whether both the start and the end of the task are in the trace.
    pub fn complete(&self) -> bool {
        self.start.is_some() && self.end.is_some()
    }

    /// This task (always first) and, depth first, the transitive closure of its children
    /// (Go's `Descendents`). Unlike Go, which recurses forever, a task reached a second time
    /// (a malformed trace can make a task its own ancestor) is not visited again.
    pub fn descendents<'a>(&'a self, summary: &'a Summary) -> Vec<&'a UserTaskSummary> {
        let mut out = vec![self];
        let mut seen = FxHashSet::default();
        seen.insert(self.id);
        // Pre-order walk with an explicit stack: children pushed in reverse come out in order.
        let mut stack: Vec<TaskId> = self.children.iter().rev().copied().collect();
        while let Some(id) = stack.pop() {
            if !seen.insert(id) {
                continue;
            }
            let Some(task) = summary.tasks.get(&id) else { continue };
            out.push(task);
            stack.extend(task.children.iter().rev().copied());
        }
        out
    }
}
