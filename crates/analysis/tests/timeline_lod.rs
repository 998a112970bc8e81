//! Level-of-detail invariants of the timeline on every fixture: for any window and width,
//! per lane and state, the time of the rows equals the exact overlap of the lane's spans with
//! the window; rows stay in order inside the window; their number is bounded by the width.

use gotrace_analysis::timeline::{lod, Span, Timeline};
use gotrace_analysis::Analysis;

fn fixtures() -> Vec<(String, Timeline)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/traces");
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "trace") {
            let data = std::fs::read(&p).unwrap();
            let a = Analysis::run(&data, "t", &mut |_, _| {}).unwrap();
            out.push((p.display().to_string(), a.timeline));
        }
    }
    assert!(out.len() >= 4);
    out
}

/// A small deterministic generator (no dependency).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn range(&mut self, a: i64, b: i64) -> i64 {
        a + (self.next() % ((b - a).max(1) as u64)) as i64
    }
}

fn exact(spans: &[Span], t0: i64, t1: i64, nstates: usize) -> Vec<i64> {
    let mut v = vec![0; nstates];
    for s in spans {
        let a = s.start.max(t0);
        let b = s.end.min(t1);
        if b > a {
            v[s.state as usize] += b - a;
        }
    }
    v
}

#[test]
fn merged_totals_equal_exact_overlap() {
    let mut rng = Rng(0x9e3779b97f4a7c15);
    let mut windows = 0;
    for (name, tl) in fixtures() {
        assert!(tl.end > tl.start, "{name}");
        let all: Vec<u32> = (0..tl.lanes.len() as u32).collect();
        for round in 0..40 {
            let (t0, t1) = if round == 0 {
                (tl.start - 10, tl.end + 10)
            } else {
                let a = rng.range(tl.start - 1000, tl.end);
                let shift = rng.next() % 20;
                let len = 1 + rng.range(0, (tl.end - tl.start) >> shift);
                (a, a + len)
            };
            let width = [1, 7, 100, 800, 3000][round % 5];
            let rows = lod::lanes(&tl, &all, t0, t1, width);
            assert_eq!(rows.offsets.len(), all.len() + 1);
            for (k, lane) in tl.lanes.iter().enumerate() {
                let spans: Vec<Span> = lane.spans.iter_from(0).collect();
                let n = lane.spans.nstates();
                let want = exact(&spans, t0, t1, n);
                let mut got = vec![0i64; n];
                let (a, b) = (rows.offsets[k] as usize, rows.offsets[k + 1] as usize);
                let mut last_start = f64::MIN;
                for r in a..b {
                    got[rows.state[r] as usize] += rows.ns[r] as i64;
                    assert!(rows.start[r] >= t0 as f64 && rows.end[r] <= t1 as f64, "{name} lane {k}: row outside window");
                    assert!(rows.start[r] >= last_start, "{name} lane {k}: rows out of order");
                    assert!(rows.ns[r] <= rows.end[r] - rows.start[r], "{name} lane {k}: row time past its extent");
                    last_start = rows.start[r];
                }
                assert_eq!(got, want, "{name} lane {k} ({:?}) window {t0}..{t1} width {width}", lane.kind);
                assert!(b - a <= 2 * (width as usize + 1) * n, "{name} lane {k}: {} rows for width {width}", b - a);
            }
            windows += 1;
        }
    }
    assert!(windows > 100);
}

#[test]
fn lanes_are_ordered_and_disjoint() {
    for (name, tl) in fixtures() {
        for (k, lane) in tl.lanes.iter().enumerate() {
            let spans: Vec<Span> = lane.spans.iter_from(0).collect();
            assert_eq!(spans.len(), lane.spans.len());
            for w in spans.windows(2) {
                assert!(w[0].end <= w[1].start, "{name} lane {k}: overlap {:?} {:?}", w[0], w[1]);
            }
            for s in &spans {
                assert!(s.start >= tl.start && s.end <= tl.end && s.end > s.start, "{name} lane {k}: {s:?}");
            }
        }
    }
}

#[test]
fn counters_match_lanes() {
    for (name, tl) in fixtures() {
        let width = 50;
        let c = lod::counters(&tl, tl.start, tl.end, width);
        assert_eq!(c.goroutines.len(), 4 * width as usize);
        // The average number of running goroutines over the trace, two ways.
        let cell = (tl.end - tl.start) as f64 / f64::from(width);
        let from_cells: f64 = (0..width as usize).map(|k| c.goroutines[4 * k] * cell).sum();
        let from_lanes: i64 = tl.goroutines().iter().map(|g| g.spans.totals()[0] + g.spans.totals()[4]).sum();
        let err = (from_cells - from_lanes as f64).abs() / (from_lanes as f64).max(1.0);
        assert!(err < 1e-3, "{name}: {from_cells} vs {from_lanes}");
    }
}

