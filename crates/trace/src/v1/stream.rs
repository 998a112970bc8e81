//! The merged, sorted event stream, kept compact: Go keeps every event as a 64-byte struct
//! (gigabytes for a large trace); here the merge writes each event as a few varints, and the
//! later passes (checks, conversion) decode them again.
//!
//! The encoded events are kept in chunks of about 1 MB (an event never spans two): the
//! conversion, the last to read the stream, lets each chunk go once past it
//! ([`Stream::let_go_before`]), so the analyses fed by the conversion grow into that memory.
//!
//! Go sorts the merged events (stably) by time after giving syscall exits their real time.
//! The merge's own order is sorted (Go checks it), so only those syscall exits can move, and
//! only earlier. The stream therefore keeps the events that stay in place ("main": each at or
//! after every event before it) in order, and the others apart, sorted; reading merges the two,
//! an event in place first on equal times. That is exactly Go's stable sort.

use super::parser::V1Event;
use super::spec::*;

/// Number of arguments kept for each event type: the description's, and for a UserLog the id
/// of its value string as well (in `args[3]`).
static NARGS: [u8; 64] = {
    let mut t = [0u8; 64];
    let mut i = 0;
    while i < EV_COUNT as usize {
        t[i] = DESCS[i].args.len() as u8;
        i += 1;
    }
    t[EV_USER_LOG as usize] = 4;
    t
};

const P_SAME: u8 = 1 << 6;
const G_SAME: u8 = 1 << 7;

#[inline(always)]
fn put_uvarint(buf: &mut [u8; 80], n: &mut usize, mut v: u64) {
    while v >= 0x80 {
        buf[*n] = v as u8 | 0x80;
        *n += 1;
        v >>= 7;
    }
    buf[*n] = v as u8;
    *n += 1;
}

#[inline(always)]
fn get_uvarint(buf: &[u8], pos: &mut usize) -> u64 {
    let b = buf[*pos];
    *pos += 1;
    if b < 0x80 {
        return b as u64;
    }
    let mut x = (b & 0x7f) as u64;
    let mut s = 7;
    loop {
        let b = buf[*pos];
        *pos += 1;
        if b < 0x80 {
            return x | (b as u64) << s;
        }
        x |= ((b & 0x7f) as u64) << s;
        s += 7;
    }
}

/// Bytes of a chunk of the encoded stream.
const CHUNK: usize = 1 << 20;

/// The stream: events in place, encoded, and the moved ones.
#[derive(Debug, Default)]
pub(crate) struct Stream {
    /// The encoded events in place, in chunks (each as long as the events it holds; emptied
    /// once read for the last time).
    chunks: Vec<Vec<u8>>,
    /// Events in `chunks`.
    main: usize,
    /// Chunks let go of (the first ones).
    let_go: usize,
    /// Events moved earlier, sorted (stably) by time.
    moved: Vec<V1Event>,
}

impl Stream {
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.main + self.moved.len()
    }

    /// The events in order; their `off` is 0.
    pub(crate) fn iter(&self) -> Decoder<'_> {
        Decoder { s: self, c: self.cursor() }
    }

    /// A position before the first event, to read with [`Cursor::next`].
    pub(crate) fn cursor(&self) -> Cursor {
        let mut c = Cursor { chunk: 0, pos: 0, left: self.main, prev_ts: 0, prev_p: 0, prev_g: 0, next_head: 0, moved: 0 };
        c.peek_main(self);
        c
    }

    /// Lets go of the chunks before the one `cursor` reads from: no cursor reads them again.
    #[inline]
    pub(crate) fn let_go_before(&mut self, cursor: &Cursor) {
        if cursor.chunk > self.let_go {
            for c in &mut self.chunks[self.let_go..cursor.chunk] {
                *c = Vec::new();
            }
            self.let_go = cursor.chunk;
        }
    }

    /// Bytes of the encoded events still held.
    #[cfg(test)]
    fn held(&self) -> usize {
        self.chunks.iter().map(Vec::capacity).sum()
    }
}

/// Builds a [`Stream`] from events in time order, apart from the ones that moved earlier.
#[derive(Debug, Default)]
pub(crate) struct Builder {
    s: Stream,
    prev_ts: i64,
    prev_p: i32,
    prev_g: u64,
    /// The latest time of the events in place (Go's order is by time, so the rest move).
    max_ts: Option<i64>,
    /// The chunk being written, `CHUNK` zeros long: room to encode into directly.
    chunk: Vec<u8>,
    /// Bytes of `chunk` written.
    used: usize,
}

