//! What `go tool trace`'s /mmu page shows, as the `mmu` section: MMU curves for the flag sets
//! the page offers (stop-the-world, background workers, mark assists, sweeping; whole program
//! or per proc), the default plot and the worst windows.

use serde::Serialize;

use crate::duration::go_duration;
use crate::mmu::{mmu_plot, MmuCurve, MmuPlot, MultiUtilBuilder, MutatorUtil, UtilFlags};

/// Windows at which each curve is reported: 1µs to 1s.
pub const WINDOWS_NS: [i64; 7] = [1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000];

/// Flag sets of the page: four levels, whole program and per proc.
pub fn page_flag_sets() -> Vec<UtilFlags> {
    let base = [
        UtilFlags::STW,
        UtilFlags::STW | UtilFlags::BACKGROUND,
        UtilFlags::PAGE_DEFAULT,
        UtilFlags::PAGE_DEFAULT | UtilFlags::SWEEP,
    ];
    base.iter().copied().chain(base.iter().map(|&f| f | UtilFlags::PER_PROC)).collect()
}

/// NaN and infinities as -1 (JSON has no such numbers).
fn finite(f: f64) -> f64 {
    if f.is_finite() {
        f
    } else {
        -1.0
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct MmuCurveInfo {
    pub flags: String,
    /// Utilization functions (one per proc in per-proc mode).
    pub series: usize,
    pub util_points: usize,
    /// MMU at each of [`WINDOWS_NS`].
    pub mmu: Vec<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct WorstWindow {
    #[serde(rename = "Time")]
    pub time: i64,
    #[serde(rename = "MutatorUtil")]
    pub mutator_util: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct MmuInfo {
    /// [`WINDOWS_NS`] as Go prints durations.
    pub windows: Vec<String>,
    pub curves: Vec<MmuCurveInfo>,
    pub default_flags: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plot_default: Option<MmuPlot>,
    /// For 1ms and 10ms windows (keys in ns): the 10 worst windows.
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub worst_windows_default: std::collections::BTreeMap<String, Vec<WorstWindow>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// A Go 1.11-1.21 trace whose GOMAXPROCS never changed: the initial GOMAXPROCS, recovered
    /// from the trace's first Gomaxprocs event (Go's conversion drops it, so `go tool trace`
    /// has no utilization for this trace).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recovered_gomaxprocs: Option<u64>,
}

/// The utilization functions of every flag set of the page, built in one pass (each event
/// decoded once for all sets).
///
/// Go's conversion of a Go 1.11–1.21 trace drops the GOMAXPROCS set when tracing started, so
/// Go has no utilization for such a trace unless GOMAXPROCS changed while it ran. A second
/// builder follows the events until GOMAXPROCS is known: told the initial GOMAXPROCS of a v1
/// trace, it computes the utilization Go cannot, used only where Go's way gives none (so the
/// numbers stay Go's wherever Go has them).
pub struct MmuBuilders {
    main: MultiUtilBuilder,
    /// Dropped once `main` knows GOMAXPROCS without it (every Go 1.22+ trace, at its start).
    recovered: Option<MultiUtilBuilder>,
    /// The initial GOMAXPROCS `recovered` was told.
    seeded: Option<u64>,
}

/// The page's utilization functions, and where GOMAXPROCS came from.
pub struct MmuResult {
    pub utils: Vec<(UtilFlags, Vec<Vec<MutatorUtil>>)>,
    /// Set when the functions rest on a v1 trace's initial GOMAXPROCS (Go shows none).
    pub recovered_gomaxprocs: Option<u64>,
}

impl MmuBuilders {
    pub fn new() -> Self {
        let sets = page_flag_sets();
        MmuBuilders { main: MultiUtilBuilder::new(&sets), recovered: Some(MultiUtilBuilder::new(&sets)), seeded: None }
    }

    /// The utilization functions of each flag set.
    pub fn finish(self) -> MmuResult {
        let main = self.main.finish();
        let has_series = |u: &[(UtilFlags, Vec<Vec<MutatorUtil>>)]| u.iter().any(|(_, s)| s.iter().any(|s| !s.is_empty()));
        match (self.recovered, self.seeded) {
            (Some(recovered), Some(n)) if !has_series(&main) => {
                let utils = recovered.finish();
                let recovered_gomaxprocs = has_series(&utils).then_some(n);
                MmuResult { utils, recovered_gomaxprocs }
            }
            _ => MmuResult { utils: main, recovered_gomaxprocs: None },
        }
    }
}

impl Default for MmuBuilders {
    fn default() -> Self {
        Self::new()
    }
}

impl crate::Consumer for MmuBuilders {
    #[inline]
    fn event(&mut self, ev: &gotrace::Event) {
        self.main.event(ev);
        if let Some(r) = &mut self.recovered {
            if self.seeded.is_none() && self.main.knows_gomaxprocs() {
                self.recovered = None;
            } else {
                r.event(ev);
            }
        }
    }

    fn initial_gomaxprocs(&mut self, time: gotrace::Time, procs: u64) {
        if let Some(r) = &mut self.recovered {
            r.seed_gomaxprocs(time, procs);
            self.seeded = Some(procs);
        }
    }
}

/// The section, from each flag set's utilization functions.
///
/// `recovered_gomaxprocs`: the functions rest on a v1 trace's initial GOMAXPROCS (see
/// [`MmuBuilders`]); the section says so.
pub fn mmu_info(utils: &[(UtilFlags, Vec<Vec<MutatorUtil>>)], recovered_gomaxprocs: Option<u64>) -> MmuInfo {
    let mut info = MmuInfo {
        windows: WINDOWS_NS.iter().map(|&w| go_duration(w)).collect(),
        curves: Vec::new(),
        default_flags: UtilFlags::PAGE_DEFAULT.to_string(),
        plot_default: None,
        worst_windows_default: Default::default(),
        note: None,
        recovered_gomaxprocs,
    };
    for (flags, util) in utils {
        let curve = MmuCurve::new(util);
        info.curves.push(MmuCurveInfo {
            flags: flags.to_string(),
            series: util.len(),
            util_points: util.iter().map(Vec::len).sum(),
            mmu: WINDOWS_NS.iter().map(|&w| finite(curve.mmu(w))).collect(),
        });
        if *flags != UtilFlags::PAGE_DEFAULT {
            continue;
        }
        if util.first().is_none_or(|s| s.is_empty()) {
            info.note = Some("no GOMAXPROCS metric in the trace: no utilization series".into());
            continue;
        }
        info.plot_default = mmu_plot(util, &curve, None);
        for w in [1_000_000i64, 10_000_000] {
            let worst = curve
                .examples(w, 10)
                .into_iter()
                .map(|u| WorstWindow { time: u.time, mutator_util: finite(u.mutator_util) })
                .collect();
            info.worst_windows_default.insert(w.to_string(), worst);
        }
    }
    info
}
