//! Events handed to another thread.
//!
//! An [`Event`] shares its generation's tables through an `Rc`, so it cannot cross threads. A
//! [`Packer`] turns events into [`Packet`]s, which can; an [`Unpacker`] on the other thread
//! makes the same events again from them, sharing its own copy of each generation's tables
//! (copied once per generation, when the first event referring to them is packed).
//!
//! ```
//! let bytes = b"go 1.26 trace\0\0\0";
//! let mut r = gotrace::Reader::new(bytes).unwrap();
//! let (mut packer, mut packet) = (gotrace::Packer::default(), gotrace::Packet::default());
//! while let Some(ev) = r.read_event().unwrap() {
//!     packer.pack(&ev, &mut packet);
//! }
//! let mut kinds = Vec::new();
//! std::thread::spawn(move || {
//!     gotrace::Unpacker::default().unpack(&mut packet, |ev| kinds.push(ev.kind()));
//!     assert_eq!(kinds, [gotrace::EventKind::Sync]);
//! }).join().unwrap();
//! ```

use std::cell::RefCell;
use std::rc::Rc;

use rustc_hash::FxHashMap;

use crate::event::{BaseEvent, Event, SchedCtx};
use crate::table::{DataTable, EvTable, ExperimentalBatch, ExtraStrings, FrameRef, SyncInfo};

/// An event without its tables: whether it has any (the current ones) is `has_table`.
///
/// The fields are not laid out as the event's: packing copies them one by one. (The reader
/// has just written the event's time; a copy of the whole event would read it back in wider
/// loads than it was written with, which stalls until the write lands.)
#[derive(Debug, Clone, Copy)]
struct Packed {
    time: i64,
    args: [u64; 4],
    ctx: SchedCtx,
    typ: u8,
    has_table: bool,
}

/// A copy of a generation's tables that can be sent to another thread.
#[derive(Debug)]
struct TableCopy {
    gen: u64,
    sync: SyncInfo,
    strings: DataTable<Box<str>>,
    stacks: DataTable<Box<[u64]>>,
    pcs: FxHashMap<u64, FrameRef>,
    extra_strings: Vec<Box<str>>,
    exp_batches: Vec<(u8, Vec<ExperimentalBatch>)>,
}

impl TableCopy {
    fn of(t: &EvTable) -> TableCopy {
        TableCopy {
            gen: t.gen,
            sync: t.sync,
            strings: t.strings.clone(),
            stacks: t.stacks.clone(),
            pcs: t.pcs.clone(),
            extra_strings: t.extra_strings.borrow().list().iter().map(|s| Box::from(&**s)).collect(),
            exp_batches: t.exp_batches.clone(),
        }
    }

    fn into_table(self) -> EvTable {
        let mut extra = ExtraStrings::default();
        for s in self.extra_strings {
            extra.push(Rc::from(s));
        }
        EvTable {
            gen: self.gen,
            sync: self.sync,
            strings: self.strings,
            stacks: self.stacks,
            pcs: self.pcs,
            extra_count: std::cell::Cell::new(extra.list().len()),
            extra_strings: RefCell::new(extra),
            exp_batches: self.exp_batches,
        }
    }
}

/// Events on their way to another thread, with the tables they need that were not sent
/// before. Clear it (or let [`Unpacker::unpack`] have read it) and fill it again: its
/// memory is kept.
#[derive(Debug, Default)]
pub struct Packet {
    events: Vec<Packed>,
    /// New tables, by the index of the first event that refers to them.
    tables: Vec<(usize, TableCopy)>,
    /// Strings the ordering added to the current tables, by the index of the event after which
    /// they were seen.
    extra_strings: Vec<(usize, Box<str>)>,
}

impl Packet {
    /// An empty packet with room for `n` events.
    pub fn with_capacity(n: usize) -> Packet {
        Packet { events: Vec::with_capacity(n), ..Packet::default() }
    }

    /// The number of events in the packet.
    pub fn len(&self) -> usize {
        self.events.len()
    }

    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// Empties the packet, keeping its memory.
    pub fn clear(&mut self) {
        self.events.clear();
        self.tables.clear();
        self.extra_strings.clear();
    }
}

/// Packs events, remembering which tables the other side has.
#[derive(Debug, Default)]
pub struct Packer {
    /// The tables last sent (kept alive, so that the pointer cannot be reused).
    table: Option<Rc<EvTable>>,
    /// How many of their extra strings were sent.
    extra_sent: usize,
}

