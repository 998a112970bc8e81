//! Batches: the unit the runtime writes, one M's run of events (Go's `batch.go`).

use crate::error::Error;
use crate::resources::ThreadId;
use crate::spec::{self, EventType};
use crate::varint::{uvarint, VarintError};
use crate::version::Version;

/// One batch, its data borrowed from the trace bytes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Batch<'a> {
    pub m: ThreadId,
    pub time: u64,
    pub data: &'a [u8],
    pub exp: u8,
    /// Offset of `data` in the trace.
    pub offset: usize,
}

impl Batch<'_> {
    fn first(&self) -> Option<EventType> {
        if self.exp != spec::NO_EXPERIMENT {
            return None;
        }
        self.data.first().copied()
    }
    pub fn is_strings(&self) -> bool {
        self.first() == Some(spec::EV_STRINGS)
    }
    pub fn is_stacks(&self) -> bool {
        self.first() == Some(spec::EV_STACKS)
    }
    pub fn is_cpu_samples(&self) -> bool {
        self.first() == Some(spec::EV_CPU_SAMPLES)
    }
    pub fn is_sync(&self, ver: Version) -> bool {
        match self.first() {
            Some(spec::EV_FREQUENCY) => ver < Version::GO125,
            Some(spec::EV_SYNC) => ver >= Version::GO125,
            _ => false,
        }
    }
    pub fn is_end_of_generation(&self) -> bool {
        self.first() == Some(spec::EV_END_OF_GENERATION)
    }
}

/// What reading at a position gave.
pub(crate) enum ReadBatch<'a> {
    /// No more bytes (Go's `io.EOF`).
    Eof,
    Batch(Batch<'a>, u64),
}

/// Reads the batch at `*pos`, advancing it. On error `*pos` is left where the batch starts.
pub(crate) fn read_batch<'a>(data: &'a [u8], pos: &mut usize) -> Result<ReadBatch<'a>, Error> {
    let start = *pos;
    let mut p = start;
    let Some(&typ) = data.get(p) else {
        return Ok(ReadBatch::Eof);
    };
    p += 1;
    if typ == spec::EV_END_OF_GENERATION {
        *pos = p;
        let b = Batch { m: ThreadId::NONE, time: 0, data: &data[start..p], exp: spec::NO_EXPERIMENT, offset: start };
        return Ok(ReadBatch::Batch(b, 0));
    }
    if typ != spec::EV_EVENT_BATCH && typ != spec::EV_EXPERIMENTAL_BATCH {
        return Err(Error::Format { offset: start as u64, msg: format!("expected batch event, got event {typ}") });
    }
    let mut exp = spec::NO_EXPERIMENT;
    if typ == spec::EV_EXPERIMENTAL_BATCH {
        // Go returns the bare io.EOF here, which its callers take for the end of the trace.
        let Some(&e) = data.get(p) else {
            return Ok(ReadBatch::Eof);
        };
        exp = e;
        p += 1;
    }
    let mut field = |what: &str| -> Result<u64, Error> {
        match uvarint(&data[p..]) {
            Ok((v, n)) => {
                p += n;
                Ok(v)
            }
            Err(e) => {
                let msg = format!("error reading batch {what}: {}", e.go_text());
                let offset = start as u64;
                Err(match e {
                    VarintError::Overflow => Error::Format { offset, msg },
                    _ => Error::Truncated { offset, msg },
                })
            }
        }
    };
    let gen = field("gen")?;
    let m = field("M ID")?;
    let ts = field("timestamp")?;
    let size = field("size")?;
    if size > spec::MAX_BATCH_SIZE {
        return Err(Error::Format {
            offset: start as u64,
            msg: format!("invalid batch size {size}, maximum is {}", spec::MAX_BATCH_SIZE),
        });
    }
    let avail = data.len() - p;
    if (avail as u64) < size {
        return Err(Error::Truncated {
            offset: start as u64,
            msg: format!("failed to read full batch: read {avail} but wanted {size}"),
        });
    }
    let end = p + size as usize;
    *pos = end;
    let b = Batch { m: ThreadId(m as i64), time: ts, data: &data[p..end], exp, offset: p };
    Ok(ReadBatch::Batch(b, gen))
}
