//! Ranges (GC mark assists, sweeps, stop-the-world…) attributed to goroutines.

use gotrace::{Event, EventKind, GoId, ProcId, ResourceKind};

use super::exec_stats::add;
use super::summarizer::Summarizer;

impl Summarizer {
    /// RangeBegin and RangeActive.
    pub(super) fn range_begin(&mut self, ev: &Event) {
        let Some(r) = ev.range() else { return };
        let name = self.store.names.intern(&r.name);
        let goid = match r.scope.kind {
            // A goroutine range is attributed whole, regardless of what the goroutine does
            // meanwhile (a goroutine often blocked in mark assist has both high assist and
            // high block times).
            ResourceKind::Goroutine => GoId(r.scope.id),
            // P ranges (sweeps) are bound to the P, not the goroutine; attributed to the
            // goroutine on the P if it is still the one there when the range ends.
            ResourceKind::Proc => {
                let goid = ev.goroutine();
                if self.gs.contains(goid) {
                    self.ranges_p.insert((ProcId(r.scope.id), name), goid);
                }
                goid
            }
            _ => return,
        };
        let Some(g) = self.gs.get_mut(goid) else { return };
        if ev.kind() == EventKind::RangeActive {
            // Active since the Sync, as far as we know.
            let ts = g.open.last_range_time.get(name);
            if ts != 0 {
                add(g.stats.range.slot(name), self.sync_ts.wrapping_sub(ts));
            }
            g.open.last_range_time.set(name, self.sync_ts);
        } else {
            g.open.last_range_time.set(name, ev.time());
        }
    }

    pub(super) fn range_end(&mut self, ev: &Event) {
        let Some(r) = ev.range() else { return };
        let name = self.store.names.intern(&r.name);
        let goid = match r.scope.kind {
            ResourceKind::Goroutine => GoId(r.scope.id),
            ResourceKind::Proc => match self.ranges_p.remove(&(ProcId(r.scope.id), name)) {
                // Only if it ends on the goroutine it began on.
                Some(goid) if goid == ev.goroutine() => goid,
                _ => return,
            },
            _ => return,
        };
        let Some(g) = self.gs.get_mut(goid) else { return };
        let ts = g.open.last_range_time.get(name);
        if ts == 0 {
            return;
        }
        add(g.stats.range.slot(name), ev.time().wrapping_sub(ts));
        g.open.last_range_time.remove(name);
    }
}