impl Packer {
    /// Adds `ev` to `packet`, with a copy of its tables if they were not sent before.
    #[inline(always)]
    pub fn pack(&mut self, ev: &Event, packet: &mut Packet) {
        let at = packet.events.len();
        if let Some(t) = &ev.table {
            if !self.table.as_ref().is_some_and(|s| Rc::ptr_eq(s, t)) {
                packet.tables.push((at, TableCopy::of(t)));
                self.extra_sent = t.extra_strings.borrow().list().len();
                self.table = Some(t.clone());
            }
        }
        // The ordering adds strings to the current tables as it goes (task types): send the
        // new ones before the event that may use them.
        if let Some(t) = &self.table {
            if t.extra_count.get() != self.extra_sent {
                let extra = t.extra_strings.borrow();
                for s in &extra.list()[self.extra_sent..] {
                    packet.extra_strings.push((at, Box::from(&**s)));
                }
                self.extra_sent = extra.list().len();
            }
        }
        let b = &ev.base;
        packet.events.push(Packed { time: b.time, args: b.args, ctx: ev.ctx, typ: b.typ, has_table: ev.table.is_some() });
    }
}

/// Makes events again from packets, in the order they were packed.
#[derive(Debug, Default)]
pub struct Unpacker {
    table: Option<Rc<EvTable>>,
}

impl Unpacker {
    /// Calls `f` with each event of `packet` (which must come after the packets this unpacker
    /// read before, from the same packer), and empties it.
    pub fn unpack(&mut self, packet: &mut Packet, mut f: impl FnMut(&Event)) {
        let mut tables = packet.tables.drain(..);
        let mut extra = packet.extra_strings.iter();
        // The indices of the next table and string to take (usize::MAX: none left).
        let at = |x: Option<usize>| x.unwrap_or(usize::MAX);
        let (mut table_at, mut extra_at) = (at(tables.as_slice().first().map(|t| t.0)), at(extra.as_slice().first().map(|s| s.0)));
        // One event, rewritten for each packed one: its tables change only now and then.
        let mut ev = Event { table: None, ctx: SchedCtx::NONE, base: BaseEvent::default() };
        for (i, p) in packet.events.iter().enumerate() {
            while table_at == i {
                let (_, t) = tables.next().expect("a table at this index");
                self.table = Some(Rc::new(t.into_table()));
                ev.table = None;
                table_at = at(tables.as_slice().first().map(|t| t.0));
            }
            while extra_at == i {
                let (_, s) = extra.next().expect("a string at this index");
                if let Some(t) = &self.table {
                    t.push_extra_string(Rc::from(&**s));
                }
                extra_at = at(extra.as_slice().first().map(|s| s.0));
            }
            if p.has_table != ev.table.is_some() {
                ev.table = if p.has_table { self.table.clone() } else { None };
            }
            ev.ctx = p.ctx;
            ev.base = BaseEvent { typ: p.typ, time: p.time, args: p.args };
            f(&ev);
        }
        drop(tables);
        packet.clear();
    }
}

/// Events lent by `next_event`, packed, sent to another thread and unpacked there are the
/// events `read_event` gives, in Go's text form (which shows every argument, the strings of
/// the tables, stacks with their frames, and the task types the ordering adds), on every
/// fixture and, if present, the shared corpus.
#[cfg(test)]
mod tests {
    use super::{Packer, Packet, Unpacker};
    use crate::Reader;

    /// The same through `next_event`, packets of `per` events and a second thread.
    fn handed_off(data: &[u8], per: usize) -> (Vec<String>, Option<String>) {
        let (tx, rx) = std::sync::mpsc::channel::<Packet>();
        let other = std::thread::spawn(move || {
            let mut u = Unpacker::default();
            let mut out = Vec::new();
            for mut p in rx {
                u.unpack(&mut p, |ev| out.push(format!("{ev}")));
                assert!(p.is_empty(), "unpacking empties the packet");
            }
            out
        });
        let mut r = Reader::new(data).expect("a trace");
        let (mut packer, mut packet) = (Packer::default(), Packet::with_capacity(per));
        let err = loop {
            match r.next_event() {
                Ok(Some(ev)) => {
                    packer.pack(ev, &mut packet);
                    if packet.len() == per {
                        tx.send(std::mem::take(&mut packet)).unwrap();
                    }
                }
                Ok(None) => break None,
                Err(e) => break Some(e.to_string()),
            }
        };
        tx.send(packet).unwrap();
        drop(tx);
        (other.join().expect("the unpacking thread"), err)
    }

    #[test]
    fn handed_off_events_are_the_events_read() {
        let (mut events, mut generations) = (0, 0);
        for (f, data, want) in crate::test_traces::readable() {
            // Packets of one event, of a few (tables and strings arrive mid-packet) and big ones.
            for per in [1, 7, 4096] {
                crate::test_traces::assert_same(&handed_off(&data, per), &want, &format!("{}, packets of {per}", f.display()));
            }
            events += want.0.len();
            generations += want.0.iter().filter(|e| e.contains("Sync")).count();
        }
        assert!(events > 10_000 && generations > 10, "{events} events, {generations} syncs compared");
    }
}
