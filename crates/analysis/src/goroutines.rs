//! The goroutine analysis of `go tool trace` (its /goroutines and /goroutine pages): every
//! goroutine's time breakdown, and groups by start function with their total execution time.
//! Beyond Go (golang/go#29103): percentiles of each column over a group's goroutines.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::duration::go_duration;
use crate::summary::{is_system_goroutine, GoroutineSummary, Summary};

/// A map with string keys of any kind as one with owned keys (for the document).
pub fn owned<K: AsRef<str>>(m: &BTreeMap<K, i64>) -> BTreeMap<String, i64> {
    m.iter().map(|(k, v)| (k.as_ref().to_string(), *v)).collect()
}

/// One goroutine, as the oracle's `goroutines[]`.
#[derive(Debug, Clone, Serialize)]
pub struct GoroutineInfo {
    pub id: i64,
    /// Start function ("" if never seen with a stack).
    pub name: String,
    pub pc: u64,
    pub creation_time: i64,
    /// 0 when not seen.
    pub start_time: i64,
    pub end_time: i64,
    pub exec_ns: i64,
    pub sched_wait_ns: i64,
    pub block_ns_by_reason: BTreeMap<String, i64>,
    pub syscall_ns: i64,
    pub syscall_block_ns: i64,
    pub total_ns: i64,
    pub unknown_ns: i64,
    /// Time in GC ranges (mark assist, sweep, stop-the-world); overlaps the rest.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub range_ns: BTreeMap<String, i64>,
    pub regions: usize,
    pub system: bool,
}

impl GoroutineInfo {
    pub fn of(g: &GoroutineSummary) -> GoroutineInfo {
        let s = &g.stats;
        GoroutineInfo {
            id: g.id.0,
            name: g.name.clone(),
            pc: g.pc,
            creation_time: g.creation_time,
            start_time: g.start_time,
            end_time: g.end_time,
            exec_ns: s.exec_time,
            sched_wait_ns: s.sched_wait_time,
            block_ns_by_reason: owned(&s.block_time_by_reason),
            syscall_ns: s.syscall_time,
            syscall_block_ns: s.syscall_block_time,
            total_ns: s.total_time,
            unknown_ns: g.unknown_time(),
            range_ns: owned(&s.range_time),
            regions: g.regions.len(),
            system: is_system_goroutine(&g.name),
        }
    }

    /// Time blocked, all reasons.
    pub fn block_ns(&self) -> i64 {
        self.block_ns_by_reason.values().sum()
    }
}

/// Totals over all goroutines.
#[derive(Debug, Clone, Default, Serialize)]
pub struct GoroutineTotals {
    pub count: usize,
    pub total_exec_ns: i64,
    pub total_sched_wait_ns: i64,
    pub total_block_ns: i64,
    pub total_syscall_ns: i64,
    pub total_syscall_block_ns: i64,
}

/// p50, p90, p99 and max of one column over a group.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Percentiles {
    pub p50: i64,
    pub p90: i64,
    pub p99: i64,
    pub max: i64,
}

impl Percentiles {
    /// Nearest-rank percentiles of `v` (sorted here).
    pub fn of(mut v: Vec<i64>) -> Percentiles {
        if v.is_empty() {
            return Percentiles::default();
        }
        v.sort_unstable();
        let at = |p: f64| v[((p * v.len() as f64).ceil() as usize).clamp(1, v.len()) - 1];
        Percentiles { p50: at(0.50), p90: at(0.90), p99: at(0.99), max: v[v.len() - 1] }
    }
}

/// Goroutines grouped by start function (the /goroutines page), with percentiles.
#[derive(Debug, Clone, Serialize)]
pub struct GoroutineGroup {
    pub name: String,
    pub count: usize,
    pub exec_ns: i64,
    /// `exec_ns` as Go prints a duration.
    pub exec_time: String,
    /// Share of all goroutines' execution time, as the /goroutine page prints it ("12.34%").
    #[serde(skip_serializing_if = "String::is_empty")]
    pub exec_time_percent: String,
    /// Percentiles over the group's goroutines, by column (exec_ns, sched_wait_ns, block_ns,
    /// syscall_ns, syscall_block_ns, total_ns).
    pub percentiles: BTreeMap<&'static str, Percentiles>,
    /// Ids of the group's goroutines, ascending.
    pub goroutines: Vec<i64>,
}

/// The goroutine list, totals and groups of a summary.
pub fn goroutine_sections(summary: &Summary) -> (Vec<GoroutineInfo>, GoroutineTotals, Vec<GoroutineGroup>) {
    let list: Vec<GoroutineInfo> = summary.goroutines.values().map(GoroutineInfo::of).collect();
    let mut totals = GoroutineTotals { count: list.len(), ..Default::default() };
    let mut by_name: BTreeMap<&str, Vec<&GoroutineInfo>> = BTreeMap::new();
    for g in &list {
        totals.total_exec_ns += g.exec_ns;
        totals.total_sched_wait_ns += g.sched_wait_ns;
        totals.total_block_ns += g.block_ns();
        totals.total_syscall_ns += g.syscall_ns;
        totals.total_syscall_block_ns += g.syscall_block_ns;
        by_name.entry(&g.name).or_default().push(g);
    }
    let total_exec = totals.total_exec_ns;
    let mut groups: Vec<GoroutineGroup> = by_name
        .into_iter()
        .map(|(name, gs)| {
            let exec_ns: i64 = gs.iter().map(|g| g.exec_ns).sum();
            let col = |f: fn(&GoroutineInfo) -> i64| Percentiles::of(gs.iter().map(|g| f(g)).collect());
            let percentiles = BTreeMap::from([
                ("exec_ns", col(|g| g.exec_ns)),
                ("sched_wait_ns", col(|g| g.sched_wait_ns)),
                ("block_ns", col(|g| g.block_ns())),
                ("syscall_ns", col(|g| g.syscall_ns)),
                ("syscall_block_ns", col(|g| g.syscall_block_ns)),
                ("total_ns", col(|g| g.total_ns)),
            ]);
            GoroutineGroup {
                name: name.to_string(),
                count: gs.len(),
                exec_ns,
                exec_time: go_duration(exec_ns),
                exec_time_percent: if total_exec > 0 {
                    format!("{:.2}%", exec_ns as f64 / total_exec as f64 * 100.0)
                } else {
                    String::new()
                },
                percentiles,
                goroutines: gs.iter().map(|g| g.id).collect(),
            }
        })
        .collect();
    // The /goroutines page: most execution time first (ties by name, for a stable order).
    groups.sort_by(|a, b| b.exec_ns.cmp(&a.exec_ns).then_with(|| a.name.cmp(&b.name)));
    (list, totals, groups)
}

#[cfg(test)]
mod tests {
    use super::Percentiles;

    #[test]
    fn nearest_rank() {
        let p = Percentiles::of((1..=100).collect());
        assert_eq!((p.p50, p.p90, p.p99, p.max), (50, 90, 99, 100));
        let p = Percentiles::of(vec![7]);
        assert_eq!((p.p50, p.p99, p.max), (7, 7, 7));
    }
}
