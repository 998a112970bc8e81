//! Interned names (block reasons, range names) and a tiny map keyed by them.
//!
//! Go keys its per-goroutine maps by `string`. Here every reason or range name is interned once
//! into a [`Sym`], so the per-event path (state transitions, ranges) only hashes a short string
//! and never allocates; names become `String`s again when the summary is published.

use rustc_hash::FxHashMap;

/// An interned name. `Sym::default()` is the empty string (the zero value of Go's `string`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub(crate) struct Sym(usize);

/// The interner.
#[derive(Debug)]
pub(crate) struct Names {
    ids: FxHashMap<Box<str>, Sym>,
    names: Vec<Box<str>>,
}

impl Names {
    pub fn new() -> Names {
        let mut names = Names { ids: FxHashMap::default(), names: Vec::new() };
        names.intern("");
        names
    }

    pub fn intern(&mut self, name: &str) -> Sym {
        if let Some(&sym) = self.ids.get(name) {
            return sym;
        }
        let sym = Sym(self.names.len());
        self.names.push(name.into());
        self.ids.insert(name.into(), sym);
        sym
    }

    pub fn name(&self, sym: Sym) -> &str {
        self.names.get(sym.0).map_or("", |s| s)
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
        let i = match self.entries.iter().position(|(s, _)| *s == k) {
            Some(i) => i,
            None => {
                self.entries.push((k, V::default()));
                self.entries.len() - 1
            }
        };
        &mut self.entries[i].1
    }

    pub fn set(&mut self, k: Sym, v: V) {
        *self.slot(k) = v;
    }

    pub fn remove(&mut self, k: Sym) {
        self.entries.retain(|(s, _)| *s != k);
    }

    pub fn iter(&self) -> impl Iterator<Item = (Sym, V)> + '_ {
        self.entries.iter().copied()
    }
}
