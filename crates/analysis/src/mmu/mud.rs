//! An updatable mutator utilization distribution (Go's `mud.go`): a non-normalized density of
//! time over utilization, kept as uniform pieces and Dirac deltas, plus a histogram that
//! tracks one inverse cumulative sum cheaply while the distribution grows.

/// Buckets in the summary histogram.
const MUD_DEGREE: usize = 1024;

#[derive(Debug, Clone)]
pub(crate) struct Mud {
    sorted: Vec<Edge>,
    unsorted: Vec<Edge>,
    /// The inverse cumulative sum tracked as the distribution is updated.
    track_mass: f64,
    /// The bucket in which `track_mass` falls; `MUD_DEGREE` if the total mass is smaller.
    track_bucket: usize,
    /// Cumulative sum of `hist[..track_bucket]`.
    track_sum: f64,
    hist: Box<[f64; MUD_DEGREE]>,
}

#[derive(Debug, Clone, Copy)]
struct Edge {
    /// At x the density increases by delta...
    x: f64,
    delta: f64,
    /// ...and there is a Dirac delta of this area.
    dirac: f64,
}

/// Go's `math.Modf` for the finite values used here.
fn modf(x: f64) -> (f64, f64) {
    let int = x.trunc();
    (int, x - int)
}

/// A histogram bucket for a utilization (Go indexes out of range for utilizations < 0).
fn bucket(u: f64) -> (usize, f64) {
    let (int, frac) = modf(u * MUD_DEGREE as f64);
    if int >= MUD_DEGREE as f64 {
        return (MUD_DEGREE - 1, 1.0);
    }
    (if int > 0.0 { int as usize } else { 0 }, frac)
}

impl Mud {
    pub(crate) fn new() -> Mud {
        Mud {
            sorted: Vec::new(),
            unsorted: Vec::new(),
            track_mass: 0.0,
            track_bucket: 0,
            track_sum: 0.0,
            hist: Box::new([0.0; MUD_DEGREE]),
        }
    }

    /// Adds a uniform density over [l, r] of total `area` (a Dirac delta if l == r).
    pub(crate) fn add(&mut self, l: f64, r: f64, area: f64) {
        if area == 0.0 {
            return;
        }
        let (l, r) = if r < l { (r, l) } else { (l, r) };

        if l == r {
            self.unsorted.push(Edge { x: l, delta: 0.0, dirac: area });
        } else {
            let delta = area / (r - l);
            self.unsorted.push(Edge { x: l, delta, dirac: 0.0 });
            self.unsorted.push(Edge { x: r, delta: -delta, dirac: 0.0 });
        }

        // Update the histogram.
        let h = &mut self.hist;
        let (lb, lf) = bucket(l);
        if l == r {
            h[lb] += area;
        } else {
            let (rb, rf) = bucket(r);
            if lb == rb {
                h[lb] += area;
            } else {
                let per_bucket = area / (r - l) / MUD_DEGREE as f64;
                h[lb] += per_bucket * (1.0 - lf);
                h[rb] += per_bucket * rf;
                for v in h.iter_mut().take(rb).skip(lb + 1) {
                    *v += per_bucket;
                }
            }
        }

        // Update mass tracking.
        let thresh = self.track_bucket as f64 / MUD_DEGREE as f64;
        if l < thresh {
            if r < thresh {
                self.track_sum += area;
            } else {
                self.track_sum += area * (thresh - l) / (r - l);
            }
            if self.track_sum >= self.track_mass {
                // The tracked mass moved to another bucket.
                self.set_track_mass(self.track_mass);
            }
        }
    }

    /// Sets the cumulative mass (a duration) whose utilization bounds
    /// [`approx_inv_cumulative_sum`](Self::approx_inv_cumulative_sum) reports.
    pub(crate) fn set_track_mass(&mut self, mass: f64) {
        self.track_mass = mass;
        let mut sum = 0.0;
        for (i, &val) in self.hist.iter().enumerate() {
            let new_sum = sum + val;
            if new_sum > mass {
                self.track_bucket = i;
                self.track_sum = sum;
                return;
            }
            sum = new_sum;
        }
        self.track_bucket = MUD_DEGREE;
        self.track_sum = sum;
    }

    /// Bounds [lower, upper) of the inverse cumulative sum of the tracked mass; `None` if the
    /// distribution has less mass than that.
    pub(crate) fn approx_inv_cumulative_sum(&self) -> Option<(f64, f64)> {
        if self.track_bucket == MUD_DEGREE {
            return None;
        }
        let b = self.track_bucket as f64;
        Some((b / MUD_DEGREE as f64, (b + 1.0) / MUD_DEGREE as f64))
    }

    /// The utilization x such that at least `y` time was spent at utilization <= x; the
    /// distribution's maximum and false if its total mass is below `y`; NaN if it is empty.
    pub(crate) fn inv_cumulative_sum(&mut self, y: f64) -> (f64, bool) {
        if self.sorted.is_empty() && self.unsorted.is_empty() {
            return (f64::NAN, false);
        }

        // Sort the new edges and merge them into the sorted ones. (Go's sort is not stable;
        // edges at equal x may be summed in another order there.)
        let mut edges = std::mem::take(&mut self.unsorted);
        edges.sort_by(|a, b| a.x.total_cmp(&b.x));
        if self.sorted.is_empty() {
            self.sorted = edges;
        } else {
            let old = std::mem::take(&mut self.sorted);
            let mut merged = Vec::with_capacity(old.len() + edges.len());
            let (mut i, mut j) = (0, 0);
            while i < old.len() && j < edges.len() {
                if old[i].x < edges[j].x {
                    merged.push(old[i]);
                    i += 1;
                } else {
                    merged.push(edges[j]);
                    j += 1;
                }
            }
            merged.extend_from_slice(&old[i..]);
            merged.extend_from_slice(&edges[j..]);
            self.sorted = merged;
        }

        // Traverse the edges computing a cumulative sum.
        let (mut csum, mut rate, mut prev_x) = (0.0, 0.0, 0.0);
        for e in &self.sorted {
            let mut new_csum = csum + (e.x - prev_x) * rate;
            if new_csum >= y {
                // y was exceeded between the previous edge and this one.
                if rate == 0.0 {
                    // Anywhere in between will do; e.x handles y == 0.
                    return (e.x, true);
                }
                return ((y - csum) / rate + prev_x, true);
            }
            new_csum += e.dirac;
            if new_csum >= y {
                // y was exceeded by the Dirac delta at e.x.
                return (e.x, true);
            }
            csum = new_csum;
            prev_x = e.x;
            rate += e.delta;
        }
        (prev_x, false)
    }
}
