//! The trace read once for two threads: the reading thread packs each event it reads into
//! packets ([`gotrace::Packer`]) and sends them; the other thread makes the events again and
//! feeds its own consumers, as [`driver::run`](crate::driver::run) would have.

use std::sync::mpsc::{channel, sync_channel, Receiver, Sender, SyncSender};

use gotrace::{Event, Packer, Packet, Time, Unpacker};

use crate::Consumer;

/// Events per packet: big enough that the threads rarely wait for each other, small enough
/// that the packets in flight stay in the caches (80 bytes an event).
const PACKET_EVENTS: usize = 4096;

/// Packets on their way at most: the reader does not run far ahead.
const IN_FLIGHT: usize = 4;

enum Message {
    Events(Packet),
    /// A v1 trace's initial GOMAXPROCS, told before the events that follow.
    Gomaxprocs(Time, u64),
}

/// The reading thread's end: a consumer that sends every event it sees to the [`Receiving`]
/// end. Dropping it (or [`Relay::finish`]) sends what is left and tells the other end that no
/// more events come.
pub struct Relay {
    packer: Packer,
    packet: Packet,
    to: Option<SyncSender<Message>>,
    /// Packets the other end is done with, to be filled again.
    back: Receiver<Packet>,
}

/// The other thread's end.
pub struct Receiving {
    from: Receiver<Message>,
    back: Sender<Packet>,
}

/// A connected pair of ends.
pub fn relay() -> (Relay, Receiving) {
    let (to, from) = sync_channel(IN_FLIGHT);
    let (back_to, back) = channel();
    let relay = Relay { packer: Packer::default(), packet: Packet::with_capacity(PACKET_EVENTS), to: Some(to), back };
    (relay, Receiving { from, back: back_to })
}

impl Relay {
    fn send(&mut self, m: Message) {
        // If the other thread is gone, it panicked: joining it tells.
        if let Some(to) = &self.to {
            if to.send(m).is_err() {
                self.to = None;
            }
        }
    }

    fn flush(&mut self) {
        if self.packet.is_empty() {
            return;
        }
        let next = self.back.try_recv().unwrap_or_else(|_| Packet::with_capacity(PACKET_EVENTS));
        let full = std::mem::replace(&mut self.packet, next);
        self.send(Message::Events(full));
    }

    /// Sends the events not sent yet and closes the relay.
    pub fn finish(mut self) {
        self.flush();
        self.to = None;
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.flush();
    }
}

impl Consumer for Relay {
    #[inline(always)]
    fn event(&mut self, ev: &Event) {
        self.packer.pack(ev, &mut self.packet);
        if self.packet.len() == PACKET_EVENTS {
            self.flush();
        }
    }

    fn initial_gomaxprocs(&mut self, time: Time, procs: u64) {
        self.flush();
        self.send(Message::Gomaxprocs(time, procs));
    }
}

impl Receiving {
    /// Feeds every event sent to `all`, and the first `limit` (all if `None`) to `kept`, as
    /// the driver does, until the relay is closed.
    pub fn feed<A: Consumer + ?Sized, K: Consumer + ?Sized>(self, all: &mut A, kept: &mut K, limit: Option<u64>) {
        let limit = limit.unwrap_or(u64::MAX);
        let mut unpacker = Unpacker::default();
        let mut read = 0u64;
        for m in self.from.iter() {
            match m {
                Message::Events(mut packet) => {
                    unpacker.unpack(&mut packet, |ev| {
                        read += 1;
                        all.event(ev);
                        if read <= limit {
                            kept.event(ev);
                        }
                    });
                    // The relay may be done and gone: then the packet is not needed.
                    let _ = self.back.send(packet);
                }
                Message::Gomaxprocs(time, procs) => {
                    all.initial_gomaxprocs(time, procs);
                    if read < limit {
                        kept.initial_gomaxprocs(time, procs);
                    }
                }
            }
        }
    }
}
