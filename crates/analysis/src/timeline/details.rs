//! What a viewer asks about one span (a click), a selection (a box) or a goroutine (search).

use serde::Serialize;

use super::spans::{Span, MAX_STATES};
use super::{go, Lane, LaneKind, Timeline};

/// A frame of a stack, as text.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FrameText {
    pub func: String,
    pub file: String,
    pub line: u32,
}

/// A goroutine, by id and start function.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct GoroutineRef {
    pub lane: u32,
    pub id: i64,
    pub name: String,
}

/// A flow between goroutines: `kind` is create, unblock or syscall return.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Flow {
    pub kind: &'static str,
    pub from: GoroutineRef,
    pub from_time: i64,
    pub to: GoroutineRef,
    pub to_time: i64,
}

/// A span next to the one shown.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Neighbour {
    pub index: u32,
    pub state: &'static str,
    pub start: i64,
    pub end: i64,
}

/// One span, for the details panel.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SpanDetails {
    pub lane: u32,
    pub kind: &'static str,
    /// The P, M or goroutine id, task row or (regions) goroutine id.
    pub lane_id: i64,
    pub index: u32,
    pub state: &'static str,
    /// Waiting reason, STW reason, region or task type.
    pub label: Option<String>,
    pub start: i64,
    pub end: i64,
    pub dur: i64,
    /// The span's time less that of the spans nested in it (regions; else the duration).
    pub self_ns: i64,
    /// The goroutine shown (of a goroutine, region, proc or thread span).
    pub goroutine: Option<GoroutineRef>,
    pub start_stack: Vec<FrameText>,
    pub end_stack: Vec<FrameText>,
    pub incoming: Vec<Flow>,
    pub outgoing: Vec<Flow>,
    pub prev: Option<Neighbour>,
    pub next: Option<Neighbour>,
}

/// One CPU profile sample, for the details panel.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SampleDetails {
    /// Index in the timeline's samples.
    pub index: u32,
    pub time: i64,
    /// The goroutine that was running (none for a sample taken outside any).
    pub goroutine: Option<GoroutineRef>,
    /// Leaf first.
    pub stack: Vec<FrameText>,
}

/// Flows out of one span listed at most.
const MAX_FLOWS: usize = 50;

impl Timeline {
    fn goroutine_ref(&self, ordinal: u32) -> Option<GoroutineRef> {
        let lane = self.goroutine_lane(ordinal)?;
        Some(GoroutineRef {
            lane: (self.goroutine_base + ordinal as usize) as u32,
            id: lane.id,
            name: self.strings.get(lane.group).to_string(),
        })
    }

    fn stack_text(&self, stack: u32) -> Vec<FrameText> {
        self.stacks
            .get(stack)
            .iter()
            .map(|&f| {
                let f = self.stacks.frames[f as usize];
                FrameText { func: self.strings.get(f.func).to_string(), file: self.strings.get(f.file).to_string(), line: f.line }
            })
            .collect()
    }

    /// The span of `lane` containing `t`, or else the nearest one within `slack` ns.
    pub fn span_at(&self, lane: u32, t: i64, slack: i64) -> Option<(usize, Span)> {
        let spans = &self.lanes.get(lane as usize)?.spans;
        let (i, s) = spans.first_ending_after(t - slack);
        let s = s?;
        let dist = |s: &Span| if t < s.start { s.start - t } else { (t - s.end + 1).max(0) };
        let mut best = (i, s);
        for (j, n) in spans.iter_from(i + 1).enumerate().take(8) {
            if n.start > t + slack {
                break;
            }
            if dist(&n) < dist(&best.1) {
                best = (i + 1 + j, n);
            }
        }
        (dist(&best.1) <= slack).then_some(best)
    }

    /// The CPU sample of goroutine lane `lane` nearest to `t`, within `slack` ns.
    pub fn sample_at(&self, lane: u32, t: i64, slack: i64) -> Option<u32> {
        let ordinal = (lane as usize).checked_sub(self.goroutine_base)?;
        let of = self.samples_of(u32::try_from(ordinal).ok()?);
        let time = |s: u32| self.samples[s as usize].time;
        let i = of.partition_point(|&s| time(s) < t);
        let near = [i.checked_sub(1), Some(i)].into_iter().flatten().filter_map(|k| of.get(k).copied());
        near.min_by_key(|&s| (time(s) - t).abs()).filter(|&s| (time(s) - t).abs() <= slack)
    }

