//! Bit-exact ports of the Go runtime's floating-point helpers that `cmd/trace`'s MMU plot
//! depends on. The plot's windows are `time.Duration(math.Exp(...))`, truncated to whole
//! nanoseconds, so a 1-ulp difference from the platform's `exp`/`ln` can move a window by 1 ns
//! and change the MMU shown for it.
//!
//! Go uses assembly for both functions on amd64 (`math/exp_amd64.s`, `math/log_amd64.s`); the
//! results differ from the pure-Go fallbacks and from libm in the last bit. We follow the amd64
//! code, taking its FMA branch for `Exp` (every amd64 CPU since 2013 has FMA; the reference
//! outputs were made on one). `f64::mul_add` is a fused multiply-add on every target, so the
//! results are the same everywhere, wasm included.

/// Go's `math.Exp` on amd64 with FMA (`exp_amd64.s`, `avxfma` path): Shibata's method,
/// a Taylor series on x/16 squared back up four times.
pub(crate) fn exp(x: f64) -> f64 {
    const LOG2E: f64 = std::f64::consts::LOG2_E;
    // ln 2 in two parts (upper bits exact).
    const LN2U: f64 = 0.693_147_180_559_663;
    const LN2L: f64 = 2.823_529_056_303_157_7e-13;
    const OVERFLOW: f64 = 709.782_712_893_384;
    const POS_INF: u64 = 0x7FF0_0000_0000_0000;
    const NEG_INF: u64 = 0xFFF0_0000_0000_0000;
    // Taylor coefficients 1/8! ... 1/2!, 1 (the assembly's decimal literals, rounded).
    const C: [f64; 8] = [
        2.480_158_730_158_73e-5,
        1.984_126_984_126_984e-4,
        1.388_888_888_888_889e-3,
        8.333_333_333_333_333e-3,
        4.166_666_666_666_666_4e-2,
        1.666_666_666_666_666_6e-1,
        0.5,
        1.0,
    ];

    let bits = x.to_bits();
    if bits & !(1 << 63) >= POS_INF {
        // -Inf gives 0; +Inf and NaN are returned as is.
        return if bits == NEG_INF { 0.0 } else { x };
    }
    if x > OVERFLOW {
        return f64::INFINITY;
    }
    // CVTSD2SL rounds to nearest even; out-of-range values give i32::MIN.
    let e = cvtsd2sl(LOG2E * x);
    let k = f64::from(e);
    let mut r = (-k).mul_add(LN2U, x);
    r = (-k).mul_add(LN2L, r);
    r *= 0.0625;
    let mut p = C[0];
    for &c in &C[1..] {
        p = p.mul_add(r, c);
    }
    r *= p;
    for _ in 0..3 {
        r *= r + 2.0;
    }
    r = (r + 2.0).mul_add(r, 1.0);
    ldexp(r, e)
}

/// The tail of `exp_amd64.s`: r * 2**e with its overflow, denormal and underflow branches.
fn ldexp(r: f64, e: i32) -> f64 {
    let biased = e.wrapping_add(0x3FF);
    if biased >= 0x7FF {
        return f64::INFINITY;
    }
    if biased > 0 {
        return r * f64::from_bits((biased as u64) << 52);
    }
    if biased < -52 {
        return 0.0;
    }
    let r = r * f64::from_bits(((biased + 0x3FE) as u64) << 52);
    r * f64::from_bits(1 << 52)
}

/// x86's CVTSD2SL: round to nearest (even), the "integer indefinite" i32::MIN when out of range.
fn cvtsd2sl(x: f64) -> i32 {
    let r = x.round_ties_even();
    if r.is_nan() || r < f64::from(i32::MIN) || r > f64::from(i32::MAX) {
        i32::MIN
    } else {
        r as i32
    }
}

/// Go's `math.Log` on amd64 (`log_amd64.s`): the FreeBSD algorithm, with its own operation order.
pub(crate) fn log(x: f64) -> f64 {
    const HSQRT2: f64 = std::f64::consts::FRAC_1_SQRT_2;
    // ln 2 in two parts, and the polynomial (bit patterns as in the assembly's comments).
    const LN2HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
    const LN2LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
    const L1: f64 = f64::from_bits(0x3FE5_5555_5555_5593);
    const L2: f64 = f64::from_bits(0x3FD9_9999_9997_FA04);
    const L3: f64 = f64::from_bits(0x3FD2_4924_9422_9359);
    const L4: f64 = f64::from_bits(0x3FCC_71C5_1D8E_78AF);
    const L5: f64 = f64::from_bits(0x3FC7_4664_96CB_03DE);
    const L6: f64 = f64::from_bits(0x3FC3_9A09_D078_C69F);
    const L7: f64 = f64::from_bits(0x3FC2_F112_DF3E_5244);

    let bits = x.to_bits();
    if bits & !(1 << 63) == 0 {
        return f64::NEG_INFINITY;
    }
    if (bits as i64) < 0 {
        return f64::from_bits(0x7FF8_0000_0000_0001);
    }
    if bits >= 0x7FF0_0000_0000_0000 {
        return x;
    }
    // Frexp by bit manipulation (denormals are not renormalized, as in the assembly).
    let mut f1 = f64::from_bits((bits & 0x000F_FFFF_FFFF_FFFF) | 0x3FE0_0000_0000_0000);
    let mut k = f64::from(((bits >> 52) & 0x7FF) as i32 - 0x3FE);
    // CMPSD NLT: the assembly doubles f1 when !(HSqrt2 < f1), i.e. f1 <= HSqrt2 (f1 is never
    // NaN here), where log.go uses f1 < Sqrt2/2.
    if f1 <= HSQRT2 {
        k -= 1.0;
        f1 *= 2.0;
    }
    let f = f1 - 1.0;
    let s = f / (2.0 + f);
    let s2 = s * s;
    let s4 = s2 * s2;
    let t1 = s2 * (((L7 * s4 + L5) * s4 + L3) * s4 + L1);
    let t2 = s4 * ((L6 * s4 + L4) * s4 + L2);
    let r = t1 + t2;
    let hfsq = 0.5 * f * f;
    k * LN2HI - ((hfsq - (s * (hfsq + r) + LN2LO * k)) - f)
}

