//! The trace read once for two threads: the reading thread packs each event it reads into
//! packets ([`gotrace::Packer`]) and sends them; the other thread makes the events again and
//! feeds its own consumers, as [`driver::run`](crate::driver::run) would have.

use std::sync::mpsc::{channel, sync_channel, Receiver, Sender, SyncSender, TrySendError};

use gotrace::{Event, Packer, Packet, Time, Unpacker};

use crate::Consumer;

/// Events per packet (~1.3 MB at 80 bytes an event): each packet sent costs the reading thread
/// a wake-up of the other; with 16,384 events the reading thread spent ~14 ms less per pass
/// on the benchmark trace than with 4,096 (of ~790 ms; 65,536 gained nothing more).
const PACKET_EVENTS: usize = 16384;

/// Packets on their way at most: the reader does not run far ahead (~4 ms of the other
/// thread's work; time enough to read the next generation when the reader would wait).
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
    /// Events per packet.
    per: usize,
    packet: Packet,
    to: Option<SyncSender<Message>>,
    /// A full packet the other end had no room for yet (see [`Consumer::would_wait`]).
    held: Option<Packet>,
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
    relay_sized(PACKET_EVENTS, IN_FLIGHT)
}

/// A connected pair of ends sending packets of `per` events, `in_flight` at most (for tests).
pub fn relay_sized(per: usize, in_flight: usize) -> (Relay, Receiving) {
    let (to, from) = sync_channel(in_flight);
    let (back_to, back) = channel();
    let relay = Relay { packer: Packer::default(), per, packet: Packet::with_capacity(per), to: Some(to), held: None, back };
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

    /// Sends the packet being filled and starts another; the packet is held instead if the
    /// other end has no room for it now (then sent by [`Consumer::wait`], or before the next).
    fn flush(&mut self) {
        if self.packet.is_empty() {
            return;
        }
        self.send_held();
        let next = self.back.try_recv().unwrap_or_else(|_| Packet::with_capacity(self.per));
        let full = std::mem::replace(&mut self.packet, next);
        let Some(to) = &self.to else { return };
        match to.try_send(Message::Events(full)) {
            Ok(()) => {}
            Err(TrySendError::Full(Message::Events(full))) => self.held = Some(full),
            // The other thread is gone: it panicked, and joining it tells.
            Err(_) => self.to = None,
        }
    }

    fn send_held(&mut self) {
        if let Some(p) = self.held.take() {
            self.send(Message::Events(p));
        }
    }

    /// Sends the events not sent yet and closes the relay.
    pub fn finish(mut self) {
        self.flush();
        self.send_held();
        self.to = None;
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.flush();
        self.send_held();
    }
}

impl Consumer for Relay {
    #[inline(always)]
    fn event(&mut self, ev: &Event) {
        self.packer.pack(ev, &mut self.packet);
        if self.packet.len() == self.per {
            self.flush();
        }
    }

    fn initial_gomaxprocs(&mut self, time: Time, procs: u64) {
        self.flush();
        self.send_held();
        self.send(Message::Gomaxprocs(time, procs));
    }

    #[inline(always)]
    fn would_wait(&self) -> bool {
        self.held.is_some()
    }

    fn wait(&mut self) {
        self.send_held();
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
