//! Level of detail: a window of lanes cut into `width` cells. A span at least one cell long
//! comes back as it is (clipped to the window); shorter spans are merged into their cell,
//! one row per state present with the time spent in that state, the dominant state first.
//! So the time per state of a lane's rows always equals the exact overlap of its spans with
//! the window, and the work is per cell, not per span: a cell costs two binary searches and
//! at most two blocks' decoding (see [`super::spans`]).
//!
//! Counters are derived the same way: goroutines (threads) by state per cell is the time
//! the goroutine (thread) lanes spent in each state in the cell over its length.

use super::spans::{Cursor, SpanLane, MAX_STATES};
use super::{go, thread, LaneKind, Series, Timeline};

/// Rows of several lanes: lane `k`'s rows are `offsets[k]..offsets[k + 1]`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LodRows {
    pub offsets: Vec<u32>,
    /// Extent of the row: the span (clipped) or the cell.
    pub start: Vec<f64>,
    pub end: Vec<f64>,
    /// Time in `state` within the row (the row's length for a span).
    pub ns: Vec<f64>,
    pub state: Vec<u8>,
    pub label: Vec<u32>,
    pub aux: Vec<u32>,
    /// 1 for a span as it is, 0 for a merged cell.
    pub exact: Vec<u8>,
    /// CPU samples on goroutine lanes, at most one mark per cell: lane `k`'s marks are
    /// `mark_offsets[k]..mark_offsets[k + 1]`; a mark is at its first sample's time, counts
    /// the samples of its cell and names the first (an index into the timeline's samples).
    pub mark_offsets: Vec<u32>,
    pub mark_time: Vec<f64>,
    pub mark_count: Vec<u32>,
    pub mark_sample: Vec<u32>,
}

impl LodRows {
    fn push(&mut self, (start, end): (i64, i64), ns: i64, state: u8, label: u32, aux: u32, exact: bool) {
        self.start.push(start as f64);
        self.end.push(end as f64);
        self.ns.push(ns as f64);
        self.state.push(state);
        self.label.push(label);
        self.aux.push(aux);
        self.exact.push(exact as u8);
    }

    pub fn len(&self) -> usize {
        self.start.len()
    }

    pub fn is_empty(&self) -> bool {
        self.start.is_empty()
    }
}

/// The rows of `lanes` (lane indices) over `[t0, t1)` cut into `width` cells.
pub fn lanes(tl: &Timeline, lanes: &[u32], t0: i64, t1: i64, width: u32) -> LodRows {
    let mut out = LodRows { offsets: vec![0], mark_offsets: vec![0], ..Default::default() };
    for &l in lanes {
        if let Some(lane) = tl.lanes.get(l as usize) {
            lane_rows(&lane.spans, t0, t1, width, &mut out);
            if lane.kind == LaneKind::Goroutine {
                let ordinal = (l as usize - tl.goroutine_base) as u32;
                sample_marks(tl, tl.samples_of(ordinal), t0, t1, width, &mut out);
            }
        }
        out.offsets.push(out.len() as u32);
        out.mark_offsets.push(out.mark_time.len() as u32);
    }
    out
}

/// Appends the marks of one goroutine's samples (`of`: indices into the timeline's samples, in
/// time order): at most one per cell, so the cost is per cell when samples are dense.
fn sample_marks(tl: &Timeline, of: &[u32], t0: i64, t1: i64, width: u32, out: &mut LodRows) {
    if t1 <= t0 || width == 0 || of.is_empty() {
        return;
    }
    let time = |i: usize| tl.samples[of[i] as usize].time;
    let px = (t1 - t0) as f64 / f64::from(width);
    let first = of.partition_point(|&s| tl.samples[s as usize].time < t0);
    let mut i = first;
    while i < of.len() && time(i) < t1 {
        // The end of the sample's cell, and the first sample past it.
        let c = ((time(i) - t0) as f64 / px).floor();
        let e = ((t0 as f64 + (c + 1.0) * px).ceil() as i64).max(time(i) + 1).min(t1);
        let next = i + of[i..].partition_point(|&s| tl.samples[s as usize].time < e);
        out.mark_time.push(time(i) as f64);
        out.mark_count.push((next - i) as u32);
        out.mark_sample.push(of[i]);
        i = next;
    }
}

