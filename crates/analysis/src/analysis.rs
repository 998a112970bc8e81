//! One pass over a trace feeding every analysis, and the document built from the results.

use crate::driver::{self, ParseOutcome, Rejected};
use crate::range::{clip_series, InRange, LastTime, TimeRange};
use crate::mmu::{MutatorUtil, UtilFlags};
use crate::pprof::{BlockingProfiles, FinishedProfiles, ProfileKind};
use crate::report::{self, Counts, FileInfo, HeaderInfo, PprofInfo, Report, SyncsAndMetrics};
use crate::stats::Stats;
use crate::summary::{Summarizer, Summary};
use crate::{goroutines, mmu_page, regions, tasks};

/// How much of the per-item lists the document carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Every goroutine, task and region (what `gotrace analyze --json` prints).
    Full,
    /// Totals, groups, types, histograms and profiles; no per-goroutine, per-task or
    /// per-region lists (those are asked for one group or type at a time).
    Aggregates,
}

/// What to compute.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Restrict the analyses to this time range.
    pub range: Option<TimeRange>,
    /// Build the timeline (the web app's; the CLI's document does not show it).
    pub timeline: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options { range: None, timeline: true }
    }
}

/// Whether to read the trace on two threads (not in the browser, whose wasm has one).
fn parallel() -> bool {
    !cfg!(target_arch = "wasm32") && std::thread::available_parallelism().is_ok_and(|n| n.get() > 1)
}

/// The goroutine summaries: like cmd/trace, the summarizer sees every event read (the other
/// analyses only the kept ones). With a range, one summarizer stops at its end and one at its
/// start: a goroutine's time in the range is the difference.
struct Summarizing {
    range: Option<TimeRange>,
    upto: InRange<Summarizer>,
    before: InRange<Summarizer>,
    /// The last kept event's time (where a range's summary ends at the latest).
    last: LastTime,
    summary: Option<Summary>,
}

impl Summarizing {
    fn new(range: Option<TimeRange>) -> Summarizing {
        let r = range.unwrap_or(TimeRange::ALL);
        Summarizing {
            range,
            upto: InRange { inner: Summarizer::new(), range: TimeRange { from: i64::MIN, to: r.to } },
            before: InRange { inner: Summarizer::new(), range: TimeRange { from: i64::MIN, to: r.from } },
            last: LastTime::default(),
            summary: None,
        }
    }

    /// What sees every event read, and what sees the kept ones.
    fn consumers(&mut self) -> (driver::SendFanout<'_>, &mut LastTime) {
        let mut all: Vec<&mut (dyn crate::Consumer + Send)> = vec![&mut self.upto];
        if self.range.is_some() {
            all.push(&mut self.before);
        }
        (driver::Fanout(all), &mut self.last)
    }

    /// Finalizes the summary once every event is read.
    fn finish(&mut self) {
        let upto = std::mem::take(&mut self.upto.inner);
        self.summary = Some(match self.range {
            None => upto.finalize(),
            Some(r) => {
                let end = r.to.min(self.last.0);
                let before = std::mem::take(&mut self.before.inner).finalize_at(r.from.max(i64::MIN + 1).min(end));
                crate::range::summary_in_range(&before, upto.finalize_at(end), r)
            }
        });
    }
}

/// The results of every analysis of one trace.
pub struct Analysis {
    pub file: FileInfo,
    pub header: HeaderInfo,
    pub outcome: ParseOutcome,
    /// The time range the analyses are restricted to, if any.
    pub range: Option<TimeRange>,
    pub stats: Stats,
    pub syncs: SyncsAndMetrics,
    pub summary: Summary,
    pub profiles: FinishedProfiles,
    /// Utilization functions for each flag set of the /mmu page.
    pub mmu: Vec<(UtilFlags, Vec<Vec<MutatorUtil>>)>,
    /// Set when `mmu` rests on a v1 trace's initial GOMAXPROCS, which Go's tools lose.
    pub mmu_recovered_gomaxprocs: Option<u64>,
    /// CPU profile samples.
    pub cpu: crate::cpu::CpuSamples,
    // timeline
    /// The timeline: every proc, thread and goroutine's spans.
    pub timeline: crate::timeline::Timeline,
}

impl Analysis {
    /// Reads `data` once, feeding every analysis (twice for a trace damaged after its last
    /// Sync: see [`driver::run`]).
    pub fn run(data: &[u8], name: &str, progress: &mut dyn FnMut(u64, u64)) -> Result<Analysis, Rejected> {
        Self::run_with(data, name, &Options::default(), progress)
    }

