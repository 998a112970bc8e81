//! A lane's spans, stored compactly: blocks of [`BLOCK`] spans, each span a header byte and a
//! few varints (gap since the previous span's end, duration, label, aux), so a goroutine lane
//! costs about 4 bytes a span. Go's trace clock ticks every 64 ns on most platforms, so nearly
//! every gap and duration is a multiple of 64 ns: those are stored in units of 64 ns (a bit of
//! the header says so), a byte less for most spans. Each block keeps its first start, its byte offset and the time
//! per state of every span before it, so the time per state up to any instant costs one
//! binary search and at most one block's decoding: level-of-detail queries cost per pixel,
//! not per span.
//!
//! Spans of one lane never overlap and come in time order (each lane is one state machine);
//! [`SpanLane::push`] clips a span that would overlap its predecessor and drops empty ones.

/// Spans per block. Each block's index holds its start, offset and a time per state (8 bytes
/// each, ~70 bytes a block for a goroutine lane): 192 spans a block keep that under half a
/// byte a span (64 did 1.1 bytes: 32 MB of the 85 MB benchmark trace's timeline, with the
/// vectors' slack), for at most 192 spans decoded at each end of a query.
pub const BLOCK: usize = 192;
/// States a lane can have (the state is 3 bits of the header byte).
pub const MAX_STATES: usize = 8;

/// The most bytes one span takes: a header and four 10-byte varints.
const MAX_SPAN_BYTES: usize = 41;

const HAS_GAP: u8 = 1 << 3;
const HAS_LABEL: u8 = 1 << 4;
const HAS_AUX: u8 = 1 << 5;
/// The gap and duration are in units of 64 ns.
const IN_UNITS: u8 = 1 << 6;
const UNIT_SHIFT: u32 = 6;

/// One span as decoded. `label` and `aux` are 0 when absent; their meaning depends on the
/// lane's kind (see [`super::LaneKind`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub start: i64,
    pub end: i64,
    pub state: u8,
    pub label: u32,
    pub aux: u32,
}

impl Span {
    pub fn dur(&self) -> i64 {
        self.end - self.start
    }
}

/// The spans of one lane.
#[derive(Debug, Clone, Default)]
pub struct SpanLane {
    /// The encoded spans, in chunks that never grow past their first capacity (no copying
    /// as the lane grows); a span never straddles two chunks.
    chunks: Vec<Vec<u8>>,
    /// Bytes written in the last chunk (the earlier ones are truncated to theirs).
    used: usize,
    /// Per block: start of its first span.
    block_start: Vec<i64>,
    /// Per block: chunk and offset of its first span.
    block_off: Vec<(u32, u32)>,
    /// Per block, `nstates` values: time per state of every span before the block.
    block_cum: Vec<i64>,
    nstates: u8,
    len: u32,
    /// End of the last span pushed.
    last_end: i64,
    /// Time per state of every span pushed.
    totals: [i64; MAX_STATES],
}

#[inline]
fn put_varint(out: &mut [u8], at: &mut usize, mut v: u64) {
    while v >= 0x80 {
        out[*at] = (v as u8) | 0x80;
        *at += 1;
        v >>= 7;
    }
    out[*at] = v as u8;
    *at += 1;
}

#[inline]
fn get_varint(data: &[u8], pos: &mut usize) -> u64 {
    let mut v = 0u64;
    let mut shift = 0;
    loop {
        let b = data[*pos];
        *pos += 1;
        v |= u64::from(b & 0x7f) << shift;
        if b < 0x80 {
            return v;
        }
        shift += 7;
    }
}

impl SpanLane {
    /// An empty lane whose spans have states `0..nstates`.
    pub fn new(nstates: u8) -> Self {
        assert!(nstates as usize <= MAX_STATES);
        SpanLane { nstates, last_end: i64::MIN, ..Default::default() }
    }