    /// The details of CPU sample `index`.
    pub fn sample_details(&self, index: u32) -> Option<SampleDetails> {
        let s = self.samples.get(index as usize)?;
        Some(SampleDetails {
            index,
            time: s.time,
            goroutine: s.goroutine.checked_sub(1).and_then(|g| self.goroutine_ref(g)),
            stack: self.stack_text(s.stack),
        })
    }

    /// The details of span `index` of `lane`.
    pub fn details(&self, lane: u32, index: usize) -> Option<SpanDetails> {
        let l: &Lane = self.lanes.get(lane as usize)?;
        let s = l.spans.get(index)?;
        let names = l.kind.state_names();
        let neighbour = |i: usize| {
            l.spans.get(i).map(|n| Neighbour { index: i as u32, state: names[n.state as usize], start: n.start, end: n.end })
        };
        let prev_span = index.checked_sub(1).and_then(|i| l.spans.get(i));
        let next_span = l.spans.get(index + 1);
        let mut d = SpanDetails {
            lane,
            kind: l.kind.as_str(),
            lane_id: l.id,
            index: index as u32,
            state: names[s.state as usize],
            label: None,
            start: s.start,
            end: s.end,
            dur: s.dur(),
            self_ns: s.dur(),
            goroutine: None,
            start_stack: Vec::new(),
            end_stack: Vec::new(),
            incoming: Vec::new(),
            outgoing: Vec::new(),
            prev: index.checked_sub(1).and_then(neighbour),
            next: neighbour(index + 1),
        };
        match l.kind {
            LaneKind::Goroutine => {
                let me = (lane as usize - self.goroutine_base) as u32;
                d.goroutine = self.goroutine_ref(me);
                d.start_stack = self.stack_text(s.label);
                if let Some(n) = next_span.filter(|n| n.start == s.end) {
                    d.end_stack = self.stack_text(n.label);
                }
                if s.state == go::WAITING && s.aux != 0 {
                    d.label = Some(self.strings.get(s.aux).to_string());
                }
                // The flow into this span: its own (runnable) or the runnable span before it.
                let into = if s.state == go::RUNNABLE { Some((index, s)) } else { prev_span.map(|p| (index - 1, p)) };
                if let Some((i, r)) = into.filter(|(_, r)| r.state == go::RUNNABLE && r.aux != 0) {
                    let before = i.checked_sub(1).and_then(|j| l.spans.get(j)).filter(|b| b.end == r.start);
                    if let Some(f) = self.flow(r, before, me) {
                        d.incoming.push(f);
                    }
                }
                d.outgoing = self.flows_from(me, s.start, s.end);
            }
            LaneKind::Proc | LaneKind::Thread if s.label != 0 => {
                d.goroutine = self.goroutine_ref(s.label - 1);
                if let Some(g) = self.goroutine_lane(s.label - 1) {
                    if let Some((gi, gs)) = self.span_at((self.goroutine_base + s.label as usize - 1) as u32, s.start, 0) {
                        d.start_stack = self.stack_text(gs.label);
                        if let Some(n) = g.spans.get(gi + 1).filter(|n| n.start == gs.end) {
                            d.end_stack = self.stack_text(n.label);
                        }
                    }
                    d.outgoing = self.flows_from(s.label - 1, s.start, s.end);
                }
            }
            LaneKind::Stw | LaneKind::Task => d.label = Some(self.strings.get(s.label).to_string()),
            LaneKind::Sweep => {
                d.start_stack = self.stack_text(s.label);
                d.end_stack = self.stack_text(s.aux);
            }
            LaneKind::Region => {
                d.label = Some(self.strings.get(s.label).to_string());
                let ordinal = self.goroutines().iter().position(|g| g.id == l.id);
                d.goroutine = ordinal.and_then(|o| self.goroutine_ref(o as u32));
                // Self time: less the regions one level deeper.
                let child = self.lanes.iter().find(|c| c.kind == LaneKind::Region && c.id == l.id && c.group == l.group + 1);
                if let Some(c) = child {
                    let mut a = [0; MAX_STATES];
                    let mut b = [0; MAX_STATES];
                    c.spans.prefix(s.start, &mut a);
                    c.spans.prefix(s.end, &mut b);
                    d.self_ns -= b[0] - a[0];
                }
            }
            _ => {}
        }
        Some(d)
    }

