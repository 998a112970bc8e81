// The timeline's data from the worker: level-of-detail rows for the lanes in view and the
// counters, fetched for the visible window padded by one width on each side, at three
// cells per device pixel of the padded width. Frames draw whatever is cached; a fetch is
// asked when the view leaves the cached window, the zoom changes the resolution by more
// than 1.5×, or lanes come into view. One fetch at a time; the newest need wins.
'use strict';
window.GT = window.GT || {};
GT.timeline = GT.timeline || {};

GT.timeline.Data = class Data {
  constructor(client, onData) {
    this.client = client;
    this.onData = onData;
    this.lod = null; // {start, end, cells, lanes: Map(lane -> index), rows}
    this.counters = null; // {start, end, cells, ...}
    this.busy = false;
    this.wanted = null;
    this.fetches = 0;
  }

  /** Whether the cache covers the view at about its resolution. */
  covers(c, start, end, widthPx, lanes) {
    if (!c || start < c.start || end > c.end) return false;
    const cellNs = (c.end - c.start) / c.cells;
    const pxNs = (end - start) / widthPx;
    if (cellNs > pxNs * 1.5 || cellNs < pxNs / 4) return false;
    if (lanes) for (const l of lanes) if (!c.lanes.has(l)) return false;
    return true;
  }

  /** Asks for what the view needs (no-op when cached). `lanes`: lane indices in view. */
  want(start, end, widthPx, lanes, min, max) {
    const needLod = lanes.length && !this.covers(this.lod, start, end, widthPx, lanes);
    const needCounters = !this.covers(this.counters, start, end, widthPx, null);
    if (!needLod && !needCounters) return;
    const span = end - start;
    const s = Math.max(min, start - span);
    const e = Math.min(max, end + span);
    const cells = Math.max(1, Math.round(widthPx * ((e - s) / span)));
    this.wanted = { start: s, end: e, cells, lanes: Uint32Array.from(lanes), needLod, needCounters };
    this.pump();
  }

  async pump() {
    if (this.busy || !this.wanted) return;
    const w = this.wanted;
    this.wanted = null;
    this.busy = true;
    try {
      const [rows, counters] = await Promise.all([
        w.needLod ? this.client.call('timelineLod', w.lanes, w.start, w.end, w.cells) : null,
        w.needCounters ? this.client.call('timelineCounters', w.start, w.end, w.cells) : null,
      ]);
      this.fetches++;
      if (rows) {
        const lanes = new Map();
        w.lanes.forEach((l, i) => lanes.set(l, i));
        this.lod = { start: w.start, end: w.end, cells: w.cells, lanes, rows };
      }
      if (counters) this.counters = { start: w.start, end: w.end, cells: w.cells, lanes: null, ...counters };
      this.onData();
    } catch (e) {
      if (!/cancelled|no trace/.test(e.message)) console.warn('timeline fetch failed', e);
    } finally {
      this.busy = false;
      if (this.wanted) this.pump();
    }
  }

  /** The cached rows of `lane`: [from, to) indices into the columns, or null. */
  rowsOf(lane) {
    return this.slice(lane, 'offsets');
  }

  /** The cached CPU sample marks of `lane` (goroutine lanes): [from, to) indices into the
   * rows' mark columns, or null. */
  marksOf(lane) {
    return this.slice(lane, 'markOffsets');
  }

  /** Lane `lane`'s part of the cached columns, by the per-lane `offsets` column named. */
  slice(lane, offsets) {
    const c = this.lod;
    const k = c ? c.lanes.get(lane) : undefined;
    if (k === undefined) return null;
    return { from: c.rows[offsets][k], to: c.rows[offsets][k + 1], cols: c.rows };
  }
};