    pub fn len(&self) -> usize {
        self.len as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn nstates(&self) -> usize {
        self.nstates as usize
    }

    /// Start of the first span, end of the last (None when empty).
    pub fn extent(&self) -> Option<(i64, i64)> {
        (!self.is_empty()).then(|| (self.block_start[0], self.last_end))
    }

    /// Time per state over the whole lane.
    pub fn totals(&self) -> &[i64] {
        &self.totals[..self.nstates as usize]
    }

    /// Bytes held.
    pub fn bytes(&self) -> usize {
        self.chunks.iter().map(|c| c.capacity()).sum::<usize>()
            + self.block_start.capacity() * 8
            + self.block_off.capacity() * 8
            + self.block_cum.capacity() * 8
    }

    /// Releases spare capacity (after the last push).
    pub fn shrink(&mut self) {
        if let Some(c) = self.chunks.last_mut() {
            c.truncate(self.used);
            c.shrink_to_fit();
        }
        self.block_start.shrink_to_fit();
        self.block_off.shrink_to_fit();
        self.block_cum.shrink_to_fit();
    }

    /// Appends a span. A start before the previous end is moved to it; spans left empty are
    /// dropped (they hold no time).
    #[inline]
    pub fn push(&mut self, start: i64, end: i64, state: u8, label: u32, aux: u32) {
        debug_assert!(state < self.nstates);
        let start = start.max(self.last_end);
        if end <= start {
            return;
        }
        let gap = if (self.len as usize).is_multiple_of(BLOCK) {
            self.start_block(start);
            0
        } else {
            (start - self.last_end) as u64
        };
        let mut head = state;
        let mut dur = (end - start) as u64;
        let mut gap = gap;
        if (gap | dur) & ((1 << UNIT_SHIFT) - 1) == 0 {
            head |= IN_UNITS;
            gap >>= UNIT_SHIFT;
            dur >>= UNIT_SHIFT;
        }
        if gap != 0 {
            head |= HAS_GAP;
        }
        if label != 0 {
            head |= HAS_LABEL;
        }
        if aux != 0 {
            head |= HAS_AUX;
        }
        // The last chunk is allocated zeroed to its full size and filled up to `used`;
        // make_room leaves room for a whole span.
        self.make_room();
        let out = self.chunks.last_mut().expect("a chunk");
        let mut at = self.used;
        out[at] = head;
        at += 1;
        if gap != 0 {
            put_varint(out, &mut at, gap);
        }
        put_varint(out, &mut at, dur);
        if label != 0 {
            put_varint(out, &mut at, u64::from(label));
        }
        if aux != 0 {
            put_varint(out, &mut at, u64::from(aux));
        }
        self.used = at;
        self.totals[state as usize] += end - start;
        self.last_end = end;
        self.len += 1;
    }

    /// Records a new block starting with a span at `start`.
    #[cold]
    fn start_block(&mut self, start: i64) {
        self.block_start.push(start);
        self.make_room();
        let c = self.chunks.len() - 1;
        self.block_off.push((c as u32, self.used as u32));
        self.block_cum.extend_from_slice(&self.totals[..self.nstates as usize]);
    }

    /// Starts a new chunk when the last one cannot take a span: chunks double from 128 bytes
    /// to 8 kB. (The last chunk of each lane is allocated whole while the pass goes on: with
    /// 64 kB chunks, the big trace's ~230 lanes held ~4 MB more at the end of the pass.)
    #[inline]
    fn make_room(&mut self) {
        let full = self.chunks.last().is_none_or(|c| c.len() - self.used < MAX_SPAN_BYTES);
        if full {
            self.new_chunk();
        }
    }

    #[cold]
    fn new_chunk(&mut self) {
        let size = self.chunks.last().map_or(128, |c| (c.len() * 2).min(1 << 13));
        if let Some(c) = self.chunks.last_mut() {
            c.truncate(self.used);
        }
        self.chunks.push(vec![0; size]);
        self.used = 0;
    }

    /// Rewrites the state of every span with `f(state, label)` (same number of states).
    pub fn remap_states(&mut self, f: impl Fn(u8, u32) -> u8) {
        let mut totals = [0i64; MAX_STATES];
        let n = self.nstates as usize;
        for b in 0..self.block_start.len() {
            self.block_cum[b * n..(b + 1) * n].copy_from_slice(&totals[..n]);
            let mut changes = [((0usize, 0usize), 0u8); BLOCK];
            let mut it = self.block_iter(b);
            let k = it.remaining;
            for c in changes.iter_mut().take(k) {
                let s = it.next_span();
                let at = it.last_head;
                let new = f(s.state, s.label);
                *c = (at, new);
                totals[new as usize] += s.dur();
            }
            for &(at, new) in &changes[..k] {
                let b = &mut self.chunks[at.0][at.1];
                *b = (*b & !7) | new;
            }
        }
        self.totals = totals;
    }

    /// A decoder at the start of block `b`.
    fn block_iter(&self, b: usize) -> BlockIter<'_> {
        let remaining = (self.len as usize - b * BLOCK).min(BLOCK);
        let (chunk, pos) = self.block_off[b];
        BlockIter { chunks: &self.chunks, chunk: chunk as usize, pos: pos as usize, last_head: (0, 0), prev_end: self.block_start[b], remaining }
    }

