//! The v1 parser (Go's `internal/trace/internal/tracev1/parser.go`): the whole trace is read up
//! front in four steps, as Go does:
//!
//! 1. one pass over the bytes finds the batches of each P and reads the CPU samples;
//! 2. the batches of all Ps are merged into one stream ([`super::order`]), strings and stacks
//!    being read on the way, and the stream is sorted by time ([`super::stream`]);
//! 3. ticks become nanoseconds since the first event, and timer unblocks and syscall exits move
//!    to fake Ps ([`Finish`], applied whenever the stream is read);
//! 4. the stream is checked as a whole ([`super::post`]).
//!
//! Go reads a whole batch of a P when it needs the P's next event; here the merge reads one
//! event at a time, with a fast path for the common events. The order is the same; only which
//! error comes first may differ, so on any error the merge is redone Go's way for Go's error.
//!
//! Errors carry Go's words; the offset is where the bad bytes (or the event) are.

use rustc_hash::{FxHashMap, FxHashSet};

use super::idmap::IdMap;
use super::order::{merge, Checks, Locate};
use super::post::{post_process, Finish, PostInfo};
use super::spec::*;
use super::stream::{Builder, Stream};
use crate::error::Error;
use crate::varint::uvarint;

/// One event of the merged stream (Go's `tracev1.Event`), 64 bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct V1Event {
    /// Ticks while parsing; nanoseconds since the first event afterwards.
    pub ts: i64,
    /// The goroutine the event happened on.
    pub g: u64,
    /// Event-specific arguments (without timestamp and stack).
    pub args: [u64; 4],
    pub stk: u32,
    /// The P the event happened on (a real P, -1, or a fake P).
    pub p: i32,
    pub typ: u8,
    /// Where the event starts in the trace (saturated at `u32::MAX`), for error messages.
    pub off: u32,
}

impl V1Event {
    /// Go's `Event.String`.
    pub(crate) fn go_string(&self) -> String {
        let d = desc(self.typ);
        let mut s = format!("{} {} p={} g={} stk={}", self.ts, d.name, self.p, self.g, self.stk);
        for (i, a) in d.args.iter().enumerate() {
            s += &format!(" {a}={}", self.args.get(i).copied().unwrap_or(0));
        }
        s
    }
}

/// A frame of the stack table: string ids of function and file.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Frame {
    pub func: u64,
    pub file: u64,
    pub line: u64,
}

/// A parsed v1 trace (Go's `tracev1.Trace`): the events (in ticks, before the steps 3 and 4
/// that [`Finish`] and [`PostInfo`] redo), and the tables.
pub(crate) struct Trace<'a> {
    pub version: u32,
    pub stream: Stream,
    pub finish: Finish,
    pub info: PostInfo,
    pub stacks: IdMap<Box<[u64]>>,
    pub pcs: FxHashMap<u64, Frame>,
    pub strings: FxHashMap<u64, &'a [u8]>,
    pub inline_strings: Vec<&'a [u8]>,
    /// Where the first event that the conversion rejects is, for its error message.
    pub unconvertible_off: u64,
}

/// A raw event as read from the bytes (Go's `rawEvent`).
#[derive(Debug, Default)]
pub(crate) struct Raw {
    pub typ: u8,
    /// Inline arguments (at most 3 on the wire, 2 for a batch header).
    small: [u64; 4],
    n: usize,
    /// Length-prefixed arguments.
    big: Vec<u64>,
    is_big: bool,
    /// The value string of a UserLog: a range of the bytes.
    pub sarg: (usize, usize),
    pub batch_pid: i32,
    pub batch_off: usize,
}

impl Raw {
    #[inline(always)]
    pub(crate) fn args(&self) -> &[u64] {
        if self.is_big {
            &self.big
        } else {
            &self.small[..self.n]
        }
    }
}

/// Why a raw event could not be read: the end of the bytes (Go's bare `io.EOF`, which ends a
/// batch or the trace quietly) or an error.
pub(crate) enum RawErr {
    Eof,
    Msg(String),
}

const MALFORMED: &str = "malformatted base-128 varint";

