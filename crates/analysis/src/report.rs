//! The analysis document: what `gotrace analyze --json` prints and the web app shows. Field
//! names follow the oracle JSON (`../shared/oracle/README.md`), so the two compare directly.

use std::collections::BTreeMap;

use gotrace::{Event, EventKind};
use serde::Serialize;

use crate::driver::ParseOutcome;
use crate::list::List;
use crate::stats::{EventCounts, TimeSpan};
use crate::Consumer;

#[derive(Debug, Clone, Serialize)]
pub struct FileInfo {
    pub name: String,
    pub size: u64,
}

/// The first 16 bytes, read as a header.
#[derive(Debug, Clone, Serialize)]
pub struct HeaderInfo {
    pub raw_hex: String,
    /// The text before the first NUL, non-ASCII escaped.
    pub raw: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minor: Option<u32>,
    /// "v1" (Go 1.11-1.21) or "v2" (Go 1.22+).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<&'static str>,
}

impl HeaderInfo {
    pub fn of(data: &[u8]) -> HeaderInfo {
        let head = &data[..data.len().min(16)];
        let text = head.split(|&b| b == 0).next().unwrap_or(&[]);
        let raw: String = text.iter().flat_map(|&b| std::ascii::escape_default(b)).map(char::from).collect();
        let mut h = HeaderInfo {
            raw_hex: head.iter().map(|b| format!("{b:02x}")).collect(),
            raw,
            version: None,
            minor: None,
            format: None,
        };
        let s = std::str::from_utf8(text).unwrap_or("");
        if let Some(minor) = s.strip_prefix("go 1.").and_then(|r| r.strip_suffix(" trace")).and_then(|n| {
            (!n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())).then(|| n.parse::<u32>().ok()).flatten()
        }) {
            h.version = Some(s.to_string());
            h.minor = Some(minor);
            h.format = Some(if minor <= 21 { "v1" } else { "v2" });
        }
        h
    }
}

/// How reading went (the oracle's `parse` section).
#[derive(Debug, Clone, Serialize)]
pub struct ParseInfo {
    pub strict_ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub strict_error: Option<String>,
    pub events_read: u64,
    pub events_kept: u64,
    pub reference_accepts: bool,
    pub bytes_valid: u64,
}

