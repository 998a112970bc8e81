//! Minimum mutator utilization (Go's `internal/trace/gc.go` and `mud.go`, and the plot of
//! `cmd/trace`'s `/mmu` page), giving Go's numbers bit for bit.
//!
//! [`MutatorUtilBuilder`] turns the event stream into utilization functions (one pass, the
//! events are not kept), [`MultiUtilBuilder`] does it for several flag sets at once;
//! [`MmuCurve`] answers MMU, worst-window and distribution queries on
//! them; [`mmu_plot`] is what `/mmu?mode=plot` shows.
//!
//! ```no_run
//! use gotrace_analysis::mmu::{MmuCurve, MutatorUtilBuilder, UtilFlags};
//! use gotrace_analysis::Consumer;
//! # fn main() -> Result<(), gotrace::Error> {
//! # let bytes: &[u8] = &[];
//! let mut builder = MutatorUtilBuilder::new(UtilFlags::STW | UtilFlags::BACKGROUND | UtilFlags::ASSIST);
//! let mut reader = gotrace::Reader::new(bytes)?;
//! while let Some(ev) = reader.read_event()? {
//!     builder.event(&ev);
//! }
//! let series = builder.finish();
//! let curve = MmuCurve::new(&series);
//! println!("MMU(1ms) = {}", curve.mmu(1_000_000));
//! for w in curve.examples(1_000_000, 10) {
//!     println!("{} {}", w.time, w.mutator_util);
//! }
//! # Ok(())
//! # }
//! ```

mod accumulator;
mod builder;
mod curve;
mod flags;
mod gomath;
mod heap;
mod mud;
mod multi;
mod plot;
mod series;
mod util;

pub use accumulator::UtilWindow;
pub use builder::MutatorUtilBuilder;
pub use curve::{MmuCurve, DEFAULT_BANDS_PER_SERIES};
pub use flags::UtilFlags;
pub use multi::MultiUtilBuilder;
pub use plot::{mmu_plot, MmuPlot, PLOT_QUANTILES};
pub use util::MutatorUtil;
