//! Interned names (block reasons, range names, region and task types, log categories, frame
//! functions and files) and a tiny map keyed by them.
//!
//! Go keys its per-goroutine maps by `string`. Here every name is interned once into a [`Sym`],
//! so the per-event path (state transitions, ranges, regions) only hashes a short string and
//! never allocates, and what the summary keeps refers to names by a 4-byte id.

use rustc_hash::FxHashMap;

/// An interned name. `Sym::default()` is the empty string (the zero value of Go's `string`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub(crate) struct Sym(pub u32);

/// The interner.
#[derive(Debug, Clone)]
pub(crate) struct Names {
    ids: FxHashMap<Box<str>, Sym>,
    names: Vec<Box<str>>,
    /// Recent names by where their text was: the names events carry live in their generation's
    /// string table, so the same address and length usually mean the same name again (checked:
    /// an address can be reused for other text once a generation is dropped).
    cache: Vec<(usize, Sym)>,
}

const CACHE: usize = 64;

impl Default for Names {
    fn default() -> Names {
        Names::new()
    }
}

impl Names {
    pub fn new() -> Names {
        let mut names = Names { ids: FxHashMap::default(), names: Vec::new(), cache: vec![(0, Sym(0)); CACHE] };
        names.intern("");
        names
    }

    #[inline(always)]
    pub fn intern(&mut self, name: &str) -> Sym {
        let addr = name.as_ptr() as usize;
        let slot = (addr >> 3 ^ addr >> 11 ^ name.len()) % CACHE;
        let (a, sym) = self.cache[slot];
        if a == addr && same(self.name(sym), name) {
            return sym;
        }
        let sym = self.intern_slow(name);
        self.cache[slot] = (addr, sym);
        sym
    }

    #[inline(never)]
    fn intern_slow(&mut self, name: &str) -> Sym {
        if let Some(&sym) = self.ids.get(name) {
            return sym;
        }
        let sym = Sym(u32::try_from(self.names.len()).expect("fewer than 2^32 distinct names"));
        self.names.push(name.into());
        self.ids.insert(name.into(), sym);
        sym
    }

    pub fn name(&self, sym: Sym) -> &str {
        self.names.get(sym.0 as usize).map_or("", |s| s)
    }
}

/// `a == b`, without a call to `memcmp` for the short strings names are.
#[inline]
pub(crate) fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let word = |s: &[u8], at: usize| u64::from_le_bytes(s[at..at + 8].try_into().unwrap_or_default());
    match n {
        0 => true,
        1..=7 => a.iter().zip(b).all(|(x, y)| x == y),
        8..=16 => word(a, 0) == word(b, 0) && word(a, n - 8) == word(b, n - 8),
        _ => a == b,
    }
}

/// A small map from [`Sym`] with the semantics of a Go map: reading a missing key gives the
/// zero value without creating it, and a key written once stays (even with a zero value) until
/// it is removed. Key presence is observable in Go's output (e.g. zero entries in
/// `BlockTimeByReason` or `RangeTime`), so it is kept exactly.
///
/// A goroutine sees few distinct reasons and ranges, so a vector beats hashing.
#[derive(Debug, Clone, Default)]
pub(crate) struct SymMap<V> {
    entries: Vec<(Sym, V)>,
}

impl<V: Copy + Default> SymMap<V> {
    /// `m[k]`: the value, or the zero value if absent.
    pub fn get(&self, k: Sym) -> V {
        self.entries.iter().find(|(s, _)| *s == k).map(|&(_, v)| v).unwrap_or_default()
    }

    /// The slot for `k`, created with the zero value if absent (`m[k] += …`).
    pub fn slot(&mut self, k: Sym) -> &mut V {
        slot(&mut self.entries, k)
    }

    pub fn set(&mut self, k: Sym, v: V) {
        *self.slot(k) = v;
    }

    pub fn remove(&mut self, k: Sym) {
        self.entries.retain(|(s, _)| *s != k);
    }

    pub fn entries(&self) -> &[(Sym, V)] {
        &self.entries
    }

    pub fn iter(&self) -> impl Iterator<Item = (Sym, V)> + '_ {
        self.entries.iter().copied()
    }
}

/// The slot for `k` in a vector of entries, appended with the zero value if absent.
#[inline]
pub(crate) fn slot<V: Default>(entries: &mut Vec<(Sym, V)>, k: Sym) -> &mut V {
    let i = match entries.iter().position(|(s, _)| *s == k) {
        Some(i) => i,
        None => {
            entries.push((k, V::default()));
            entries.len() - 1
        }
    };
    &mut entries[i].1
}

/// The slot for `k` among `entries[from..]`, appended with the zero value if absent.
#[inline]
pub(crate) fn slot_from<V: Default>(entries: &mut Vec<(Sym, V)>, from: usize, k: Sym) -> &mut V {
    let i = match entries[from..].iter().position(|(s, _)| *s == k) {
        Some(i) => from + i,
        None => {
            entries.push((k, V::default()));
            entries.len() - 1
        }
    };
    &mut entries[i].1
}

/// The value of `k` in a vector of entries, or zero.
#[inline]
pub(crate) fn get(entries: &[(Sym, i64)], k: Sym) -> i64 {
    entries.iter().find(|(s, _)| *s == k).map_or(0, |&(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::{same, Names};

    #[test]
    fn same_is_eq() {
        let words = ["", "a", "ab", "abcdefg", "abcdefgh", "abcdefgi", "bbcdefgh", "abcdefghijklmnop", "abcdefghijklmnoq", "abcdefghijklmnopq"];
        for a in words {
            for b in words {
                assert_eq!(same(a, b), a == b, "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn interns_by_text() {
        let mut n = Names::new();
        let a = n.intern("chan receive");
        let owned = String::from("chan receive");
        assert_eq!(n.intern(&owned), a);
        assert_eq!(n.intern("select"), super::Sym(2));
        // Same address, other text.
        let mut buf = String::from("select");
        let s = n.intern(&buf);
        buf.clear();
        buf.push_str("sync");
        assert_ne!(n.intern(&buf), s);
        let sync = n.intern(&buf);
        assert_eq!(n.name(sync), "sync");
        assert_eq!(n.intern(""), super::Sym(0));
    }
}