impl Builder {
    /// A builder of a stream of about `bytes` bytes.
    pub(crate) fn with_capacity(bytes: usize) -> Builder {
        Builder { s: Stream { chunks: Vec::with_capacity(bytes / CHUNK + 1), ..Stream::default() }, ..Builder::default() }
    }

    #[inline]
    pub(crate) fn push(&mut self, ev: &V1Event) {
        match self.max_ts {
            Some(m) if ev.ts < m => {
                let mut e = *ev;
                e.args[NARGS[e.typ as usize] as usize..].fill(0);
                if !desc(e.typ).stack {
                    e.stk = 0;
                }
                self.s.moved.push(e);
                return;
            }
            _ => self.max_ts = Some(ev.ts),
        }
        // At most 1 + 7 varints of 10 bytes, encoded in place (not copied from a buffer: a
        // call to copy a few bytes, per event, cost 5% of the read).
        if self.used + 80 > self.chunk.len() {
            self.next_chunk();
        }
        let tmp: &mut [u8; 80] = (&mut self.chunk[self.used..self.used + 80]).try_into().expect("80 bytes");
        let mut n = 1;
        let mut head = ev.typ;
        put_uvarint(tmp, &mut n, ev.ts.wrapping_sub(self.prev_ts) as u64);
        if ev.p == self.prev_p {
            head |= P_SAME;
        } else {
            let p = ev.p as i64;
            put_uvarint(tmp, &mut n, ((p << 1) ^ (p >> 63)) as u64);
            self.prev_p = ev.p;
        }
        if ev.g == self.prev_g {
            head |= G_SAME;
        } else {
            put_uvarint(tmp, &mut n, ev.g);
            self.prev_g = ev.g;
        }
        if desc(ev.typ).stack {
            put_uvarint(tmp, &mut n, ev.stk as u64);
        }
        for &a in &ev.args[..NARGS[ev.typ as usize] as usize] {
            put_uvarint(tmp, &mut n, a);
        }
        tmp[0] = head;
        self.used += n;
        self.prev_ts = ev.ts;
        self.s.main += 1;
    }

    /// Ends the chunk being written (if any) and starts the next.
    #[cold]
    fn next_chunk(&mut self) {
        // Zeroed: fresh pages from the system, touched only as they are written.
        let full = std::mem::replace(&mut self.chunk, vec![0; CHUNK]);
        self.end_chunk(full);
    }

    fn end_chunk(&mut self, mut full: Vec<u8>) {
        if self.used > 0 {
            full.truncate(self.used);
            full.shrink_to_fit();
            self.s.chunks.push(full);
        }
        self.used = 0;
    }

    pub(crate) fn finish(mut self) -> Stream {
        let last = std::mem::take(&mut self.chunk);
        self.end_chunk(last);
        // A stable sort: moved events keep their order among equal times.
        self.s.moved.sort_by_key(|e| e.ts);
        self.s
    }
}

/// A position in a [`Stream`]: the next event in place is known by its time only, until it is
/// read.
#[derive(Debug, Clone)]
pub(crate) struct Cursor {
    /// The chunk read from, and where in it.
    chunk: usize,
    pos: usize,
    left: usize,
    prev_ts: i64,
    prev_p: i32,
    prev_g: u64,
    /// Header byte and time of the next event in place (`pos` is after its time).
    next_head: u8,
    moved: usize,
}

impl Cursor {
    /// Reads the header and time of the next event in place.
    #[inline(always)]
    fn peek_main(&mut self, s: &Stream) {
        if self.left == 0 {
            return;
        }
        if self.pos == s.chunks[self.chunk].len() {
            // Events do not span chunks.
            self.chunk += 1;
            self.pos = 0;
        }
        let buf = &s.chunks[self.chunk];
        self.next_head = buf[self.pos];
        self.pos += 1;
        self.prev_ts = self.prev_ts.wrapping_add(get_uvarint(buf, &mut self.pos) as i64);
    }

