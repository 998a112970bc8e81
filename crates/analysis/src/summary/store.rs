//! What the summary keeps of the trace, compactly: the names, stacks and log messages its
//! events refer to, the events themselves (`Ev`), and the encoded stats of regions.
//!
//! Go's summary points at the trace's events, each keeping its generation's tables alive. On a
//! big trace that is most of the summary's memory (an event is 80 bytes, plus every
//! generation's string and stack tables), so the summary copies out what it needs instead: the
//! few distinct stacks, names and "sites" (goroutine, name and stack) once, and a few bytes per
//! event.

use gotrace::{Event, EventKind, GoId, ResourceId, ResourceKind, Time};
use rustc_hash::FxHashMap;

use super::names::{self, Names, Sym};
use super::paged::PagedBytes;

/// An event the summary keeps (region, task and log events, and the state transitions that
/// begin or end regions), with all it needs to answer [`EventRef`](super::EventRef)'s questions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Ev {
    pub time: Time,
    pub g: GoId,
    /// Regions and logs: the task; tasks: the task's id; state transitions: the resource id.
    pub id: u64,
    /// Tasks: the parent; logs: the start of the message in [`Store::messages`].
    pub aux: u64,
    /// Logs: the length of the message.
    pub aux2: u32,
    /// Regions and tasks: the type; logs: the category; state transitions: the reason.
    pub name: Sym,
    /// The event's stack in [`Stacks`] (0: none).
    pub stack: u32,
    pub kind: EventKind,
    /// State transitions: the resource's kind, the old and new states.
    pub res: ResourceKind,
    pub old: u8,
    pub new: u8,
}

impl Ev {
    pub const NONE: Ev = Ev {
        time: 0,
        g: GoId::NONE,
        id: 0,
        aux: 0,
        aux2: 0,
        name: Sym(0),
        stack: 0,
        kind: EventKind::Bad,
        res: ResourceKind::None,
        old: 0,
        new: 0,
    };
}

/// The stacks of the kept events, interned by generation and id (stack ids are per
/// generation; a v1 trace is one generation).
#[derive(Debug, Clone, Default)]
pub(crate) struct Stacks {
    ids: FxHashMap<(u64, u64), u32>,
    last: Option<((u64, u64), u32)>,
    /// End of stack `i`'s PCs in `pcs` and of its frames in `frames` is at `i - 1`; stack 0 is
    /// "no stack".
    ends: Vec<(u32, u32)>,
    pcs: Vec<u64>,
    frames: Vec<Frame>,
}

/// A frame whose PC is in the generation's frame table (a stack's other PCs have none).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Frame {
    pub pc: u64,
    pub line: u64,
    pub func: Sym,
    pub file: Sym,
}

impl Stacks {
    /// The stack of `ev` (Go's `ev.Stack()`), interned.
    #[inline]
    pub fn intern(&mut self, ev: &Event, names: &mut Names) -> u32 {
        let stack = ev.stack();
        if !stack.is_present() {
            return 0;
        }
        let key = (ev.generation(), stack.id().0);
        if let Some((k, i)) = self.last {
            if k == key {
                return i;
            }
        }
        let i = match self.ids.get(&key) {
            Some(&i) => i,
            None => {
                self.pcs.extend_from_slice(stack.pcs());
                for f in stack.frames() {
                    let (func, file) = (names.intern(f.func), names.intern(f.file));
                    self.frames.push(Frame { pc: f.pc, line: f.line, func, file });
                }
                let at = |n: usize| u32::try_from(n).expect("fewer than 2^32 PCs in kept stacks");
                self.ends.push((at(self.pcs.len()), at(self.frames.len())));
                let i = at(self.ends.len());
                self.ids.insert(key, i);
                i
            }
        };
        self.last = Some((key, i));
        i
    }

    fn span(&self, i: u32) -> ((usize, usize), (usize, usize)) {
        let i = i as usize;
        if i == 0 || i > self.ends.len() {
            return ((0, 0), (0, 0));
        }
        let (pe, fe) = self.ends[i - 1];
        let (ps, fs) = if i >= 2 { self.ends[i - 2] } else { (0, 0) };
        ((ps as usize, pe as usize), (fs as usize, fe as usize))
    }

