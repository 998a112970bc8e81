//! User regions as `go tool trace` shows them (its /userregions and /userregion pages): each
//! region with its interval and time breakdown; region types (type and location of the
//! region's start) with latency histograms.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::histogram::{HistogramInfo, TimeHistogram};
use crate::list::List;
use crate::summary::{EventRef, StackRef, Summary, UserRegionSummary};

#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct FrameInfo {
    pub func: String,
    pub file: String,
    pub line: u64,
    pub pc: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct RegionInfo {
    pub goroutine: i64,
    pub task: u64,
    #[serde(rename = "type")]
    pub typ: String,
    pub start: Option<i64>,
    pub end: Option<i64>,
    /// Kinds of the start and end events: "StateTransition" for the synthetic region of a
    /// goroutine that inherits its creator's task, or that ended inside the region.
    pub start_kind: String,
    pub end_kind: String,
    /// The region's extent; a missing start or end is the trace's (cmd/trace's regionInterval).
    pub interval_start: i64,
    pub interval_end: i64,
    pub duration_ns: i64,
    /// Despite cmd/trace's name, the outermost frame of the start's stack.
    pub top_frame: FrameInfo,
    pub non_overlapping_ns: BTreeMap<String, i64>,
    pub total_ns: i64,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub range_ns: BTreeMap<String, i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RegionTypeInfo {
    #[serde(rename = "type")]
    pub typ: String,
    pub frame: FrameInfo,
    pub histogram: HistogramInfo,
}

/// cmd/trace's `regionTopStackFrame`: the last frame of the start event's stack.
fn top_frame(start: &Option<EventRef>) -> FrameInfo {
    stack_top_frame(start.as_ref().map(|s| s.stack()))
}

/// The last frame of a region's start stack (none without a start).
fn stack_top_frame(stack: Option<StackRef>) -> FrameInfo {
    stack
        .and_then(|s| s.frames().last())
        .map(|f| FrameInfo { func: f.func.into(), file: f.file.into(), line: f.line, pc: f.pc })
        .unwrap_or_default()
}

fn kind(ev: &Option<EventRef>) -> String {
    ev.as_ref().map(|e| e.kind().as_str().to_string()).unwrap_or_default()
}

/// The `region_types` section: regions by type and location, with their histograms.
pub fn region_types(summary: &Summary, trace_start: i64, trace_end: i64) -> Vec<RegionTypeInfo> {
    // Types by (name, top PC), the frame resolved once per type; regions that began at the
    // same site are of the same type, which is looked up once per site.
    let mut index: FxHashMap<(&str, Option<u64>), usize> = FxHashMap::default();
    let mut found: Vec<(&str, FrameInfo, TimeHistogram)> = Vec::new();
    let mut of_site = vec![usize::MAX; summary.site_count()];
    for r in summary.listed_regions() {
        let site = r.site().map(|s| s as usize);
        let ty = match site.and_then(|s| of_site.get(s)) {
            Some(&t) if t != usize::MAX => t,
            _ => {
                let k = r.key();
                let pc = k.stack.and_then(|s| s.pcs().last().copied());
                let t = *index.entry((k.name, pc)).or_insert_with(|| {
                    found.push((k.name, stack_top_frame(k.stack), TimeHistogram::default()));
                    found.len() - 1
                });
                if let Some(slot) = site.and_then(|s| of_site.get_mut(s)) {
                    *slot = t;
                }
                t
            }
        };
        let (is, ie) = (r.start().unwrap_or(trace_start), r.end().unwrap_or(trace_end));
        found[ty].2.add(ie - is);
    }
    // Types whose frames agree (same location reached by another PC) are one, as in Go.
    let mut merged: BTreeMap<(&str, FrameInfo), TimeHistogram> = BTreeMap::new();
    for (name, frame, h) in found {
        merged.entry((name, frame)).or_default().merge(&h);
    }
    let mut types: Vec<RegionTypeInfo> = merged
        .into_iter()
        .map(|((typ, frame), h)| RegionTypeInfo { typ: typ.to_string(), frame, histogram: h.info() })
        .collect();
    // The /userregions page: by type, then by PC.
    types.sort_by(|a, b| {
        (a.typ.as_str(), a.frame.pc, a.frame.func.as_str(), a.frame.line).cmp(&(b.typ.as_str(), b.frame.pc, b.frame.func.as_str(), b.frame.line))
    });
    types
}

/// The `regions` section, every region of every goroutine (by goroutine, then start; empty
/// unless `list`), made while the document is written: on a big trace it is hundreds of MB.
pub fn region_list(summary: &Summary, trace_start: i64, trace_end: i64, list: bool) -> List<'_, RegionInfo> {
    if list {
        List::lazy(move |f| {
            for g in summary.goroutines.values() {
                summary.goroutine_regions(g).for_each(|r| f(region_info(g.id.0, &r, trace_start, trace_end)));
            }
        })
    } else {
        List::default()
    }
}

/// The regions of one type, as the /userregion page lists them: those whose start's outermost
/// frame has PC `pc` (0: regions without one, as in Go), or at any location if `pc` is `None`.
pub fn regions_of_type(summary: &Summary, trace_start: i64, trace_end: i64, typ: &str, pc: Option<u64>) -> Vec<RegionInfo> {
    let mut out = Vec::new();
    for g in summary.goroutines.values() {
        for &id in &g.regions {
            // The type and location first: the stats are decoded for the regions listed only.
            let Some(e) = summary.region_extent(id) else { continue };
            if e.name != typ || pc.is_some_and(|pc| top_frame_pc(&e.start) != pc) {
                continue;
            }
            if let Some(r) = summary.region(id) {
                out.push(region_info(g.id.0, &r, trace_start, trace_end));
            }
        }
    }
    out
}

/// The PC of [`top_frame`] (0 if none), without making its strings.
fn top_frame_pc(start: &Option<EventRef>) -> u64 {
    start.as_ref().and_then(|s| s.stack().frames().last().map(|f| f.pc)).unwrap_or(0)
}

fn region_info(goroutine: i64, r: &UserRegionSummary, trace_start: i64, trace_end: i64) -> RegionInfo {
    let start = r.start.map(|e| e.time());
    let end = r.end.map(|e| e.time());
    let (is, ie) = (start.unwrap_or(trace_start), end.unwrap_or(trace_end));
    RegionInfo {
        goroutine,
        task: r.task_id.0,
        typ: r.name.to_string(),
        start,
        end,
        start_kind: kind(&r.start),
        end_kind: kind(&r.end),
        interval_start: is,
        interval_end: ie,
        duration_ns: ie - is,
        top_frame: top_frame(&r.start),
        non_overlapping_ns: r.non_overlapping_stats(),
        total_ns: r.stats.total_time,
        range_ns: r.stats.range_time.to_map(),
    }
}
