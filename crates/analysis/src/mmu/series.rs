//! One utilization function prepared for MMU queries (Go's `mmuSeries`): cumulative sums for
//! integrating it, and a summary of it in equal-width bands to bound the MMU of every window
//! that starts in a band without looking at the window.

use super::gomath;
use super::util::MutatorUtil;

/// Total utilization in nanoseconds (Go's `totalUtil`), as opposed to a mean.
pub(crate) type TotalUtil = f64;

/// Go's `totalUtilOf`.
fn total_util_of(mean_util: f64, dur: i64) -> TotalUtil {
    mean_util * dur as f64
}

#[derive(Debug, Clone)]
pub(crate) struct MmuSeries {
    pub(crate) util: Vec<MutatorUtil>,
    /// `sums[j]` is the integral of the function from `util[0]` to `util[j]`.
    sums: Vec<TotalUtil>,
    /// The function summarized in non-overlapping bands of `band_dur`.
    pub(crate) bands: Vec<MmuBand>,
    pub(crate) band_dur: i64,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct MmuBand {
    /// Minimum instantaneous utilization in the band.
    pub(crate) min_util: f64,
    /// Total utilization from the start to the band's left edge.
    pub(crate) cum_util: TotalUtil,
    /// The integrator positioned at the band's left edge.
    pub(crate) integrator: Integrator,
}

impl MmuSeries {
    /// Go's `newMMUSeries`; `util` must not be empty.
    pub(crate) fn new(util: Vec<MutatorUtil>, bands_per_series: usize) -> MmuSeries {
        // Cumulative sums. Go starts from a zero point, so the first term is 0 * t.
        let mut sums = Vec::with_capacity(util.len());
        let mut prev = MutatorUtil { time: 0, util: 0.0 };
        let mut sum: TotalUtil = 0.0;
        for &u in &util {
            sum += total_util_of(prev.util, u.time.wrapping_sub(prev.time));
            sums.push(sum);
            prev = u;
        }

        // There is no point in having more bands than points.
        let num_bands = bands_per_series.min(util.len()).max(1);
        let dur = last_time(&util).wrapping_sub(first_time(&util));
        let band_dur = ((dur + num_bands as i64 - 1) / num_bands as i64).max(1);
        let mut s = MmuSeries { util, sums, bands: Vec::with_capacity(num_bands + 1), band_dur };

        // numBands + 1 bands, the last one recording the final cumulative sum.
        let mut left_sum = Integrator { pos: 0 };
        for i in 0..=num_bands {
            let (start, end) = s.band_time(i);
            let cum_util = left_sum.advance(&s, start);
            let mut min_util = 1.0;
            for u in s.util[left_sum.pos..].iter().take_while(|u| u.time < end) {
                min_util = gomath::min(min_util, u.util);
            }
            s.bands.push(MmuBand { min_util, cum_util, integrator: left_sum });
        }
        s
    }

    pub(crate) fn first_time(&self) -> i64 {
        first_time(&self.util)
    }

    pub(crate) fn last_time(&self) -> i64 {
        last_time(&self.util)
    }

    /// Start and end of band `i`.
    pub(crate) fn band_time(&self, i: usize) -> (i64, i64) {
        let start = (i as i64).wrapping_mul(self.band_dur).wrapping_add(self.first_time());
        (start, start.wrapping_add(self.band_dur))
    }
}

fn first_time(util: &[MutatorUtil]) -> i64 {
    util.first().map_or(0, |u| u.time)
}

fn last_time(util: &[MutatorUtil]) -> i64 {
    util.last().map_or(0, |u| u.time)
}

/// A position in a utilization function, for integrating it (Go's `integrator`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Integrator {
    /// Index in `util` of the current time's non-strict predecessor.
    pos: usize,
}

impl Integrator {
    /// The integral of the function from its start to `time`. Must be called with
    /// increasing times.
    pub(crate) fn advance(&mut self, s: &MmuSeries, time: i64) -> TotalUtil {
        let util = &s.util;
        let mut pos = self.pos;
        // The next point is often near: scan then; else binary search for time's strict
        // successor.
        const MAX_SEQ: usize = 8;
        if pos + MAX_SEQ < util.len() && util[pos + MAX_SEQ].time > time {
            while pos + 1 < util.len() && util[pos + 1].time <= time {
                pos += 1;
            }
        } else {
            let (mut l, mut r) = (pos, util.len());
            while l < r {
                let h = (l + r) / 2;
                if util[h].time <= time {
                    l = h + 1;
                } else {
                    r = h;
                }
            }
            // Go would index util[-1] (and panic) for a time before the first point.
            pos = l.saturating_sub(1);
        }
        self.pos = pos;
        let Some(u) = util.get(pos) else {
            return 0.0;
        };
        let mut partial: TotalUtil = 0.0;
        if time != u.time {
            partial = total_util_of(u.util, time.wrapping_sub(u.time));
        }
        s.sums[pos] + partial
    }

    /// The first time after `time` at which the function changes.
    pub(crate) fn next(&self, s: &MmuSeries, time: i64) -> i64 {
        s.util.get(self.pos..).unwrap_or_default().iter().find(|u| u.time > time).map_or(i64::MAX, |u| u.time)
    }
}