/// Appends one lane's rows.
pub fn lane_rows(lane: &SpanLane, t0: i64, t1: i64, width: u32, out: &mut LodRows) {
    if t1 <= t0 || width == 0 || lane.is_empty() {
        return;
    }
    let px = (t1 - t0) as f64 / f64::from(width);
    let n = lane.nstates();
    let mut t = t0;
    let mut cur = Cursor::new(lane);
    cur.advance_to(t0);
    while let Some(s) = cur.pending() {
        if s.start >= t1 || t >= t1 {
            break;
        }
        let from = s.start.max(t);
        if (s.end - s.start) as f64 >= px {
            let to = s.end.min(t1);
            out.push((from, to), to - from, s.state, s.label, s.aux, true);
            t = s.end;
            cur.advance_to(t);
            continue;
        }
        // A cell from `from` to the end of its pixel.
        let c = ((from - t0) as f64 / px).floor();
        let e = ((t0 as f64 + (c + 1.0) * px).ceil() as i64).max(from + 1).min(t1);
        let before = cur.prefix(from);
        cur.advance_to(e);
        let after = cur.prefix(e);
        let mut per = [(0i64, 0u8); MAX_STATES];
        for k in 0..n {
            per[k] = (after[k] - before[k], k as u8);
        }
        per[..n].sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        for &(ns, st) in &per[..n] {
            if ns > 0 {
                let label = if st == s.state { s.label } else { 0 };
                out.push((from, e), ns, st, label, 0, false);
            }
        }
        t = e;
    }
}

/// Counters over `[t0, t1)` in `width` cells, each an average over its cell.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CounterCells {
    /// Per cell (`4 * width`): goroutines running (GC assist included), runnable, waiting, in syscalls.
    pub goroutines: Vec<f64>,
    /// Per cell (`2 * width`): threads with a P, in syscalls.
    pub threads: Vec<f64>,
    /// Per cell: the largest live heap and heap goal sampled in it (or the last before it;
    /// NaN before the first sample).
    pub heap_live: Vec<f64>,
    pub heap_goal: Vec<f64>,
    /// Per cell: CPU samples in it.
    pub samples: Vec<f64>,
}

/// The counters of the timeline over a window.
pub fn counters(tl: &Timeline, t0: i64, t1: i64, width: u32) -> CounterCells {
    let w = width as usize;
    let mut out = CounterCells {
        goroutines: vec![0.0; 4 * w],
        threads: vec![0.0; 2 * w],
        heap_live: series_cells(&tl.heap_live, t0, t1, width),
        heap_goal: series_cells(&tl.heap_goal, t0, t1, width),
        samples: vec![0.0; w],
    };
    if t1 <= t0 || w == 0 {
        return out;
    }
    let bounds: Vec<i64> = (0..=w).map(|k| t0 + ((t1 - t0) as f64 * k as f64 / w as f64).round() as i64).collect();
    for lane in &tl.lanes {
        let (slots, into): (&[(u8, usize)], &mut Vec<f64>) = match lane.kind {
            LaneKind::Goroutine => (
                &[(go::RUNNING, 0), (go::ASSIST, 0), (go::RUNNABLE, 1), (go::WAITING, 2), (go::SYSCALL, 3)],
                &mut out.goroutines,
            ),
            LaneKind::Thread => (&[(thread::HAS_P, 0), (thread::SYSCALL, 1)], &mut out.threads),
            _ => continue,
        };
        let Some((a, b)) = lane.spans.extent() else { continue };
        if b <= t0 || a >= t1 {
            continue;
        }
        let stride = if lane.kind == LaneKind::Goroutine { 4 } else { 2 };
        // Only the cells the lane overlaps.
        let k0 = bounds.partition_point(|&x| x <= a).saturating_sub(1);
        let k1 = bounds.partition_point(|&x| x < b).min(w);
        let mut cur = Cursor::new(&lane.spans);
        cur.advance_to(bounds[k0]);
        let mut prev = cur.prefix(bounds[k0]);
        for k in k0..k1 {
            cur.advance_to(bounds[k + 1]);
            let next = cur.prefix(bounds[k + 1]);
            let len = (bounds[k + 1] - bounds[k]).max(1) as f64;
            for &(st, slot) in slots {
                let d = next[st as usize] - prev[st as usize];
                if d != 0 {
                    into[k * stride + slot] += d as f64 / len;
                }
            }
            prev = next;
        }
    }
    for (k, cell) in out.samples.iter_mut().enumerate() {
        let a = tl.samples.partition_point(|s| s.time < bounds[k]);
        let b = tl.samples.partition_point(|s| s.time < bounds[k + 1]);
        *cell = (b - a) as f64;
    }
    out
}

