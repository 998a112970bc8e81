//! Time a goroutine spent in each state (Go's `GoroutineExecStats`): public, in progress, and
//! as snapshots (Go's `snapshotStat`) while regions are open.

use std::collections::BTreeMap;

use super::names::{self, Names, Sym, SymMap};
use super::paged::PagedBytes;
use super::store::KeySets;
use super::Duration;

/// Statistics about a goroutine's execution during a period of time: its whole life for a
/// [`GoroutineSummary`](super::GoroutineSummary); see also
/// [`RegionStats`](super::RegionStats), the same for a region, and
/// [`RegionStats::to_exec_stats`](super::RegionStats::to_exec_stats).
///
/// All durations are nanoseconds (Go's `time.Duration`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GoroutineExecStats {
    // These are non-overlapping.
    pub exec_time: Duration,
    pub sched_wait_time: Duration,
    /// Time blocked (Waiting), by the transition's reason (e.g. `"chan receive"`, `""`).
    /// Keys may have zero values, exactly where Go's map has them.
    pub block_time_by_reason: BTreeMap<String, Duration>,
    pub syscall_time: Duration,
    pub syscall_block_time: Duration,

    /// The duration of the goroutine's presence in the trace (overlaps the others).
    pub total_time: Duration,

    /// Time spent in ranges (GC mark assist, sweeps, stop-the-world…) by range name;
    /// overlaps the other stats. Keys may have zero values, as in Go.
    pub range_time: BTreeMap<String, Duration>,
}

impl GoroutineExecStats {
    /// The non-overlapping stats by the names Go's UI shows (`NonOverlappingStats`): execution,
    /// sched wait, syscall execution, `Block time (syscall)`, unknown, and one
    /// `Block time (REASON)` per block reason. As in Go, a block reason `"syscall"` is added to
    /// the `Block time (syscall)` entry, which starts as `syscall_block_time`.
    pub fn non_overlapping_stats(&self) -> BTreeMap<String, Duration> {
        non_overlapping(self.scalars(), self.block_time_by_reason.iter().map(|(k, &v)| (k.as_str(), v)))
    }

    /// Whatever of `total_time` the non-overlapping stats do not account for; 0 if they
    /// account for more (`UnknownTime`). Range time is not counted: it overlaps the others.
    pub fn unknown_time(&self) -> Duration {
        unknown(self.scalars(), self.block_time_by_reason.values().copied())
    }

    /// The sum of all block times (all reasons).
    pub fn block_time(&self) -> Duration {
        self.block_time_by_reason.values().fold(0, |a, &d| a.wrapping_add(d))
    }

    fn scalars(&self) -> Scalars {
        Scalars {
            exec: self.exec_time,
            sched_wait: self.sched_wait_time,
            syscall: self.syscall_time,
            syscall_block: self.syscall_block_time,
            total: self.total_time,
        }
    }
}

/// Go's `NonOverlappingStats` of scalars and block times.
pub(crate) fn non_overlapping<'a>(s: Scalars, block: impl Iterator<Item = (&'a str, Duration)>) -> BTreeMap<String, Duration> {
    let mut stats = BTreeMap::new();
    stats.insert("Execution time".to_owned(), s.exec);
    stats.insert("Sched wait time".to_owned(), s.sched_wait);
    stats.insert("Syscall execution time".to_owned(), s.syscall);
    stats.insert("Block time (syscall)".to_owned(), s.syscall_block);
    let mut blocked = Vec::new();
    for (reason, dt) in block {
        blocked.push(dt);
        let slot = stats.entry(format!("Block time ({reason})")).or_insert(0);
        *slot = Duration::wrapping_add(*slot, dt);
    }
    stats.insert("Unknown time".to_owned(), unknown(s, blocked.into_iter()));
    stats
}

