//! Where a trace's bytes come from: memory, or a source read a window at a time (the browser's
//! worker keeps the file out of the wasm memory and copies in only the generations being read).

use gotrace::{Error, Reader};

use crate::driver::{not_a_reader, Pass, ParseOutcome, Rejected};
use crate::Consumer;

/// A trace's bytes, read on demand.
pub trait ByteSource {
    /// The trace's length in bytes.
    fn len(&self) -> u64;

    /// Whether the trace has no bytes.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Fills `buf` with the trace's bytes from `offset` (within the trace).
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<(), String>;

    /// The fewest bytes worth reading at once: the first window's size and the least a
    /// window grows by. A generation of a busy program is a few MB (the runtime starts one
    /// about every second).
    fn read_size(&self) -> usize {
        4 << 20
    }
}

/// Bytes in memory as a source (for tests, and callers that have the bytes anyway).
impl ByteSource for [u8] {
    fn len(&self) -> u64 {
        <[u8]>::len(self) as u64
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<(), String> {
        let at = usize::try_from(offset).map_err(|e| e.to_string())?;
        let src = self.get(at..at + buf.len()).ok_or_else(|| format!("bytes {at}.. past the end"))?;
        buf.copy_from_slice(src);
        Ok(())
    }
}

/// The trace to read: its bytes, or a source of them.
#[derive(Clone, Copy)]
pub enum Input<'d> {
    Bytes(&'d [u8]),
    Source(&'d dyn ByteSource),
}

impl<'d> From<&'d [u8]> for Input<'d> {
    fn from(b: &'d [u8]) -> Self {
        Input::Bytes(b)
    }
}

impl<'d> From<&'d Vec<u8>> for Input<'d> {
    fn from(b: &'d Vec<u8>) -> Self {
        Input::Bytes(b)
    }
}

impl Input<'_> {
    /// The trace's length in bytes.
    pub fn len(&self) -> u64 {
        match self {
            Input::Bytes(b) => b.len() as u64,
            Input::Source(s) => s.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The first `n` bytes (fewer if the trace is shorter).
    pub fn head(&self, n: usize) -> Result<Vec<u8>, String> {
        let n = n.min(usize::try_from(self.len()).unwrap_or(usize::MAX));
        match self {
            Input::Bytes(b) => Ok(b[..n].to_vec()),
            Input::Source(s) => {
                let mut buf = vec![0; n];
                s.read_at(0, &mut buf)?;
                Ok(buf)
            }
        }
    }
}

/// [`driver::run`](crate::driver::run) over bytes read from `source` a window at a time: only
/// the generation being read (and the first batch of the next, for Go 1.22–1.25) is in memory,
/// in a window sized after the last generation, grown by half until it holds the next (a Go
/// 1.11–1.21 trace is read whole, as its reader parses it whole, and let go once parsed).
/// Each byte is copied once.
pub(crate) fn run_source<A: Consumer + ?Sized, K: Consumer + ?Sized>(
    source: &dyn ByteSource,
    all: &mut A,
    kept: &mut K,
    limit: Option<u64>,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<ParseOutcome, Rejected> {
    let total = source.len();
    let total_usize = usize::try_from(total).map_err(|_| unreadable(0, "the trace is too big for this machine".into()))?;
    let mut window = Vec::new();
    let mut base = 0usize;
    let least = source.read_size().max(64);
    fill(source, &mut window, 0, least.min(total_usize))?;
    let mut reader = if gotrace::read_header(&window).is_ok_and(|(v, _)| v.is_v1()) {
        // Read whole and parsed whole when its reader is made, which then needs none of the
        // bytes: they are let go before the analyses grow (in the browser, whose memory never
        // shrinks, the analyses then grow into the memory the trace took).
        let have = window.len();
        fill(source, &mut window, have, total_usize - have)?;
        let parsed = Reader::new(&window).map_err(not_a_reader)?.detach();
        window = Vec::new();
        base = total_usize;
        match parsed.attach(&window, base, true) {
            Ok(r) => r,
            Err(_) => return Err(unreadable(base, "internal error: a parsed Go 1.11-1.21 trace wants its bytes again".into())),
        }
    } else {
        Reader::new_window(&window, window.len() == total_usize).map_err(not_a_reader)?
    };
    let mut pass = Pass::new(all, kept, limit, total, &reader);
    loop {
        match reader.next_event() {
            Ok(Some(_)) => pass.event(&mut reader, progress, &mut |_| {}),
            Ok(None) => {
                let Some(from) = reader.wants_bytes() else { break pass.end() };
                let detached = reader.detach();
                // Keep the bytes from `from` on and read more after them. The reader wants bytes
                // from within the window (where it stands, or the batch it holds).
                let Some(skip) = from.checked_sub(base).filter(|&n| n <= window.len()) else {
                    return Err(unreadable(from, "internal error: the reader wants bytes outside its window".into()));
                };
                let kept_len = window.len() - skip;
                window.drain(..skip);
                // Generations are about the same size: a window an eighth larger than the last
                // generation read mostly holds the next one at the first try; if not, it grows
                // by half (the window is the read's biggest allocation).
                let last_generation = from - base;
                base = from;
                let end = total_usize.min(from + least.max(kept_len + kept_len / 2).max(last_generation + last_generation / 8));
                fill(source, &mut window, from + kept_len, end - from - kept_len)?;
                reader = match detached.attach(&window, base, end == total_usize) {
                    Ok(r) => r,
                    Err(_) => return Err(unreadable(from, "internal error: the window does not begin where the reader wants".into())),
                };
            }
            Err(e) => break pass.fail(e),
        }
    }
    pass.finish(progress, &mut |_| {})
}

/// Appends `len` bytes of the trace from `offset` to `window`.
fn fill(source: &dyn ByteSource, window: &mut Vec<u8>, offset: usize, len: usize) -> Result<(), Rejected> {
    let at = window.len();
    // Exactly: the window is the biggest allocation of the read, and the wasm memory never
    // gives back what it grew by.
    window.reserve_exact(len);
    window.resize(at + len, 0);
    source.read_at(offset as u64, &mut window[at..]).map_err(|msg| unreadable(offset, msg))
}

fn unreadable(offset: usize, msg: String) -> Rejected {
    let error = Error::Truncated { offset: offset as u64, msg: format!("could not read the trace's bytes: {msg}") };
    Rejected { message: error.to_string(), error }
}
