//! Analyses of Go execution traces, each computed in one pass over the ordered events, matching
//! Go's `internal/trace` (summary.go, gc.go) and `cmd/trace`.
//!
//! Every analysis is a [`Consumer`]: it takes events one at a time and is finished at the end.

use gotrace::Event;

pub mod summary;
pub mod mmu;

/// An analysis fed one event at a time.
pub trait Consumer {
    fn event(&mut self, ev: &Event);
}
