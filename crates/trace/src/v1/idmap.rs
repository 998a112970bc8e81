//! Maps keyed by ids that are small and dense in real traces (goroutine, stack and proc ids),
//! with a hash map for the rest: Go uses maps; a vector is faster where ids allow.

use rustc_hash::FxHashMap;

/// Largest id kept in the vector.
const DENSE_LIMIT: u64 = 1 << 22;

#[derive(Debug)]
pub(crate) struct IdMap<V> {
    dense: Vec<Option<V>>,
    sparse: FxHashMap<u64, V>,
}

impl<V> Default for IdMap<V> {
    fn default() -> Self {
        IdMap { dense: Vec::new(), sparse: FxHashMap::default() }
    }
}

impl<V> IdMap<V> {
    #[inline]
    pub(crate) fn get(&self, id: u64) -> Option<&V> {
        if let Some(v) = self.dense.get(id as usize) {
            return v.as_ref();
        }
        if self.sparse.is_empty() {
            return None;
        }
        self.sparse.get(&id)
    }

    #[inline]
    pub(crate) fn contains(&self, id: u64) -> bool {
        self.get(id).is_some()
    }

    /// Whether `id` goes to the vector: ids below its length, or a little above (it grows
    /// geometrically as ids come in order).
    #[inline]
    fn dense_slot(&mut self, id: u64) -> bool {
        if (id as usize) < self.dense.len() {
            return true;
        }
        if id < DENSE_LIMIT && id <= 2 * self.dense.len() as u64 + 1024 {
            let n = (id as usize + 1).next_power_of_two().max(64);
            self.dense.resize_with(n, || None);
            return true;
        }
        false
    }

    /// The value of `id`, inserted by `f` if absent.
    #[inline]
    pub(crate) fn get_or_insert_with(&mut self, id: u64, f: impl FnOnce() -> V) -> &mut V {
        if self.dense_slot(id) {
            self.dense[id as usize].get_or_insert_with(f)
        } else {
            self.sparse.entry(id).or_insert_with(f)
        }
    }

    #[inline]
    pub(crate) fn insert(&mut self, id: u64, v: V) {
        if self.dense_slot(id) {
            self.dense[id as usize] = Some(v);
        } else {
            self.sparse.insert(id, v);
        }
    }

    #[inline]
    pub(crate) fn remove(&mut self, id: u64) -> Option<V> {
        if let Some(v) = self.dense.get_mut(id as usize) {
            return v.take();
        }
        if self.sparse.is_empty() {
            return None;
        }
        self.sparse.remove(&id)
    }

    /// Every entry, in no particular order, emptying the map.
    pub(crate) fn drain(&mut self) -> impl Iterator<Item = (u64, V)> + '_ {
        let dense = std::mem::take(&mut self.dense);
        let sparse = std::mem::take(&mut self.sparse);
        dense.into_iter().enumerate().filter_map(|(i, v)| Some((i as u64, v?))).chain(sparse)
    }
}

impl<V: Default> IdMap<V> {
    /// The value of `id`, the default inserted if absent (Go's `m[id]` on a map of values,
    /// followed by a store).
    #[inline]
    pub(crate) fn entry(&mut self, id: u64) -> &mut V {
        self.get_or_insert_with(id, V::default)
    }
}

impl<V: Default + Copy> IdMap<V> {
    /// The value of `id`, or the default (Go's `m[id]`).
    #[inline]
    pub(crate) fn get_or_default(&self, id: u64) -> V {
        self.get(id).copied().unwrap_or_default()
    }
}

/// A key for a P id (-1, a real P, or one of the fake Ps) that keeps the common ones small.
#[inline]
pub(crate) fn p_key(p: i32) -> u64 {
    use super::spec::{FAKE_P, PROFILE_P};
    if (FAKE_P..=PROFILE_P).contains(&p) {
        (p - FAKE_P) as u64
    } else {
        (p as i64 + 7) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dense_and_sparse() {
        let mut m: IdMap<u32> = IdMap::default();
        m.insert(3, 30);
        m.insert(u64::MAX - 1, 1);
        m.insert(5_000_000, 2);
        assert_eq!(m.get(3), Some(&30));
        assert_eq!(m.get(4), None);
        assert_eq!(m.get(u64::MAX - 1), Some(&1));
        assert_eq!(m.get_or_default(5_000_000), 2);
        *m.entry(4) += 7;
        assert_eq!(m.get(4), Some(&7));
        assert_eq!(m.remove(3), Some(30));
        assert!(!m.contains(3));
        let mut all: Vec<_> = m.drain().collect();
        all.sort();
        assert_eq!(all, vec![(4, 7), (5_000_000, 2), (u64::MAX - 1, 1)]);
    }

    #[test]
    fn p_keys_are_distinct() {
        let ps = [-1, 0, 1, 999_993, 999_999, 1_000_000, 1_000_005, 1_000_006, i32::MAX];
        let mut keys: Vec<u64> = ps.iter().map(|&p| p_key(p)).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), ps.len());
    }
}
