//! Vectors that grow by a quarter once they are big, instead of doubling. A doubling vector
//! holds up to twice what it needs, and three times its old size while it moves; in the
//! browser, whose memory never shrinks, every such peak stays. Used for the timeline's heap
//! series (the summary's long lists are kept in pages instead, see `summary::paged`); the
//! amortized cost of a push stays constant.

/// Below this many bytes a vector doubles as usual.
const BIG: usize = 1 << 20;

/// Makes room for `n` more items.
#[inline]
pub(crate) fn room<T>(v: &mut Vec<T>, n: usize) {
    if v.capacity() - v.len() < n {
        grow(v, n);
    }
}

/// Pushes `x`, growing gently.
#[inline]
pub(crate) fn push<T>(v: &mut Vec<T>, x: T) {
    room(v, 1);
    v.push(x);
}

#[cold]
#[inline(never)]
fn grow<T>(v: &mut Vec<T>, n: usize) {
    let cap = v.capacity();
    let extra = if cap * std::mem::size_of::<T>().max(1) < BIG { cap.max(4) } else { cap / 4 };
    v.reserve_exact(extra.max(n));
}

#[cfg(test)]
mod tests {
    #[test]
    fn small_vectors_double_big_ones_grow_by_a_quarter() {
        let mut v: Vec<u64> = Vec::new();
        let mut caps = Vec::new();
        for i in 0..1_000_000u64 {
            super::push(&mut v, i);
            if caps.last() != Some(&v.capacity()) {
                caps.push(v.capacity());
            }
        }
        assert!(v.iter().copied().eq(0..1_000_000));
        for w in caps.windows(2) {
            let big = w[0] * 8 >= super::BIG;
            if big {
                assert!(w[1] <= w[0] + w[0] / 4 + 1, "{} -> {}", w[0], w[1]);
            } else {
                assert_eq!(w[1], 2 * w[0]);
            }
        }
        assert!(v.capacity() <= 1_000_000 + 1_000_000 / 4 + 1);
        let mut b: Vec<u8> = Vec::new();
        for _ in 0..500_000 {
            super::room(&mut b, 10);
            assert!(b.capacity() - b.len() >= 10);
            b.extend_from_slice(&[1, 2, 3]);
        }
    }
}
