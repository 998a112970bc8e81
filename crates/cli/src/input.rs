//! The trace file's bytes. On Unix a regular file is mapped rather than read, so that the
//! pages the reader is done with can go while the analysis goes on (see
//! [`gotrace_analysis::Analysis::run_releasing`]): the whole file is never in memory at once.
//! Anything else (a pipe, an empty file, a failed mapping, another system) is read into
//! memory.

#![allow(unsafe_code)]

use std::fs::File;
use std::io::Read;

#[cfg(unix)]
use std::sync::atomic::{AtomicUsize, Ordering};

#[cfg(unix)]
use memmap2::{Mmap, UncheckedAdvice};

/// Pages are let go in steps of this many bytes (the usual page size; where pages are larger,
/// the kernel rounds the start down, to bytes that were let go already).
#[cfg(unix)]
const STEP: usize = 4 << 10;

pub enum TraceBytes {
    #[cfg(unix)]
    Mapped {
        map: Mmap,
        /// The bytes before this offset are let go.
        released: AtomicUsize,
    },
    Read(Vec<u8>),
}

impl TraceBytes {
    pub fn open(path: &str) -> std::io::Result<TraceBytes> {
        let mut file = File::open(path)?;
        #[cfg(unix)]
        {
            let meta = file.metadata()?;
            if meta.is_file() && meta.len() > 0 {
                // SAFETY: the mapping is private and read-only. Like every program that maps
                // its input (ripgrep, for one), we rely on the file not being changed or cut
                // while it is read; a trace being analysed is a finished file.
                if let Ok(map) = unsafe { Mmap::map(&file) } {
                    return Ok(TraceBytes::Mapped { map, released: AtomicUsize::new(0) });
                }
            }
        }
        let mut data = Vec::new();
        file.read_to_end(&mut data)?;
        Ok(TraceBytes::Read(data))
    }

    pub fn bytes(&self) -> &[u8] {
        match self {
            #[cfg(unix)]
            TraceBytes::Mapped { map, .. } => map,
            TraceBytes::Read(data) => data,
        }
    }

    /// Lets the pages before `offset` go (a mapped file only); reading them again reads the
    /// file again.
    pub fn release_before(&self, offset: u64) {
        match self {
            #[cfg(unix)]
            TraceBytes::Mapped { map, released } => {
                let end = (offset as usize).min(map.len()) / STEP * STEP;
                let start = released.fetch_max(end, Ordering::Relaxed);
                if end <= start {
                    return;
                }
                // SAFETY: MADV_DONTNEED on a private mapping of a file that nothing writes to
                // only drops this process's copy of the pages: a later read of them (a damaged
                // trace is read again from its start) maps the same bytes from the file, so
                // every borrow of the mapping keeps seeing the same contents. `start` and `end`
                // are multiples of STEP and within the mapping; every byte below `end` is done
                // with.
                let _ = unsafe { map.unchecked_advise_range(UncheckedAdvice::DontNeed, start, end - start) };
            }
            TraceBytes::Read(_) => {}
        }
        let _ = offset; // (unused where nothing is mapped)
    }
}
