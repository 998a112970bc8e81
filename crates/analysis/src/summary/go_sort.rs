//! Go's `slices.SortFunc` (pattern-defeating quicksort, `zsortanyfunc.go`), ported as is.
//!
//! The summarizer sorts each goroutine's regions by start time with it. That sort is not
//! stable: regions with equal start times (e.g. several regions whose begin is not in the
//! trace) end up in the order this exact algorithm leaves them, which a Rust sort would not
//! reproduce. Every comparison and swap below is the one Go makes, in the same order
//! (including the quirks, e.g. the left shift in `partial_insertion_sort` stopping at index 1
//! rather than at `a + 1`).

use std::cmp::Ordering;

/// Sorts `data` in ascending order as determined by `cmp`, exactly as Go's `slices.SortFunc`.
pub(crate) fn sort_func<T>(data: &mut [T], cmp: impl Fn(&T, &T) -> Ordering) {
    let n = data.len();
    let less = |data: &[T], i: usize, j: usize| cmp(&data[i], &data[j]) == Ordering::Less;
    pdqsort(data, 0, n, bits_len(n), &less);
}

/// Go's `bits.Len`: the number of bits needed to represent `x`.
fn bits_len(x: usize) -> usize {
    (usize::BITS - x.leading_zeros()) as usize
}

#[derive(PartialEq, Eq, Clone, Copy)]
enum Hint {
    Unknown,
    Increasing,
    Decreasing,
}

fn insertion_sort<T>(data: &mut [T], a: usize, b: usize, less: &impl Fn(&[T], usize, usize) -> bool) {
    for i in a + 1..b {
        let mut j = i;
        while j > a && less(data, j, j - 1) {
            data.swap(j, j - 1);
            j -= 1;
        }
    }
}

/// The heap property on `data[lo..hi]`; `first` is the offset of the heap's root.
fn sift_down<T>(data: &mut [T], lo: usize, hi: usize, first: usize, less: &impl Fn(&[T], usize, usize) -> bool) {
    let mut root = lo;
    loop {
        let mut child = 2 * root + 1;
        if child >= hi {
            break;
        }
        if child + 1 < hi && less(data, first + child, first + child + 1) {
            child += 1;
        }
        if !less(data, first + root, first + child) {
            return;
        }
        data.swap(first + root, first + child);
        root = child;
    }
}

fn heap_sort<T>(data: &mut [T], a: usize, b: usize, less: &impl Fn(&[T], usize, usize) -> bool) {
    let first = a;
    let lo = 0;
    let hi = b - a;
    if hi == 0 {
        return;
    }
    for i in (0..=(hi - 1) / 2).rev() {
        sift_down(data, i, hi, first, less);
    }
    for i in (0..hi).rev() {
        data.swap(first, first + i);
        sift_down(data, lo, i, first, less);
    }
}

fn pdqsort<T>(
    data: &mut [T],
    mut a: usize,
    mut b: usize,
    mut limit: usize,
    less: &impl Fn(&[T], usize, usize) -> bool,
) {
    const MAX_INSERTION: usize = 12;
    let mut was_balanced = true;
    let mut was_partitioned = true;
    loop {
        let length = b - a;
        if length <= MAX_INSERTION {
            insertion_sort(data, a, b, less);
            return;
        }
        if limit == 0 {
            heap_sort(data, a, b, less);
            return;
        }
        if !was_balanced {
            break_patterns(data, a, b);
            limit -= 1;
        }

        let (mut pivot, mut hint) = choose_pivot(data, a, b, less);
        if hint == Hint::Decreasing {
            data[a..b].reverse();
            pivot = (b - 1) - (pivot - a);
            hint = Hint::Increasing;
        }

        if was_balanced && was_partitioned && hint == Hint::Increasing && partial_insertion_sort(data, a, b, less) {
            return;
        }

        // Probably many duplicates: put the elements equal to the pivot first.
        if a > 0 && !less(data, a - 1, pivot) {
            a = partition_equal(data, a, b, pivot, less);
            continue;
        }

        let (mid, already_partitioned) = partition(data, a, b, pivot, less);
        was_partitioned = already_partitioned;

        let (left_len, right_len) = (mid - a, b - mid);
        let balance_threshold = length / 8;
        if left_len < right_len {
            was_balanced = left_len >= balance_threshold;
            pdqsort(data, a, mid, limit, less);
            a = mid + 1;
        } else {
            was_balanced = right_len >= balance_threshold;
            pdqsort(data, mid + 1, b, limit, less);
            b = mid;
        }
    }
}

