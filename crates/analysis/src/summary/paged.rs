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
}

#[cfg(test)]
mod tests {
    use super::{Paged, PAGE};

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
        for i in 0..n {
            assert_eq!(*p.get(i).unwrap(), i as u64 * 7 + u64::from(i == PAGE));
        }
        assert!(p.iter().copied().eq((0..n).map(|i| i as u64 * 7 + u64::from(i == PAGE))));
        assert_eq!(p.bytes(), n * 8);
    }
}