/// Event types that the first pass skips without looking (all but batch headers, strings,
/// CPU samples and user logs; types valid in every v1 version).
static SKIP: [bool; 64] = {
    let mut t = [false; 64];
    let mut typ = 1;
    while typ < EV_COUNT {
        t[typ as usize] = !matches!(typ, EV_BATCH | EV_STRING | EV_CPU_SAMPLE | EV_USER_LOG);
        typ += 1;
    }
    t
};

/// The end of the event with header byte `b` at `off`, as `read_raw(true)` would skip it;
/// `None` if it would fail.
#[inline(always)]
fn skip_event(data: &[u8], off: usize, b: u8) -> Option<usize> {
    let narg = (b >> 6) + 1;
    let mut pos = off + 1;
    if narg <= 3 {
        for _ in 0..narg {
            match data.get(pos) {
                Some(&x) if x < 0x80 => pos += 1,
                _ => pos += uvarint(&data[pos.min(data.len())..]).ok()?.1,
            }
        }
        Some(pos)
    } else {
        let (len, n) = uvarint(&data[pos.min(data.len())..]).ok()?;
        if len > 2048 {
            return None;
        }
        pos += n;
        let end = pos + len as usize;
        (end <= data.len()).then_some(end)
    }
}

/// How [`Parser::fast_event`] reads an event type: its number of values on the wire
/// (timestamp and stack included; 0 for types it leaves to the general path), whether the last
/// is a stack, and what it does to the current goroutine.
#[derive(Clone, Copy)]
struct Fast {
    narg: u8,
    /// The same for events written with more than 3 values (length-prefixed).
    narg_prefixed: u8,
    stack: bool,
    g: u8,
}

const G_KEEP: u8 = 0;
/// The event starts its goroutine (`args[0]`).
const G_START: u8 = 1;
/// The event stops the current goroutine.
const G_STOP: u8 = 2;
/// The event is about goroutine `args[0]`.
const G_ARG: u8 = 3;

static FAST: [Fast; 64] = {
    let mut t = [Fast { narg: 0, narg_prefixed: 0, stack: false, g: G_KEEP }; 64];
    let mut typ = 0;
    while typ < EV_COUNT {
        let d = &DESCS[typ as usize];
        let plain =
            !matches!(typ, EV_NONE | EV_BATCH | EV_FREQUENCY | EV_STACK | EV_TIMER_GOROUTINE | EV_STRING | EV_CPU_SAMPLE | EV_USER_LOG);
        let narg = d.args.len() + d.stack as usize + 1;
        if plain && d.min_version <= 11 {
            let g = match typ {
                EV_GO_START | EV_GO_START_LOCAL | EV_GO_START_LABEL => G_START,
                EV_GO_END | EV_GO_STOP | EV_GO_SCHED | EV_GO_PREEMPT | EV_GO_SLEEP | EV_GO_BLOCK | EV_GO_BLOCK_SEND | EV_GO_BLOCK_RECV
                | EV_GO_BLOCK_SELECT | EV_GO_BLOCK_SYNC | EV_GO_BLOCK_COND | EV_GO_BLOCK_NET | EV_GO_SYS_BLOCK | EV_GO_BLOCK_GC => G_STOP,
                EV_GO_SYS_EXIT | EV_GO_WAITING | EV_GO_IN_SYSCALL => G_ARG,
                _ => G_KEEP,
            };
            t[typ as usize] = if narg <= 3 {
                Fast { narg: narg as u8, narg_prefixed: 0, stack: d.stack, g }
            } else {
                Fast { narg: 0, narg_prefixed: narg as u8, stack: d.stack, g }
            };
        }
        typ += 1;
    }
    t
};

/// Where [`Parser::next_event`] is in the batches of one P, with the parser's state there.
#[derive(Debug, Default)]
pub(crate) struct Cursor {
    pub pid: i32,
    off: usize,
    in_batch: bool,
    got_header: bool,
    last_ts: i64,
    last_g: u64,
    last_p: i32,
}

impl Cursor {
    pub(crate) fn new(pid: i32) -> Cursor {
        Cursor { pid, ..Cursor::default() }
    }
}

/// The batches of one P, in the order they were found, and how many were loaded.
#[derive(Debug, Default)]
pub(crate) struct Batches {
    pub offsets: Vec<usize>,
    pub next: usize,
}

