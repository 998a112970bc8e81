//! A generation's tables: strings, stacks, frames, clock (Go's `evTable` and `dataTable`).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use rustc_hash::FxHashMap;

use crate::resources::{StackId, StringId, ThreadId};

/// Ids to values, dense (a vector) when the ids allow, else sparse (a map). Id 0 always reads
/// as the empty value, as in Go.
#[derive(Debug, Clone)]
pub(crate) struct DataTable<T> {
    dense: Vec<Option<T>>,
    /// Which dense ids are present: a bitset small enough to stay in cache, for the checks
    /// every event's ids go through.
    present: Vec<u64>,
    sparse: FxHashMap<u64, T>,
}

impl<T> Default for DataTable<T> {
    fn default() -> Self {
        DataTable { dense: Vec::new(), present: Vec::new(), sparse: FxHashMap::default() }
    }
}

impl<T> DataTable<T> {
    /// Adds a value; an id that is present already (or 0) is an error, returning the old value.
    pub(crate) fn insert(&mut self, id: u64, value: T) -> Result<(), (T, Option<&T>)> {
        if id == 0 {
            return Err((value, None));
        }
        if self.sparse.contains_key(&id) || self.dense.get(id as usize).is_some_and(|v| v.is_some()) {
            let existing = self.get(id);
            return Err((value, existing));
        }
        self.sparse.insert(id, value);
        Ok(())
    }

    /// Moves the values into a vector when the ids are compact enough (Go's `compactify`).
    pub(crate) fn compactify(&mut self) {
        if self.sparse.is_empty() || !self.dense.is_empty() {
            return;
        }
        let max_id = *self.sparse.keys().max().unwrap_or(&0);
        let min_id = *self.sparse.keys().min().unwrap_or(&0);
        let n = self.sparse.len() as u64;
        if max_id >= i64::MAX as u64 || max_id - min_id > n.max(2 * n) || min_id > n {
            return;
        }
        let mut dense: Vec<Option<T>> = Vec::with_capacity(max_id as usize + 1);
        dense.resize_with(max_id as usize + 1, || None);
        let mut present = vec![0u64; (max_id as usize + 1).div_ceil(64)];
        for (id, v) in self.sparse.drain() {
            dense[id as usize] = Some(v);
            present[id as usize / 64] |= 1 << (id % 64);
        }
        self.dense = dense;
        self.present = present;
    }

    /// The value of `id`; `None` for an unknown id. Id 0 is known (the empty value) but has no
    /// stored value: callers treat it as empty.
    #[inline]
    pub(crate) fn get(&self, id: u64) -> Option<&T> {
        if let Some(Some(v)) = self.dense.get(id as usize) {
            return Some(v);
        }
        self.sparse_get(id)
    }

    #[inline(never)]
    fn sparse_get(&self, id: u64) -> Option<&T> {
        self.sparse.get(&id)
    }

    #[inline]
    pub(crate) fn contains(&self, id: u64) -> bool {
        if let Some(w) = self.present.get(id as usize / 64) {
            return id == 0 || w & (1 << (id % 64)) != 0;
        }
        id == 0 || self.sparse.contains_key(&id)
    }

    pub(crate) fn for_each(&self, mut f: impl FnMut(u64, &T) -> bool) {
        for (id, v) in self.dense.iter().enumerate() {
            if let Some(v) = v {
                if !f(id as u64, v) {
                    return;
                }
            }
        }
        let mut ids: Vec<&u64> = self.sparse.keys().collect();
        ids.sort_unstable();
        for id in ids {
            if !f(*id, &self.sparse[id]) {
                return;
            }
        }
    }
}

/// One frame of the stack table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FrameRef {
    pub pc: u64,
    pub func_id: StringId,
    pub file_id: StringId,
    pub line: u64,
}

