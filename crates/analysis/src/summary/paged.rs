//! A vector kept in pages of a fixed number of items: growing never copies it and never holds
//! twice its size, as a `Vec` does while it doubles. The summary's largest record lists (a
//! big trace's 650k regions) grow all through the pass; in the browser, whose memory only
//! grows, each doubling of a 20 MB vector left a 30 MB peak behind.

/// Items per page (a power of two).
const PAGE: usize = 1 << 12;

#[derive(Debug, Clone)]
pub(crate) struct Paged<T> {
    pages: Vec<Vec<T>>,
    len: usize,
}

impl<T> Default for Paged<T> {
    fn default() -> Self {
        Paged { pages: Vec::new(), len: 0 }
    }
}

impl<T> Paged<T> {
    #[inline]
    pub fn push(&mut self, item: T) {
        if self.len.is_multiple_of(PAGE) {
            self.pages.push(Vec::with_capacity(PAGE));
        }
        self.pages.last_mut().expect("a page with room").push(item);
        self.len += 1;
    }

    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    #[inline]
    pub fn get(&self, i: usize) -> Option<&T> {
        self.pages.get(i / PAGE)?.get(i % PAGE)
    }

    #[inline]
    pub fn get_mut(&mut self, i: usize) -> Option<&mut T> {
        self.pages.get_mut(i / PAGE)?.get_mut(i % PAGE)
    }

    pub fn iter(&self) -> impl ExactSizeIterator<Item = &T> + Clone + '_ {
        (0..self.len).map(|i| &self.pages[i / PAGE][i % PAGE])
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut T> + '_ {
        self.pages.iter_mut().flatten()
    }

    /// Bytes the items take.
    pub fn bytes(&self) -> usize {
        self.len * std::mem::size_of::<T>()
    }

    /// Swaps the items at `a` and `b`.
    pub fn swap(&mut self, a: usize, b: usize) {
        let ((pa, ia), (pb, ib)) = ((a / PAGE, a % PAGE), (b / PAGE, b % PAGE));
        if pa == pb {
            self.pages[pa].swap(ia, ib);
        } else {
            let (lo, hi) = (pa.min(pb), pa.max(pb));
            let (first, rest) = self.pages.split_at_mut(hi);
            let (x, y) = (&mut first[lo], &mut rest[0]);
            let (ix, iy) = if pa < pb { (ia, ib) } else { (ib, ia) };
            std::mem::swap(&mut x[ix], &mut y[iy]);
        }
    }

    /// Moves the item at `i` to `to[i]` for every `i` (`to` a permutation of the indices).
    pub fn permute(&mut self, to: &[u32]) {
        let mut done = vec![false; self.len];
        for start in 0..self.len {
            if done[start] {
                continue;
            }
            // Follow the cycle: the item at `start` goes to `to[start]`, whose goes on, ...
            done[start] = true;
            let mut i = to[start] as usize;
            while i != start {
                self.swap(start, i);
                done[i] = true;
                i = to[i] as usize;
            }
        }
    }

    /// The index of the first item for which `pred` is false (the items being those for which
    /// it is true, then the others).
    pub fn partition_point(&self, mut pred: impl FnMut(&T) -> bool) -> usize {
        let (mut lo, mut hi) = (0, self.len);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if pred(&self[mid]) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }
}

impl<T> std::ops::Index<usize> for Paged<T> {
    type Output = T;

    #[inline]
    fn index(&self, i: usize) -> &T {
        &self.pages[i / PAGE][i % PAGE]
    }
}

impl<T> std::ops::IndexMut<usize> for Paged<T> {
    #[inline]
    fn index_mut(&mut self, i: usize) -> &mut T {
        &mut self.pages[i / PAGE][i % PAGE]
    }
}

/// Byte strings appended one after another, in pages of at least [`PAGE_BYTES`] that are never
/// reallocated: growing never copies, and a string is never split across pages.
#[derive(Debug, Clone, Default)]
pub(crate) struct PagedBytes {
    pages: Vec<Vec<u8>>,
    /// The offset of each page's first byte.
    starts: Vec<u32>,
    len: u32,
}

/// The least bytes of a page.
const PAGE_BYTES: usize = 1 << 20;