/// Go's `UnknownTime` of scalars and block times.
pub(crate) fn unknown(s: Scalars, block: impl Iterator<Item = Duration>) -> Duration {
    let mut sum = s.exec.wrapping_add(s.sched_wait).wrapping_add(s.syscall).wrapping_add(s.syscall_block);
    for dt in block {
        sum = sum.wrapping_add(dt);
    }
    if sum < s.total {
        s.total.wrapping_sub(sum)
    } else {
        0
    }
}

/// `*acc += d`, wrapping like Go's `int64` (no overflow panics on absurd timestamps).
pub(crate) fn add(acc: &mut Duration, d: Duration) {
    *acc = acc.wrapping_add(d);
}

/// The stats that are not maps.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Scalars {
    pub exec: Duration,
    pub sched_wait: Duration,
    pub syscall: Duration,
    pub syscall_block: Duration,
    pub total: Duration,
}

impl Scalars {
    /// `self - v`, wrapping.
    pub fn sub(self, v: Scalars) -> Scalars {
        Scalars {
            exec: self.exec.wrapping_sub(v.exec),
            sched_wait: self.sched_wait.wrapping_sub(v.sched_wait),
            syscall: self.syscall.wrapping_sub(v.syscall),
            syscall_block: self.syscall_block.wrapping_sub(v.syscall_block),
            total: self.total.wrapping_sub(v.total),
        }
    }
}

/// [`GoroutineExecStats`] of a goroutine while the trace is being read, keyed by interned names.
#[derive(Debug, Clone, Default)]
#[repr(C)]
pub(crate) struct RawStats {
    pub s: Scalars,
    pub block: SymMap<Duration>,
    pub range: SymMap<Duration>,
}

impl RawStats {
    pub fn publish(&self, names: &Names) -> GoroutineExecStats {
        // Inserting one by one: these maps are small, and `collect` would sort a temporary Vec.
        let map = |m: &SymMap<Duration>| {
            let mut out = BTreeMap::new();
            for (k, v) in m.iter() {
                out.insert(names.name(k).to_owned(), v);
            }
            out
        };
        GoroutineExecStats {
            exec_time: self.s.exec,
            sched_wait_time: self.s.sched_wait,
            block_time_by_reason: map(&self.block),
            syscall_time: self.s.syscall,
            syscall_block_time: self.s.syscall_block,
            total_time: self.s.total,
            range_time: map(&self.range),
        }
    }
}

/// A snapshot of a goroutine's stats (Go's `snapshotStat`), in buffers reused from one
/// snapshot to the next.
#[derive(Debug, Clone, Default)]
pub(crate) struct Snap {
    pub s: Scalars,
    pub block: Vec<(Sym, Duration)>,
    pub range: Vec<(Sym, Duration)>,
}

impl Snap {
    pub fn as_raw(&self) -> RawStats {
        let mut r = RawStats { s: self.s, ..RawStats::default() };
        for &(k, v) in &self.block {
            r.block.set(k, v);
        }
        for &(k, v) in &self.range {
            r.range.set(k, v);
        }
        r
    }
}

/// The stats at the start of a region, kept until it ends: the scalars here, the map entries
/// in the goroutine's `Pending::starts` from `at` (`block_n` block entries, then range entries
/// up to the next region's `at`).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct StartStats {
    pub s: Scalars,
    pub at: u32,
    pub block_n: u32,
}

/// Map entries of stats (block or range times).
pub(crate) type Entries<'a> = &'a [(Sym, Duration)];

/// Stats in parts: the scalars, the block times and the range times.
pub(crate) type Parts<'a> = (Scalars, Entries<'a>, Entries<'a>);

/// Scratch space of the region stats' encoder.
#[derive(Debug, Default)]
pub(crate) struct Encoder {
    /// The stats being encoded, appended whole to the output.
    buf: Vec<u8>,
    keys: Vec<Sym>,
    values: Vec<(usize, Duration)>,
    /// Recent key sets, by a hash of the keys.
    cache: Vec<(u64, u32)>,
}

const KEY_SET_CACHE: usize = 64;

