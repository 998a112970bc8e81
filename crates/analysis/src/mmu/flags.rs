//! Which GC work counts against the mutator (Go's `UtilFlags`).

use std::fmt;
use std::ops::{BitOr, BitOrAssign};

/// A set of [`UtilFlags`] bits, as Go's `trace.UtilFlags`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct UtilFlags(u8);

impl UtilFlags {
    /// Account for stop-the-world ranges whose name mentions GC.
    pub const STW: UtilFlags = UtilFlags(1);
    /// Account for background mark workers (goroutines labelled "GC (...)" except "GC (idle)").
    pub const BACKGROUND: UtilFlags = UtilFlags(1 << 1);
    /// Account for mark assists.
    pub const ASSIST: UtilFlags = UtilFlags(1 << 2);
    /// Account for incremental sweeping.
    pub const SWEEP: UtilFlags = UtilFlags(1 << 3);
    /// One utilization function per P instead of one for the whole program.
    pub const PER_PROC: UtilFlags = UtilFlags(1 << 4);

    /// What `cmd/trace`'s `/mmu` page shows by default: `stw|background|assist`.
    pub const PAGE_DEFAULT: UtilFlags = UtilFlags(1 | 1 << 1 | 1 << 2);

    /// The names `cmd/trace`'s `/mmu` page uses in its `flags` parameter, in the order the
    /// reference oracle prints them.
    const NAMES: [(&'static str, UtilFlags); 5] = [
        ("perProc", UtilFlags::PER_PROC),
        ("stw", UtilFlags::STW),
        ("background", UtilFlags::BACKGROUND),
        ("assist", UtilFlags::ASSIST),
        ("sweep", UtilFlags::SWEEP),
    ];

    pub const fn empty() -> UtilFlags {
        UtilFlags(0)
    }

    pub const fn bits(self) -> u8 {
        self.0
    }

    /// Whether every flag of `other` is set.
    pub const fn contains(self, other: UtilFlags) -> bool {
        self.0 & other.0 == other.0
    }

    /// Parses a `|`-separated list such as `stw|background|assist` the way `cmd/trace`'s
    /// `requestUtilFlags` does: unknown names (e.g. the page's `mut`) are ignored.
    pub fn parse(s: &str) -> UtilFlags {
        s.split('|')
            .filter_map(|name| Self::NAMES.iter().find(|(n, _)| *n == name))
            .fold(UtilFlags::empty(), |acc, &(_, f)| acc | f)
    }
}

impl BitOr for UtilFlags {
    type Output = UtilFlags;
    fn bitor(self, rhs: UtilFlags) -> UtilFlags {
        UtilFlags(self.0 | rhs.0)
    }
}

impl BitOrAssign for UtilFlags {
    fn bitor_assign(&mut self, rhs: UtilFlags) {
        self.0 |= rhs.0;
    }
}

/// `perProc|stw|background|assist|sweep` order, the inverse of [`UtilFlags::parse`].
impl fmt::Display for UtilFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut sep = "";
        for (name, flag) in Self::NAMES {
            if self.contains(flag) {
                write!(f, "{sep}{name}")?;
                sep = "|";
            }
        }
        Ok(())
    }
}