impl PagedBytes {
    /// Appends `b`; its offset.
    pub fn append(&mut self, b: &[u8]) -> u32 {
        if self.pages.last().is_none_or(|p| p.capacity() - p.len() < b.len()) {
            self.starts.push(self.len);
            self.pages.push(Vec::with_capacity(PAGE_BYTES.max(b.len())));
        }
        let at = self.len;
        self.len = u32::try_from(b.len()).ok().and_then(|n| at.checked_add(n)).expect("under 4 GiB of byte strings");
        self.pages.last_mut().expect("a page with room").extend_from_slice(b);
        at
    }

    /// The bytes from offset `at` to the end of its page: the string appended at `at`, then
    /// those after it in the page (empty past the end).
    pub fn from(&self, at: u32) -> &[u8] {
        let i = self.starts.partition_point(|&s| s <= at);
        match i.checked_sub(1) {
            Some(i) => self.pages[i].get((at - self.starts[i]) as usize..).unwrap_or(&[]),
            None => &[],
        }
    }

    /// Bytes appended.
    pub fn len(&self) -> usize {
        self.len as usize
    }
}

#[cfg(test)]
mod tests {
    use super::{Paged, PagedBytes, PAGE, PAGE_BYTES};

    /// Items move where a permutation sends them, within and across pages; a sorted paged
    /// vector is searched as a slice is.
    #[test]
    fn permuted_and_searched_as_a_slice() {
        let n = 3 * PAGE + 100;
        let mut x: u64 = 7;
        let mut to: Vec<u32> = (0..n as u32).collect();
        for i in (1..n).rev() {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            to.swap(i, (x % (i as u64 + 1)) as usize);
        }
        let mut p = Paged::default();
        for i in 0..n {
            p.push(i as u64);
        }
        p.permute(&to);
        for i in 0..n {
            assert_eq!(p[to[i] as usize], i as u64);
        }
        let mut q = Paged::default();
        for i in 0..n as u64 {
            q.push(2 * i);
        }
        for k in 0..2 * n as u64 + 2 {
            let want = (0..n as u64).map(|i| 2 * i).collect::<Vec<_>>().partition_point(|&v| v < k);
            assert_eq!(q.partition_point(|&v| v < k), want, "{k}");
        }
    }

    /// Each string is found whole at its offset, across pages and with strings bigger than a
    /// page.
    #[test]
    fn byte_strings_are_found_at_their_offsets() {
        let mut p = PagedBytes::default();
        assert_eq!(p.from(0), &[] as &[u8]);
        let mut put = Vec::new();
        let mut x: u64 = 99;
        for i in 0..20_000usize {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let len = if i % 5000 == 4999 { PAGE_BYTES + 3 } else { (x % 300) as usize };
            let s: Vec<u8> = (0..len).map(|j| (i + j) as u8).collect();
            put.push((p.append(&s), s));
        }
        let mut total = 0;
        for (at, s) in &put {
            assert!(p.from(*at).starts_with(s), "the string at {at}");
            assert_eq!(*at as usize, total);
            total += s.len();
        }
        assert_eq!(p.len(), total);
        assert!(p.pages.len() > 4 && p.pages.iter().all(|pg| pg.len() <= pg.capacity()));
        assert_eq!(p.from(total as u32), &[] as &[u8]);
    }

    #[test]
    fn items_stay_where_they_were_pushed() {
        let mut p = Paged::default();
        let n = 3 * PAGE + 17;
        for i in 0..n {
            p.push(i as u64 * 7);
        }
        assert_eq!(p.len(), n);
        assert_eq!(p.get(n), None);
        *p.get_mut(PAGE).unwrap() += 1;
        assert_eq!(p[PAGE], PAGE as u64 * 7 + 1);
        p[PAGE + 1] += 2;
        p[PAGE + 1] -= 2;
        for i in 0..n {
            assert_eq!(*p.get(i).unwrap(), i as u64 * 7 + u64::from(i == PAGE));
        }
        assert!(p.iter().copied().eq((0..n).map(|i| i as u64 * 7 + u64::from(i == PAGE))));
        assert_eq!(p.bytes(), n * 8);
    }
}
