//! Latency histograms with Go's buckets (cmd/trace's `traceviewer.TimeHistogram`): five
//! buckets per power of ten, bucket `i` starting at 10^(i/5) ns.

use std::sync::OnceLock;

use serde::Serialize;

use crate::duration::go_duration;

/// The number of buckets: the bucket of the longest duration is the last.
const BUCKETS: usize = 95;

/// Counts of durations by bucket.
#[derive(Debug, Clone)]
pub struct TimeHistogram {
    count: u64,
    buckets: [u64; BUCKETS],
}

impl Default for TimeHistogram {
    fn default() -> Self {
        TimeHistogram { count: 0, buckets: [0; BUCKETS] }
    }
}

/// ln(10^(1/5)): the width of a bucket on a log scale.
fn log_div() -> f64 {
    (10f64.powf(1.0 / 5.0)).ln()
}

/// The bucket of a duration as Go computes it: `int(math.Log(float64(d)) / logDiv)`.
fn bucket_by_log(d_ns: i64) -> usize {
    if d_ns > 0 {
        ((d_ns as f64).ln() / log_div()) as usize
    } else {
        0
    }
}

/// The shortest duration of each bucket but the first. `bucket_by_log` never decreases as the
/// duration grows, so a duration's bucket is the number of these it reaches.
fn bucket_starts() -> &'static [i64; BUCKETS - 1] {
    static STARTS: OnceLock<[i64; BUCKETS - 1]> = OnceLock::new();
    STARTS.get_or_init(|| {
        let mut starts = [0; BUCKETS - 1];
        for (b, start) in starts.iter_mut().enumerate() {
            // The smallest duration in bucket b + 1 or later.
            let (mut lo, mut hi) = (1i64, i64::MAX);
            while lo < hi {
                let mid = lo + (hi - lo) / 2;
                if bucket_by_log(mid) > b {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            *start = lo;
        }
        starts
    })
}

/// The bucket of a duration: [`bucket_by_log`] without the logarithm.
fn bucket(d_ns: i64) -> usize {
    bucket_starts().partition_point(|&s| s <= d_ns)
}

impl TimeHistogram {
    pub fn add(&mut self, d_ns: i64) {
        self.buckets[bucket(d_ns)] += 1;
        self.count += 1;
    }

    /// Adds another histogram's counts.
    pub fn merge(&mut self, other: &TimeHistogram) {
        for (a, b) in self.buckets.iter_mut().zip(&other.buckets) {
            *a += b;
        }
        self.count += other.count;
    }

    pub fn count(&self) -> u64 {
        self.count
    }

    /// The non-empty buckets, lowest first.
    pub fn buckets(&self) -> Vec<Bucket> {
        (0..BUCKETS)
            .filter(|&i| self.buckets[i] > 0)
            .map(|i| {
                let min_ns = (i as f64 * log_div()).exp() as i64;
                Bucket { index: i as i64, min_ns, min: go_duration(min_ns), count: self.buckets[i] }
            })
            .collect()
    }

    pub fn info(&self) -> HistogramInfo {
        HistogramInfo { count: self.count, buckets: self.buckets() }
    }
}

/// One bucket: durations from `min_ns` up to the next bucket's.
#[derive(Debug, Clone, Serialize)]
pub struct Bucket {
    pub index: i64,
    pub min_ns: i64,
    /// `min_ns` as Go prints a duration.
    pub min: String,
    pub count: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct HistogramInfo {
    pub count: u64,
    pub buckets: Vec<Bucket>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_those_of_the_logarithm() {
        assert_eq!(bucket_by_log(i64::MAX), BUCKETS - 1, "the longest duration is in the last bucket");
        let mut ds: Vec<i64> = vec![i64::MIN, -1, 0, 1, 2, 3, i64::MAX - 1, i64::MAX];
        for &s in bucket_starts() {
            ds.extend([s - 1, s, s + 1]);
        }
        // Durations spread over every scale (a fixed LCG: the test is the same each run).
        let mut x = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..200_000 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ds.push((x >> ((x >> 58) as u32 % 63 + 1)) as i64);
        }
        for d in ds {
            assert_eq!(bucket(d), bucket_by_log(d), "duration {d}");
        }
        let mut h = TimeHistogram::default();
        for d in [0, 1, 9, 10, 1_000_000, i64::MAX] {
            h.add(d);
        }
        let got: Vec<(i64, u64)> = h.info().buckets.iter().map(|b| (b.index, b.count)).collect();
        // 10 ns and 1 ms fall just short of buckets 5 and 30 in floating point, as in Go.
        assert_eq!(got, [(0, 2), (4, 2), (29, 1), (94, 1)]);
    }
}
