//! Go's `time.Duration.String()`, for the texts `go tool trace` shows ("1.5ms", "2m3s").

/// Formats nanoseconds as Go does: the largest unit first, no trailing zeros.
pub fn go_duration(ns: i64) -> String {
    if ns == 0 {
        return "0s".into();
    }
    let neg = ns < 0;
    let u = ns.unsigned_abs();
    let mut s = if u < 1_000_000_000 {
        // Below a second: one unit with a fraction.
        let (unit, div, prec) = if u < 1_000 {
            ("ns", 1, 0)
        } else if u < 1_000_000 {
            ("µs", 1_000, 3)
        } else {
            ("ms", 1_000_000, 6)
        };
        format!("{}{unit}", frac(u, div, prec))
    } else {
        let secs = u / 1_000_000_000;
        let mut out = String::new();
        let (h, m) = (secs / 3600, secs / 60 % 60);
        if h > 0 {
            out += &format!("{h}h");
        }
        if h > 0 || m > 0 {
            out += &format!("{m}m");
        }
        out += &frac(u % 60_000_000_000, 1_000_000_000, 9);
        out.push('s');
        out
    };
    if neg {
        s.insert(0, '-');
    }
    s
}

/// `v / div` with up to `prec` decimals, trailing zeros (and a bare point) dropped.
fn frac(v: u64, div: u64, prec: usize) -> String {
    let whole = v / div;
    let rest = v % div;
    if rest == 0 || prec == 0 {
        return whole.to_string();
    }
    let digits = format!("{rest:0prec$}");
    format!("{whole}.{}", digits.trim_end_matches('0'))
}

#[cfg(test)]
mod tests {
    use super::go_duration;

    #[test]
    fn like_go() {
        for (ns, want) in [
            (0, "0s"),
            (1, "1ns"),
            (999, "999ns"),
            (1_000, "1µs"),
            (1_500, "1.5µs"),
            (1_234_567, "1.234567ms"),
            (100_000_000, "100ms"),
            (1_000_000_000, "1s"),
            (1_500_000_000, "1.5s"),
            (61_000_000_000, "1m1s"),
            (3_600_000_000_000, "1h0m0s"),
            (3_723_500_000_000, "1h2m3.5s"),
            (-1_500, "-1.5µs"),
        ] {
            assert_eq!(go_duration(ns), want, "{ns}");
        }
    }
}
