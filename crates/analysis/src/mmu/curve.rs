//! The minimum mutator utilization curve (Go's `MMUCurve`): MMU, worst windows and the
//! utilization distribution for any window size, by refining only the bands whose lower bound
//! could still beat what has been found.

use super::accumulator::{Accumulator, UtilWindow};
use super::gomath;
use super::heap;
use super::mud::Mud;
use super::series::{MmuSeries, TotalUtil};
use super::util::MutatorUtil;

/// Go's `bandsPerSeries`.
pub const DEFAULT_BANDS_PER_SERIES: usize = 1000;

/// Series whose times leave this range are ignored (no trace clock gets there; it keeps all
/// time arithmetic far from overflow).
const MAX_ABS_TIME: i64 = 1 << 61;

/// MMU, worst windows and utilization distribution of a set of utilization functions.
#[derive(Debug, Clone)]
pub struct MmuCurve {
    series: Vec<MmuSeries>,
}

/// Lower bound of the utilization of every window whose left edge is in a band.
#[derive(Debug, Clone, Copy)]
struct BandUtil {
    series: usize,
    band: usize,
    util_bound: f64,
}

fn band_less(a: &BandUtil, b: &BandUtil) -> bool {
    a.util_bound < b.util_bound
}

impl MmuCurve {
    /// Go's `NewMMUCurve`.
    pub fn new(utils: &[Vec<MutatorUtil>]) -> MmuCurve {
        MmuCurve::with_bands(utils, DEFAULT_BANDS_PER_SERIES)
    }

    /// Like [`new`](Self::new) with another number of bands per series (Go's tests use 1 to
    /// check the band optimization).
    ///
    /// Empty series (Go would index out of range) and series with times beyond ±2^61 ns or
    /// going backwards are left out.
    pub fn with_bands(utils: &[Vec<MutatorUtil>], bands_per_series: usize) -> MmuCurve {
        let series = utils
            .iter()
            .filter(|u| match (u.first(), u.last()) {
                (Some(f), Some(l)) => f.time >= -MAX_ABS_TIME && l.time <= MAX_ABS_TIME && f.time <= l.time,
                _ => false,
            })
            .map(|u| MmuSeries::new(u.clone(), bands_per_series))
            .collect();
        MmuCurve { series }
    }

    /// The minimum mutator utilization over all windows of `window` ns, in [0, 1]: 0 for
    /// windows <= 0, 1 without series. Windows longer than a series are cut to its length.
    pub fn mmu(&self, window: i64) -> f64 {
        let mut acc = Accumulator::new(0, None);
        self.run(window, &mut acc);
        acc.mmu
    }

    /// Up to `n` disjoint windows of `window` ns with the lowest utilization, worst first
    /// (Go's `Examples`; which of several equally bad windows come out follows Go's banding).
    pub fn examples(&self, window: i64, n: usize) -> Vec<UtilWindow> {
        let mut acc = Accumulator::new(n, None);
        self.run(window, &mut acc);
        acc.into_worst()
    }

    /// Quantiles of the distribution of the mean utilization over all windows of `window` ns
    /// (Go's `MUD`).
    ///
    /// As in Go 1.27 this returns the MMU for every quantile: Go's accumulator stops before
    /// updating the distribution when no worst windows are requested (see `add_mu`).
    pub fn mud(&self, window: i64, quantiles: &[f64]) -> Vec<f64> {
        let Some(&first) = quantiles.first() else {
            return Vec::new();
        };
        // Refine bands until the highest quantile is below every unrefined band's bound.
        let max_q = quantiles.iter().fold(first, |m, &q| if q > m { q } else { m });
        // The final mass is the trace's duration minus the window, for each series.
        let mut duration: i64 = 0;
        for s in &self.series {
            let d = s.last_time() - s.first_time();
            if d >= window {
                duration = duration.wrapping_add(d.wrapping_sub(window));
            }
        }
        let q_mass = duration as f64 * max_q;

        let mut mud = Box::new(Mud::new());
        mud.set_track_mass(q_mass);
        let mut acc = Accumulator::new(0, Some(mud));
        self.run(window, &mut acc);

        let mmu = acc.mmu;
        let Some(mud) = acc.mud.as_mut() else {
            return vec![mmu; quantiles.len()];
        };
        quantiles
            .iter()
            .map(|&q| {
                let (mu, _) = mud.inv_cumulative_sum(duration as f64 * q);
                // NaN when the window is the whole trace (the windowed function is a single
                // point) or there is no mass; the quantiles have converged to the MMU then.
                if mu.is_nan() {
                    mmu
                } else {
                    mu
                }
            })
            .collect()
    }