pub(crate) struct Parser<'a> {
    pub ver: u32,
    pub data: &'a [u8],
    /// Where the events start (after the header).
    start: usize,
    pub off: usize,
    /// Offset of the raw event being read.
    pub ev_off: usize,
    pub strings: FxHashMap<u64, &'a [u8]>,
    pub inline_strings: Vec<&'a [u8]>,
    pub inline_ids: FxHashMap<&'a [u8], u64>,
    /// Batches by P: the index in `batches` of each P id, in first-seen order.
    pub batch_index: FxHashMap<i32, usize>,
    pub batches: Vec<(i32, Batches)>,
    pub stacks: IdMap<Box<[u64]>>,
    pub pcs: FxHashMap<u64, Frame>,
    pub ticks_per_sec: i64,
    pub cpu_samples: Vec<V1Event>,
    pub timer_goids: FxHashSet<u64>,
    /// Events (not strings) seen by the first pass: room to reserve for the merged stream.
    pub num_events: usize,
    pub raw: Raw,
    last_ts: i64,
    last_g: u64,
    last_gs: FxHashMap<i32, u64>,
    last_p: i32,
}

impl<'a> Parser<'a> {
    /// A parser of `data` (the whole trace) whose events start at `pos` (after the header).
    pub(crate) fn new(data: &'a [u8], pos: usize, ver: u32) -> Parser<'a> {
        Parser {
            ver,
            data,
            start: pos,
            off: pos,
            ev_off: pos,
            strings: FxHashMap::default(),
            inline_strings: Vec::new(),
            inline_ids: FxHashMap::default(),
            batch_index: FxHashMap::default(),
            batches: Vec::new(),
            stacks: IdMap::default(),
            pcs: FxHashMap::default(),
            ticks_per_sec: 0,
            cpu_samples: Vec::new(),
            timer_goids: FxHashSet::default(),
            num_events: 0,
            raw: Raw::default(),
            last_ts: 0,
            last_g: 0,
            last_gs: FxHashMap::default(),
            last_p: 0,
        }
    }

    /// An error about the raw event being read.
    pub(crate) fn err(&self, msg: String) -> Error {
        Error::Format { offset: self.ev_off as u64, msg }
    }

    fn raw_err(&self, e: RawErr) -> Error {
        match e {
            RawErr::Eof => self.err("EOF".into()),
            RawErr::Msg(m) => self.err(m),
        }
    }

    /// Parses, merges, converts timestamps and checks the whole trace (Go's `parser.parse`).
    pub(crate) fn parse(mut self) -> Result<Trace<'a>, Error> {
        self.collect_batches_and_cpu_samples()?;
        // The stream takes about as many bytes as the trace.
        let mut checks = Checks::new(Builder::with_capacity(self.data.len() + self.data.len() / 4));
        if let Err(e) = merge(&mut self, &mut checks, true) {
            // Find the error Go finds, reading whole batches as Go does.
            let mut p = Parser::new(self.data, self.start, self.ver);
            p.collect_batches_and_cpu_samples()?;
            return Err(merge(&mut p, &mut Locate::nothing(), false).err().unwrap_or(e));
        }
        if let Some(e) = checks.error() {
            return Err(e);
        }
        if self.ticks_per_sec == 0 {
            return Err(Error::Format { offset: self.data.len() as u64, msg: "no EvFrequency event".into() });
        }
        let unconvertible_off = checks.unconvertible.map_or(self.data.len() as u64, u64::from);
        let stream = checks.builder.finish();
        // Step 3: ticks to nanoseconds since the first event, and fake Ps.
        let finish = Finish {
            min_ts: stream.iter().next().map_or(0, |e| e.ts),
            freq: 1e9 / self.ticks_per_sec as f64,
            timer_goids: std::mem::take(&mut self.timer_goids),
        };
        let info = match post_process(&stream, &self.stacks, &finish) {
            Ok(info) => info,
            Err((ev, msg)) => return Err(Error::Format { offset: self.locate(ev), msg }),
        };
        Ok(Trace {
            version: self.ver,
            stream,
            finish,
            info,
            stacks: self.stacks,
            pcs: self.pcs,
            strings: self.strings,
            inline_strings: self.inline_strings,
            unconvertible_off,
        })
    }