    /// [`run_with`](Self::run_with) restricted to `range` (if given), timeline included.
    pub fn run_range(
        data: &[u8],
        name: &str,
        range: Option<TimeRange>,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<Analysis, Rejected> {
        Self::run_with(data, name, &Options { range, ..Options::default() }, progress)
    }

    /// [`run`](Self::run) with options: every analysis restricted to `opts.range` if given
    /// (events counted in it, goroutine times and profiles clipped to it, tasks and regions
    /// overlapping it, utilization functions cut to it; the timeline always covers the whole
    /// trace), and the timeline built only if `opts.timeline`.
    pub fn run_with(data: &[u8], name: &str, opts: &Options, progress: &mut dyn FnMut(u64, u64)) -> Result<Analysis, Rejected> {
        let range = opts.range;
        let timeline = opts.timeline;
        let first = Self::run_limited(data, name, None, range, timeline, progress)?;
        if !first.outcome.needs_rerun(None) {
            return Ok(first);
        }
        let limit = first.outcome.events_kept;
        drop(first);
        Self::run_limited(data, name, Some(limit), range, timeline, progress)
    }

    fn run_limited(
        data: &[u8],
        name: &str,
        limit: Option<u64>,
        range: Option<TimeRange>,
        with_timeline: bool,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<Analysis, Rejected> {
        let r = range.unwrap_or(TimeRange::ALL);
        let mut stats = InRange { inner: Stats::new(), range: r };
        let mut syncs = InRange { inner: SyncsAndMetrics::default(), range: r };
        let mut profiles = match range {
            Some(r) => BlockingProfiles::with_range(r.from, r.to),
            None => BlockingProfiles::new(),
        };
        let mut mmu = mmu_page::MmuBuilders::new();
        let mut cpu = InRange { inner: crate::cpu::CpuSamples::new(), range: r };
        let mut last = LastTime::default();
        // timeline
        let mut timeline = crate::timeline::TimelineBuilder::new();
        let mut summarizing = Summarizing::new(range);
        let outcome = {
            let mut kept: Vec<&mut dyn crate::Consumer> = vec![&mut stats, &mut syncs, &mut profiles, &mut mmu, &mut cpu, &mut last];
            if with_timeline {
                kept.push(/* timeline */ &mut timeline);
            }
            if parallel() {
                // Two readers over the same bytes, on two threads: the summarizers on one, the
                // other analyses on this one. Reading twice costs less than the summarizers.
                std::thread::scope(|scope| {
                    let summarized = scope.spawn(|| {
                        let (mut all, last) = summarizing.consumers();
                        let outcome = driver::run(data, &mut all, last, limit, &mut |_, _| {});
                        drop((all, last));
                        summarizing.finish();
                        outcome
                    });
                    let outcome = driver::run(data, &mut driver::Ignore, &mut driver::Fanout(kept), limit, progress);
                    let summarized = summarized.join().expect("the summarizers' thread does not panic");
                    // Both read the same bytes the same way.
                    debug_assert_eq!(summarized.as_ref().map(|o| o.events_read).ok(), outcome.as_ref().map(|o| o.events_read).ok());
                    outcome
                })?
            } else {
                let (mut all, summary_last) = summarizing.consumers();
                kept.push(summary_last);
                let outcome = driver::run(data, &mut all, &mut driver::Fanout(kept), limit, progress)?;
                drop(all);
                summarizing.finish();
                outcome
            }
        };
        let mut stats = stats.inner;
        stats.finish();
        let summary = summarizing.summary.expect("finished");
        let mmu_page::MmuResult { utils: mmu, recovered_gomaxprocs } = mmu.finish();
        let mmu = match range {
            None => mmu,
            Some(r) => mmu
                .into_iter()
                .map(|(f, series)| (f, series.iter().map(|s| clip_series(s, r)).filter(|s| !s.is_empty()).collect()))
                .collect(),
        };
        Ok(Analysis {
            file: FileInfo { name: name.to_string(), size: data.len() as u64 },
            header: HeaderInfo::of(data),
            outcome,
            range,
            stats,
            syncs: syncs.inner,
            summary,
            profiles: profiles.finish(),
            mmu,
            mmu_recovered_gomaxprocs: recovered_gomaxprocs,
            cpu: cpu.inner,
            // timeline
            timeline: timeline.finish(),
        })
    }

    /// The trace's start and end: the first and last kept events.
    pub fn span(&self) -> (i64, i64) {
        let t = self.stats.time();
        (t.first, t.last)
    }

    /// A blocking profile as the document shows it.
    pub fn pprof_info(&self, kind: ProfileKind) -> PprofInfo {
        if self.summary.goroutines.is_empty() {
            return PprofInfo::no_goroutines();
        }
        PprofInfo::of(&self.profiles.profile(kind))
    }

    /// The analysis document.
    pub fn report(&self, detail: Detail) -> Report<'_> {
        let (start, end) = self.span();
        let summary = &self.summary;
        let (goroutines, goroutine_summary, goroutine_groups) = goroutines::goroutine_sections(summary);
        let (tasks, task_types) = tasks::task_sections(summary, start, end, detail == Detail::Full);
        let (regions, region_types) = regions::region_sections(summary, start, end, detail == Detail::Full);
        let counts = Counts {
            goroutines: self.stats.goroutines(),
            procs: self.stats.procs(),
            threads: self.stats.threads(),
            summary_goroutines: summary.goroutines.len(),
            tasks: summary.task_count(),
            regions: summary.goroutine_region_count(),
            generations: self.stats.syncs,
            max_goroutine_id: self.stats.max_goroutine,
        };
        Report {
            file: self.file.clone(),
            range: self.range,
            header: self.header.clone(),
            parse: report::ParseInfo::from(&self.outcome),
            warnings: self.outcome.warning().into_iter().collect(),
            time: self.stats.time(),
            events: self.stats.events.clone(),
            counts,
            syncs: self.syncs.syncs.clone(),
            metrics: self.syncs.metrics.clone(),
            pprof: ProfileKind::ALL.into_iter().map(|k| (k.as_str(), self.pprof_info(k))).collect(),
            goroutines: if detail == Detail::Full { goroutines } else { Vec::new() },
            goroutine_summary,
            goroutine_groups,
            tasks,
            task_types,
            regions,
            region_types,
            mmu: mmu_page::mmu_info(&self.mmu, self.mmu_recovered_gomaxprocs),
        }
    }
}
