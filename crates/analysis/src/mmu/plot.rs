//! The MMU plot of `cmd/trace`'s `/mmu?mode=plot` page (traceviewer's `HandlePlot`).

use serde::Serialize;

use super::curve::MmuCurve;
use super::gomath;
use super::util::MutatorUtil;

/// Points of the plot.
const SAMPLES: usize = 100;

/// What `/mmu?mode=plot` returns: `curve` holds `[window, mmu]` rows (`[window, q...]` with
/// quantiles) for 100 windows spaced logarithmically from `x_min` to `x_max` ns.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MmuPlot {
    #[serde(rename = "xMin")]
    pub x_min: i64,
    #[serde(rename = "xMax")]
    pub x_max: i64,
    pub quantiles: Option<Vec<f64>>,
    pub curve: Vec<Vec<f64>>,
}

/// The quantiles the page asks for when its flags include `mut` ("Show percentiles"). Go
/// writes them `1 - .999` etc., constant expressions evaluated exactly: 0.001, not the f64
/// difference.
pub const PLOT_QUANTILES: [f64; 4] = [0.0, 0.001, 0.01, 0.05];

/// Computes the plot as `cmd/trace` does for `series` (the output of
/// [`MutatorUtilBuilder::finish`](super::MutatorUtilBuilder::finish)) and its curve. With
/// `quantiles` the rows hold [`MmuCurve::mud`] values instead of the MMU.
///
/// `None` when there is no series: `cmd/trace` indexes the first point of the first series and
/// fails on such traces (they have no GOMAXPROCS metric).
pub fn mmu_plot(series: &[Vec<MutatorUtil>], curve: &MmuCurve, quantiles: Option<&[f64]>) -> Option<MmuPlot> {
    let first = series.first()?;
    let (mut min_event, mut max_event) = (first.first()?.time, first.last()?.time);
    for s in &series[1..] {
        let (Some(f), Some(l)) = (s.first(), s.last()) else {
            continue;
        };
        min_event = min_event.min(f.time);
        max_event = max_event.max(l.time);
    }

    // The smallest window (1s, 1ms, 1µs or 1ns) whose MMU is still about 0.
    let mut x_min: i64 = 1_000_000_000;
    while x_min > 1 {
        if curve.mmu(x_min) < 0.0001 {
            break;
        }
        x_min /= 1000;
    }
    let x_max = x_min.wrapping_mul(1_000_000).min(max_event.wrapping_sub(min_event));

    let (log_min, log_max) = (gomath::log(x_min as f64), gomath::log(x_max as f64));
    let plot = (0..SAMPLES)
        .map(|i| {
            let window =
                gomath::f64_to_i64(gomath::exp(i as f64 / (SAMPLES - 1) as f64 * (log_max - log_min) + log_min));
            let mut row = vec![window as f64];
            match quantiles {
                None => row.push(curve.mmu(window)),
                Some(q) => row.extend(curve.mud(window, q)),
            }
            row
        })
        .collect();
    Some(MmuPlot { x_min, x_max, quantiles: quantiles.map(<[f64]>::to_vec), curve: plot })
}