#[test]
fn details_of_every_goroutine_span_kind() {
    for (name, tl) in fixtures() {
        let mut seen = 0;
        for (k, lane) in tl.lanes.iter().enumerate() {
            for i in [0, lane.spans.len() / 2, lane.spans.len().saturating_sub(1)] {
                let Some(s) = lane.spans.get(i) else { continue };
                let d = tl.details(k as u32, i).expect("details");
                assert_eq!((d.start, d.end, d.dur), (s.start, s.end, s.end - s.start), "{name}");
                assert!(d.self_ns <= d.dur && d.self_ns >= 0);
                let (j, at) = tl.span_at(k as u32, (s.start + s.end) / 2, 0).expect("span at its middle");
                assert_eq!((j, at), (i, s));
                seen += 1;
            }
        }
        assert!(seen > 0, "{name}");
        let g = tl.goroutines().first().expect("a goroutine");
        let found = tl.find(&g.id.to_string(), 10);
        assert_eq!(found.first().map(|f| f.id), Some(g.id), "{name}");
    }
}

#[test]
fn selection_totals_equal_exact_overlap() {
    for (name, tl) in fixtures() {
        let all: Vec<u32> = (0..tl.lanes.len() as u32).collect();
        let (t0, t1) = (tl.start + (tl.end - tl.start) / 3, tl.start + (tl.end - tl.start) / 2);
        let totals = tl.select(&all, t0, t1);
        for lane in &tl.lanes {
            let spans: Vec<Span> = lane.spans.iter_from(0).collect();
            for (st, want) in exact(&spans, t0, t1, lane.spans.nstates()).into_iter().enumerate() {
                let state = lane.kind.state_names()[st];
                let got = totals.iter().find(|x| x.kind == lane.kind.as_str() && x.state == state).map_or(0, |x| x.ns);
                assert!(got >= want, "{name}: {} {state}", lane.kind.as_str());
            }
        }
        for x in &totals {
            let want: i64 = tl
                .lanes
                .iter()
                .filter(|l| l.kind.as_str() == x.kind)
                .map(|l| {
                    let st = l.kind.state_names().iter().position(|s| *s == x.state).unwrap();
                    exact(&l.spans.iter_from(0).collect::<Vec<_>>(), t0, t1, l.spans.nstates())[st]
                })
                .sum();
            assert_eq!(x.ns, want, "{name}: {} {}", x.kind, x.state);
            let spans: u64 = tl
                .lanes
                .iter()
                .filter(|l| l.kind.as_str() == x.kind)
                .map(|l| l.spans.iter_from(0).filter(|s| s.end > t0 && s.start < t1 && l.kind.state_names()[s.state as usize] == x.state).count() as u64)
                .sum();
            assert_eq!(x.spans, spans, "{name}: {} {} spans", x.kind, x.state);
        }
    }
}

