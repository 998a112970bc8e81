//! Restricting analyses to a time range [from, to] of the trace (golang/go#30895): events
//! outside it are not counted, durations are clipped to it, utilization functions are cut.

use gotrace::Event;
use serde::Serialize;

use crate::mmu::MutatorUtil;
use crate::summary::{GoroutineExecStats, Summary};
use crate::Consumer;

/// A time range, in trace nanoseconds, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TimeRange {
    pub from: i64,
    pub to: i64,
}

impl TimeRange {
    /// The whole trace.
    pub const ALL: TimeRange = TimeRange { from: i64::MIN, to: i64::MAX };

    /// Parses `FROM,TO` (nanoseconds; either may be empty for the trace's start or end).
    pub fn parse(s: &str) -> Result<TimeRange, String> {
        let (a, b) = s.split_once(',').ok_or_else(|| format!("range {s:?}: want FROM,TO in nanoseconds"))?;
        let num = |x: &str, default: i64| -> Result<i64, String> {
            let x = x.trim();
            if x.is_empty() {
                return Ok(default);
            }
            x.parse().map_err(|_| format!("range {s:?}: {x:?} is not a number of nanoseconds"))
        };
        let r = TimeRange { from: num(a, i64::MIN)?, to: num(b, i64::MAX)? };
        if r.from > r.to {
            return Err(format!("range {s:?}: it ends before it starts"));
        }
        Ok(r)
    }

    pub fn contains(&self, t: i64) -> bool {
        self.from <= t && t <= self.to
    }

    /// Whether [start, end] overlaps the range.
    pub fn overlaps(&self, start: i64, end: i64) -> bool {
        start <= self.to && end >= self.from
    }
}

/// Feeds `inner` only the events inside the range.
pub struct InRange<C> {
    pub inner: C,
    pub range: TimeRange,
}

impl<C: Consumer> Consumer for InRange<C> {
    #[inline]
    fn event(&mut self, ev: &Event) {
        if self.range.contains(ev.time()) {
            self.inner.event(ev);
        }
    }

    fn initial_gomaxprocs(&mut self, time: gotrace::Time, procs: u64) {
        self.inner.initial_gomaxprocs(time, procs);
    }
}

/// The time of the last event seen.
#[derive(Debug, Default)]
pub struct LastTime(pub i64);

impl Consumer for LastTime {
    fn event(&mut self, ev: &Event) {
        self.0 = ev.time();
    }
}

/// A utilization function (a step function: each point holds until the next) cut to the
/// range: the value in effect at `from` starts it, and it ends at `to` (or its own end).
pub fn clip_series(series: &[MutatorUtil], r: TimeRange) -> Vec<MutatorUtil> {
    let mut out = Vec::new();
    let mut current = None;
    for p in series {
        if p.time <= r.from {
            current = Some(p.util);
            continue;
        }
        if p.time > r.to {
            break;
        }
        if let Some(u) = current.take() {
            out.push(MutatorUtil { time: r.from, util: u });
        }
        out.push(*p);
    }
    if let Some(u) = current {
        out.push(MutatorUtil { time: r.from, util: u });
    }
    // End at `to` with the value in effect there, unless the series ended before.
    if let (Some(last), Some(end)) = (out.last().copied(), series.last()) {
        if end.time > r.to && last.time < r.to {
            out.push(MutatorUtil { time: r.to, util: last.util });
        }
    }
    out
}


/// `a - b`, field by field (maps by key): what a goroutine did between two moments.
fn stats_sub(a: &GoroutineExecStats, b: &GoroutineExecStats) -> GoroutineExecStats {
    let sub = |x: &std::collections::BTreeMap<String, i64>, y: &std::collections::BTreeMap<String, i64>| {
        x.iter().map(|(k, v)| (k.clone(), v - y.get(k).copied().unwrap_or(0))).collect()
    };
    GoroutineExecStats {
        exec_time: a.exec_time - b.exec_time,
        sched_wait_time: a.sched_wait_time - b.sched_wait_time,
        block_time_by_reason: sub(&a.block_time_by_reason, &b.block_time_by_reason),
        syscall_time: a.syscall_time - b.syscall_time,
        syscall_block_time: a.syscall_block_time - b.syscall_block_time,
        total_time: a.total_time - b.total_time,
        range_time: sub(&a.range_time, &b.range_time),
    }
}

/// The summary of a range, from the summary of the trace up to its start (`before`) and up
/// to its end (`upto`), both finalized exactly at those times: each goroutine's time is the
/// difference; goroutines that ended before the range are left out; tasks and regions are
/// those overlapping the range.
pub fn summary_in_range(before: &Summary, mut upto: Summary, r: TimeRange) -> Summary {
    upto.goroutines.retain(|_, g| g.end_time == 0 || g.end_time >= r.from);
    for g in upto.goroutines.values_mut() {
        if let Some(b) = before.goroutines.get(&g.id) {
            g.stats = stats_sub(&g.stats, &b.stats);
        }
    }
    let (lo, hi) = (r.from, r.to);
    let overlaps = |start: Option<i64>, end: Option<i64>| start.unwrap_or(i64::MIN) <= hi && end.unwrap_or(i64::MAX) >= lo;
    upto.retain_regions(|reg| overlaps(reg.start.map(|e| e.time()), reg.end.map(|e| e.time())));
    upto.retain_tasks(|t| overlaps(t.start.map(|e| e.time()), t.end.map(|e| e.time())));
    upto
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(time: i64, util: f64) -> MutatorUtil {
        MutatorUtil { time, util }
    }

    #[test]
    fn parse() {
        assert_eq!(TimeRange::parse("10,20"), Ok(TimeRange { from: 10, to: 20 }));
        assert_eq!(TimeRange::parse(",20").unwrap().from, i64::MIN);
        assert!(TimeRange::parse("20,10").is_err());
        assert!(TimeRange::parse("x,10").is_err());
        assert!(TimeRange::parse("10").is_err());
    }

    #[test]
    fn clips_a_step_function() {
        let s = [u(0, 1.0), u(10, 0.5), u(20, 0.0), u(30, 1.0), u(40, 1.0)];
        let c = clip_series(&s, TimeRange { from: 15, to: 35 });
        assert_eq!(c, vec![u(15, 0.5), u(20, 0.0), u(30, 1.0), u(35, 1.0)]);
        let c = clip_series(&s, TimeRange { from: 10, to: 20 });
        assert_eq!(c, vec![u(10, 0.5), u(20, 0.0)]);
        assert!(clip_series(&s, TimeRange { from: 50, to: 60 }).len() <= 1);
    }
}
