//! User tasks as `go tool trace` shows them (its /usertasks and /usertask pages): each task
//! with its interval, goroutines, logs and event log; task types with latency histograms.

use gotrace::{EventKind, GoId, ResourceKind};
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::histogram::{HistogramInfo, TimeHistogram};
use crate::list::List;
use crate::summary::{EventRef, Summary, UserTaskSummary};

#[derive(Debug, Clone, Serialize)]
pub struct LogInfo {
    pub time: i64,
    pub goroutine: i64,
    pub category: String,
    pub message: String,
}

/// One line of a task's event log.
#[derive(Debug, Clone, Serialize)]
pub struct TaskEventInfo {
    pub since_trace_start_ns: i64,
    /// Since the previous line (the first: since the trace start).
    pub elapsed_ns: i64,
    pub goroutine: i64,
    pub what: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TaskInfo {
    pub id: u64,
    #[serde(rename = "type")]
    pub typ: String,
    pub parent: Option<u64>,
    pub children: Vec<u64>,
    pub complete: bool,
    pub start: Option<i64>,
    pub end: Option<i64>,
    /// The task's extent; a missing start or end is the trace's (cmd/trace's taskInterval).
    pub interval_start: i64,
    pub interval_end: i64,
    pub duration_ns: i64,
    pub goroutines: Vec<i64>,
    pub logs: Vec<LogInfo>,
    pub regions: usize,
    pub events: Vec<TaskEventInfo>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TaskTypeInfo {
    #[serde(rename = "type")]
    pub typ: String,
    /// Tasks of this type, complete or not.
    pub count: u64,
    pub complete: u64,
    /// Durations of the complete ones.
    pub histogram: HistogramInfo,
}

/// The /usertask page's description of an event ("" for events it does not list).
pub fn describe_event(ev: &EventRef) -> String {
    match ev.kind() {
        EventKind::StateTransition => match ev.state_transition().and_then(|st| st.goroutine()) {
            Some((old, new)) => format!("{old} -> {new}"),
            None => String::new(),
        },
        EventKind::RegionBegin => ev.region().map(|r| format!("region {} begin", gotrace::go_quote(r.typ))).unwrap_or_default(),
        EventKind::RegionEnd => ev.region().map(|r| format!("region {} end", gotrace::go_quote(r.typ))).unwrap_or_default(),
        EventKind::TaskBegin => ev
            .task()
            .map(|t| format!("task {} (ID {}, parent {}) begin", gotrace::go_quote(&t.typ), t.id, t.parent))
            .unwrap_or_default(),
        EventKind::TaskEnd => "task end".into(),
        EventKind::Log => match ev.log() {
            Some(l) if l.category.is_empty() => format!("log {}", gotrace::go_quote(l.message)),
            Some(l) => format!("log (category: {}): {}", l.category, gotrace::go_quote(l.message)),
            None => String::new(),
        },
        _ => String::new(),
    }
}

/// The goroutine an event is about: the one changing state, else the one it happened on.
fn primary_goroutine(ev: &EventRef) -> GoId {
    if ev.kind() != EventKind::StateTransition {
        return ev.goroutine();
    }
    match ev.state_transition() {
        Some(st) if st.resource.kind == ResourceKind::Goroutine => GoId(st.resource.id),
        _ => GoId::NONE,
    }
}

pub fn task_info(summary: &Summary, task: &UserTaskSummary, trace_start: i64, trace_end: i64) -> TaskInfo {
    let start = task.start.map(|e| e.time());
    let end = task.end.map(|e| e.time());
    let (is, ie) = (start.unwrap_or(trace_start), end.unwrap_or(trace_end));
    let mut children: Vec<u64> = task.children.iter().map(|c| c.0).collect();
    children.sort_unstable();
    let logs = task
        .logs
        .iter()
        .filter_map(|ev| {
            let l = ev.log()?;
            Some(LogInfo { time: ev.time(), goroutine: ev.goroutine().0, category: l.category.into(), message: l.message.into() })
        })
        .collect();
    // The event log: start, end, logs and region boundaries, by time.
    let mut raw: Vec<EventRef> = task.start.into_iter().chain(task.end).chain(task.logs.iter()).collect();
    for r in summary.task_regions(task) {
        raw.extend(r.start.into_iter().chain(r.end));
    }
    raw.sort_by_key(|ev| ev.time());
    let mut events = Vec::new();
    let mut last = trace_start;
    for ev in raw {
        let what = describe_event(&ev);
        if what.is_empty() {
            continue;
        }
        events.push(TaskEventInfo {
            since_trace_start_ns: ev.time() - trace_start,
            elapsed_ns: ev.time() - last,
            goroutine: primary_goroutine(&ev).0,
            what,
        });
        last = ev.time();
    }
    TaskInfo {
        id: task.id.0,
        typ: task.name.to_string(),
        parent: task.parent.map(|p| p.0),
        children,
        complete: task.complete(),
        start,
        end,
        interval_start: is,
        interval_end: ie,
        duration_ns: ie - is,
        goroutines: task.goroutines.iter().map(|g| g.0).collect(),
        logs,
        regions: task.regions.len(),
        events,
    }
}

/// Every task (by id; only with `list`) and every task type (by name), for a trace spanning
/// [start, end].
pub fn task_sections(summary: &Summary, trace_start: i64, trace_end: i64, list: bool) -> (List<'_, TaskInfo>, Vec<TaskTypeInfo>) {
    let mut types: FxHashMap<&str, (u64, u64, TimeHistogram)> = FxHashMap::default();
    for task in summary.tasks() {
        let ty = types.entry(task.name).or_default();
        ty.0 += 1;
        if let (Some(s), Some(e)) = (&task.start, &task.end) {
            ty.1 += 1;
            ty.2.add(e.time() - s.time());
        }
    }
    // By name, as the /usertasks page.
    let mut types: Vec<_> = types.into_iter().collect();
    types.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let types = types
        .into_iter()
        .map(|(name, (count, complete, h))| TaskTypeInfo { typ: name.into(), count, complete, histogram: h.info() })
        .collect();
    // Made while the document is written: on a big trace the list is hundreds of MB.
    let tasks = if list {
        List::lazy(move |f| summary.tasks().for_each(|task| f(task_info(summary, &task, trace_start, trace_end))))
    } else {
        List::default()
    };
    (tasks, types)
}

/// Whether any of a task's log messages (or categories) contains `text` (the /usertasks
/// page's log filter).
pub fn task_logs_match(task: &TaskInfo, text: &str) -> bool {
    task.logs.iter().any(|l| l.message.contains(text) || l.category.contains(text))
}