    /// Where the event `ev` of the stream (in ticks) is in the trace: the merge is run again.
    fn locate(&self, ev: V1Event) -> u64 {
        let mut p = Parser::new(self.data, self.start, self.ver);
        let mut l = Locate { target: ev, found: None };
        if p.collect_batches_and_cpu_samples().is_ok() {
            let _ = merge(&mut p, &mut l, false);
        }
        l.found.map_or(self.data.len() as u64, u64::from)
    }

    #[inline(always)]
    fn read_val(&mut self) -> Option<u64> {
        match uvarint(&self.data[self.off..]) {
            Ok((v, n)) => {
                self.off += n;
                Some(v)
            }
            Err(_) => None,
        }
    }

    fn discard(&mut self, n: u64) -> bool {
        if n > i64::MAX as u64 {
            return false;
        }
        match self.off.checked_add(n as usize) {
            Some(noff) if noff <= self.data.len() => {
                self.off = noff;
                true
            }
            _ => false,
        }
    }

    /// `n` bytes, or `None` if fewer are left (also when none are left and `n` is 0, as Go).
    fn read_full(&mut self, n: usize) -> Option<(usize, usize)> {
        if self.off >= self.data.len() || self.off.checked_add(n).is_none_or(|e| e > self.data.len()) {
            return None;
        }
        let start = self.off;
        self.off += n;
        Some((start, start + n))
    }

    fn read_str(&mut self) -> Result<(usize, usize), RawErr> {
        let sz = self.read_val().ok_or_else(|| RawErr::Msg(MALFORMED.into()))?;
        if sz == 0 {
            return Ok((self.off, self.off));
        }
        if sz > 1_000_000 {
            return Err(RawErr::Msg(format!("string is too large (len={sz})")));
        }
        self.read_full(sz as usize).ok_or_else(|| RawErr::Msg("failed to read trace: unexpected EOF".into()))
    }