/// The clock facts of a generation: the timestamp frequency and the clock snapshot (Go 1.25+).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct SyncInfo {
    /// Nanoseconds per timestamp unit.
    pub freq: f64,
    pub has_clock_snapshot: bool,
    pub snap_time: u64,
    pub snap_mono: u64,
    pub snap_wall_sec: i64,
    pub snap_wall_nsec: i64,
}

impl SyncInfo {
    /// Timestamp units to nanoseconds, exactly as Go's `frequency.mul`.
    #[inline]
    pub fn ns(&self, ts: u64) -> i64 {
        mul_freq(self.freq, ts)
    }
}

/// `Time(float64(t) * float64(f))` in Go.
#[inline]
pub(crate) fn mul_freq(freq: f64, ts: u64) -> i64 {
    // Below 2^63 the signed conversion gives the same double, and is cheaper.
    let t = if ts <= i64::MAX as u64 { ts as i64 as f64 } else { ts as f64 };
    (t * freq) as i64
}

/// Data of an experimental batch, handed out unparsed with the generation's Sync event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExperimentalBatch {
    pub thread: ThreadId,
    pub data: Vec<u8>,
}

/// Interned strings made up while ordering; ids start at 1.
#[derive(Debug, Default)]
pub(crate) struct ExtraStrings {
    list: Vec<Rc<str>>,
    ids: FxHashMap<Rc<str>, u64>,
}

impl ExtraStrings {
    /// Adds a string that is not there yet; returns its id.
    pub(crate) fn push(&mut self, s: Rc<str>) -> u64 {
        self.list.push(s.clone());
        let id = self.list.len() as u64;
        self.ids.insert(s, id);
        id
    }

    pub(crate) fn list(&self) -> &[Rc<str>] {
        &self.list
    }
}

/// Everything events of one generation refer to.
#[derive(Debug, Default)]
pub struct EvTable {
    /// The generation these tables belong to (0 for tables of no generation).
    pub(crate) gen: u64,
    pub(crate) sync: SyncInfo,
    pub(crate) strings: DataTable<Box<str>>,
    pub(crate) stacks: DataTable<Box<[u64]>>,
    pub(crate) pcs: FxHashMap<u64, FrameRef>,
    /// Strings made up while ordering (task types carried to TaskEnd events).
    pub(crate) extra_strings: RefCell<ExtraStrings>,
    /// How many `extra_strings` there are, read without borrowing them (for each event handed
    /// to another thread: a borrow writes its flag twice).
    pub(crate) extra_count: Cell<usize>,
    /// Experimental batches by experiment number.
    pub(crate) exp_batches: Vec<(u8, Vec<ExperimentalBatch>)>,
}

impl EvTable {
    /// The string with this id ("" for 0 or an unknown id).
    #[inline]
    pub fn string(&self, id: StringId) -> &str {
        self.strings.get(id.0).map(|s| &**s).unwrap_or("")
    }

    /// The PCs of a stack (empty for 0 or an unknown id).
    pub fn stack_pcs(&self, id: StackId) -> &[u64] {
        self.stacks.get(id.0).map(|s| &**s).unwrap_or(&[])
    }

    pub(crate) fn add_extra_string(&self, s: Rc<str>) -> u64 {
        if s.is_empty() {
            return 0;
        }
        let mut e = self.extra_strings.borrow_mut();
        if let Some(&id) = e.ids.get(&s) {
            return id;
        }
        let id = e.push(s);
        self.extra_count.set(e.list.len());
        id
    }

    /// Adds `s` to the extra strings (where a copy of these tables is made again).
    pub(crate) fn push_extra_string(&self, s: Rc<str>) {
        let mut e = self.extra_strings.borrow_mut();
        e.push(s);
        self.extra_count.set(e.list.len());
    }

    pub(crate) fn extra_string(&self, id: u64) -> Rc<str> {
        if id == 0 {
            return Rc::from("");
        }
        self.extra_strings.borrow().list.get(id as usize - 1).cloned().unwrap_or_else(|| Rc::from(""))
    }
}
