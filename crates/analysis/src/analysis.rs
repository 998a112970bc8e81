//! One pass over a trace feeding every analysis, and the document built from the results.

use crate::driver::{self, ParseOutcome, Rejected};
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

/// The results of every analysis of one trace.
pub struct Analysis {
    pub file: FileInfo,
    pub header: HeaderInfo,
    pub outcome: ParseOutcome,
    pub stats: Stats,
    pub syncs: SyncsAndMetrics,
    pub summary: Summary,
    pub profiles: FinishedProfiles,
    /// Utilization functions for each flag set of the /mmu page.
    pub mmu: Vec<(UtilFlags, Vec<Vec<MutatorUtil>>)>,
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
        let first = Self::run_limited(data, name, None, progress)?;
        if !first.outcome.needs_rerun(None) {
            return Ok(first);
        }
        let limit = first.outcome.events_kept;
        drop(first);
        Self::run_limited(data, name, Some(limit), progress)
    }

    fn run_limited(data: &[u8], name: &str, limit: Option<u64>, progress: &mut dyn FnMut(u64, u64)) -> Result<Analysis, Rejected> {
        let mut stats = Stats::new();
        let mut syncs = SyncsAndMetrics::default();
        let mut profiles = BlockingProfiles::new();
        let mut mmu = mmu_page::MmuBuilders::new();
        let mut cpu = crate::cpu::CpuSamples::new();
        // timeline
        let mut timeline = crate::timeline::TimelineBuilder::new();
        // Like cmd/trace, the summarizer sees every event read, the rest only the kept ones.
        let mut summarizer = Summarizer::new();
        let outcome = {
            let mut kept = driver::Fanout(vec![&mut stats, &mut syncs, &mut profiles, &mut mmu, &mut cpu, /* timeline */ &mut timeline]);
            driver::run(data, &mut summarizer, &mut kept, limit, progress)?
        };
        stats.finish();
        Ok(Analysis {
            file: FileInfo { name: name.to_string(), size: data.len() as u64 },
            header: HeaderInfo::of(data),
            outcome,
            stats,
            syncs,
            summary: summarizer.finalize(),
            profiles: profiles.finish(),
            mmu: mmu.finish(),
            cpu,
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
    pub fn report(&self, detail: Detail) -> Report {
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
            tasks: summary.tasks.len(),
            regions: summary.goroutine_region_count(),
            generations: self.stats.syncs,
            max_goroutine_id: self.stats.max_goroutine,
        };
        Report {
            file: self.file.clone(),
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
            mmu: mmu_page::mmu_info(&self.mmu),
        }
    }
}
