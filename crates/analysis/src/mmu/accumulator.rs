//! Statistics of the windowed mutator utilization function, gathered while bands are refined
//! (Go's `accumulator`): the minimum, the N worst disjoint windows, and the distribution.

use serde::Serialize;

use super::gomath;
use super::heap;
use super::mud::Mud;

/// A window of the MMU's size starting at `time` (Go's `UtilWindow`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct UtilWindow {
    #[serde(rename = "Time")]
    pub time: i64,
    /// Mean mutator utilization in the window.
    #[serde(rename = "MutatorUtil")]
    pub mutator_util: f64,
}

/// Go's `utilHeap` order: the root is the *least* bad window kept.
fn util_less(a: &UtilWindow, b: &UtilWindow) -> bool {
    if a.mutator_util != b.mutator_util {
        return a.mutator_util > b.mutator_util;
    }
    a.time > b.time
}

#[derive(Debug)]
pub(crate) struct Accumulator {
    pub(crate) mmu: f64,
    /// Utilization above which further windows cannot change the statistics.
    pub(crate) bound: f64,
    n_worst: usize,
    pub(crate) w_heap: Vec<UtilWindow>,
    pub(crate) mud: Option<Box<Mud>>,
    /// The previous point of the windowed function (for the distribution).
    last_time: i64,
    last_mu: f64,
}

impl Accumulator {
    pub(crate) fn new(n_worst: usize, mud: Option<Box<Mud>>) -> Accumulator {
        Accumulator { mmu: 1.0, bound: 1.0, n_worst, w_heap: Vec::new(), mud, last_time: 0, last_mu: 0.0 }
    }

    /// Declares a discontinuity in the windowed function (only the distribution cares).
    pub(crate) fn reset_time(&mut self) {
        self.last_time = i64::MAX;
    }

    /// Adds the point (time, mu) of the windowed function; times must increase. Returns true
    /// when further points cannot change anything.
    pub(crate) fn add_mu(&mut self, time: i64, mu: f64, window: i64) -> bool {
        if mu < self.mmu {
            self.mmu = mu;
        }
        self.bound = self.mmu;

        // Surprising but Go's: this also returns for MUD queries, which never ask for worst
        // windows, so their distribution below is never filled and `MUD` reports the MMU for
        // every quantile.
        if self.n_worst == 0 {
            // Once the minimum is zero it cannot go lower.
            return mu == 0.0;
        }

        // Consider adding this window to the n worst.
        if self.w_heap.len() < self.n_worst || mu < self.w_heap[0].mutator_util {
            // Of two overlapping windows keep the worse one (the one already kept on a tie).
            let mut keep = false;
            for i in 0..self.w_heap.len() {
                let ui = self.w_heap[i];
                if time.wrapping_add(window) > ui.time && ui.time.wrapping_add(window) > time {
                    if ui.mutator_util <= mu {
                        keep = true;
                    } else {
                        heap::remove(&mut self.w_heap, i, util_less);
                    }
                    break;
                }
            }
            if !keep {
                heap::push(&mut self.w_heap, UtilWindow { time, mutator_util: mu }, util_less);
                if self.w_heap.len() > self.n_worst {
                    heap::pop(&mut self.w_heap, util_less);
                }
            }
        }

        if self.w_heap.len() < self.n_worst {
            // Fewer than n windows yet: keep accumulating.
            self.bound = 1.0;
        } else {
            // Anything above the least bad window has no effect.
            self.bound = gomath::max(self.bound, self.w_heap[0].mutator_util);
        }

        if let Some(mud) = &mut self.mud {
            if self.last_time != i64::MAX {
                mud.add(self.last_mu, mu, time.wrapping_sub(self.last_time) as f64);
            }
            self.last_time = time;
            self.last_mu = mu;
            match mud.approx_inv_cumulative_sum() {
                Some((_, upper)) => self.bound = gomath::max(self.bound, upper),
                // Not enough precise mass yet to reach the goal.
                None => self.bound = 1.0,
            }
            // Checking percentiles every time is not worth it: finish the band.
            return false;
        }

        // Enough zero windows: nothing can be worse.
        self.w_heap.len() == self.n_worst && self.w_heap[0].mutator_util == 0.0
    }

    /// The kept windows, worst first (Go sorts by its heap order reversed; the order is total
    /// since kept windows never share a start time).
    pub(crate) fn into_worst(mut self) -> Vec<UtilWindow> {
        self.w_heap.sort_by(|a, b| {
            if util_less(b, a) {
                std::cmp::Ordering::Less
            } else if util_less(a, b) {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        });
        self.w_heap
    }
}
