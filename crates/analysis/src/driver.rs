//! The one pass: reads a trace tolerantly, as `go tool trace` does, and feeds analyses.
//!
//! A damaged or cut trace keeps every event up to its last Sync (the complete generations);
//! events after it are dropped, but — like cmd/trace — the goroutine summarizer still sees
//! every event read. Events are not stored: the kept consumers are fed as events come, and
//! when a trace turns out to be damaged after its last Sync, the caller reads it again with
//! [`run`]'s `limit` set to the number of events to keep (damaged traces are rare; buffering
//! a generation of events for every trace would cost a generation's worth of memory).

use gotrace::{Error, Event, EventKind, Reader};

pub use crate::input::{ByteSource, Input};
use crate::Consumer;

/// What reading the whole trace gave, besides the events.
#[derive(Debug, Clone)]
pub struct ParseOutcome {
    /// Every event was read without error (Go's `-d=parsed` succeeds).
    pub strict_ok: bool,
    /// The error that stopped reading, if any.
    pub error: Option<Error>,
    /// Events read before the error (or all).
    pub events_read: u64,
    /// Events up to the last Sync: what the analyses saw.
    pub events_kept: u64,
    /// Bytes of the trace read when the last Sync was reached.
    pub bytes_valid: u64,
    /// Size of the trace.
    pub bytes_total: u64,
}

impl ParseOutcome {
    /// Whether the kept consumers saw events that are not kept: read again with a limit.
    pub fn needs_rerun(&self, limit: Option<u64>) -> bool {
        self.error.is_some() && self.events_read > self.events_kept && limit.is_none_or(|l| l > self.events_kept)
    }

    /// A one-line warning for a trace that was read only in part.
    pub fn warning(&self) -> Option<String> {
        let e = self.error.as_ref()?;
        let what = if e.is_truncation() { "trace is cut short" } else { "trace is damaged" };
        Some(format!(
            "{what}: kept the {} events of its complete generations; {} of {} bytes valid; error: {e}",
            self.events_kept, self.bytes_valid, self.bytes_total
        ))
    }
}

/// Why no analysis could be made of the bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    /// As cmd/trace says it.
    pub message: String,
    pub error: Error,
}

impl std::fmt::Display for Rejected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Rejected {}

/// How often (in events) the progress callback is called.
const PROGRESS_EVERY: u64 = 1 << 16;

/// Reads `data` once. `all` sees each event as soon as it is read; `kept` sees the first
/// `limit` events (all if `None`). `progress(bytes_read, total)` is called now and then.
///
/// When the outcome says [`ParseOutcome::needs_rerun`], `kept` saw events past the last Sync:
/// run again with fresh consumers and `limit = Some(outcome.events_kept)`.
pub fn run<A: Consumer + ?Sized, K: Consumer + ?Sized>(
    data: &[u8],
    all: &mut A,
    kept: &mut K,
    limit: Option<u64>,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<ParseOutcome, Rejected> {
    run_input(Input::Bytes(data), all, kept, limit, progress, &mut |_| {})
}

/// [`run`] over an [`Input`]: bytes in memory, or a source read a window at a time. For bytes
/// in memory, tells `release(offset)` now and then that the bytes before `offset` will not be
/// read again (see [`Reader::bytes_done`]).
// Not inlined into its callers: inlined into `Analysis::run_limited`, the event loop's code
// came out ~15% slower natively (the benchmark trace, parse + every analysis).
#[inline(never)]
pub fn run_input<A: Consumer + ?Sized, K: Consumer + ?Sized>(
    input: Input<'_>,
    all: &mut A,
    kept: &mut K,
    limit: Option<u64>,
    progress: &mut dyn FnMut(u64, u64),
    release: &mut dyn FnMut(u64),
) -> Result<ParseOutcome, Rejected> {
    let data = match input {
        Input::Bytes(data) => data,
        // The consumers' calls inlined into this loop too (through `dyn`, a call per event and
        // consumer group costs much in wasm, which reads this way).
        Input::Source(source) => return crate::input::run_source(source, all, kept, limit, progress),
    };
    let total = data.len() as u64;
    let mut reader = Reader::new(data).map_err(not_a_reader)?;
    let mut pass = Pass::new(all, kept, limit, total, &reader);
    loop {
        match reader.next_event() {
            Ok(Some(_)) => pass.event(&mut reader, progress, release),
            Ok(None) => break pass.end(),
            Err(e) => break pass.fail(e),
        }
    }
    pass.finish(progress, release)
}

pub(crate) fn not_a_reader(e: Error) -> Rejected {
    Rejected { message: format!("failed to create trace reader: {e}"), error: e }
}

/// One pass's bookkeeping: the outcome, the consumers fed, progress.
pub(crate) struct Pass<'c, A: Consumer + ?Sized, K: Consumer + ?Sized> {
    all: &'c mut A,
    kept: &'c mut K,
    limit: u64,
    out: ParseOutcome,
    /// A v1 trace's initial GOMAXPROCS is told once, when known (Go 1.22+ traces have none).
    gomaxprocs_pending: bool,
}