    pub fn pcs(&self, i: u32) -> &[u64] {
        let ((s, e), _) = self.span(i);
        &self.pcs[s..e]
    }

    pub fn frames(&self, i: u32) -> &[Frame] {
        let (_, (s, e)) = self.span(i);
        &self.frames[s..e]
    }
}

/// Where a kept event happened: its goroutine (index), its name (region or task type, log
/// category) and its stack. Few distinct ones exist: records refer to them by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Site {
    pub g: u32,
    pub name: Sym,
    pub stack: u32,
}

/// The sites, interned.
#[derive(Debug, Clone, Default)]
pub(crate) struct Sites {
    ids: FxHashMap<Site, u32>,
    pub list: Vec<Site>,
}

impl Sites {
    pub fn intern(&mut self, site: Site) -> u32 {
        let n = self.list.len();
        let id = *self.ids.entry(site).or_insert_with(|| u32::try_from(n).expect("fewer than 2^32 sites"));
        if id as usize == n {
            self.list.push(site);
        }
        id
    }

    pub fn get(&self, id: u32) -> Site {
        self.list.get(id as usize).copied().unwrap_or(Site { g: u32::MAX, name: Sym(0), stack: 0 })
    }

    /// Only the list remains (the summary interns no more).
    pub fn freeze(&mut self) {
        self.ids = FxHashMap::default();
    }
}

/// The distinct sets of map keys of region stats (as lists, in the order a goroutine met the
/// keys). A region's stats refer to their key sets by id: a goroutine's keys rarely change,
/// so few sets exist.
#[derive(Debug, Clone)]
pub(crate) struct KeySets {
    ids: FxHashMap<Box<[Sym]>, u32>,
    /// End of set `i` in `syms`; set 0 is the empty one.
    ends: Vec<u32>,
    syms: Vec<Sym>,
}

impl Default for KeySets {
    fn default() -> Self {
        KeySets { ids: FxHashMap::default(), ends: vec![0], syms: Vec::new() }
    }
}

impl KeySets {
    pub fn intern(&mut self, keys: &[Sym]) -> u32 {
        if keys.is_empty() {
            return 0;
        }
        if let Some(&id) = self.ids.get(keys) {
            return id;
        }
        self.syms.extend_from_slice(keys);
        let id = u32::try_from(self.ends.len()).expect("fewer than 2^32 key sets");
        self.ends.push(u32::try_from(self.syms.len()).expect("fewer than 2^32 keys in key sets"));
        self.ids.insert(keys.into(), id);
        id
    }

    pub fn get(&self, id: u32) -> &[Sym] {
        let i = id as usize;
        match (i.checked_sub(1).and_then(|p| self.ends.get(p)), self.ends.get(i)) {
            (Some(&s), Some(&e)) => &self.syms[s as usize..e as usize],
            _ => &[],
        }
    }
}

/// What identifies the site of an event before anything is interned: goroutine, where the
/// name's text is, generation and stack id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct SiteKey {
    g: u32,
    len: usize,
    addr: usize,
    generation: u64,
    stack: u64,
}

const SITE_CACHE: usize = 1024;

/// Everything the summary's records refer to.
#[derive(Debug, Clone, Default)]
pub(crate) struct Store {
    pub names: Names,
    pub stacks: Stacks,
    pub sites: Sites,
    /// Recent sites by [`SiteKey`] (checked: the name's address can be reused for other text).
    site_cache: Vec<(SiteKey, u32)>,
    /// The log messages, one after the other.
    pub messages: String,
    /// Kept events that do not fit a record's compact form.
    pub events: Vec<Ev>,
    /// The start events of regions that are kept apart (synthetic regions), by region.
    pub apart_starts: FxHashMap<u32, u32>,
    pub key_sets: KeySets,
    /// The encoded stats of the regions (see `exec_stats::Encoder`).
    pub region_stats: PagedBytes,
    /// Goroutine ids by the index the records use.
    pub go_ids: Vec<GoId>,
}