/// Per cell, the largest sample in it, or the last before it.
fn series_cells(s: &Series, t0: i64, t1: i64, width: u32) -> Vec<f64> {
    let w = width as usize;
    let mut out = vec![f64::NAN; w];
    if t1 <= t0 || w == 0 || s.is_empty() {
        return out;
    }
    let px = (t1 - t0) as f64 / w as f64;
    let mut samples = s.from_before(t0).peekable();
    let mut last = f64::NAN;
    while let Some(&(t, v)) = samples.peek() {
        if t >= t0 {
            break;
        }
        last = v as f64;
        samples.next();
    }
    for (k, cell) in out.iter_mut().enumerate() {
        let end = t0 + (px * (k + 1) as f64).round() as i64;
        let mut best = f64::NAN;
        while let Some((_, v)) = samples.next_if(|&(t, _)| t < end) {
            let v = v as f64;
            if best.is_nan() || v > best {
                best = v;
            }
            last = v;
        }
        *cell = if best.is_nan() { last } else { best };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{series_cells, Series};

    /// The cells straight from the samples: per cell the largest sample in it, else the last
    /// sample before it.
    fn naive(samples: &[(i64, u64)], t0: i64, t1: i64, w: usize) -> Vec<f64> {
        let px = (t1 - t0) as f64 / w as f64;
        (0..w)
            .map(|k| {
                let start = if k == 0 { i64::MIN } else { t0 + (px * k as f64).round() as i64 };
                let end = t0 + (px * (k + 1) as f64).round() as i64;
                let inside = samples.iter().filter(|&&(t, _)| t >= start.max(t0) && t < end && (k > 0 || t >= t0));
                match inside.map(|&(_, v)| v).max() {
                    Some(v) => v as f64,
                    None => samples.iter().rev().find(|&&(t, _)| t < end).map_or(f64::NAN, |&(_, v)| v as f64),
                }
            })
            .collect()
    }

    #[test]
    fn series_cells_are_the_samples_largest_or_last() {
        let samples: Vec<(i64, u64)> = (0..2000i64).map(|i| (i * i % 7 + i * 50, ((i * 7919) % 997) as u64 * 1024)).collect();
        let mut s = Series::default();
        for &(t, v) in &samples {
            s.push(t, v);
        }
        let last = samples.last().unwrap().0;
        for (t0, t1, w) in [(0, last + 1, 100), (-500, 3_000, 7), (12_345, 12_999, 64), (30_000, 90_000, 333), (last + 10, last + 100, 5), (6_400, 6_401, 3)] {
            let (got, want) = (series_cells(&s, t0, t1, w as u32), naive(&samples, t0, t1, w));
            for (k, (g, n)) in got.iter().zip(&want).enumerate() {
                assert!(g == n || (g.is_nan() && n.is_nan()), "[{t0}, {t1}) in {w}: cell {k}: {g} != {n}");
            }
        }
    }
}