    /// The block holding the last span starting at or before `t` (0 if none).
    fn block_at(&self, t: i64) -> usize {
        self.block_start.partition_point(|&s| s <= t).saturating_sub(1)
    }

    /// The span at index `i`.
    pub fn get(&self, i: usize) -> Option<Span> {
        if i >= self.len() {
            return None;
        }
        let mut it = self.block_iter(i / BLOCK);
        for _ in 0..i % BLOCK {
            it.next_span();
        }
        Some(it.next_span())
    }

    /// The index of the first span ending after `t` (`len()` if none), and that span.
    pub fn first_ending_after(&self, t: i64) -> (usize, Option<Span>) {
        if self.is_empty() {
            return (0, None);
        }
        let b = self.block_at(t);
        let mut it = self.block_iter(b);
        let mut i = b * BLOCK;
        while it.remaining > 0 {
            let s = it.next_span();
            if s.end > t {
                return (i, Some(s));
            }
            i += 1;
        }
        (i, self.get(i))
    }

    /// Time per state of the spans' parts before `t`, added to `out`, with the number of
    /// spans starting before `t`.
    pub fn prefix(&self, t: i64, out: &mut [i64; MAX_STATES]) -> usize {
        if self.is_empty() || t <= self.block_start[0] {
            return 0;
        }
        let n = self.nstates as usize;
        let b = self.block_at(t);
        for (o, c) in out.iter_mut().zip(&self.block_cum[b * n..(b + 1) * n]) {
            *o += c;
        }
        let mut it = self.block_iter(b);
        let mut count = b * BLOCK;
        while it.remaining > 0 {
            let s = it.next_span();
            if s.start >= t {
                break;
            }
            out[s.state as usize] += s.end.min(t) - s.start;
            count += 1;
        }
        count
    }

    /// Iterates spans from index `i` on.
    pub fn iter_from(&self, i: usize) -> SpanIter<'_> {
        if i >= self.len() {
            return SpanIter { lane: self, it: None, next_block: self.block_start.len() };
        }
        let b = i / BLOCK;
        let mut it = self.block_iter(b);
        for _ in 0..i % BLOCK {
            it.next_span();
        }
        SpanIter { lane: self, it: Some(it), next_block: b + 1 }
    }
}

/// A forward cursor over a lane for increasing times: the time per state of the spans
/// before any instant, and the first span ending after it. Moving forward decodes spans one
/// by one within a block and jumps (binary search) past whole blocks, so a sweep over a
/// window costs the lesser of its spans and its steps × one block.
pub struct Cursor<'a> {
    lane: &'a SpanLane,
    block: usize,
    it: BlockIter<'a>,
    /// Time per state of the spans before `pending`.
    totals: [i64; MAX_STATES],
    pending: Option<Span>,
}

impl<'a> Cursor<'a> {
    pub fn new(lane: &'a SpanLane) -> Self {
        let it = if lane.is_empty() {
            BlockIter { chunks: &lane.chunks, chunk: 0, pos: 0, last_head: (0, 0), prev_end: 0, remaining: 0 }
        } else {
            lane.block_iter(0)
        };
        let mut c = Cursor { lane, block: 0, it, totals: [0; MAX_STATES], pending: None };
        c.pending = c.next_raw();
        c
    }

    fn next_raw(&mut self) -> Option<Span> {
        if self.it.remaining == 0 {
            if self.block + 1 >= self.lane.block_start.len() {
                return None;
            }
            self.block += 1;
            self.it = self.lane.block_iter(self.block);
        }
        Some(self.it.next_span())
    }

    /// Moves to `t` (not before the last `t`): the pending span becomes the first ending after it.
    pub fn advance_to(&mut self, t: i64) {
        let starts = &self.lane.block_start;
        if self.block + 1 < starts.len() && starts[self.block + 1] <= t {
            let b = self.lane.block_at(t);
            let n = self.lane.nstates as usize;
            self.block = b;
            self.it = self.lane.block_iter(b);
            self.totals[..n].copy_from_slice(&self.lane.block_cum[b * n..(b + 1) * n]);
            self.pending = self.next_raw();
        }
        while let Some(s) = self.pending {
            if s.end > t {
                break;
            }
            self.totals[s.state as usize] += s.end - s.start;
            self.pending = self.next_raw();
        }
    }