impl Store {
    /// The site of `ev` on goroutine `g` (index) with name `name`.
    pub fn site(&mut self, ev: &Event, g: u32, name: Sym) -> u32 {
        let stack = self.stacks.intern(ev, &mut self.names);
        self.sites.intern(Site { g, name, stack })
    }

    /// The site of `ev` on goroutine `g` with name `name`, a string of the event's (cached by
    /// where it is: most events repeat a few sites).
    #[inline]
    pub fn site_of(&mut self, ev: &Event, g: u32, name: &str) -> u32 {
        let stack = ev.stack();
        let key = SiteKey {
            g,
            len: name.len(),
            addr: name.as_ptr() as usize,
            generation: ev.generation(),
            stack: if stack.is_present() { stack.id().0 } else { u64::MAX },
        };
        let h = (key.addr as u64 >> 3)
            .wrapping_add(u64::from(key.g).wrapping_mul(0x9e37_79b9_7f4a_7c15))
            .wrapping_add(key.stack.wrapping_mul(0xc2b2_ae3d_27d4_eb4f))
            .wrapping_add(key.generation)
            .wrapping_mul(0x1656_67b1_9e37_79f9);
        let slot = (h >> 54) as usize % SITE_CACHE;
        if self.site_cache.is_empty() {
            self.site_cache = vec![(SiteKey { g: u32::MAX, ..SiteKey::default() }, 0); SITE_CACHE];
        }
        let (k, site) = self.site_cache[slot];
        if k == key && names::same(self.names.name(self.sites.get(site).name), name) {
            return site;
        }
        let sym = self.names.intern(name);
        let site = self.site(ev, g, sym);
        self.site_cache[slot] = (key, site);
        site
    }

    /// `ev` (of any kind the summary keeps), kept apart; its index in [`Store::events`].
    pub fn keep_apart(&mut self, ev: &Event) -> u32 {
        let mut out = Ev {
            time: ev.time(),
            g: ev.goroutine(),
            kind: ev.kind(),
            stack: self.stacks.intern(ev, &mut self.names),
            ..Ev::NONE
        };
        match ev.kind() {
            EventKind::RegionBegin | EventKind::RegionEnd => {
                if let Some(r) = ev.region() {
                    out.id = r.task.0;
                    out.name = self.names.intern(r.typ);
                }
            }
            EventKind::TaskBegin | EventKind::TaskEnd => {
                if let Some(t) = ev.task() {
                    out.id = t.id.0;
                    out.aux = t.parent.0;
                    out.name = self.names.intern(&t.typ);
                }
            }
            EventKind::StateTransition => {
                if let Some(st) = ev.state_transition() {
                    out.res = st.resource.kind;
                    out.id = st.resource.id as u64;
                    out.name = self.names.intern(st.reason);
                    let (old, new) = match (st.goroutine(), st.proc()) {
                        (Some((o, n)), _) => (o as u8, n as u8),
                        (_, Some((o, n))) => (o as u8, n as u8),
                        _ => (u8::MAX, u8::MAX),
                    };
                    out.old = old;
                    out.new = new;
                }
            }
            // Logs are always kept as log records.
            _ => {}
        }
        self.push_apart(out)
    }

    pub fn push_apart(&mut self, ev: Ev) -> u32 {
        self.events.push(ev);
        u32::try_from(self.events.len() - 1).expect("fewer than 2^32 kept events")
    }

    pub fn message(&self, start: u64, len: u32) -> &str {
        let s = start as usize;
        self.messages.get(s..s + len as usize).unwrap_or("")
    }

    pub fn resource(ev: &Ev) -> ResourceId {
        ResourceId { kind: ev.res, id: ev.id as i64 }
    }

    pub fn go_id(&self, g: u32) -> GoId {
        self.go_ids.get(g as usize).copied().unwrap_or(GoId::NONE)
    }
}
