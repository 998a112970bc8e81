// The timeline's time scale: every time <-> pixel conversion, zooming, panning, clamping and
// the axis ticks. Times are trace nanoseconds (numbers: exact up to 2^53 ns, 104 days);
// pixels are CSS pixels from the left of the time area.
'use strict';
(function (root) {
  const GT = root.GT = root.GT || {};

  class TimeScale {
    /** A view of [start, end) ns over `width` px, kept within [min, max]. */
    constructor(start, end, width, min, max) {
      this.min = min;
      this.max = max;
      this.width = Math.max(1, width);
      this.set(start, end);
    }

    /** The shortest view: 100 ns (a few events per pixel at most). */
    static get MIN_SPAN() { return 100; }

    /** Sets the view, clamped to the trace and to the shortest view. */
    set(start, end) {
      let s = Math.min(start, end);
      let e = Math.max(start, end);
      const full = this.max - this.min;
      let span = Math.min(full, Math.max(TimeScale.MIN_SPAN, e - s));
      if (!(span > 0)) span = TimeScale.MIN_SPAN;
      const mid = (s + e) / 2;
      s = mid - span / 2;
      e = mid + span / 2;
      if (s < this.min) { s = this.min; e = s + span; }
      if (e > this.max) { e = this.max; s = Math.max(this.min, e - span); }
      this.start = s;
      this.end = e;
      return this;
    }

    get span() { return this.end - this.start; }
    /** Nanoseconds per pixel. */
    get nsPerPx() { return this.span / this.width; }

    x(t) { return ((t - this.start) / this.span) * this.width; }
    t(x) { return this.start + (x / this.width) * this.span; }

    /** Zooms by `factor` (> 1 zooms in) keeping the time under pixel `atX` in place. */
    zoom(factor, atX) {
      const x = atX === undefined ? this.width / 2 : atX;
      const at = this.t(x);
      const span = this.span / factor;
      const frac = x / this.width;
      return this.set(at - frac * span, at + (1 - frac) * span);
    }

    /** Moves the view by `dx` pixels (positive: later). */
    pan(dx) {
      const d = dx * this.nsPerPx;
      const span = this.span;
      let s = this.start + d;
      s = Math.max(this.min, Math.min(this.max - span, s));
      this.start = s;
      this.end = s + span;
      return this;
    }

    resize(width) {
      this.width = Math.max(1, width);
      return this;
    }

    /** Axis ticks at least `minPx` apart: [{t, x, label}], labels relative to `origin`. */
    ticks(minPx, origin) {
      const step = niceStep(this.nsPerPx * minPx);
      const first = Math.ceil((this.start - origin) / step) * step + origin;
      const out = [];
      for (let t = first; t <= this.end && out.length < 1000; t += step) {
        out.push({ t, x: this.x(t), label: formatTime(t - origin, step) });
      }
      return out;
    }
  }

  /** The smallest 1, 2 or 5 × 10^k ns at least `ns`. */
  function niceStep(ns) {
    if (!(ns > 0)) return 1;
    const p = Math.pow(10, Math.floor(Math.log10(ns)));
    for (const m of [1, 2, 5, 10]) if (m * p >= ns) return m * p;
    return 10 * p;
  }

  /** A time since the trace's start, with the precision the step needs: 1.25ms, 3s, 120µs. */
  function formatTime(ns, step) {
    if (ns === 0) return '0';
    const units = [[1e9, 's'], [1e6, 'ms'], [1e3, 'µs'], [1, 'ns']];
    const [div, unit] = units.find(([d]) => Math.abs(ns) >= d || d === 1) || units[3];
    // As many decimals as the step needs in that unit (a step of 0.5 s: one).
    const digits = Math.max(0, Math.min(9, Math.ceil(-Math.log10(step / div) - 1e-9)));
    return `${(ns / div).toFixed(digits)}${unit}`;
  }

  GT.TimeScale = TimeScale;
  GT.timeScale = { niceStep, formatTime };
})(typeof window !== 'undefined' ? window : globalThis);
