//! Strings and stacks of the timeline, interned across generations: a span keeps a stack as a
//! `u32` (index + 1, 0 = none) and the stack's frames are kept once.

use gotrace::Stack;
use rustc_hash::FxHashMap;

/// Interned strings; index 0 is the empty string.
#[derive(Debug, Clone)]
pub struct Strings {
    pub list: Vec<String>,
    index: FxHashMap<String, u32>,
}

impl Default for Strings {
    fn default() -> Self {
        let mut s = Strings { list: Vec::new(), index: FxHashMap::default() };
        s.intern("");
        s
    }
}

impl Strings {
    pub fn intern(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.index.get(s) {
            return i;
        }
        let i = self.list.len() as u32;
        self.list.push(s.to_string());
        self.index.insert(s.to_string(), i);
        i
    }

    pub fn get(&self, i: u32) -> &str {
        self.list.get(i as usize).map_or("", |s| s.as_str())
    }
}

/// A cache in front of [`Strings::intern`] for strings of a generation's table: the same
/// string of the same generation has the same address, so a few recent (generation,
/// address, length) keys avoid hashing the text.
#[derive(Debug, Clone, Default)]
pub struct RecentStrings {
    /// Direct-mapped by address: (generation, address, length, index).
    slots: Vec<(u64, usize, usize, u32)>,
}

const SLOTS: usize = 64;

impl RecentStrings {
    #[inline]
    pub fn intern(&mut self, generation: u64, s: &str, strings: &mut Strings) -> u32 {
        if self.slots.is_empty() {
            self.slots = vec![(u64::MAX, 0, 0, 0); SLOTS];
        }
        let key = (generation, s.as_ptr() as usize, s.len());
        let slot = (key.1 >> 3 ^ key.1 >> 9) % SLOTS;
        let e = self.slots[slot];
        if (e.0, e.1, e.2) == key {
            return e.3;
        }
        let i = strings.intern(s);
        self.slots[slot] = (key.0, key.1, key.2, i);
        i
    }
}

/// One frame: function, file (string indices) and line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Frame {
    pub func: u32,
    pub file: u32,
    pub line: u32,
}

/// Interned stacks, frames leaf first.
#[derive(Debug, Clone, Default)]
pub struct Stacks {
    /// (generation, stack id) -> stack index + 1.
    by_gen_id: FxHashMap<(u64, u64), u32>,
    /// The same for the current generation, by stack id (u32::MAX = not yet seen).
    cur_gen: u64,
    cur: Vec<u32>,
    by_pcs: FxHashMap<Box<[u64]>, u32>,
    by_pc: FxHashMap<u64, u32>,
    pub frames: Vec<Frame>,
    /// Per stack, its frames (indices into `frames`).
    pub stacks: Vec<Box<[u32]>>,
}

impl Stacks {
    /// The stack's index + 1 (0 for no stack or an empty one).
    pub fn intern(&mut self, generation: u64, stack: Stack<'_>, strings: &mut Strings) -> u32 {
        if !stack.is_present() || stack.id().0 == 0 {
            return 0;
        }
        let id = stack.id().0;
        if generation != self.cur_gen {
            self.cur_gen = generation;
            self.cur.clear();
        }
        if let Some(&i) = self.cur.get(id as usize) {
            if i != u32::MAX {
                return i;
            }
        }
        let i = self.intern_slow(generation, stack, strings);
        if id < (1 << 20) {
            if self.cur.len() <= id as usize {
                self.cur.resize(id as usize + 1, u32::MAX);
            }
            self.cur[id as usize] = i;
        }
        i
    }

    fn intern_slow(&mut self, generation: u64, stack: Stack<'_>, strings: &mut Strings) -> u32 {
        let key = (generation, stack.id().0);
        if let Some(&i) = self.by_gen_id.get(&key) {
            return i;
        }
        let pcs = stack.pcs();
        let i = match self.by_pcs.get(pcs) {
            Some(&i) => i,
            None => {
                let mut frames = Vec::with_capacity(pcs.len());
                for f in stack.frames() {
                    let fi = match self.by_pc.get(&f.pc) {
                        Some(&fi) => fi,
                        None => {
                            let fi = self.frames.len() as u32;
                            self.frames.push(Frame { func: strings.intern(f.func), file: strings.intern(f.file), line: f.line as u32 });
                            self.by_pc.insert(f.pc, fi);
                            fi
                        }
                    };
                    frames.push(fi);
                }
                self.stacks.push(frames.into_boxed_slice());
                let i = self.stacks.len() as u32;
                self.by_pcs.insert(pcs.into(), i);
                i
            }
        };
        self.by_gen_id.insert(key, i);
        i
    }

    /// The frames of stack `i` (index + 1 as stored in spans).
    pub fn get(&self, i: u32) -> &[u32] {
        if i == 0 {
            return &[];
        }
        self.stacks.get(i as usize - 1).map_or(&[], |s| s)
    }

    /// Drops the lookup tables (after the pass).
    pub fn finish(&mut self) {
        self.by_gen_id = FxHashMap::default();
        self.by_pcs = FxHashMap::default();
        self.by_pc = FxHashMap::default();
        self.cur = Vec::new();
    }
}

/// Maps small integer ids (goroutines, procs, threads) to ordinals: a dense table for ids
/// below a million, a hash map above.
#[derive(Debug, Clone, Default)]
pub struct IdMap {
    dense: Vec<u32>,
    sparse: FxHashMap<i64, u32>,
}

const DENSE_LIMIT: i64 = 1 << 20;

impl IdMap {
    #[inline]
    pub fn get(&self, id: i64) -> Option<u32> {
        if (0..DENSE_LIMIT).contains(&id) {
            match self.dense.get(id as usize) {
                Some(&v) if v != u32::MAX => Some(v),
                _ => None,
            }
        } else {
            self.sparse.get(&id).copied()
        }
    }

    pub fn insert(&mut self, id: i64, v: u32) {
        if (0..DENSE_LIMIT).contains(&id) {
            let i = id as usize;
            if self.dense.len() <= i {
                self.dense.resize(i + 1, u32::MAX);
            }
            self.dense[i] = v;
        } else {
            self.sparse.insert(id, v);
        }
    }
}