    /// Reads the rest of the next event in place into `ev`.
    #[inline(always)]
    fn read_main(&mut self, s: &Stream, ev: &mut V1Event) {
        self.left -= 1;
        let buf = &s.chunks[self.chunk];
        let head = self.next_head;
        let typ = head & 0x3f;
        ev.typ = typ;
        ev.ts = self.prev_ts;
        ev.off = 0;
        if head & P_SAME == 0 {
            let z = get_uvarint(buf, &mut self.pos);
            self.prev_p = ((z >> 1) as i64 ^ -((z & 1) as i64)) as i32;
        }
        ev.p = self.prev_p;
        if head & G_SAME == 0 {
            self.prev_g = get_uvarint(buf, &mut self.pos);
        }
        ev.g = self.prev_g;
        ev.stk = if desc(typ).stack { get_uvarint(buf, &mut self.pos) as u32 } else { 0 };
        let n = NARGS[typ as usize] as usize;
        ev.args = [0; 4];
        for a in &mut ev.args[..n] {
            *a = get_uvarint(buf, &mut self.pos);
        }
        self.peek_main(s);
    }

    /// Reads the next event of `s` (the stream this cursor is of) into `ev`; false at the end.
    #[inline(always)]
    pub(crate) fn next_into(&mut self, s: &Stream, ev: &mut V1Event) -> bool {
        if let Some(m) = s.moved.get(self.moved) {
            if self.left == 0 || m.ts < self.prev_ts {
                self.moved += 1;
                *ev = V1Event { off: 0, ..*m };
                return true;
            }
        }
        if self.left == 0 {
            return false;
        }
        self.read_main(s, ev);
        true
    }

    /// The next event of `s` (the stream this cursor is of).
    #[inline]
    pub(crate) fn next(&mut self, s: &Stream) -> Option<V1Event> {
        let mut ev = V1Event::default();
        self.next_into(s, &mut ev).then_some(ev)
    }
}

/// Reads a [`Stream`] in order.
pub(crate) struct Decoder<'s> {
    s: &'s Stream,
    c: Cursor,
}

impl Iterator for Decoder<'_> {
    type Item = V1Event;

    #[inline]
    fn next(&mut self) -> Option<V1Event> {
        self.c.next(self.s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(ts: i64, typ: u8, p: i32, g: u64) -> V1Event {
        V1Event { ts, typ, p, g, args: [g, 7, u64::MAX, 3], stk: 9, off: 0 }
    }

    #[test]
    fn round_trip_is_a_stable_sort() {
        let input = vec![
            ev(10, EV_GO_START, 0, 5),
            ev(12, EV_GO_SYS_EXIT, -1, 6),
            ev(12, EV_USER_LOG, 1_000_003, 6),
            ev(11, EV_GO_SYS_EXIT, 2, 7),
            ev(13, EV_HEAP_ALLOC, 2, u64::MAX),
            ev(10, EV_GO_SYS_EXIT, 2, 8),
            ev(i64::MAX, EV_CPU_SAMPLE, i32::MAX, 0),
        ];
        let mut b = Builder::with_capacity(0);
        for e in &input {
            b.push(e);
        }
        let s = b.finish();
        assert_eq!(s.len(), input.len());
        let mut want: Vec<V1Event> = input
            .iter()
            .map(|e| {
                let mut e = *e;
                let n = NARGS[e.typ as usize] as usize;
                e.args[n..].fill(0);
                if !desc(e.typ).stack {
                    e.stk = 0;
                }
                e
            })
            .collect();
        want.sort_by_key(|e| e.ts);
        let got: Vec<V1Event> = s.iter().collect();
        assert_eq!(got, want);
    }

    /// Events are read back across chunks, and the chunks behind a cursor let go.
    #[test]
    fn chunks_are_read_across_and_let_go_behind() {
        let input: Vec<V1Event> = (0..400_000i64)
            .map(|i| {
                let mut e = ev(i * 3, if i % 3 == 0 { EV_USER_LOG } else { EV_GO_UNBLOCK }, (i % 5) as i32, (i % 7) as u64 * 1_000_003);
                e.args[NARGS[e.typ as usize] as usize..].fill(0);
                if !desc(e.typ).stack {
                    e.stk = 0;
                }
                e
            })
            .collect();
        let mut b = Builder::with_capacity(0);
        for e in &input {
            b.push(e);
        }
        let mut s = b.finish();
        assert!(s.chunks.len() >= 5, "{} chunks", s.chunks.len());
        assert!(s.iter().eq(input.iter().copied()), "read back in one go");
        let all = s.held();
        let (mut c, mut got, mut e) = (s.cursor(), Vec::new(), V1Event::default());
        while c.next_into(&s, &mut e) {
            got.push(e);
            s.let_go_before(&c);
            if got.len() == input.len() / 2 {
                assert!(s.held() < all * 2 / 3, "half read: {} of {all} bytes held", s.held());
            }
        }
        assert_eq!(got, input);
        assert!(s.held() <= CHUNK, "all read: {} bytes held", s.held());
    }
}