    /// Reads one raw event into `self.raw` (Go's `readRawEvent`); `skip` skips arguments and
    /// strings (Go's `skipArgs|skipStrings`). A string table entry reads as `EV_NONE`.
    pub(crate) fn read_raw(&mut self, skip: bool) -> Result<(), RawErr> {
        // Up to 3 values (timestamp included) are inline; more are length-prefixed.
        const INLINE_ARGS: u8 = 3;
        self.ev_off = self.off;
        let Some(&b) = self.data.get(self.off) else {
            return Err(RawErr::Eof);
        };
        self.off += 1;
        let typ = b & 0x3f;
        let narg = (b >> 6) + 1;
        if typ == EV_NONE || typ >= EV_COUNT || desc(typ).min_version > self.ver {
            return Err(RawErr::Msg(format!("unknown event type {typ}")));
        }
        match typ {
            EV_STRING => {
                if skip {
                    if self.read_val().is_none() {
                        return Err(RawErr::Msg(MALFORMED.into()));
                    }
                    let ln = self.read_val().ok_or_else(|| RawErr::Msg(MALFORMED.into()))?;
                    if !self.discard(ln) {
                        return Err(RawErr::Msg("failed to read trace: EOF".into()));
                    }
                } else {
                    let id = self.read_val().ok_or_else(|| RawErr::Msg(MALFORMED.into()))?;
                    if id == 0 {
                        return Err(RawErr::Msg("string has invalid id 0".into()));
                    }
                    if self.strings.contains_key(&id) {
                        return Err(RawErr::Msg(format!("string has duplicate id {id}")));
                    }
                    let ln = self.read_val().ok_or_else(|| RawErr::Msg(MALFORMED.into()))?;
                    if ln == 0 {
                        return Err(RawErr::Msg("string has invalid length 0".into()));
                    }
                    if ln > 1_000_000 {
                        return Err(RawErr::Msg(format!("string has too large length {ln}")));
                    }
                    let (s, e) = self.read_full(ln as usize).ok_or_else(|| RawErr::Msg("failed to read trace: unexpected EOF".into()))?;
                    self.strings.insert(id, &self.data[s..e]);
                }
                self.raw.typ = EV_NONE;
                Ok(())
            }
            EV_BATCH => {
                if narg != 2 {
                    return Err(RawErr::Msg(format!("EvBatch has wrong number of arguments: got {narg}, want 2")));
                }
                let off = self.off - 1;
                let pid = self.read_val().ok_or_else(|| RawErr::Msg(MALFORMED.into()))?;
                if pid != u64::MAX && pid > i32::MAX as u64 {
                    return Err(RawErr::Msg(format!("processor ID {pid} is larger than maximum of {}", u64::MAX)));
                }
                let pid32 = if pid == u64::MAX { -1 } else { pid as i32 };
                let v = self.read_val().ok_or_else(|| RawErr::Msg(MALFORMED.into()))?;
                let raw = &mut self.raw;
                raw.typ = EV_BATCH;
                raw.is_big = false;
                raw.small[0] = pid;
                raw.small[1] = v;
                raw.n = 2;
                raw.batch_pid = pid32;
                raw.batch_off = off;
                Ok(())
            }
            _ => {
                self.raw.typ = typ;
                if narg <= INLINE_ARGS {
                    self.raw.is_big = false;
                    self.raw.n = if skip { 0 } else { narg as usize };
                    for i in 0..narg as usize {
                        match uvarint(&self.data[self.off..]) {
                            Ok((v, n)) => {
                                self.off += n;
                                self.raw.small[i] = v;
                            }
                            Err(_) => return Err(RawErr::Msg(format!("failed to read event {typ} argument: {MALFORMED}"))),
                        }
                    }
                } else {
                    self.raw.is_big = true;
                    self.raw.big.clear();
                    // The first value is the length of the arguments in bytes.
                    let v = self.read_val().ok_or_else(|| RawErr::Msg(format!("failed to read event {typ} argument: {MALFORMED}")))?;
                    const LIMIT: u64 = 2048;
                    if v > LIMIT {
                        return Err(RawErr::Msg(format!(
                            "failed to read event {typ} argument: length-prefixed argument too big: {v} bytes, limit is {LIMIT}"
                        )));
                    }
                    if !skip || typ == EV_CPU_SAMPLE {
                        let (s, e) =
                            self.read_full(v as usize).ok_or_else(|| RawErr::Msg("failed to read trace: unexpected EOF".into()))?;
                        let mut buf = &self.data[s..e];
                        while !buf.is_empty() {
                            let (v, n) = uvarint(buf).map_err(|_| RawErr::Msg(MALFORMED.into()))?;
                            self.raw.big.push(v);
                            buf = &buf[n..];
                        }
                    } else if !self.discard(v) {
                        return Err(RawErr::Msg("failed to read trace: EOF".into()));
                    }
                    if typ == EV_USER_LOG {
                        // A UserLog is followed by its value string.
                        if !skip {
                            self.raw.sarg = self.read_str()?;
                        } else {
                            let v = self.read_val().ok_or_else(|| RawErr::Msg(MALFORMED.into()))?;
                            if !self.discard(v) {
                                return Err(RawErr::Eof);
                            }
                        }
                    }
                }
                Ok(())
            }
        }
    }

