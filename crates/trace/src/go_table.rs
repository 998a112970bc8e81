//! A map from goroutine ids to values, fast for the small dense ids the runtime hands out:
//! ids below a limit index a vector of slots; others go to a hash map. The ordering looks up
//! goroutines on nearly every event, so this is on the hot path.

use rustc_hash::FxHashMap;

use crate::resources::GoId;

/// Ids below this index directly (4 bytes each at most: 16 MiB).
const DENSE_LIMIT: i64 = 1 << 22;
const NONE: u32 = u32::MAX;

#[derive(Debug)]
pub(crate) struct GoTable<T> {
    index: Vec<u32>,
    overflow: FxHashMap<GoId, u32>,
    slots: Vec<Option<(GoId, T)>>,
    free: Vec<u32>,
}

impl<T> Default for GoTable<T> {
    fn default() -> Self {
        GoTable { index: Vec::new(), overflow: FxHashMap::default(), slots: Vec::new(), free: Vec::new() }
    }
}

impl<T> GoTable<T> {
    #[inline]
    fn slot(&self, id: GoId) -> Option<usize> {
        let s = if (0..DENSE_LIMIT).contains(&id.0) {
            *self.index.get(id.0 as usize)?
        } else {
            *self.overflow.get(&id)?
        };
        (s != NONE).then_some(s as usize)
    }

    #[inline]
    pub fn get(&self, id: &GoId) -> Option<&T> {
        let s = self.slot(*id)?;
        self.slots[s].as_ref().map(|(_, v)| v)
    }

    #[inline]
    pub fn get_mut(&mut self, id: &GoId) -> Option<&mut T> {
        let s = self.slot(*id)?;
        self.slots[s].as_mut().map(|(_, v)| v)
    }

    pub fn contains_key(&self, id: &GoId) -> bool {
        self.slot(*id).is_some()
    }

    /// Adds or replaces the value of `id`.
    pub fn insert(&mut self, id: GoId, value: T) {
        if let Some(s) = self.slot(id) {
            self.slots[s] = Some((id, value));
            return;
        }
        let s = match self.free.pop() {
            Some(s) => {
                self.slots[s as usize] = Some((id, value));
                s
            }
            None => {
                self.slots.push(Some((id, value)));
                (self.slots.len() - 1) as u32
            }
        };
        if (0..DENSE_LIMIT).contains(&id.0) {
            let i = id.0 as usize;
            if i >= self.index.len() {
                self.index.resize(i + 1, NONE);
            }
            self.index[i] = s;
        } else {
            self.overflow.insert(id, s);
        }
    }

    pub fn remove(&mut self, id: &GoId) -> Option<T> {
        let s = self.slot(*id)?;
        if (0..DENSE_LIMIT).contains(&id.0) {
            self.index[id.0 as usize] = NONE;
        } else {
            self.overflow.remove(id);
        }
        self.free.push(s as u32);
        self.slots[s].take().map(|(_, v)| v)
    }

    pub fn values(&self) -> impl Iterator<Item = &T> {
        self.slots.iter().flatten().map(|(_, v)| v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dense_and_overflow() {
        let mut t = GoTable::default();
        for id in [1, 5, -1, DENSE_LIMIT, 3] {
            t.insert(GoId(id), id * 10);
        }
        assert_eq!(t.get(&GoId(5)), Some(&50));
        assert_eq!(t.get(&GoId(-1)), Some(&-10));
        assert_eq!(t.get(&GoId(DENSE_LIMIT)), Some(&(DENSE_LIMIT * 10)));
        assert_eq!(t.get(&GoId(2)), None);
        assert_eq!(t.remove(&GoId(5)), Some(50));
        assert!(!t.contains_key(&GoId(5)));
        t.insert(GoId(7), 70);
        assert_eq!(t.get(&GoId(7)), Some(&70));
        t.insert(GoId(7), 71);
        assert_eq!(t.values().count(), 5);
        assert_eq!(t.remove(&GoId(-1)), Some(-10));
        assert_eq!(t.get(&GoId(-1)), None);
    }
}