/// Go's float64 -> int64 conversion on amd64 (CVTTSD2SQ): truncation toward zero, and
/// i64::MIN for NaN and out-of-range values (Rust's `as` would saturate and map NaN to 0).
pub(crate) fn f64_to_i64(x: f64) -> i64 {
    // 2^63 is exactly representable; everything in [-2^63, 2^63) converts (NaN is not in it).
    const TWO_63: f64 = 9_223_372_036_854_775_808.0;
    if !(-TWO_63..TWO_63).contains(&x) {
        i64::MIN
    } else {
        x as i64
    }
}

/// Go's `math.Min`: -Inf wins over NaN, NaN over everything else, -0 is less than +0.
pub(crate) fn min(x: f64, y: f64) -> f64 {
    if x == f64::NEG_INFINITY || y == f64::NEG_INFINITY {
        return f64::NEG_INFINITY;
    }
    if x.is_nan() || y.is_nan() {
        return f64::NAN;
    }
    if x == 0.0 && x == y {
        return if x.is_sign_negative() { x } else { y };
    }
    if x < y {
        x
    } else {
        y
    }
}

/// Go's `math.Max`: +Inf wins over NaN, NaN over everything else, +0 is greater than -0.
pub(crate) fn max(x: f64, y: f64) -> f64 {
    if x == f64::INFINITY || y == f64::INFINITY {
        return f64::INFINITY;
    }
    if x.is_nan() || y.is_nan() {
        return f64::NAN;
    }
    if x == 0.0 && x == y {
        return if x.is_sign_negative() { y } else { x };
    }
    if x > y {
        x
    } else {
        y
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Values printed by go1.27.3 on amd64 (with FMA) where the platform libm differs.
    #[test]
    fn exp_and_log_match_go_where_libm_does_not() {
        let exps: [(f64, u64); 6] = [
            (12.036474423411484, 0x41049b062930bf45),
            (8.570554903294997, 0x40b49a0e39c7f897),
            (39.076674743450496, 0x4374c2863d35e5b6),
            (37.31385714073736, 0x434c7e1cb180774d),
            (25.97957842371762, 0x424653482dbbfce8),
            (33.22135675979225, 0x42ee72bf769d4433),
        ];
        for (x, want) in exps {
            assert_eq!(exp(x).to_bits(), want, "exp({x})");
        }
        let logs: [(f64, u64); 6] = [
            (27.243132495702834, 0x400a703bc0e846ae),
            (19.63125913178504, 0x4007d125f1191efe),
            (2.8979342716940524, 0x3ff10622f015fd5c),
            (21.338057991246192, 0x40087be35ad08604),
            (28.205484952050355, 0x400ab75467ff5b1e),
            (741.9095503084886, 0x401a6fd94a6dca4c),
        ];
        for (x, want) in logs {
            assert_eq!(log(x).to_bits(), want, "log({x})");
        }
    }

    #[test]
    fn special_values() {
        assert_eq!(exp(f64::NEG_INFINITY), 0.0);
        assert_eq!(exp(f64::INFINITY), f64::INFINITY);
        assert!(exp(f64::NAN).is_nan());
        assert_eq!(exp(710.0), f64::INFINITY);
        assert_eq!(exp(-1e300), 0.0);
        assert_eq!(exp(0.0), 1.0);
        assert_eq!(log(0.0), f64::NEG_INFINITY);
        assert!(log(-1.0).is_nan());
        assert_eq!(log(1.0), 0.0);
        assert_eq!(log(f64::INFINITY), f64::INFINITY);
        assert_eq!(f64_to_i64(f64::NAN), i64::MIN);
        assert_eq!(f64_to_i64(1e19), i64::MIN);
        assert_eq!(f64_to_i64(-2.9), -2);
        assert_eq!(min(0.0, -0.0).to_bits(), (-0.0f64).to_bits());
        assert_eq!(max(-0.0, 0.0).to_bits(), 0.0f64.to_bits());
        assert!(min(f64::NAN, 1.0).is_nan());
        assert_eq!(min(f64::NAN, f64::NEG_INFINITY), f64::NEG_INFINITY);
    }
}
