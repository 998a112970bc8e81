//! The timeline (`go tool trace`'s "View trace", whole and unsplit): for every proc, thread
//! and goroutine, what it did when, as compact span lanes built in the analyses' one pass;
//! GC and stop-the-world ranges, user tasks and regions as lanes too; heap metrics and CPU
//! samples as series; flows (create, unblock, syscall return) carried by the spans.
//!
//! Lanes and what their spans mean (state, `label`, `aux`; 0 = none):
//!
//! | kind | states | label | aux |
//! | --- | --- | --- | --- |
//! | Proc | [`proc`] running, GC worker, syscall | goroutine ordinal + 1 | |
//! | Thread | [`thread`] with a P, in a syscall | goroutine ordinal + 1 (syscalls) | |
//! | Gc | mark phase | | |
//! | Stw | stop-the-world | reason (string) | |
//! | Task | task (overlapping tasks in rows) | type (string) | task id |
//! | Region | region (one lane per goroutine and depth) | type (string) | |
//! | Goroutine | [`go`] running, runnable, waiting, syscall, GC assist | stack at the span's start + 1 | waiting: reason (string); runnable: the flow's source goroutine ordinal + 1 |
//! | Sweep | GC incremental sweep (one lane per proc that swept; id: the P) | stack at the start + 1 | stack at the end + 1 |
//!
//! Goroutine lanes come last, in order of first appearance: goroutine ordinal `i` is lane
//! `goroutine_base + i`. Level-of-detail queries are in [`lod`], details and selections in
//! [`details`].

use serde::Serialize;

mod builder;
pub mod details;
pub mod lod;
pub mod series;
pub mod spans;
pub mod stacks;

pub use builder::TimelineBuilder;
pub use series::Series;
pub use spans::{Span, SpanLane};
pub use stacks::{Stacks, Strings};

/// Goroutine lane states.
pub mod go {
    pub const RUNNING: u8 = 0;
    pub const RUNNABLE: u8 = 1;
    pub const WAITING: u8 = 2;
    pub const SYSCALL: u8 = 3;
    pub const ASSIST: u8 = 4;
    pub const NSTATES: u8 = 5;
    pub const NAMES: [&str; 5] = ["running", "runnable", "waiting", "syscall", "GC assist"];
}

/// Proc lane states.
pub mod proc {
    pub const RUNNING: u8 = 0;
    pub const GC: u8 = 1;
    pub const SYSCALL: u8 = 2;
    pub const NSTATES: u8 = 3;
    pub const NAMES: [&str; 3] = ["running", "GC worker", "syscall"];
}

/// Thread lane states.
pub mod thread {
    pub const HAS_P: u8 = 0;
    pub const SYSCALL: u8 = 1;
    pub const NSTATES: u8 = 2;
    pub const NAMES: [&str; 2] = ["with a P", "syscall"];
}

/// What a lane shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[repr(u8)]
pub enum LaneKind {
    Proc = 0,
    Thread = 1,
    Gc = 2,
    Stw = 3,
    Task = 4,
    Region = 5,
    Goroutine = 6,
    Sweep = 7,
}

impl LaneKind {
    pub fn as_str(self) -> &'static str {
        ["proc", "thread", "gc", "stw", "task", "region", "goroutine", "sweep"][self as usize]
    }

    /// The names of the lane's states.
    pub fn state_names(self) -> &'static [&'static str] {
        match self {
            LaneKind::Proc => &proc::NAMES,
            LaneKind::Thread => &thread::NAMES,
            LaneKind::Goroutine => &go::NAMES,
            LaneKind::Gc => &["GC mark phase"],
            LaneKind::Stw => &["stop-the-world"],
            LaneKind::Task => &["task"],
            LaneKind::Region => &["region"],
            LaneKind::Sweep => &["GC incremental sweep"],
        }
    }
}

/// One lane: its kind, the id of what it shows (P, M or goroutine id; task row), a group
/// (goroutine: start function string; region: depth) and its spans.
#[derive(Debug, Clone)]
pub struct Lane {
    pub kind: LaneKind,
    pub id: i64,
    pub group: u32,
    pub spans: SpanLane,
}

/// A CPU profile sample: when, on which goroutine (ordinal + 1, 0 = none), which stack (+ 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sample {
    pub time: i64,
    pub goroutine: u32,
    pub stack: u32,
}

