//! CPU profile samples recorded in the trace (`pprof.StartCPUProfile` while tracing): the
//! StackSample events, aggregated by stack for a flame graph.

use gotrace::{Event, EventKind};

use crate::pprof::{Profile, Records};
use crate::Consumer;

/// The sampling period of Go's CPU profiler at its default rate (100 Hz).
pub const DEFAULT_PERIOD_NS: i64 = 10_000_000;

/// Aggregates StackSample events by stack.
#[derive(Debug, Default)]
pub struct CpuSamples {
    records: Records,
}

impl CpuSamples {
    pub fn new() -> Self {
        Self::default()
    }

    /// Samples by stack; `time_ns` assumes the default 100 Hz rate (the trace does not say).
    pub fn profile(&self) -> Profile {
        self.records.to_profile()
    }
}

impl Consumer for CpuSamples {
    fn event(&mut self, ev: &Event) {
        if ev.kind() == EventKind::StackSample {
            self.records.add(ev, DEFAULT_PERIOD_NS);
        }
    }
}