impl From<&ParseOutcome> for ParseInfo {
    fn from(p: &ParseOutcome) -> ParseInfo {
        ParseInfo {
            strict_ok: p.strict_ok,
            strict_error: p.error.as_ref().map(|e| e.go_message()),
            events_read: p.events_read,
            events_kept: p.events_kept,
            reference_accepts: true,
            bytes_valid: p.bytes_valid,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Counts {
    /// Distinct goroutines, procs and threads seen in events.
    pub goroutines: usize,
    pub procs: usize,
    pub threads: usize,
    /// Goroutines the summarizer knows.
    pub summary_goroutines: usize,
    pub tasks: usize,
    pub regions: usize,
    /// Sync events: generations plus the final one.
    pub generations: u64,
    pub max_goroutine_id: i64,
}

/// One Sync event.
#[derive(Debug, Clone, Serialize)]
pub struct SyncInfo {
    pub n: u64,
    pub time: i64,
    pub clock_snapshot: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wall: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub experimental_batches: BTreeMap<&'static str, usize>,
}

/// One metric's samples.
#[derive(Debug, Clone, Serialize)]
pub struct MetricInfo {
    pub count: u64,
    pub first: u64,
    pub last: u64,
    pub min: u64,
    pub max: u64,
}

/// Syncs and metrics, collected in the same pass.
#[derive(Debug, Default)]
pub struct SyncsAndMetrics {
    pub syncs: Vec<SyncInfo>,
    pub metrics: BTreeMap<&'static str, MetricInfo>,
}

impl Consumer for SyncsAndMetrics {
    fn event(&mut self, ev: &Event) {
        match ev.kind() {
            EventKind::Sync => {
                let Some(s) = ev.sync() else { return };
                let wall = s.clock_snapshot.map(|c| gotrace::rfc3339_nano(c.wall_sec, c.wall_nsec));
                self.syncs.push(SyncInfo {
                    n: s.n,
                    time: ev.time(),
                    clock_snapshot: wall.is_some(),
                    wall,
                    experimental_batches: s
                        .experimental_batches
                        .iter()
                        .filter(|(_, b)| !b.is_empty())
                        .map(|(n, b)| (*n, b.len()))
                        .collect(),
                });
            }
            EventKind::Metric => {
                let Some(m) = ev.metric() else { return };
                let v = m.value;
                let e = self.metrics.entry(m.name).or_insert(MetricInfo { count: 0, first: v, last: v, min: v, max: v });
                e.count += 1;
                e.last = v;
                e.min = e.min.min(v);
                e.max = e.max.max(v);
            }
            _ => {}
        }
    }
}

/// One blocking profile as the oracle's `pprof.<kind>` section.
#[derive(Debug, Clone, Serialize)]
pub struct PprofInfo {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub total_ns: i64,
    pub total_count: u64,
    pub records: Vec<PprofRecordInfo>,
    pub flat_ns_by_func: BTreeMap<String, i64>,
    pub cum_ns_by_func: BTreeMap<String, i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PprofRecordInfo {
    /// Function names, leaf first.
    pub stack: Vec<String>,
    pub count: u64,
    pub time_ns: i64,
}

impl PprofInfo {
    pub fn of(p: &crate::pprof::Profile) -> PprofInfo {
        PprofInfo {
            error: None,
            total_ns: p.total_ns,
            total_count: p.total_count,
            records: p
                .records
                .iter()
                .map(|r| PprofRecordInfo {
                    stack: r.frames.iter().map(|f| f.func.clone()).collect(),
                    count: r.count,
                    time_ns: r.time_ns,
                })
                .collect(),
            flat_ns_by_func: p.flat_by_func(),
            cum_ns_by_func: p.cum_by_func(),
        }
    }

    /// What `go tool trace -pprof` says when the trace has no goroutine.
    pub fn no_goroutines() -> PprofInfo {
        PprofInfo {
            error: Some("failed to find matching goroutines for name: ".into()),
            total_ns: 0,
            total_count: 0,
            records: Vec::new(),
            flat_ns_by_func: BTreeMap::new(),
            cum_ns_by_func: BTreeMap::new(),
        }
    }
}

/// The whole analysis of one trace.
#[derive(Debug, Clone, Serialize)]
pub struct Report<'a> {
    pub file: FileInfo,
    /// The time range the document is restricted to (`--range`), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub range: Option<crate::range::TimeRange>,
    pub header: HeaderInfo,
    pub parse: ParseInfo,
    /// Problems that did not stop the analysis (a cut trace), one line each.
    pub warnings: Vec<String>,
    pub events: EventCounts,
    pub counts: Counts,
    pub time: TimeSpan,
    pub syncs: Vec<SyncInfo>,
    pub metrics: BTreeMap<&'static str, MetricInfo>,
    /// The four blocking profiles: net, sync, syscall, sched.
    pub pprof: BTreeMap<&'static str, PprofInfo>,
    /// Every goroutine, by id.
    pub goroutines: Vec<crate::goroutines::GoroutineInfo>,
    pub goroutine_summary: crate::goroutines::GoroutineTotals,
    /// Goroutines by start function, most execution time first.
    pub goroutine_groups: Vec<crate::goroutines::GoroutineGroup>,
    /// Every user task, by id.
    pub tasks: List<'a, crate::tasks::TaskInfo>,
    pub task_types: Vec<crate::tasks::TaskTypeInfo>,
    /// Every region of every goroutine.
    pub regions: List<'a, crate::regions::RegionInfo>,
    pub region_types: Vec<crate::regions::RegionTypeInfo>,
    /// Minimum mutator utilization (the /mmu page).
    pub mmu: crate::mmu_page::MmuInfo,
}

impl Report<'_> {
    /// The document with its lists made (it no longer borrows the analysis).
    pub fn into_owned(self) -> Report<'static> {
        Report {
            file: self.file,
            range: self.range,
            header: self.header,
            parse: self.parse,
            warnings: self.warnings,
            events: self.events,
            counts: self.counts,
            time: self.time,
            syncs: self.syncs,
            metrics: self.metrics,
            pprof: self.pprof,
            goroutines: self.goroutines,
            goroutine_summary: self.goroutine_summary,
            goroutine_groups: self.goroutine_groups,
            tasks: List::Items(self.tasks.into_items()),
            task_types: self.task_types,
            regions: List::Items(self.regions.into_items()),
            region_types: self.region_types,
            mmu: self.mmu,
        }
    }
}