    /// The first span ending after the cursor's time.
    pub fn pending(&self) -> Option<Span> {
        self.pending
    }

    /// Time per state before `t`, for `t` between the cursor's time and the pending span's end.
    pub fn prefix(&self, t: i64) -> [i64; MAX_STATES] {
        let mut p = self.totals;
        if let Some(s) = self.pending {
            if s.start < t {
                p[s.state as usize] += s.end.min(t) - s.start;
            }
        }
        p
    }
}

/// Decodes one block.
#[derive(Clone, Copy)]
struct BlockIter<'a> {
    chunks: &'a [Vec<u8>],
    chunk: usize,
    pos: usize,
    /// Where the last span's header byte is.
    last_head: (usize, usize),
    prev_end: i64,
    remaining: usize,
}

impl BlockIter<'_> {
    #[inline]
    fn next_span(&mut self) -> Span {
        let mut data = &self.chunks[self.chunk][..];
        if self.pos == data.len() {
            self.chunk += 1;
            self.pos = 0;
            data = &self.chunks[self.chunk][..];
        }
        let head = data[self.pos];
        self.last_head = (self.chunk, self.pos);
        self.pos += 1;
        let shift = if head & IN_UNITS != 0 { UNIT_SHIFT } else { 0 };
        let gap = if head & HAS_GAP != 0 { (get_varint(data, &mut self.pos) << shift) as i64 } else { 0 };
        let dur = (get_varint(data, &mut self.pos) << shift) as i64;
        let label = if head & HAS_LABEL != 0 { get_varint(data, &mut self.pos) as u32 } else { 0 };
        let aux = if head & HAS_AUX != 0 { get_varint(data, &mut self.pos) as u32 } else { 0 };
        let start = self.prev_end + gap;
        self.prev_end = start + dur;
        self.remaining -= 1;
        Span { start, end: start + dur, state: head & 7, label, aux }
    }
}

/// Spans in order, across blocks.
pub struct SpanIter<'a> {
    lane: &'a SpanLane,
    it: Option<BlockIter<'a>>,
    next_block: usize,
}

impl Iterator for SpanIter<'_> {
    type Item = Span;
    fn next(&mut self) -> Option<Span> {
        loop {
            let it = self.it.as_mut()?;
            if it.remaining > 0 {
                return Some(it.next_span());
            }
            if self.next_block >= self.lane.block_start.len() {
                self.it = None;
                return None;
            }
            self.it = Some(self.lane.block_iter(self.next_block));
            self.next_block += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_prefix() {
        let mut l = SpanLane::new(3);
        let mut want = Vec::new();
        let mut t = 100i64;
        for i in 0..1000u32 {
            // Half the spans in units of 64 ns (as most of a real trace's), half not.
            let unit = if i % 2 == 0 { 64 } else { 1 };
            let gap = if i % 3 == 0 { (i % 7) as i64 * 5 * unit } else { 0 };
            let start = t + gap;
            let end = start + unit * (1 + (i as i64 * 37) % 500);
            let s = Span { start, end, state: (i % 3) as u8, label: i % 5, aux: i % 2 };
            l.push(s.start, s.end, s.state, s.label, s.aux);
            want.push(s);
            t = end;
        }
        let got: Vec<Span> = l.iter_from(0).collect();
        assert_eq!(got, want);
        assert_eq!(l.get(517), Some(want[517]));
        assert_eq!(l.iter_from(990).count(), 10);
        for probe in [0, 100, 101, 5000, 77777, t, t + 10] {
            let mut out = [0; MAX_STATES];
            l.prefix(probe, &mut out);
            let mut exp = [0; MAX_STATES];
            for s in &want {
                if s.start < probe {
                    exp[s.state as usize] += s.end.min(probe) - s.start;
                }
            }
            assert_eq!(out, exp, "prefix at {probe}");
            let (i, s) = l.first_ending_after(probe);
            let j = want.iter().position(|s| s.end > probe).unwrap_or(want.len());
            assert_eq!(i, j);
            assert_eq!(s, want.get(j).copied());
        }
    }
}