/// Region stats are encoded in a byte string, in zigzag varints: the total time minus the
/// region's extent (`base`: normally 0), the sched wait, syscall and syscall block times;
/// then for block times and for range times: the id of the key set, the number of non-zero
/// values, and for each its position in the key set and value; last, what the total does
/// not account for beyond the other non-overlapping times (normally 0), from which the
/// execution time is found. Most regions take 6 to 10 bytes.
impl Encoder {
    /// Encodes `end - start` (Go's `sub`: the keys are `end`'s, each minus `start`'s value or
    /// zero) at the end of `out`; the offset.
    #[allow(clippy::too_many_arguments)]
    pub fn encode(
        &mut self,
        out: &mut PagedBytes,
        key_sets: &mut KeySets,
        base: Duration,
        end: Parts<'_>,
        start: Parts<'_>,
    ) -> u32 {
        let mut buf = std::mem::take(&mut self.buf);
        buf.clear();
        let s = end.0.sub(start.0);
        put_i(&mut buf, s.total.wrapping_sub(base));
        put_i(&mut buf, s.sched_wait);
        put_i(&mut buf, s.syscall);
        put_i(&mut buf, s.syscall_block);
        let blocked = self.map(&mut buf, key_sets, end.1, start.1);
        self.map(&mut buf, key_sets, end.2, start.2);
        put_i(&mut buf, s.total.wrapping_sub(s.exec).wrapping_sub(s.sched_wait).wrapping_sub(s.syscall).wrapping_sub(s.syscall_block).wrapping_sub(blocked));
        let at = out.append(&buf);
        self.buf = buf;
        at
    }

    /// Encodes a map; the sum of its values.
    fn map(&mut self, out: &mut Vec<u8>, key_sets: &mut KeySets, end: &[(Sym, Duration)], start: &[(Sym, Duration)]) -> Duration {
        // The key set, in the snapshot's order (a goroutine's keys come in the order it met
        // them): few distinct ones.
        let mut h = end.len() as u64;
        for &(k, _) in end {
            h = (h.rotate_left(5) ^ u64::from(k.0)).wrapping_mul(0x517c_c1b7_2722_0a95);
        }
        if self.cache.is_empty() {
            self.cache = vec![(u64::MAX, 0); KEY_SET_CACHE];
        }
        let slot = (h >> 58) as usize % KEY_SET_CACHE;
        let (ch, id) = self.cache[slot];
        let id = if ch == h && key_sets.get(id).iter().eq(end.iter().map(|(k, _)| k)) {
            id
        } else {
            self.keys.clear();
            self.keys.extend(end.iter().map(|&(k, _)| k));
            let id = key_sets.intern(&self.keys);
            self.cache[slot] = (h, id);
            id
        };
        put_u(out, u64::from(id));
        // The non-zero values, by position.
        self.values.clear();
        let mut sum: Duration = 0;
        for (i, &(k, v)) in end.iter().enumerate() {
            // The start's keys are most often the end's, in the same order.
            let from = match start.get(i) {
                Some(&(sk, sv)) if sk == k => sv,
                _ => names::get(start, k),
            };
            let d = v.wrapping_sub(from);
            if d != 0 {
                self.values.push((i, d));
                sum = sum.wrapping_add(d);
            }
        }
        put_u(out, self.values.len() as u64);
        for &(i, d) in &self.values {
            put_u(out, i as u64);
            put_i(out, d);
        }
        sum
    }
}

