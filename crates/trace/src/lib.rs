//! Reads Go execution traces (`runtime/trace`, `go test -trace`, flight recorder): bytes in,
//! events out, in the order and with the values Go's own `internal/trace.Reader` gives.
//!
//! Constraints: no I/O, no threads, no clocks: the crate sees bytes only, so it builds for
//! `wasm32-unknown-unknown` as is. It follows Go's code file by file (spec, version, batch,
//! generation, batch cursor, order, event), so the two can be read side by side.
//!
//! ```
//! # let bytes: &[u8] = b"go 1.26 trace\0\0\0";
//! let mut reader = gotrace::Reader::new(bytes)?;
//! while let Some(ev) = reader.read_event()? {
//!     println!("{ev}");
//! }
//! # Ok::<(), gotrace::Error>(())
//! ```

mod batch;
mod batch_cursor;
mod display;
mod error;
mod event;
mod generation;
mod go_table;
mod handoff;
mod order;
mod reader;
mod resources;
pub mod spec;
mod table;
#[cfg(test)]
mod test_traces;
mod v1;
mod varint;
mod version;
mod window;

pub use display::{go_quote, rfc3339_nano};
pub use error::Error;
pub use event::{
    ClockSnapshot, Event, EventKind, ExperimentalEvent, Label, Log, Metric, Range, Region, Stack, StackFrame, StateTransition, Sync,
    Task, Time,
};
pub use handoff::{Packer, Packet, Unpacker};
pub use reader::{Detached, Reader};
pub use resources::{GoId, GoState, ProcId, ProcState, ResourceId, ResourceKind, StackId, StringId, TaskId, ThreadId};
pub use table::{EvTable, ExperimentalBatch};
pub use version::{read_header, Version};