fn partition<T>(
    data: &mut [T],
    a: usize,
    b: usize,
    pivot: usize,
    less: &impl Fn(&[T], usize, usize) -> bool,
) -> (usize, bool) {
    data.swap(a, pivot);
    // i and j are inclusive of the elements remaining to be partitioned; j >= a always holds.
    let (mut i, mut j) = (a + 1, b - 1);
    while i <= j && less(data, i, a) {
        i += 1;
    }
    while i <= j && !less(data, j, a) {
        j -= 1;
    }
    if i > j {
        data.swap(j, a);
        return (j, true);
    }
    data.swap(i, j);
    i += 1;
    j -= 1;
    loop {
        while i <= j && less(data, i, a) {
            i += 1;
        }
        while i <= j && !less(data, j, a) {
            j -= 1;
        }
        if i > j {
            break;
        }
        data.swap(i, j);
        i += 1;
        j -= 1;
    }
    data.swap(j, a);
    (j, false)
}

fn partition_equal<T>(
    data: &mut [T],
    a: usize,
    b: usize,
    pivot: usize,
    less: &impl Fn(&[T], usize, usize) -> bool,
) -> usize {
    data.swap(a, pivot);
    let (mut i, mut j) = (a + 1, b - 1);
    loop {
        while i <= j && !less(data, a, i) {
            i += 1;
        }
        while i <= j && less(data, a, j) {
            j -= 1;
        }
        if i > j {
            break;
        }
        data.swap(i, j);
        i += 1;
        j -= 1;
    }
    i
}

fn partial_insertion_sort<T>(data: &mut [T], a: usize, b: usize, less: &impl Fn(&[T], usize, usize) -> bool) -> bool {
    const MAX_STEPS: usize = 5;
    const SHORTEST_SHIFTING: usize = 50;
    let mut i = a + 1;
    for _ in 0..MAX_STEPS {
        while i < b && !less(data, i, i - 1) {
            i += 1;
        }
        if i == b {
            return true;
        }
        if b - a < SHORTEST_SHIFTING {
            return false;
        }
        data.swap(i, i - 1);

        // Shift the smaller one to the left (Go stops at index 1, not a+1).
        if i - a >= 2 {
            let mut j = i - 1;
            while j >= 1 {
                if !less(data, j, j - 1) {
                    break;
                }
                data.swap(j, j - 1);
                j -= 1;
            }
        }
        // Shift the greater one to the right.
        if b - i >= 2 {
            for j in i + 1..b {
                if !less(data, j, j - 1) {
                    break;
                }
                data.swap(j, j - 1);
            }
        }
    }
    false
}

fn break_patterns<T>(data: &mut [T], a: usize, b: usize) {
    let length = b - a;
    if length >= 8 {
        let mut random = length as u64; // Go's xorshift, seeded with the length
        let modulus = 1usize << bits_len(length);
        let mid = a + (length / 4) * 2;
        for idx in mid - 1..=mid + 1 {
            random ^= random << 13;
            random ^= random >> 7;
            random ^= random << 17;
            let mut other = (random as usize) & (modulus - 1);
            if other >= length {
                other -= length;
            }
            data.swap(idx, a + other);
        }
    }
}

