//! The reader: trace bytes in, ordered events out, one at a time (Go's `reader.go`).

use std::collections::VecDeque;
use std::rc::Rc;

use crate::batch_cursor::{heap_insert, heap_remove, heap_update, BatchCursor};
use crate::error::Error;
use crate::event::{Event, SchedCtx, Time};
use crate::batch::Batch;
use crate::generation::{read_generation_with_spill, CpuSample, Generation, Spill};
use crate::order::{Ordering, Queued};
use crate::spec;
use crate::version::{read_header, Version};

mod ahead;
use ahead::Ahead;

/// Reads a Go execution trace from its bytes.
///
/// ```
/// let bytes = b"go 1.26 trace\0\0\0";
/// let mut r = gotrace::Reader::new(bytes).unwrap();
/// let ev = r.read_event().unwrap().unwrap(); // the trace's first (and here only) Sync
/// assert_eq!(ev.kind(), gotrace::EventKind::Sync);
/// assert!(r.read_event().unwrap().is_none());
/// ```
pub struct Reader<'a> {
    /// The bytes at hand: the whole trace, or a window of it (see [`Reader::new_window`]).
    data: &'a [u8],
    gen: Option<Generation<'a>>,
    spill: Option<Spill<'a>>,
    /// The next generation, read ahead of its turn (see [`Reader::read_ahead`]).
    ahead: Option<Box<Ahead<'a>>>,
    /// Everything else, which does not refer to the bytes.
    st: State,
}

/// A reader's state that does not refer to the bytes (kept while the reader is [`Detached`]).
struct State {
    /// Offset in the trace of `data[0]`, and whether `data` reaches the trace's end.
    base: usize,
    window_final: bool,
    /// Where the bytes the reader needs next begin, when the window ran out (see
    /// [`Reader::wants_bytes`]).
    wants: Option<usize>,
    /// An error to report at the next read (a Go 1.11–1.21 trace given in a window).
    pending_err: Option<Error>,
    /// Offsets in the trace (not in `data`).
    pos: usize,
    version: Version,
    last_ts: Time,
    /// The merge heap of the generation's threads (boxed: swaps move pointers).
    #[allow(clippy::vec_box)]
    frontier: Vec<Box<BatchCursor>>,
    cpu_samples: VecDeque<CpuSample>,
    order: Ordering,
    syncs: u64,
    read_gen_err: Option<Error>,
    done: bool,
    failed: bool,
    spill_err: Option<Error>,
    spill_err_sync: bool,
    bytes_at_sync: usize,
    /// Where the bytes the reader may still look at begin (see [`Reader::bytes_done`]), and
    /// where the last generation read began to be read (for the spill path).
    in_use_from: usize,
    last_read_start: usize,
    /// A Go 1.11-1.21 trace, parsed whole by `new` (as Go's `NewReader`), converted lazily.
    v1: Option<Box<crate::v1::V1Reader>>,
    /// The v1 event made by the last call, until it is taken or done with.
    v1_current: Option<Event>,
    /// Whether the ordering's head (or `v1_current`) was lent by `next_event`.
    lent: bool,
}