/// CPU sample marks: on every goroutine lane, for random windows and widths, the marks count
/// exactly the lane's samples in the window, at most one mark per cell, in time order, each
/// naming a sample of that goroutine at the mark's time; every sample of the trace that ran
/// on a goroutine is on that goroutine's lane; a click at a mark finds its sample.
#[test]
fn sample_marks_count_each_goroutine_s_samples() {
    let mut with_samples = 0;
    let mut rng = Rng(0x5eed_cafe);
    for (name, tl) in fixtures() {
        let n = tl.goroutines().len() as u32;
        let on_goroutines: usize = (0..n).map(|g| tl.samples_of(g).len()).sum();
        assert_eq!(on_goroutines, tl.samples.iter().filter(|s| s.goroutine > 0).count(), "{name}");
        if tl.samples.is_empty() {
            continue;
        }
        with_samples += 1;
        let lanes: Vec<u32> = (0..n).map(|g| tl.goroutine_base as u32 + g).collect();
        for round in 0..40 {
            let (t0, t1) = if round == 0 { (tl.start, tl.end + 1) } else {
                let a = rng.range(tl.start - 1000, tl.end);
                (a, rng.range(a + 1, tl.end + 1000))
            };
            let width = [1, 3, 50, 800, 5000][round % 5];
            let rows = lod::lanes(&tl, &lanes, t0, t1, width);
            assert_eq!(rows.mark_offsets.len(), lanes.len() + 1);
            for (k, &lane) in lanes.iter().enumerate() {
                let g = lane - tl.goroutine_base as u32;
                let want = tl.samples_of(g).iter().filter(|&&s| (t0..t1).contains(&tl.samples[s as usize].time)).count();
                let (a, b) = (rows.mark_offsets[k] as usize, rows.mark_offsets[k + 1] as usize);
                let got: u32 = rows.mark_count[a..b].iter().sum();
                assert_eq!(got as usize, want, "{name}: lane {lane}, [{t0}, {t1}) in {width}");
                assert!(b - a <= width as usize, "{name}: more marks than cells");
                for i in a..b {
                    let s = tl.samples[rows.mark_sample[i] as usize];
                    assert_eq!(s.goroutine, g + 1, "{name}: a mark names another goroutine's sample");
                    assert_eq!(s.time as f64, rows.mark_time[i]);
                    assert!(i == a || rows.mark_time[i - 1] < rows.mark_time[i], "{name}: marks out of order");
                    if round == 0 {
                        let found = tl.sample_at(lane, s.time, 0).expect("a sample at its mark");
                        assert_eq!(tl.samples[found as usize].time, s.time);
                        let d = tl.sample_details(found).unwrap();
                        assert_eq!(d.goroutine.map(|r| r.lane), Some(lane));
                        assert!(!d.stack.is_empty(), "{name}: a CPU sample has a stack");
                    }
                }
            }
        }
    }
    assert!(with_samples > 0, "no fixture has CPU samples (tests/traces/cpuprofile.trace)");
}

/// Sweep lanes: per proc, the "GC incremental sweep" ranges of the events (as `go tool trace`
/// draws them on the proc), each span from its begin to its end (the trace's end if never
/// ended), with the stacks of both.
#[test]
fn sweep_lanes_are_the_procs_sweep_ranges() {
    use gotrace::{EventKind, Reader};
    use gotrace_analysis::timeline::LaneKind;
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/traces");
    let (mut swept, mut with_stack) = (0, 0);
    for (name, tl) in fixtures() {
        let data = std::fs::read(format!("{dir}/{}", std::path::Path::new(&name).file_name().unwrap().to_str().unwrap())).unwrap();
        let mut want: std::collections::BTreeMap<i64, Vec<(i64, i64)>> = Default::default();
        let mut open: std::collections::BTreeMap<i64, i64> = Default::default();
        for ev in Reader::new(&data).unwrap() {
            let ev = ev.unwrap();
            let Some(r) = ev.range() else { continue };
            let Some(p) = r.scope.as_proc().filter(|_| r.name == "GC incremental sweep") else { continue };
            match ev.kind() {
                EventKind::RangeBegin => {
                    open.insert(p.0, ev.time());
                }
                EventKind::RangeActive => {
                    open.entry(p.0).or_insert(ev.time());
                }
                _ => {
                    let start = open.remove(&p.0).expect("a sweep ends after it begins");
                    want.entry(p.0).or_default().push((start, ev.time()));
                }
            }
        }
        for (p, start) in open {
            want.entry(p).or_default().push((start, tl.end));
        }
        let mut got: std::collections::BTreeMap<i64, Vec<(i64, i64)>> = Default::default();
        for (i, l) in tl.lanes.iter().enumerate().filter(|(_, l)| l.kind == LaneKind::Sweep) {
            assert!(i < tl.goroutine_base, "{name}: goroutine lanes come last");
            let spans: Vec<Span> = l.spans.iter_from(0).collect();
            got.insert(l.id, spans.iter().map(|s| (s.start, s.end)).collect());
            for k in 0..spans.len() {
                let d = tl.details(i as u32, k).unwrap();
                assert_eq!(d.kind, "sweep");
                with_stack += usize::from(!d.start_stack.is_empty());
            }
            swept += spans.len();
        }
        // Empty ranges are dropped, as Go drops zero-length ones.
        for v in want.values_mut() {
            v.retain(|(a, b)| b > a);
        }
        want.retain(|_, v| !v.is_empty());
        assert_eq!(got, want, "{name}");
    }
    assert!(swept > 0, "no fixture has sweeps (tests/traces/gc.trace should)");
    assert!(with_stack > 0, "sweeps begun in the trace have the stack of their beginning");
}
