// Number formatting shared by every view.
'use strict';
window.GT = window.GT || {};

GT.fmt = {
  /** A duration in ns, human: 950ns, 12.3µs, 4.56ms, 1.23s. */
  dur(ns) {
    if (ns === null || ns === undefined || Number.isNaN(ns)) return '–';
    const a = Math.abs(ns);
    if (a < 1e3) return `${ns}ns`;
    if (a < 1e6) return `${(ns / 1e3).toPrecision(3)}µs`;
    if (a < 1e9) return `${(ns / 1e6).toPrecision(3)}ms`;
    return `${(ns / 1e9).toPrecision(4)}s`;
  },
  bytes(n) {
    if (n < 1e3) return `${n} B`;
    if (n < 1e6) return `${(n / 1e3).toFixed(1)} kB`;
    if (n < 1e9) return `${(n / 1e6).toFixed(1)} MB`;
    return `${(n / 1e9).toFixed(2)} GB`;
  },
  int(n) { return n === null || n === undefined ? '–' : Number(n).toLocaleString('en-US'); },
  pct(x) { return `${(x * 100).toFixed(1)}%`; },
};
