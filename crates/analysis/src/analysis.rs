//! One pass over a trace feeding every analysis, and the document built from the results.

use crate::driver::{self, ParseOutcome, Rejected};
use crate::input::{ByteSource, Input};
use crate::mmu::{MutatorUtil, UtilFlags};
use crate::passes::{self, Counting, Summarizing};
use crate::pprof::{FinishedProfiles, ProfileKind};
use crate::range::{clip_series, TimeRange};
use crate::report::{self, Counts, FileInfo, HeaderInfo, PprofInfo, Report, SyncsAndMetrics};
use crate::stats::{Share, Stats};
use crate::summary::{Summary, Threads};
use crate::timeline::TimelineBuilder;
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
    /// Read and analyse on the calling thread only. By default, where there is more than one
    /// core (not in the browser, whose wasm has one thread), a second thread runs some of the
    /// analyses; the results are the same.
    pub one_thread: bool,
    /// Compute the analyses (everything but the timeline). Without them, only the timeline
    /// is built; the other results are those of a trace with no events (the browser builds
    /// the timeline in one worker and the rest in another).
    pub analyses: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options { range: None, timeline: true, one_thread: false, analyses: true }
    }
}

/// Whether to analyse on two threads.
fn parallel(opts: &Options) -> bool {
    opts.analyses && !opts.one_thread && !cfg!(target_arch = "wasm32") && std::thread::available_parallelism().is_ok_and(|n| n.get() > 1)
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
        Self::run_releasing(data, name, opts, progress, &|_| {})
    }

    /// [`run_with`](Self::run_with), telling `release(offset)` now and then that no reader will
    /// look at the bytes before `offset` again, until the analysis is made (a trace damaged
    /// after its last Sync is read again, from the start). A caller that maps the file can
    /// let those pages go: the analysis then never holds the whole file in memory.
    pub fn run_releasing(
        data: &[u8],
        name: &str,
        opts: &Options,
        progress: &mut dyn FnMut(u64, u64),
        release: &(dyn Fn(u64) + Sync),
    ) -> Result<Analysis, Rejected> {
        Self::run_input(Input::Bytes(data), name, opts, progress, release)
    }

    /// [`run_with`](Self::run_with) over bytes read from `source` a window at a time: only
    /// about a generation of the trace is in memory at once (the browser keeps the file out of
    /// the wasm memory this way).
    pub fn run_source(source: &dyn ByteSource, name: &str, opts: &Options, progress: &mut dyn FnMut(u64, u64)) -> Result<Analysis, Rejected> {
        Self::run_input(Input::Source(source), name, opts, progress, &|_| {})
    }

    fn run_input(
        input: Input<'_>,
        name: &str,
        opts: &Options,
        progress: &mut dyn FnMut(u64, u64),
        release: &(dyn Fn(u64) + Sync),
    ) -> Result<Analysis, Rejected> {
        let first = Self::run_limited(input, name, None, opts, progress, release)?;
        if !first.outcome.needs_rerun(None) {
            return Ok(first);
        }
        let limit = first.outcome.events_kept;
        drop(first);
        Self::run_limited(input, name, Some(limit), opts, progress, release)
    }

    fn run_limited(
        input: Input<'_>,
        name: &str,
        limit: Option<u64>,
        opts: &Options,
        progress: &mut dyn FnMut(u64, u64),
        release: &(dyn Fn(u64) + Sync),
    ) -> Result<Analysis, Rejected> {
        let (range, with_timeline) = (opts.range, opts.timeline);
        let head = input.head(16).map_err(|msg| driver::not_a_reader(gotrace::Error::Truncated { offset: 0, msg }))?;
        let mut timeline = with_timeline.then(TimelineBuilder::new);
        let mut summarizing = Summarizing::new(range);
        let (outcome, profiles, counted) = if parallel(opts) {
            // The trace read once, on this thread; the summaries, utilization functions and
            // profiles on a second thread, fed by a relay of the events read. The counting
            // analyses go where the time is: the stats of the state transitions on the second
            // thread, the rest on this one, unless this one builds the timeline.
            let (relay, receiving) = crate::relay::relay();
            let (mut counting_here, counting_there, transitions_there) = if with_timeline {
                (None, Some(Counting::new(range, Share::All)), None)
            } else {
                (Some(Counting::new(range, Share::Rest)), None, Some(passes::transition_stats(range)))
            };
            let (outcome, profiles, counted_there, transitions) = std::thread::scope(|scope| {
                let analysed = scope.spawn(|| {
                    let (mut counting, mut transitions) = (counting_there, transitions_there);
                    let mut profiles = passes::profiles(range);
                    let (mut all, mut with_mmu) = summarizing.consumers();
                    let mut counts = driver::Both(&mut counting, &mut transitions);
                    let mut kept = driver::Both(&mut profiles, &mut counts);
                    receiving.feed(&mut all, &mut driver::Both(&mut kept, &mut with_mmu), limit);
                    summarizing.finish(Threads::Two);
                    (profiles.finish(), counting.map(|c| c.finish(None)), transitions)
                });
                let mut relay = relay;
                let mut here = driver::Both(&mut timeline, &mut counting_here);
                let outcome = driver::run_input(input, &mut relay, &mut here, limit, progress, &mut |o| release(o));
                relay.finish();
                let (profiles, counted, transitions) = analysed.join().expect("the analyses' thread does not panic");
                (outcome, profiles, counted, transitions)
            });
            let counted = counted_there.or_else(|| counting_here.map(|c| c.finish(transitions))).expect("counted on one thread");
            (outcome?, profiles, counted)
        } else if !opts.analyses {
            let outcome = driver::run_input(input, &mut driver::Ignore, &mut timeline, limit, progress, &mut |o| release(o))?;
            summarizing.finish(Threads::One);
            (outcome, passes::profiles(range).finish(), Counting::new(range, Share::All).finish(None))
        } else {
            let mut counting = Counting::new(range, Share::All);
            let mut profiles = passes::profiles(range);
            let (mut all, mut with_mmu) = summarizing.consumers();
            let mut kept = driver::Both(&mut driver::Both(&mut profiles, &mut counting), &mut with_mmu);
            let outcome =
                driver::run_input(input, &mut all, &mut driver::Both(&mut kept, &mut timeline), limit, progress, &mut |o| release(o))?;
            summarizing.finish(Threads::One);
            (outcome, profiles.finish(), counting.finish(None))
        };
        let mmu = std::mem::take(&mut summarizing.mmu);
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
            file: FileInfo { name: name.to_string(), size: input.len() },
            header: HeaderInfo::of(&head),
            outcome,
            range,
            stats: counted.stats,
            syncs: counted.syncs,
            summary,
            profiles,
            mmu,
            mmu_recovered_gomaxprocs: recovered_gomaxprocs,
            cpu: counted.cpu,
            // timeline
            timeline: timeline.map(TimelineBuilder::finish).unwrap_or_default(),
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
        let full = detail == Detail::Full;
        // The task sections and the region types each read the whole summary: natively, on
        // two threads.
        let ((tasks, task_types), region_types) = if parallel(&Options::default()) {
            std::thread::scope(|scope| {
                let types = scope.spawn(|| regions::region_types(summary, start, end));
                let tasks = tasks::task_sections(summary, start, end, full);
                (tasks, types.join().expect("the region types' thread does not panic"))
            })
        } else {
            (tasks::task_sections(summary, start, end, full), regions::region_types(summary, start, end))
        };
        let regions = regions::region_list(summary, start, end, full);
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