impl<'c, A: Consumer + ?Sized, K: Consumer + ?Sized> Pass<'c, A, K> {
    pub fn new(all: &'c mut A, kept: &'c mut K, limit: Option<u64>, total: u64, reader: &Reader<'_>) -> Self {
        let out = ParseOutcome { strict_ok: false, error: None, events_read: 0, events_kept: 0, bytes_valid: 0, bytes_total: total };
        Pass { all, kept, limit: limit.unwrap_or(u64::MAX), out, gomaxprocs_pending: reader.version().is_v1() }
    }

    /// The event `reader` just read.
    #[inline(always)]
    pub fn event(&mut self, reader: &mut Reader<'_>, progress: &mut dyn FnMut(u64, u64), release: &mut dyn FnMut(u64)) {
        let ev = reader.current().expect("an event was just read");
        let out = &mut self.out;
        if self.gomaxprocs_pending {
            if let Some((time, procs)) = reader.initial_gomaxprocs() {
                self.gomaxprocs_pending = false;
                self.all.initial_gomaxprocs(time, procs);
                if out.events_read < self.limit {
                    self.kept.initial_gomaxprocs(time, procs);
                }
            }
        }
        out.events_read += 1;
        self.all.event(ev);
        if out.events_read <= self.limit {
            self.kept.event(ev);
        }
        if ev.kind() == EventKind::Sync {
            out.events_kept = out.events_read;
            out.bytes_valid = reader.bytes_at_last_sync() as u64;
        }
        if out.events_read.is_multiple_of(PROGRESS_EVERY) {
            progress(reader.bytes_read() as u64, out.bytes_total);
            release(reader.bytes_done() as u64);
        }
        // A consumer would wait for another thread: the reader reads the next generation
        // meanwhile (its turn then comes without the pause of reading it, which the other
        // thread would spend waiting for events), then the consumer waits.
        if self.all.would_wait() || self.kept.would_wait() {
            reader.read_ahead();
            self.all.wait();
            self.kept.wait();
        }
    }

    /// Every event was read.
    pub fn end(&mut self) {
        let out = &mut self.out;
        out.strict_ok = true;
        out.events_kept = out.events_read;
        out.bytes_valid = out.bytes_total;
    }

    /// Reading stopped at `e`.
    pub fn fail(&mut self, e: Error) {
        self.out.error = Some(e);
    }

    pub fn finish(self, progress: &mut dyn FnMut(u64, u64), release: &mut dyn FnMut(u64)) -> Result<ParseOutcome, Rejected> {
        let out = self.out;
        progress(out.bytes_total, out.bytes_total);
        release(out.bytes_total);
        if out.events_kept == 0 {
            let e = out.error.clone().unwrap_or(Error::NotATrace);
            return Err(Rejected { message: format!("failed to parse any useful part of the trace: {e}"), error: e });
        }
        Ok(out)
    }
}

/// Feeds one event to several consumers (of any kind: `dyn Consumer` by default).
pub struct Fanout<'a, C: Consumer + ?Sized = dyn Consumer>(pub Vec<&'a mut C>);

/// [`Fanout`] of consumers that can be sent to another thread.
pub type SendFanout<'a> = Fanout<'a, dyn Consumer + Send>;

impl<C: Consumer + ?Sized> Consumer for Fanout<'_, C> {
    fn event(&mut self, ev: &Event) {
        for c in self.0.iter_mut() {
            c.event(ev);
        }
    }

    fn initial_gomaxprocs(&mut self, time: gotrace::Time, procs: u64) {
        for c in self.0.iter_mut() {
            c.initial_gomaxprocs(time, procs);
        }
    }
}

/// Two consumers as one, called directly.
pub struct Both<'a, A: Consumer + ?Sized, B: Consumer + ?Sized>(pub &'a mut A, pub &'a mut B);

impl<A: Consumer + ?Sized, B: Consumer + ?Sized> Consumer for Both<'_, A, B> {
    #[inline]
    fn event(&mut self, ev: &Event) {
        self.0.event(ev);
        self.1.event(ev);
    }

    fn initial_gomaxprocs(&mut self, time: gotrace::Time, procs: u64) {
        self.0.initial_gomaxprocs(time, procs);
        self.1.initial_gomaxprocs(time, procs);
    }

    #[inline]
    fn would_wait(&self) -> bool {
        self.0.would_wait() || self.1.would_wait()
    }

    fn wait(&mut self) {
        self.0.wait();
        self.1.wait();
    }
}

/// A consumer that ignores events.
pub struct Ignore;

impl Consumer for Ignore {
    fn event(&mut self, _: &Event) {}
}

/// Runs one kind of kept consumer over `data`, made by `make` (again if the trace is damaged
/// after its last Sync), and returns it with the outcome. `release` is told as in
/// [`run_input`].
pub fn run_kept<'d, C: Consumer>(
    input: impl Into<Input<'d>>,
    mut make: impl FnMut() -> C,
    progress: &mut dyn FnMut(u64, u64),
    release: &mut dyn FnMut(u64),
) -> Result<(C, ParseOutcome), Rejected> {
    let input = input.into();
    let mut c = make();
    let outcome = run_input(input, &mut Ignore, &mut c, None, progress, release)?;
    if !outcome.needs_rerun(None) {
        return Ok((c, outcome));
    }
    let mut c = make();
    let outcome = run_input(input, &mut Ignore, &mut c, Some(outcome.events_kept), progress, release)?;
    Ok((c, outcome))
}
