//! Cursors over each M's batches, merged by time with a min-heap (Go's `batchcursor.go`).

use crate::batch::Batch;
use crate::error::Error;
use crate::event::BaseEvent;
use crate::resources::ThreadId;
use crate::spec;
use crate::table::mul_freq;
use crate::varint::uvarint;

/// Where one M's event stream stands: the next event not yet ordered.
#[derive(Debug, Clone)]
pub(crate) struct BatchCursor {
    pub m: ThreadId,
    /// Index into this M's batches of the generation.
    pub slot: usize,
    /// The thread's slot in the ordering's state, once known.
    pub m_slot: Option<usize>,
    last_ts: i64,
    idx: usize,
    data_off: usize,
    pub ev: BaseEvent,
}

impl BatchCursor {
    pub fn new(m: ThreadId, slot: usize) -> Self {
        BatchCursor { m, slot, m_slot: None, last_ts: 0, idx: 0, data_off: 0, ev: BaseEvent::default() }
    }

    /// Reads the next event into `ev`; `Ok(false)` when this M has no more.
    pub fn next_event(&mut self, batches: &[Batch<'_>], freq: f64) -> Result<bool, Error> {
        while self.idx < batches.len() && batches[self.idx].data.len() == self.data_off {
            self.idx += 1;
            self.data_off = 0;
            self.last_ts = 0;
        }
        let Some(b) = batches.get(self.idx) else {
            return Ok(false);
        };
        if self.last_ts == 0 {
            self.last_ts = mul_freq(freq, b.time);
        }
        let (n, tsdiff) = read_timed_base_event(&b.data[self.data_off..], &mut self.ev)
            .map_err(|e| Error::Format { offset: (b.offset + self.data_off) as u64, msg: e.message() })?;
        self.ev.time = mul_freq(freq, tsdiff).wrapping_add(self.last_ts);
        self.last_ts = self.ev.time;
        self.data_off += n;
        Ok(true)
    }
}

/// Why an event could not be decoded (kept small: this is the hot path).
#[derive(Debug, Clone, Copy)]
enum DecodeError {
    InvalidType(u8),
    Untimed(u8),
    Timestamp,
    Arg,
}

impl DecodeError {
    fn message(self) -> String {
        match self {
            DecodeError::InvalidType(t) => format!("found invalid event type: {t}"),
            DecodeError::Untimed(t) => format!("found event without a timestamp: type={t}"),
            DecodeError::Timestamp => "found invalid uvarint for timestamp".into(),
            DecodeError::Arg => "found invalid uvarint".into(),
        }
    }
}

/// Decodes one timed event: its type, timestamp delta and arguments.
#[inline]
fn read_timed_base_event(b: &[u8], e: &mut BaseEvent) -> Result<(usize, u64), DecodeError> {
    let typ = b[0];
    let nargs = TIMED_ARGS[typ as usize] as usize;
    if nargs == 0 {
        if typ as usize >= spec::NUM_SPECS {
            return Err(DecodeError::InvalidType(typ));
        }
        return Err(DecodeError::Untimed(typ));
    }
    e.typ = typ;
    let (ts, mut n) = match uvarint(&b[1..]) {
        Ok((v, nb)) => (v, 1 + nb),
        Err(_) => return Err(DecodeError::Timestamp),
    };
    e.args = [0; 4];
    for i in 0..nargs - 1 {
        match uvarint(&b[n..]) {
            Ok((v, nb)) => {
                e.args[i] = v;
                n += nb;
            }
            Err(_) => return Err(DecodeError::Arg),
        }
    }
    Ok((n, ts))
}

/// For each type, the number of arguments of a timed event (timestamp included); 0 for types
/// that are not timed events.
static TIMED_ARGS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < spec::NUM_SPECS {
        let sp = &spec::SPECS[i];
        if sp.is_timed {
            t[i] = sp.args.len() as u8;
        }
        i += 1;
    }
    t
};

// The heap holds boxes: its swaps move pointers instead of whole cursors.
#[allow(clippy::vec_box)]
pub(crate) fn heap_insert(heap: &mut Vec<Box<BatchCursor>>, bc: Box<BatchCursor>) {
    heap.push(bc);
    let last = heap.len() - 1;
    heap_sift_up(heap, last);
}

pub(crate) fn heap_update(heap: &mut [Box<BatchCursor>], i: usize) {
    if heap_sift_up(heap, i) != i {
        return;
    }
    heap_sift_down(heap, i);
}

#[allow(clippy::vec_box)]
pub(crate) fn heap_remove(heap: &mut Vec<Box<BatchCursor>>, mut i: usize) {
    // Sift to the top, swap with the end, drop it and restore the heap.
    while i > 0 {
        heap.swap((i - 1) / 2, i);
        i = (i - 1) / 2;
    }
    let last = heap.len() - 1;
    heap.swap(0, last);
    heap.pop();
    heap_sift_down(heap, 0);
}

fn heap_sift_up(heap: &mut [Box<BatchCursor>], mut i: usize) -> usize {
    while i > 0 && heap[(i - 1) / 2].ev.time > heap[i].ev.time {
        heap.swap((i - 1) / 2, i);
        i = (i - 1) / 2;
    }
    i
}

fn heap_sift_down(heap: &mut [Box<BatchCursor>], mut i: usize) -> usize {
    loop {
        let m = min3(heap, i, 2 * i + 1, 2 * i + 2);
        if m == i {
            break;
        }
        heap.swap(i, m);
        i = m;
    }
    i
}

fn min3(b: &[Box<BatchCursor>], i0: usize, i1: usize, i2: usize) -> usize {
    let mut min_idx = i0;
    let mut min_t = i64::MAX;
    if i0 < b.len() {
        min_t = b[i0].ev.time;
    }
    if i1 < b.len() && b[i1].ev.time < min_t {
        min_t = b[i1].ev.time;
        min_idx = i1;
    }
    if i2 < b.len() && b[i2].ev.time < min_t {
        min_idx = i2;
    }
    min_idx
}