/// Decoded region stats: the scalars, and where each map's non-zero values are.
pub(crate) struct Decoded<'a> {
    pub s: Scalars,
    pub block: (u32, &'a [u8]),
    pub range: (u32, &'a [u8]),
}

/// Decodes what [`Encoder::encode`] wrote at `at` with the same `base`.
pub(crate) fn decode(b: &[u8], at: u32, base: Duration) -> Decoded<'_> {
    let mut i = at as usize;
    let mut s = Scalars { total: get_i(b, &mut i).wrapping_add(base), ..Scalars::default() };
    s.sched_wait = get_i(b, &mut i);
    s.syscall = get_i(b, &mut i);
    s.syscall_block = get_i(b, &mut i);
    let mut blocked: Duration = 0;
    let map = |i: &mut usize, sum: Option<&mut Duration>| {
        let set = get_u(b, i) as u32;
        let n = get_u(b, i);
        let from = *i;
        let mut total: Duration = 0;
        for _ in 0..n {
            get_u(b, i);
            total = total.wrapping_add(get_i(b, i));
        }
        if let Some(sum) = sum {
            *sum = total;
        }
        (set, b.get(from..*i).unwrap_or(&[]))
    };
    let block = map(&mut i, Some(&mut blocked));
    let range = map(&mut i, None);
    let rest = get_i(b, &mut i);
    s.exec = s.total.wrapping_sub(s.sched_wait).wrapping_sub(s.syscall).wrapping_sub(s.syscall_block).wrapping_sub(blocked).wrapping_sub(rest);
    Decoded { s, block, range }
}

#[inline]
fn put_u(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push(v as u8 | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

#[inline]
fn put_i(out: &mut Vec<u8>, v: i64) {
    put_u(out, ((v << 1) ^ (v >> 63)) as u64);
}

/// Reads a varint at `*at`, advancing it; 0 past the end.
pub(crate) fn get_u(b: &[u8], at: &mut usize) -> u64 {
    let mut v = 0u64;
    let mut shift = 0;
    while let Some(&byte) = b.get(*at) {
        *at += 1;
        if shift < 64 {
            v |= u64::from(byte & 0x7f) << shift;
        }
        shift += 7;
        if byte < 0x80 {
            break;
        }
    }
    v
}

pub(crate) fn get_i(b: &[u8], at: &mut usize) -> i64 {
    let u = get_u(b, at);
    ((u >> 1) as i64) ^ -((u & 1) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_round_trip() {
        let mut b = Vec::new();
        let vals = [0, 1, -1, 63, -64, 64, 1 << 40, i64::MAX, i64::MIN];
        for v in vals {
            put_i(&mut b, v);
        }
        let mut at = 0;
        for v in vals {
            assert_eq!(get_i(&b, &mut at), v);
        }
        assert_eq!(at, b.len());
    }

    #[test]
    fn encodes_go_sub() {
        let (a, b, c) = (Sym(3), Sym(1), Sym(2));
        let end = Scalars { exec: 10, sched_wait: 5, syscall: 0, syscall_block: 0, total: 20 };
        let start = Scalars { exec: 4, total: 5, ..Scalars::default() };
        let mut out = PagedBytes::default();
        out.append(&[0xff]);
        let mut sets = KeySets::default();
        let (end_block, end_range) = ([(a, 7), (b, 4)], [(c, 9)]);
        let at = Encoder::default().encode(&mut out, &mut sets, 15, (end, &end_block, &end_range), (start, &[(b, 4), (c, 1)], &[(a, 3)]));
        assert_eq!(at, 1);
        let d = decode(out.from(at), 0, 15);
        assert_eq!(d.s, Scalars { exec: 6, sched_wait: 5, syscall: 0, syscall_block: 0, total: 15 });
        // Block: keys {3, 1}; only 3 is non-zero (7 - 0); 1 is 4 - 4.
        assert_eq!(sets.get(d.block.0), [a, b]);
        let mut i = 0;
        assert_eq!((get_u(d.block.1, &mut i), get_i(d.block.1, &mut i)), (0, 7));
        assert_eq!(i, d.block.1.len());
        // Range: key {2}; a key only `start` has is dropped.
        assert_eq!(sets.get(d.range.0), [c]);
        let mut i = 0;
        assert_eq!((get_u(d.range.1, &mut i), get_i(d.range.1, &mut i)), (0, 9));
        // Total 15 = base: one byte; the rest (15 - 6 - 5 - 7 = -3) too.
        assert_eq!(out.len() - 1, 4 + 2 + 2 + 2 + 2 + 1);
    }
}
