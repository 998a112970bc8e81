//! Latency histograms with Go's buckets (cmd/trace's `traceviewer.TimeHistogram`): five
//! buckets per power of ten, bucket `i` starting at 10^(i/5) ns.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::duration::go_duration;

/// Counts of durations by bucket.
#[derive(Debug, Clone, Default)]
pub struct TimeHistogram {
    count: u64,
    buckets: BTreeMap<i64, u64>,
}

/// ln(10^(1/5)): the width of a bucket on a log scale.
fn log_div() -> f64 {
    (10f64.powf(1.0 / 5.0)).ln()
}

impl TimeHistogram {
    pub fn add(&mut self, d_ns: i64) {
        let bucket = if d_ns > 0 { ((d_ns as f64).ln() / log_div()) as i64 } else { 0 };
        *self.buckets.entry(bucket).or_default() += 1;
        self.count += 1;
    }

    /// Adds another histogram's counts.
    pub fn merge(&mut self, other: &TimeHistogram) {
        for (&b, &n) in &other.buckets {
            *self.buckets.entry(b).or_default() += n;
        }
        self.count += other.count;
    }

    pub fn count(&self) -> u64 {
        self.count
    }

    /// The non-empty buckets, lowest first.
    pub fn buckets(&self) -> Vec<Bucket> {
        self.buckets
            .iter()
            .map(|(&index, &count)| {
                let min_ns = (index as f64 * log_div()).exp() as i64;
                Bucket { index, min_ns, min: go_duration(min_ns), count }
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