fn choose_pivot<T>(data: &mut [T], a: usize, b: usize, less: &impl Fn(&[T], usize, usize) -> bool) -> (usize, Hint) {
    const SHORTEST_NINTHER: usize = 50;
    const MAX_SWAPS: usize = 4 * 3;
    let l = b - a;
    let mut swaps = 0;
    let mut i = a + l / 4;
    let mut j = a + l / 4 * 2;
    let mut k = a + l / 4 * 3;
    if l >= 8 {
        if l >= SHORTEST_NINTHER {
            // Tukey's ninther.
            i = median(data, i - 1, i, i + 1, &mut swaps, less);
            j = median(data, j - 1, j, j + 1, &mut swaps, less);
            k = median(data, k - 1, k, k + 1, &mut swaps, less);
        }
        j = median(data, i, j, k, &mut swaps, less);
    }
    match swaps {
        0 => (j, Hint::Increasing),
        MAX_SWAPS => (j, Hint::Decreasing),
        _ => (j, Hint::Unknown),
    }
}

fn order2<T>(
    data: &[T],
    a: usize,
    b: usize,
    swaps: &mut usize,
    less: &impl Fn(&[T], usize, usize) -> bool,
) -> (usize, usize) {
    if less(data, b, a) {
        *swaps += 1;
        return (b, a);
    }
    (a, b)
}

fn median<T>(
    data: &[T],
    a: usize,
    b: usize,
    c: usize,
    swaps: &mut usize,
    less: &impl Fn(&[T], usize, usize) -> bool,
) -> usize {
    let (a, b) = order2(data, a, b, swaps, less);
    let (b, _c) = order2(data, b, c, swaps, less);
    let (_a, b) = order2(data, a, b, swaps, less);
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tiny deterministic generator for test data.
    fn lcg(seed: &mut u64) -> u64 {
        *seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        *seed >> 33
    }

    #[test]
    fn sorts_like_a_sort() {
        let mut seed = 7;
        for n in [0usize, 1, 2, 5, 12, 13, 49, 50, 51, 100, 1000, 5000] {
            for modulo in [2u64, 10, 1 << 30] {
                let mut v: Vec<u64> = (0..n).map(|_| lcg(&mut seed) % modulo).collect();
                let mut want = v.clone();
                want.sort();
                sort_func(&mut v, |a, b| a.cmp(b));
                assert_eq!(v, want, "n={n} modulo={modulo}");
            }
            // Sorted, reversed, and sawtooth inputs exercise the pattern paths.
            let mut v: Vec<usize> = (0..n).rev().collect();
            sort_func(&mut v, |a, b| a.cmp(b));
            assert!(v.windows(2).all(|w| w[0] <= w[1]));
            let mut v: Vec<usize> = (0..n).map(|i| i % 7).collect();
            sort_func(&mut v, |a, b| a.cmp(b));
            assert!(v.windows(2).all(|w| w[0] <= w[1]));
        }
    }

    #[test]
    fn equal_keys_are_permuted_like_go() {
        // (n, m, hash) computed with go1.27.3: x[i] = {key(i) % m, i} for i < n, keys from the
        // same LCG (seeded n*31+m), slices.SortFunc by the key only, then the original indices
        // folded into h = h*1000003 + i.
        let want: [(usize, u64, u64); 9] = [
            (20, 1, 12828752734139105498),
            (20, 3, 16802150128793382674),
            (20, 10, 3661231432485742706),
            (60, 1, 6283677853938131790),
            (60, 3, 11501076448179707188),
            (60, 10, 16701366211421063836),
            (200, 1, 4350233494128179140),
            (200, 3, 15422110277810766138),
            (200, 10, 17642935971295476046),
        ];
        for (n, m, hash) in want {
            let mut seed = (n as u64) * 31 + m;
            let mut x: Vec<(u64, u64)> = (0..n as u64)
                .map(|i| {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    ((seed >> 33) % m, i)
                })
                .collect();
            sort_func(&mut x, |a, b| a.0.cmp(&b.0));
            let h = x.iter().fold(0u64, |h, e| h.wrapping_mul(1000003).wrapping_add(e.1));
            assert_eq!(h, hash, "n={n} m={m}");
        }
    }
}
