//! Traces of Go 1.11-1.21 (headers `go 1.11 trace`, `go 1.19 trace`, `go 1.21 trace`): the
//! "v1" format, read into the event model of Go 1.22+ exactly as Go's `internal/trace` does.
//!
//! As in Go, the whole trace is parsed and checked up front ([`parser`], [`order`]: any damage
//! makes [`crate::Reader::new`] fail), then converted one event at a time ([`convert`]). The
//! reader adds a Sync event 1 ns before the first event and one 1 ns after the last: the trace
//! is a single generation.

mod convert;
mod idmap;
mod order;
mod parser;
mod post;
mod spec;
mod stream;

use crate::error::Error;
use crate::event::Event;
use crate::version::Version;

/// A v1 trace, parsed, handing out converted events (the v1 half of Go's `Reader`).
pub(crate) struct V1Reader {
    conv: convert::Converter,
    syncs: u64,
    done: bool,
}

impl V1Reader {
    /// Parses the trace `data` whose header (of version `version`) ends at `pos`.
    pub(crate) fn new(data: &[u8], pos: usize, version: Version) -> Result<V1Reader, Error> {
        let trace = parser::Parser::new(data, pos, version.0).parse()?;
        Ok(V1Reader { conv: convert::Converter::new(trace, data.len())?, syncs: 0, done: false })
    }

    /// The first Gomaxprocs event's time and value, once read (see
    /// [`crate::Reader::initial_gomaxprocs`]).
    pub(crate) fn initial_gomaxprocs(&self) -> Option<(i64, u64)> {
        self.conv.initial_gomaxprocs
    }

    /// Puts the next event in `slot` (written over in place when it can be); `false` after
    /// the final Sync (Go's `Reader.ReadEvent` on a v1 trace).
    #[inline]
    pub(crate) fn read_into(&mut self, slot: &mut Option<Event>) -> Result<bool, Error> {
        if self.done {
            *slot = None;
            return Ok(false);
        }
        if self.syncs == 0 {
            // A Sync first, if there are any events at all.
            if let Some(first) = self.conv.first_ts() {
                self.syncs = 1;
                *slot = Some(Event::new_sync(Some(self.conv.evt.clone()), first.wrapping_sub(1), 1));
                return Ok(true);
            }
        }
        if self.conv.next_into(slot)? {
            return Ok(true);
        }
        // And a Sync last.
        self.done = true;
        self.syncs += 1;
        *slot = Some(Event::new_sync(None, self.conv.last_ts.wrapping_add(1), self.syncs));
        Ok(true)
    }
}
