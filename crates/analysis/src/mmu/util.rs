//! Mutator utilization functions: time-ordered changes of the mean utilization.

use gotrace::Time;
use serde::Serialize;

/// A change in mutator utilization at a particular time (Go's `MutatorUtil`). A utilization
/// function is a time-ordered `[MutatorUtil]`; each point holds until the next one.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MutatorUtil {
    #[serde(rename = "Time")]
    pub time: Time,
    /// Mean mutator utilization from `time` on, in [0, 1].
    #[serde(rename = "Util")]
    pub util: f64,
}

/// Go's `addUtil`: appends `mu` unless it changes nothing. Several changes at one timestamp
/// collapse to the *lowest* utilization among them, so a series can lag behind the state that
/// produced it until the next timestamp.
pub(crate) fn add_util(util: &mut Vec<MutatorUtil>, mu: MutatorUtil) {
    if let Some(last) = util.last_mut() {
        if mu.util == last.util {
            return;
        }
        if mu.time == last.time {
            if mu.util < last.util {
                *last = mu;
            }
            return;
        }
    }
    util.push(mu);
}
