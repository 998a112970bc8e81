//! Questions asked of an analysis after the pass, one group, type or scope at a time (what
//! the web app's pages ask as the user clicks): a group's goroutines, a scoped profile,
//! tasks and regions of a type, an MMU plot for any flag set.

use rustc_hash::FxHashMap;
use serde::Serialize;

use gotrace::GoId;

use crate::analysis::Analysis;
use crate::driver;
use crate::goroutines::GoroutineInfo;
use crate::input::Input;
use crate::mmu::{mmu_plot, MmuCurve, MmuPlot, MutatorUtil, UtilFlags};
use crate::mmu_page::WorstWindow;
use crate::pprof::{non_overlapping, Profile, ProfileKind, ScopedProfile};
use crate::regions::{self, RegionInfo};
use crate::tasks::{self, TaskInfo};

/// Why a query cannot be answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError(pub String);

impl std::fmt::Display for QueryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for QueryError {}

/// The goroutines of a group (start function `name`), by id.
pub fn group_goroutines(a: &Analysis, name: &str) -> Vec<GoroutineInfo> {
    a.summary.goroutines.values().filter(|g| g.name == name).map(GoroutineInfo::of).collect()
}

/// A blocking profile over a scope: "" (every goroutine), "group:NAME" (goroutines whose
/// start function is NAME) or "region:TYPE" (time inside regions of TYPE). Scoped profiles
/// read the trace again (`input` must be the analysed trace).
pub fn profile<'d>(input: impl Into<Input<'d>>, a: &Analysis, kind: &str, scope: &str) -> Result<Profile, QueryError> {
    let kind = ProfileKind::parse(kind).ok_or_else(|| QueryError(format!("unknown profile kind {kind:?}")))?;
    if scope.is_empty() {
        return Ok(a.profiles.profile(kind));
    }
    let (_, end) = a.span();
    let mut intervals: FxHashMap<GoId, Vec<(i64, i64)>> = FxHashMap::default();
    if let Some(name) = scope.strip_prefix("group:") {
        for g in a.summary.goroutines.values().filter(|g| g.name == name) {
            let e = if g.end_time == 0 { end } else { g.end_time };
            intervals.insert(g.id, vec![(g.start_time, e)]);
        }
        if intervals.is_empty() {
            return Err(QueryError(format!("failed to find matching goroutines for name: {name}")));
        }
    } else if let Some(typ) = scope.strip_prefix("region:") {
        let (start, end) = a.span();
        for g in a.summary.goroutines.values() {
            for r in a.summary.goroutine_regions(g).filter(|r| r.name == typ) {
                let s = r.start.as_ref().map_or(start, |e| e.time());
                let e = r.end.as_ref().map_or(end, |e| e.time());
                intervals.entry(g.id).or_default().push((s, e));
            }
        }
        for v in intervals.values_mut() {
            *v = non_overlapping(std::mem::take(v));
        }
    } else {
        return Err(QueryError(format!("unknown profile scope {scope:?}: want \"\", group:NAME or region:TYPE")));
    }
    let (p, _) = driver::run_kept(input, || ScopedProfile::new(kind, intervals.clone()), &mut |_, _| {}, &mut |_| {})
        .map_err(|e| QueryError(e.to_string()))?;
    Ok(p.profile())
}

/// Tasks of type `typ` (all if `None`), keeping those with a log containing `log_filter`.
pub fn tasks(a: &Analysis, typ: Option<&str>, log_filter: Option<&str>) -> Vec<TaskInfo> {
    let (start, end) = a.span();
    a.summary
        .tasks()
        .filter(|t| typ.is_none_or(|ty| t.name == ty))
        .map(|t| tasks::task_info(&a.summary, &t, start, end))
        .filter(|t| log_filter.is_none_or(|f| f.is_empty() || tasks::task_logs_match(t, f)))
        .collect()
}

/// Regions of type `typ` whose start's outermost frame has PC `pc` (0: none), at any location
/// if `pc` is `None`.
pub fn regions(a: &Analysis, typ: &str, pc: Option<u64>) -> Vec<RegionInfo> {
    let (start, end) = a.span();
    regions::regions_of_type(&a.summary, start, end, typ, pc)
}

fn util(a: &Analysis, flags: UtilFlags) -> Option<&Vec<Vec<MutatorUtil>>> {
    a.mmu.iter().find(|(f, _)| *f == flags).map(|(_, u)| u)
}

/// The /mmu page's plot for a flag set (one of the page's eight).
pub fn mmu_plot_for(a: &Analysis, flags: &str) -> Option<MmuPlot> {
    let u = util(a, UtilFlags::parse(flags))?;
    mmu_plot(u, &MmuCurve::new(u), None)
}

/// The `n` worst windows of `window_ns` for a flag set.
pub fn mmu_worst(a: &Analysis, flags: &str, window_ns: i64, n: usize) -> Vec<WorstWindow> {
    let Some(u) = util(a, UtilFlags::parse(flags)) else { return Vec::new() };
    MmuCurve::new(u)
        .examples(window_ns, n)
        .into_iter()
        .map(|w| WorstWindow { time: w.time, mutator_util: if w.mutator_util.is_finite() { w.mutator_util } else { -1.0 } })
        .collect()
}

/// A serializable pair for JS.
#[derive(Debug, Serialize)]
pub struct Named<T> {
    pub name: String,
    pub value: T,
}