impl<'a> Reader<'a> {
    /// Reads the header. Fails on anything that is not a trace of a version this crate reads.
    pub fn new(data: &'a [u8]) -> Result<Reader<'a>, Error> {
        let (version, pos) = read_header(data)?;
        let v1 = if version.is_v1() { Some(Box::new(crate::v1::V1Reader::new(data, pos, version)?)) } else { None };
        let pos = if v1.is_some() { data.len() } else { pos };
        Ok(Reader::start(data, version, pos, v1))
    }

    /// A reader at `pos`, past the header.
    fn start(data: &'a [u8], version: Version, pos: usize, v1: Option<Box<crate::v1::V1Reader>>) -> Reader<'a> {
        let st = State {
            base: 0,
            window_final: true,
            wants: None,
            pending_err: None,
            pos,
            version,
            last_ts: 0,
            frontier: Vec::new(),
            cpu_samples: VecDeque::new(),
            order: Ordering::new(version),
            syncs: 0,
            read_gen_err: None,
            done: false,
            failed: false,
            spill_err: None,
            spill_err_sync: false,
            bytes_at_sync: pos,
            in_use_from: pos,
            last_read_start: pos,
            v1,
            v1_current: None,
            lent: false,
        };
        Reader { data, gen: None, spill: None, ahead: None, st }
    }

    /// Reads the header from the first bytes of the trace, `window` (all of them if `last`),
    /// for reading the trace through windows: when the events of the bytes at hand are read,
    /// [`next_event`](Self::next_event) returns `Ok(None)` and [`wants_bytes`](Self::wants_bytes)
    /// says from which offset the next window must begin; [`detach`](Self::detach) the reader,
    /// and [`attach`](Detached::attach) it to a window that begins there (and holds more than
    /// the bytes left of this one). The events are those [`new`](Self::new) gives on the
    /// whole trace; only a generation's bytes (and, for Go 1.22–1.25, the first batch of the
    /// next) need to be at hand at once. A Go 1.11–1.21 trace is read whole: its reader wants
    /// bytes from 0 until a window reaches the end.
    pub fn new_window(window: &'a [u8], last: bool) -> Result<Reader<'a>, Error> {
        let (version, pos) = read_header(window)?;
        if version.is_v1() && !last {
            let mut r = Reader::start(window, version, pos, None);
            r.st.window_final = false;
            r.st.wants = Some(0);
            return Ok(r);
        }
        let mut r = Reader::new(window)?;
        r.st.window_final = last;
        Ok(r)
    }

    /// Where the next window must begin, when the events of this one are read (`next_event`
    /// returned `Ok(None)`); `None` otherwise.
    pub fn wants_bytes(&self) -> Option<usize> {
        self.st.wants
    }

    /// Whether the bytes at hand may not hold the next generation whole (then the reader
    /// wants more), `spill_gen` the generation of the batch of it the reader holds.
    fn window_ran_out(&self, spill_gen: Option<u64>) -> bool {
        !self.st.window_final && !crate::window::holds_generation(self.data, self.st.pos - self.st.base, self.st.version, spill_gen)
    }

    /// The reader without its bytes, to be given the next window (see
    /// [`new_window`](Self::new_window)). Between windows only: when `wants_bytes` says so.
    pub fn detach(self) -> Detached {
        let spill = self.spill.map(|s| Box::new(DetachedSpill {
            gen: s.gen,
            m: s.batch.m,
            time: s.batch.time,
            exp: s.batch.exp,
            offset: self.st.base + s.batch.offset,
            len: s.batch.data.len(),
        }));
        Detached { st: Box::new(self.st), gen: self.gen.map(|g| Box::new(g.without_batches())), spill }
    }

    /// The trace format version from the header.
    pub fn version(&self) -> Version {
        self.st.version
    }

    /// Bytes read when the last Sync event was returned: what a tolerant reader keeps.
    pub fn bytes_at_last_sync(&self) -> usize {
        self.st.bytes_at_sync
    }

    /// For a Go 1.11–1.21 trace, GOMAXPROCS when tracing started (time, value): the first
    /// Gomaxprocs event, which the conversion drops as Go's does (it marks the end of the
    /// trace's initialization), so no event carries it. Known once the events after it are
    /// read; `None` for Go 1.22+ traces, whose events carry every GOMAXPROCS as a metric.
    pub fn initial_gomaxprocs(&self) -> Option<(Time, u64)> {
        self.st.v1.as_ref().and_then(|v1| v1.initial_gomaxprocs())
    }

    /// Bytes of the trace consumed so far (for progress).
    pub fn bytes_read(&self) -> usize {
        self.st.pos
    }

    /// The reader will not look at the bytes before this offset again: the generation being
    /// read begins at or after it (a Go 1.11–1.21 trace is parsed whole when the reader is
    /// made, so none of its bytes is looked at again). Events refer to none of the bytes. A
    /// caller that maps the file can let the pages before it go.
    pub fn bytes_done(&self) -> usize {
        if self.st.v1.is_some() {
            self.st.base + self.data.len()
        } else {
            self.st.in_use_from
        }
    }

    /// The next event, `Ok(None)` at the end. After an error, returns `Ok(None)`.
    pub fn read_event(&mut self) -> Result<Option<Event>, Error> {
        if !self.advance()? {
            return Ok(None);
        }
        if self.st.v1.is_some() {
            return Ok(self.st.v1_current.take());
        }
        let ev = self.st.order.head().cloned();
        self.st.order.pop();
        Ok(ev)
    }

    /// [`read_event`](Self::read_event), lending the event instead of moving it out: the
    /// reader keeps it until the next call. Cheaper for callers that only look at each event.
    #[inline]
    pub fn next_event(&mut self) -> Result<Option<&Event>, Error> {
        if !self.advance()? {
            return Ok(None);
        }
        self.st.lent = true;
        Ok(self.current())
    }

    /// The event the last [`next_event`](Self::next_event) lent, while the reader keeps it.
    #[inline]
    pub fn current(&self) -> Option<&Event> {
        if !self.st.lent {
            return None;
        }
        if self.st.v1.is_some() {
            self.st.v1_current.as_ref()
        } else {
            self.st.order.head()
        }
    }

    /// Makes the next event the ordering's head (or `v1_current`); false at the end and
    /// after an error.
    fn advance(&mut self) -> Result<bool, Error> {
        if std::mem::take(&mut self.st.lent) && self.st.v1.is_none() {
            // The event lent last is done with (a v1 reader writes the next over it).
            self.st.order.pop();
        }
        if self.st.done || self.st.failed || self.st.wants.is_some() {
            return Ok(false);
        }
        if let Some(e) = self.st.pending_err.take() {
            self.st.failed = true;
            return Err(e);
        }
        if let Some(v1) = self.st.v1.as_deref_mut() {
            let r = v1.read_into(&mut self.st.v1_current);
            self.st.failed = r.is_err();
            return r;
        }
        // The event is checked and fixed in place, the ordering's head: lent from there, or
        // copied out to the caller.
        match self.fill() {
            Ok(true) => {}
            Ok(false) => return Ok(false),
            Err(e) => {
                self.st.failed = true;
                return Err(e);
            }
        }
        let last_ts = self.st.last_ts;
        let (ev, has_table) = self.st.order.head_mut().expect("fill queued an event");
        // The tables change only with the generation.
        let table = if has_table { Some(&self.gen.as_ref().expect("an event of the generation read").table) } else { None };
        if ev.table.as_ref().map(Rc::as_ptr) != table.map(Rc::as_ptr) {
            ev.table = table.cloned();
        }
        if let Err(msg) = ev.validate_table_ids() {
            let ev = ev.clone();
            self.st.failed = true;
            return Err(self.order_error(&ev, msg));
        }
        // Times strictly increase, as in Go.
        if ev.base.time <= last_ts {
            ev.base.time = last_ts + 1;
        }
        self.st.last_ts = ev.base.time;
        if ev.base.typ == spec::EV_SYNC_EVENT {
            self.st.bytes_at_sync = self.st.pos;
        }
        Ok(true)
    }

    fn gen_number(&self) -> u64 {
        self.gen.as_ref().map_or(0, |g| g.gen)
    }

    fn order_error(&self, ev: &Event, msg: String) -> Error {
        Error::Order { gen: self.gen_number(), event: ev.wire_name().to_string(), time_ns: ev.time(), msg }
    }

    fn sync_event(&mut self, with_table: bool) -> Event {
        self.st.syncs += 1;
        if with_table {
            let g = self.gen.as_ref().expect("installed generation");
            Event::new_sync(Some(g.table.clone()), g.table.sync.ns(g.min_ts), self.st.syncs)
        } else {
            Event::new_sync(None, self.st.last_ts, self.st.syncs)
        }
    }

    /// Queues the next event in the ordering's queue; false at the end.
    fn fill(&mut self) -> Result<bool, Error> {
        if !self.st.order.is_empty() {
            return Ok(true);
        }
        if self.st.frontier.is_empty() && self.st.cpu_samples.is_empty() {
            let ev = if self.st.version < Version::GO126 {
                self.next_gen_with_spill()?
            } else if let Some(e) = &self.st.read_gen_err {
                return Err(e.clone());
            } else {
                let Ahead { read, end } = match self.ahead.take() {
                    Some(ahead) => *ahead,
                    None if self.window_ran_out(None) => {
                        self.st.wants = Some(self.st.pos);
                        return Ok(false);
                    }
                    None => self.read_next_generation(),
                };
                self.st.in_use_from = self.st.pos;
                self.st.pos = end;
                match read {
                    Ok(gen) => self.install_gen(gen)?,
                    Err(e) => {
                        // Everything before this generation is good: end it with a Sync first.
                        self.st.read_gen_err = Some(e);
                        self.gen = None;
                        Some(self.sync_event(false))
                    }
                }
            };
            return Ok(match ev {
                Some(ev) => {
                    self.st.order.push_event(ev);
                    true
                }
                None => false,
            });
        }
        if let Some(s) = self.st.cpu_samples.front() {
            if self.st.frontier.is_empty() || s.time < self.st.frontier[0].ev.time {
                let s = self.st.cpu_samples.pop_front().expect("non-empty");
                let ctx = SchedCtx { g: s.g, p: s.p, m: s.m };
                self.st.order.push_queued(Queued::make(ctx, spec::EV_CPU_SAMPLE, s.time, &[s.stack.0]));
                return Ok(true);
            }
        }
        if self.st.frontier.is_empty() {
            return Err(self.broken("frontier is empty"));
        }
        if !self.try_advance(0)? {
            // The earliest event cannot happen yet: try the others, earliest first.
            self.st.frontier.sort_by_key(|bc| bc.ev.time);
            let mut success = false;
            for i in 1..self.st.frontier.len() {
                if self.try_advance(i)? {
                    success = true;
                    break;
                }
            }
            if !success {
                return Err(self.broken("failed to advance"));
            }
        }
        if self.st.order.is_empty() {
            return Err(Error::Generation { gen: self.gen_number(), msg: "internal error: advance successful, but queue is empty".into() });
        }
        Ok(true)
    }

    fn broken(&self, what: &str) -> Error {
        let mut frontier = String::new();
        for bc in &self.st.frontier {
            let sp = spec::spec(bc.ev.typ);
            frontier += &format!("M {} [{} time={}", bc.m, sp.name, bc.ev.time);
            for (i, arg) in sp.args.iter().skip(1).enumerate() {
                frontier += &format!(" {arg}={}", bc.ev.args[i]);
            }
            frontier += "]\n";
        }
        let gen = self.gen_number();
        Error::Generation { gen, msg: format!("broken trace: {what}: frontier:\n[gen={gen}]\n\n{frontier}\n{}\n", self.st.order.dump()) }
    }

    fn try_advance(&mut self, i: usize) -> Result<bool, Error> {
        let gen = self.gen.as_ref().expect("frontier without generation");
        let bc = &mut self.st.frontier[i];
        let ok = match self.st.order.advance(&mut bc.ev, &gen.table, bc.m, &mut bc.m_slot, gen.gen) {
            Ok(ok) => ok,
            Err(msg) => {
                let ev = Event::new(&gen.table, SchedCtx::NONE, bc.ev);
                return Err(self.order_error(&ev, msg));
            }
        };
        if !ok {
            return Ok(false);
        }
        let batches = &gen.batches[bc.slot].1;
        if bc.next_event(batches, gen.table.sync.freq).map_err(|e| e.rebased(self.st.base))? {
            heap_update(&mut self.st.frontier, i);
        } else {
            heap_remove(&mut self.st.frontier, i);
        }
        Ok(true)
    }

    fn next_gen_with_spill(&mut self) -> Result<Option<Event>, Error> {
        if let Some(e) = &self.st.spill_err {
            if self.st.spill_err_sync {
                return Err(e.clone());
            }
            self.st.spill_err_sync = true;
            return Ok(Some(self.sync_event(false)));
        }
        if self.gen.is_some() && self.spill.is_none() {
            // The last generation ended at the end of the bytes.
            self.st.done = true;
            return Ok(Some(self.sync_event(false)));
        }
        if self.window_ran_out(self.spill.map(|s| s.gen)) {
            self.st.wants = Some(self.spill.as_ref().map_or(self.st.pos, |s| self.st.base + s.batch.offset).min(self.st.pos));
            return Ok(None);
        }
        // The generation's first batch (the spill) was read with the one before.
        self.st.in_use_from = self.st.last_read_start;
        self.st.last_read_start = self.st.pos;
        let mut at = self.st.pos - self.st.base;
        let r = read_generation_with_spill(self.data, &mut at, self.spill.take(), self.st.version);
        self.st.pos = self.st.base + at;
        self.spill = r.spill;
        self.st.spill_err = r.err.map(|e| e.rebased(self.st.base));
        match r.gen {
            Some(gen) => self.install_gen(Some(gen)),
            None => {
                self.gen = None;
                self.st.spill_err_sync = true;
                Ok(Some(self.sync_event(false)))
            }
        }
    }

    fn install_gen(&mut self, gen: Option<Generation<'a>>) -> Result<Option<Event>, Error> {
        let Some(gen) = gen else {
            self.gen = None;
            self.st.done = true;
            return Ok(Some(self.sync_event(false)));
        };
        self.st.cpu_samples = std::mem::take(&mut self.gen.insert(gen).cpu_samples).into();
        let gen = self.gen.as_ref().expect("just installed");
        for (slot, (m, batches)) in gen.batches.iter().enumerate() {
            let mut bc = BatchCursor::new(*m, slot);
            if bc.next_event(batches, gen.table.sync.freq).map_err(|e| e.rebased(self.st.base))? {
                heap_insert(&mut self.st.frontier, Box::new(bc));
            }
        }
        Ok(Some(self.sync_event(true)))
    }
}

impl Iterator for Reader<'_> {
    type Item = Result<Event, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        self.read_event().transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::Reader;

    /// The lowest offset of the trace any batch the reader holds starts at.
    fn lowest_held(r: &Reader<'_>) -> usize {
        let ahead = r.ahead.iter().filter_map(|a| a.read.as_ref().ok().and_then(Option::as_ref));
        let gens = r.gen.iter().chain(ahead);
        let held = gens.flat_map(|g| g.batches.iter().flat_map(|(_, bs)| bs.iter()));
        held.chain(r.spill.iter().map(|s| &s.batch)).map(|b| b.offset).min().unwrap_or(usize::MAX)
    }

    /// What `bytes_done` promises (callers let those bytes go): no batch the reader still
    /// holds (the next generation's too, when read ahead) starts before it, at any event, on
    /// the project's fixtures and (if present) the shared corpus, whose Go 1.22–1.25 traces
    /// take the spill path; reading ahead at every event, and not.
    #[test]
    fn bytes_done_is_never_past_a_held_batch() {
        let files = crate::test_traces::all();
        assert!(files.len() >= 6, "fixture traces found: {files:?}");
        let (mut checked, mut advanced) = (0, 0);
        for (f, ahead) in files.iter().flat_map(|f| [(f, false), (f, true)]) {
            let data = std::fs::read(f).unwrap();
            let Ok(mut r) = Reader::new(&data) else { continue };
            let mut last = 0;
            loop {
                if ahead {
                    r.read_ahead();
                }
                let done = r.bytes_done();
                assert!(done <= lowest_held(&r), "{}: bytes_done {done} past a held batch", f.display());
                assert!(done >= last, "{}: bytes_done went back", f.display());
                last = done;
                match r.read_event() {
                    Ok(Some(_)) => checked += 1,
                    Ok(None) | Err(_) => break,
                }
            }
            if r.st.v1.is_none() && r.st.syncs > 2 {
                advanced += usize::from(last > 64);
            }
        }
        assert!(checked > 0);
        assert!(advanced > 0, "no trace of several generations let bytes go");
    }
}

/// A reader between two windows of the trace (see [`Reader::new_window`]).
pub struct Detached {
    st: Box<State>,
    gen: Option<Box<Generation<'static>>>,
    spill: Option<Box<DetachedSpill>>,
}

/// The batch of the next generation a Go 1.22–1.25 reader holds, without its bytes.
#[derive(Debug, Clone, Copy)]
struct DetachedSpill {
    gen: u64,
    m: crate::resources::ThreadId,
    time: u64,
    exp: u8,
    /// Where its data is in the trace, and how long.
    offset: usize,
    len: usize,
}

impl Detached {
    /// Where the next window must begin.
    pub fn wants_bytes(&self) -> usize {
        self.st.wants.unwrap_or(self.st.pos)
    }

    /// The reader again, over `window`: the trace's bytes from offset `base` (which must not
    /// be past [`wants_bytes`](Self::wants_bytes)), to its end if `last`. A window that does
    /// not begin early enough gives the detached reader back.
    pub fn attach(self, window: &[u8], base: usize, last: bool) -> Result<Reader<'_>, Detached> {
        if base > self.wants_bytes() {
            return Err(self);
        }
        let spill = match self.spill.as_deref().copied() {
            None => None,
            Some(s) => match window.get(s.offset - base..s.offset - base + s.len) {
                Some(data) => Some(Spill { gen: s.gen, batch: Batch { m: s.m, time: s.time, data, exp: s.exp, offset: s.offset - base } }),
                None => return Err(self),
            },
        };
        let mut st = *self.st;
        st.base = base;
        st.window_final = last;
        st.wants = None;
        if st.version.is_v1() && st.v1.is_none() {
            if !last {
                st.wants = Some(0);
            } else {
                match crate::v1::V1Reader::new(window, st.pos, st.version) {
                    Ok(v1) => st.v1 = Some(Box::new(v1)),
                    Err(e) => st.pending_err = Some(e),
                }
                st.pos = base + window.len();
            }
        }
        Ok(Reader { data: window, gen: self.gen.map(|g| *g), spill, ahead: None, st })
    }
}