    /// Go's `MMUCurve.mmu`: refines bands from the lowest bound up while the bound can still
    /// affect the accumulated statistics.
    fn run(&self, window: i64, acc: &mut Accumulator) {
        if window <= 0 {
            acc.mmu = 0.0;
            return;
        }
        let mut band_u: Vec<BandUtil> = Vec::new();
        let mut windows = Vec::with_capacity(self.series.len());
        for (i, s) in self.series.iter().enumerate() {
            let max = s.last_time() - s.first_time();
            let w = window.min(max);
            windows.push(w);
            // Go would index band -1 (and panic) for a series of zero duration; it has no
            // window of positive length.
            if w > 0 {
                mk_band_util(s, i, w, &mut band_u);
            }
        }

        heap::init(&mut band_u, band_less);
        while let Some(&b) = band_u.first() {
            if b.util_bound >= acc.bound {
                break;
            }
            band_mmu(&self.series[b.series], b.band, windows[b.series], acc);
            heap::pop(&mut band_u, band_less);
        }
    }
}

/// For each band, the worst possible mean utilization of the windows that start in it
/// (Go's `mkBandUtil`). `window` is in (0, series duration].
fn mk_band_util(s: &MmuSeries, series: usize, window: i64, out: &mut Vec<BandUtil>) {
    let band_dur = s.band_dur;
    // Minimum and maximum number of bands a window can span, in any alignment.
    let min_bands = ((window + band_dur - 1) / band_dur) as usize;
    let max_bands = ((window + 2 * (band_dur - 1)) / band_dur) as usize;
    // (Go panics here if window > 1 && max_bands < 2, which the arithmetic rules out.)
    let tail_dur = window % band_dur;
    let n_util = (s.bands.len() + 1).saturating_sub(max_bands);
    let bands = &s.bands;
    for i in 0..n_util {
        // Assume the minimum for bands only partly covered by some window and the mean for
        // bands covered by all windows.
        let mut util: TotalUtil = 0.0;

        // The lowest and second lowest of the partial bands.
        let l = bands[i].min_util;
        let r1 = bands[i + min_bands - 1].min_util;
        let r2 = bands[i + max_bands - 1].min_util;
        let min_band = gomath::min(l, gomath::min(r1, r2));
        // The worst window maximally overlaps the worst minimum and then the second worst.
        if min_bands == 1 {
            util += min_band * window as f64;
        } else {
            util += min_band * band_dur as f64;
            let mid_band = if min_band == l {
                gomath::min(r1, r2)
            } else if min_band == r1 {
                gomath::min(l, r2)
            } else if min_band == r2 {
                gomath::min(l, r1)
            } else {
                0.0
            };
            util += mid_band * tail_dur as f64;
        }

        // The total of the bands every window covers completely.
        if min_bands > 2 {
            util += bands[i + min_bands - 1].cum_util - bands[i + 1].cum_util;
        }

        out.push(BandUtil { series, band: i, util_bound: util / window as f64 });
    }
}

/// The precise windowed utilization for windows whose left edge is in band `band_idx`
/// (Go's `bandMMU`).
///
/// The box-filtered ("windowed") utilization function is continuous and piecewise linear,
/// with breaks where either window edge crosses a change of the utilization; so its minimum
/// is at such a break, and only those are visited, integrating up to both edges as they move.
fn band_mmu(s: &MmuSeries, band_idx: usize, window: i64, acc: &mut Accumulator) {
    let Some(band) = s.bands.get(band_idx) else {
        return;
    };
    let mut left = band.integrator;
    let mut right = left;
    let (mut time, mut end_time) = s.band_time(band_idx);
    let util_end = s.last_time() - window;
    if util_end < end_time {
        end_time = util_end;
    }
    acc.reset_time();
    loop {
        // Advance the edges to time and time + window.
        let mu = (right.advance(s, time + window) - left.advance(s, time)) / window as f64;
        if acc.add_mu(time, mu, window) {
            break;
        }
        if time == end_time {
            break;
        }

        // The windowed function's slope is at most 1/window, so it cannot drop below the
        // bound before (mu - bound) * window ns.
        let min_time = time.wrapping_add(gomath::f64_to_i64((mu - acc.bound) * window as f64));

        // The next time either edge meets a change of the utilization.
        let t1 = left.next(s, time);
        let t2 = right.next(s, time + window) - window;
        time = if t1 < t2 { t1 } else { t2 };
        if time < min_time {
            time = min_time;
        }
        if time >= end_time {
            // An MMU could stop here, but a distribution must span the whole band.
            time = end_time;
        }
    }
}