    /// The flow ending in runnable span `r` of goroutine `to` (preceded by `before`).
    fn flow(&self, r: Span, before: Option<Span>, to: u32) -> Option<Flow> {
        let kind = match before {
            None => "create",
            Some(b) if b.state == go::SYSCALL => "syscall return",
            Some(_) => "unblock",
        };
        Some(Flow { kind, from: self.goroutine_ref(r.aux - 1)?, from_time: r.start, to: self.goroutine_ref(to)?, to_time: r.end })
    }

    /// Flows that goroutine `from` started between `t0` and `t1`.
    fn flows_from(&self, from: u32, t0: i64, t1: i64) -> Vec<Flow> {
        let mut out = Vec::new();
        for (o, g) in self.goroutines().iter().enumerate() {
            if o as u32 == from || g.spans.extent().is_none_or(|(a, b)| b < t0 || a > t1) {
                continue;
            }
            let (i, _) = g.spans.first_ending_after(t0 - 1);
            let mut prev = i.checked_sub(1).and_then(|j| g.spans.get(j));
            for s in g.spans.iter_from(i) {
                if s.start > t1 || out.len() >= MAX_FLOWS {
                    break;
                }
                if s.state == go::RUNNABLE && s.aux == from + 1 && s.start >= t0 {
                    out.extend(self.flow(s, prev.filter(|p| p.end == s.start), o as u32));
                }
                prev = Some(s);
            }
        }
        out.sort_by_key(|f| f.from_time);
        out
    }

    /// Totals over a selection: for the given lanes over `[t0, t1)`, time and spans per lane
    /// kind and state.
    pub fn select(&self, lanes: &[u32], t0: i64, t1: i64) -> Vec<StateTotal> {
        let mut out: Vec<StateTotal> = Vec::new();
        for &li in lanes {
            let Some(l) = self.lanes.get(li as usize) else { continue };
            let mut a = [0; MAX_STATES];
            let mut b = [0; MAX_STATES];
            l.spans.prefix(t0, &mut a);
            l.spans.prefix(t1, &mut b);
            // Spans overlapping the window, by state (counted one by one up to a million a
            // lane; past that the counts are marked partial).
            let (first, _) = l.spans.first_ending_after(t0);
            let mut counts = [0u64; MAX_STATES];
            let mut partial = false;
            for (seen, s) in l.spans.iter_from(first).enumerate() {
                if s.start >= t1 {
                    break;
                }
                if seen == MAX_COUNTED {
                    partial = true;
                    break;
                }
                counts[s.state as usize] += 1;
            }
            for st in 0..l.spans.nstates() {
                let ns = b[st] - a[st];
                if ns == 0 && counts[st] == 0 {
                    continue;
                }
                let state = l.kind.state_names()[st];
                let kind = l.kind.as_str();
                match out.iter_mut().find(|x| x.kind == kind && x.state == state) {
                    Some(x) => {
                        x.ns += ns;
                        x.spans += counts[st];
                        x.lanes += 1;
                        x.partial |= partial;
                    }
                    None => out.push(StateTotal { kind, state, ns, spans: counts[st], lanes: 1, partial }),
                }
            }
        }
        out
    }

    /// Goroutines whose id is `query` or whose start function contains it (case-insensitive),
    /// at most `limit`.
    pub fn find(&self, query: &str, limit: usize) -> Vec<GoroutineRef> {
        let q = query.trim().to_lowercase();
        if q.is_empty() {
            return Vec::new();
        }
        let id: Option<i64> = q.trim_start_matches('g').parse().ok();
        let mut out: Vec<GoroutineRef> = Vec::new();
        for (o, g) in self.goroutines().iter().enumerate() {
            if Some(g.id) == id {
                out.insert(0, self.goroutine_ref(o as u32).expect("lane"));
            } else if out.len() < limit && self.strings.get(g.group).to_lowercase().contains(&q) {
                out.push(self.goroutine_ref(o as u32).expect("lane"));
            }
        }
        out.truncate(limit);
        out
    }
}

/// Time and spans in one state of one kind of lane, over a selection.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct StateTotal {
    pub kind: &'static str,
    pub state: &'static str,
    pub ns: i64,
    pub spans: u64,
    pub lanes: u32,
    /// Some lane had more spans in the window than are counted: `spans` is a lower bound.
    pub partial: bool,
}

/// Spans of one lane counted at most in a selection.
const MAX_COUNTED: usize = 1_000_000;