/// The whole trace's timeline.
#[derive(Debug, Clone, Default)]
pub struct Timeline {
    /// First and last kept events.
    pub start: i64,
    pub end: i64,
    pub lanes: Vec<Lane>,
    /// Lane of goroutine ordinal 0.
    pub goroutine_base: usize,
    pub strings: Strings,
    pub stacks: Stacks,
    pub heap_live: Series,
    pub heap_goal: Series,
    /// In time order.
    pub samples: Vec<Sample>,
    /// Indices into `samples`, by goroutine ordinal then time: goroutine ordinal `i`'s are
    /// `goroutine_samples[sample_offsets[i]..sample_offsets[i + 1]]`.
    pub goroutine_samples: Vec<u32>,
    pub sample_offsets: Vec<u32>,
}

impl Timeline {
    /// The lane of goroutine ordinal `i`.
    pub fn goroutine_lane(&self, ordinal: u32) -> Option<&Lane> {
        self.lanes.get(self.goroutine_base + ordinal as usize)
    }

    /// The CPU samples taken while goroutine ordinal `i` ran (indices into `samples`, in time
    /// order).
    pub fn samples_of(&self, ordinal: u32) -> &[u32] {
        let i = ordinal as usize;
        match (self.sample_offsets.get(i), self.sample_offsets.get(i + 1)) {
            (Some(&a), Some(&b)) => &self.goroutine_samples[a as usize..b as usize],
            _ => &[],
        }
    }

    /// The goroutine lanes.
    pub fn goroutines(&self) -> &[Lane] {
        &self.lanes[self.goroutine_base.min(self.lanes.len())..]
    }

    /// Bytes held by the spans and tables (not counting the strings' own lookups).
    pub fn bytes(&self) -> usize {
        let spans: usize = self.lanes.iter().map(|l| l.spans.bytes() + std::mem::size_of::<Lane>()).sum();
        let stacks: usize = self.stacks.stacks.iter().map(|s| s.len() * 4 + 16).sum::<usize>() + self.stacks.frames.len() * 12;
        let strings: usize = self.strings.list.iter().map(|s| s.len() * 2 + 48).sum();
        let series = self.heap_live.bytes() + self.heap_goal.bytes() + self.samples.len() * 20 + self.sample_offsets.len() * 4;
        spans + stacks + strings + series
    }

    /// The lanes' table for a viewer: columns by lane.
    pub fn info(&self) -> TimelineInfo {
        let mut info = TimelineInfo {
            start: self.start,
            end: self.end,
            goroutine_base: self.goroutine_base as u32,
            kind: Vec::with_capacity(self.lanes.len()),
            id: Vec::with_capacity(self.lanes.len()),
            group: Vec::with_capacity(self.lanes.len()),
            first: Vec::with_capacity(self.lanes.len()),
            last: Vec::with_capacity(self.lanes.len()),
            spans: Vec::with_capacity(self.lanes.len()),
            strings: self.strings.list.clone(),
            state_names: [
                LaneKind::Proc,
                LaneKind::Thread,
                LaneKind::Gc,
                LaneKind::Stw,
                LaneKind::Task,
                LaneKind::Region,
                LaneKind::Goroutine,
                LaneKind::Sweep,
            ]
                .iter()
                .map(|k| k.state_names().to_vec())
                .collect(),
            has_heap: !self.heap_live.is_empty() || !self.heap_goal.is_empty(),
            samples: self.samples.len() as u32,
        };
        for l in &self.lanes {
            let (a, b) = l.spans.extent().unwrap_or((0, 0));
            info.kind.push(l.kind as u8);
            info.id.push(l.id as f64);
            info.group.push(l.group);
            info.first.push(a as f64);
            info.last.push(b as f64);
            info.spans.push(l.spans.len() as u32);
        }
        info
    }
}

/// The lanes of a timeline as columns (one entry per lane), and the strings their groups and
/// labels index.
#[derive(Debug, Clone, Serialize)]
pub struct TimelineInfo {
    pub start: i64,
    pub end: i64,
    pub goroutine_base: u32,
    pub kind: Vec<u8>,
    pub id: Vec<f64>,
    pub group: Vec<u32>,
    pub first: Vec<f64>,
    pub last: Vec<f64>,
    pub spans: Vec<u32>,
    pub strings: Vec<String>,
    /// By lane kind (as `kind` numbers them), the names of its states.
    pub state_names: Vec<Vec<&'static str>>,
    pub has_heap: bool,
    pub samples: u32,
}