    /// Step 1: where each P's batches are, and the CPU samples (Go's
    /// `collectBatchesAndCPUSamples`).
    fn collect_batches_and_cpu_samples(&mut self) -> Result<(), Error> {
        let mut cur_p: i32 = 0;
        let mut cur_has_batches = false;
        let data = self.data;
        loop {
            // Fast path: skip an event that needs nothing here.
            if cur_has_batches {
                if let Some(&b) = data.get(self.off) {
                    if SKIP[(b & 0x3f) as usize] {
                        if let Some(end) = skip_event(data, self.off, b) {
                            self.off = end;
                            self.num_events += 1;
                            continue;
                        }
                    }
                }
            }
            match self.read_raw(true) {
                Ok(()) => {}
                Err(RawErr::Eof) => break,
                Err(e) => return Err(self.raw_err(e)),
            }
            let typ = self.raw.typ;
            if typ == EV_NONE {
                continue;
            }
            if typ == EV_BATCH {
                let pid = self.raw.batch_pid;
                let n = self.batches.len();
                let i = *self.batch_index.entry(pid).or_insert(n);
                if i == n {
                    self.batches.push((pid, Batches::default()));
                }
                self.batches[i].1.offsets.push(self.raw.batch_off);
                cur_p = pid;
                cur_has_batches = true;
            }
            if !cur_has_batches {
                return Err(self.err(format!("read event {typ} with current P of {cur_p}, but P has no batches yet")));
            }
            self.num_events += 1;
            if typ == EV_CPU_SAMPLE {
                let args = self.raw.args();
                let narg = arg_num(typ, args.len());
                if args.len() != narg {
                    return Err(self.err(format!("CPU sample has wrong number of arguments: want {narg}, got {}", args.len())));
                }
                let mut e = V1Event { typ, off: self.ev_off.min(u32::MAX as usize) as u32, ..V1Event::default() };
                e.args[..narg - 2].copy_from_slice(&args[1..narg - 1]);
                e.stk = args[narg - 1] as u32;
                e.ts = e.args[0] as i64;
                e.p = e.args[1] as i32;
                e.g = e.args[2];
                e.args[0] = 0;
                // Written with a delay, in their own buffer: kept aside until the merge.
                self.cpu_samples.push(e);
            }
        }
        Ok(())
    }

    /// The next event of the P of `cur`, read from its batches one at a time (`None` when it
    /// has no more): what [`Parser::load_batch`] reads, without keeping the batch. Go reads a
    /// whole batch when it needs its first event, so an error deep in a batch may show up here
    /// later than in Go: callers redo the parse with `load_batch` to report Go's error.
    #[inline]
    pub(crate) fn next_event(&mut self, cur: &mut Cursor, out: &mut V1Event) -> Result<bool, Error> {
        if cur.in_batch && self.fast_event(cur, out) {
            return Ok(true);
        }
        match self.next_event_slow(cur)? {
            Some(ev) => {
                *out = ev;
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// [`Parser::next_event`] for the common case: an event with its arguments inline, of a
    /// type with no special parsing, written into `out`. `false` leaves everything else (and
    /// errors) to the general path, with `out` and `cur` as they were.
    ///
    /// The fields are written one by one into `out` (the merge's head of this P), not built
    /// in a local copied over: the copy would read them back in wider loads than they were
    /// written with, which stalls until the writes land.
    #[inline(always)]
    fn fast_event(&mut self, cur: &mut Cursor, out: &mut V1Event) -> bool {
        let data = self.data;
        let off = cur.off;
        let Some(&b) = data.get(off) else { return false };
        let typ = b & 0x3f;
        let narg = (b >> 6) as usize + 1;
        let f = FAST[typ as usize];
        let mut pos = off + 1;
        // The values after the timestamp: arguments, then the stack if the type has one.
        let (delta, args, stk) = if narg <= 3 {
            // Inline, in registers: at most two more values.
            if f.narg as usize != narg {
                return false;
            }
            let mut read = || -> Option<u64> {
                match data.get(pos) {
                    Some(&x) if x < 0x80 => {
                        pos += 1;
                        Some(x as u64)
                    }
                    _ => {
                        let (x, n) = uvarint(&data[pos.min(data.len())..]).ok()?;
                        pos += n;
                        Some(x)
                    }
                }
            };
            let Some(delta) = read() else { return false };
            let v1 = if narg > 1 { read() } else { Some(0) };
            let Some(v1) = v1 else { return false };
            let v2 = if narg > 2 { read() } else { Some(0) };
            let Some(v2) = v2 else { return false };
            match (narg, f.stack) {
                (2, true) => (delta, [0, 0, 0, 0], v1),
                (3, true) => (delta, [v1, 0, 0, 0], v2),
                _ => (delta, [v1, v2, 0, 0], 0),
            }
        } else {
            // Length-prefixed: the values must fill the length exactly.
            let narg = f.narg_prefixed as usize;
            if narg == 0 {
                return false;
            }
            let Ok((len, n)) = uvarint(&data[pos.min(data.len())..]) else { return false };
            pos += n;
            if len > 2048 || pos >= data.len() || pos + len as usize > data.len() {
                return false;
            }
            let end = pos + len as usize;
            let mut vals = [0u64; 5];
            for v in vals.iter_mut().take(narg) {
                let Ok((x, n)) = uvarint(&data[pos..end]) else { return false };
                *v = x;
                pos += n;
            }
            if pos != end {
                return false;
            }
            let mut n = narg;
            let mut stk = 0;
            if f.stack {
                n -= 1;
                stk = vals[n];
            }
            let mut args = [vals[1], vals[2], vals[3], vals[4]];
            args[n - 1..].fill(0);
            (vals[0], args, stk)
        };
        cur.off = pos;
        let ts = cur.last_ts.wrapping_add(delta as i64);
        cur.last_ts = ts;
        let mut g = cur.last_g;
        match f.g {
            G_START => {
                cur.last_g = args[0];
                g = args[0];
            }
            G_STOP => cur.last_g = 0,
            G_ARG => g = args[0],
            _ => {}
        }
        out.ts = ts;
        out.g = g;
        out.args[0] = args[0];
        out.args[1] = args[1];
        out.args[2] = args[2];
        out.args[3] = args[3];
        out.stk = stk as u32;
        out.p = cur.last_p;
        out.typ = typ;
        out.off = off.min(u32::MAX as usize) as u32;
        true
    }

    fn next_event_slow(&mut self, cur: &mut Cursor) -> Result<Option<V1Event>, Error> {
        loop {
            if !cur.in_batch {
                let Some(&i) = self.batch_index.get(&cur.pid) else {
                    return Ok(None);
                };
                let b = &mut self.batches[i].1;
                let Some(&offset) = b.offsets.get(b.next) else {
                    return Ok(None);
                };
                b.next += 1;
                cur.off = offset;
                cur.in_batch = true;
                cur.got_header = false;
            }
            self.off = cur.off;
            (self.last_ts, self.last_g, self.last_p) = (cur.last_ts, cur.last_g, cur.last_p);
            let ev = loop {
                match self.read_raw(false) {
                    Ok(()) => {}
                    Err(RawErr::Eof) => break None,
                    Err(e) => return Err(self.raw_err(e)),
                }
                let typ = self.raw.typ;
                if typ == EV_NONE || typ == EV_CPU_SAMPLE {
                    continue;
                }
                if typ == EV_BATCH {
                    if cur.got_header {
                        break None;
                    }
                    cur.got_header = true;
                }
                if let Some(ev) = self.parse_event()? {
                    break Some(ev);
                }
            };
            (cur.off, cur.last_ts, cur.last_g, cur.last_p) = (self.off, self.last_ts, self.last_g, self.last_p);
            match ev {
                Some(ev) => return Ok(Some(ev)),
                None => cur.in_batch = false,
            }
        }
    }

    /// Loads the next batch of `pid` into `events` (Go's `loadBatch`); `Ok(false)` when the P
    /// has no batches left.
    pub(crate) fn load_batch(&mut self, pid: i32, events: &mut Vec<V1Event>) -> Result<bool, Error> {
        let Some(&i) = self.batch_index.get(&pid) else {
            return Ok(false);
        };
        let b = &mut self.batches[i].1;
        let Some(&offset) = b.offsets.get(b.next) else {
            return Ok(false);
        };
        b.next += 1;
        self.off = offset;
        events.clear();
        let mut got_header = false;
        loop {
            match self.read_raw(false) {
                Ok(()) => {}
                Err(RawErr::Eof) => break,
                Err(e) => return Err(self.raw_err(e)),
            }
            let typ = self.raw.typ;
            if typ == EV_NONE || typ == EV_CPU_SAMPLE {
                continue;
            }
            if typ == EV_BATCH {
                if got_header {
                    break;
                }
                got_header = true;
            }
            if let Some(ev) = self.parse_event()? {
                events.push(ev);
            }
        }
        Ok(true)
    }

    /// Turns `self.raw` into an event, checking its arguments (Go's `parseEvent`); `None` for
    /// raw events that are not events (batch headers, stacks, frequency, timer goroutines).
    #[inline]
    fn parse_event(&mut self) -> Result<Option<V1Event>, Error> {
        let typ = self.raw.typ;
        let d = desc(typ);
        if d.name.is_empty() {
            return Err(self.err(format!("missing description for event type {typ}")));
        }
        let args = self.raw.args();
        let narg = arg_num(typ, args.len());
        if args.len() != narg {
            return Err(self.err(format!("{} has wrong number of arguments: want {narg}, got {}", d.name, args.len())));
        }
        match typ {
            EV_BATCH => {
                self.last_gs.insert(self.last_p, self.last_g);
                let pid = args[0];
                if pid != u64::MAX && pid > i32::MAX as u64 {
                    return Err(self.err(format!("processor ID {pid} is larger than maximum of {}", i32::MAX)));
                }
                self.last_p = if pid == u64::MAX { -1 } else { pid as i32 };
                self.last_g = self.last_gs.get(&self.last_p).copied().unwrap_or(0);
                self.last_ts = args[1] as i64;
            }
            EV_FREQUENCY => {
                self.ticks_per_sec = args[0] as i64;
                if self.ticks_per_sec <= 0 {
                    // Most likely tick skew between CPUs.
                    return Err(self.err("time stamps out of order".into()));
                }
            }
            EV_TIMER_GOROUTINE => {
                self.timer_goids.insert(args[0]);
            }
            EV_STACK => {
                if args.len() < 2 {
                    return Err(self.err(format!("EvStack has wrong number of arguments: want at least 2, got {}", args.len())));
                }
                let size = args[1];
                if size > 1000 {
                    return Err(self.err(format!("EvStack has bad number of frames: {size}")));
                }
                let want = 2 + 4 * size;
                if args.len() as u64 != want {
                    return Err(self.err(format!("EvStack has wrong number of arguments: want {want}, got {}", args.len())));
                }
                let id = args[0] as u32;
                if id != 0 && size > 0 {
                    let mut stk = Vec::with_capacity(size as usize);
                    for f in args[2..].chunks_exact(4) {
                        let pc = f[0];
                        stk.push(pc);
                        self.pcs.entry(pc).or_insert(Frame { func: f[1], file: f[2], line: f[3] });
                    }
                    self.stacks.insert(id as u64, stk.into_boxed_slice());
                }
            }
            EV_CPU_SAMPLE => {
                // Read in step 1; not part of the batch.
            }
            _ => {
                let mut ev =
                    V1Event { typ, p: self.last_p, g: self.last_g, off: self.ev_off.min(u32::MAX as usize) as u32, ..V1Event::default() };
                ev.ts = self.last_ts.wrapping_add(args[0] as i64);
                self.last_ts = ev.ts;
                let n = if d.stack {
                    ev.stk = args[narg - 1] as u32;
                    narg - 1
                } else {
                    narg
                };
                ev.args[..n - 1].copy_from_slice(&args[1..n]);
                match typ {
                    EV_GO_START | EV_GO_START_LOCAL | EV_GO_START_LABEL => {
                        self.last_g = ev.args[0];
                        ev.g = self.last_g;
                    }
                    EV_GO_END | EV_GO_STOP | EV_GO_SCHED | EV_GO_PREEMPT | EV_GO_SLEEP | EV_GO_BLOCK | EV_GO_BLOCK_SEND
                    | EV_GO_BLOCK_RECV | EV_GO_BLOCK_SELECT | EV_GO_BLOCK_SYNC | EV_GO_BLOCK_COND | EV_GO_BLOCK_NET | EV_GO_SYS_BLOCK
                    | EV_GO_BLOCK_GC => self.last_g = 0,
                    EV_GO_SYS_EXIT | EV_GO_WAITING | EV_GO_IN_SYSCALL => ev.g = ev.args[0],
                    EV_USER_LOG => {
                        // The value string was inline: give it an id.
                        let (s, e) = self.raw.sarg;
                        let v = &self.data[s..e];
                        let next = self.inline_strings.len() as u64;
                        let id = *self.inline_ids.entry(v).or_insert(next);
                        if id == next {
                            self.inline_strings.push(v);
                        }
                        ev.args[3] = id;
                    }
                    _ => {}
                }
                return Ok(Some(ev));
            }
        }
        Ok(None)
    }
}
