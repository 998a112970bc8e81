// Small charts shared by the views, built from DOM elements (text stays text):
//   GT.histogram(buckets)   durations by Go's buckets (five per power of ten), as a bar list
//   GT.breakdown            stacked bars of where time went, with their colours and legend
'use strict';
window.GT = window.GT || {};

/** A duration as Go prints it (time.Duration.String): 1.584µs, 10ms, 1m30s. */
GT.goDuration = function goDuration(ns) {
  if (ns === 0) return '0s';
  const sign = ns < 0 ? '-' : '';
  let d = Math.abs(ns);
  const decimal = (v, unit) => {
    const rest = v % unit;
    const digits = String(unit).length - 1;
    return String(Math.floor(v / unit)) + (rest ? '.' + String(rest).padStart(digits, '0').replace(/0+$/, '') : '');
  };
  if (d < 1e3) return `${sign}${d}ns`;
  if (d < 1e6) return `${sign}${decimal(d, 1e3)}µs`;
  if (d < 1e9) return `${sign}${decimal(d, 1e6)}ms`;
  const hours = Math.floor(d / 3.6e12);
  d -= hours * 3.6e12;
  const minutes = Math.floor(d / 6e10);
  d -= minutes * 6e10;
  return sign + (hours ? `${hours}h` : '') + (hours || minutes ? `${minutes}m` : '') + `${decimal(d, 1e9)}s`;
};

/** The lower bound of Go's histogram bucket `index`: 10^(index/5) ns. */
function bucketMin(index) {
  return Math.trunc(Math.exp(index * Math.log(10 ** 0.2)));
}

/** Buckets [{index, min_ns, min, count}] (the non-empty ones) as a bar list from the lowest to
 * the highest, empty buckets between included, each labelled with its lower bound. */
GT.histogram = function histogram(buckets) {
  const h = GT.h;
  if (!buckets || !buckets.length) return h('span', { class: 'muted' }, 'no complete ones');
  const byIndex = new Map(buckets.map((b) => [b.index, b]));
  const lo = buckets[0].index;
  const hi = buckets[buckets.length - 1].index;
  const most = Math.max(...buckets.map((b) => b.count));
  const rows = [];
  for (let i = lo; i <= hi; i++) {
    const b = byIndex.get(i) || { index: i, min_ns: bucketMin(i), min: GT.goDuration(bucketMin(i)), count: 0 };
    rows.push(
      h('span', { class: 'h-label' }, `≥ ${b.min}`),
      h('span', { class: 'h-track' }, b.count ? h('span', { class: 'h-bar', style: { width: `${(100 * b.count) / most}%` } }) : null),
      h('span', { class: 'h-count', dataset: { count: b.count } }, b.count ? String(b.count) : ''),
    );
  }
  return h('div', { class: 'histogram', role: 'img',
    'aria-label': buckets.map((b) => `${b.count} from ${b.min}`).join(', ') }, rows);
};

/** Stacked bars of where time went: parts are [{label, ns, color}]. */
GT.breakdown = {
  colors: {
    exec: '#59a14f', sched: '#e9c13b', syscall: '#b07aa1', syscallBlock: '#ff9da7', unknown: '#bab0ac',
  },
  // Blocking, by reason: the common ones keep their colour on every page.
  reasonColors: {
    sync: '#4e79a7', 'sync.(*Cond).Wait': '#2e5c8a', 'chan receive': '#e15759', 'chan send': '#f28e2b',
    select: '#9c755f', sleep: '#76b7b2', network: '#17becf', 'system goroutine wait': '#8d99ae',
    'GC background sweeper wait': '#7a6f9b', 'wait until GC ends': '#a05a6a', '': '#6c757d',
  },
  spare: ['#c0392b', '#1f8a70', '#d35400', '#7a8fd6', '#8e44ad', '#2c3e50', '#a0522d', '#16a085'],

  /** The colour of blocking for `reason`. */
  reasonColor(reason) {
    const known = this.reasonColors[reason];
    if (known) return known;
    let hash = 0;
    for (const c of reason) hash = (hash * 31 + c.codePointAt(0)) >>> 0;
    return this.spare[hash % this.spare.length];
  },

  /** The colour of a breakdown key as regions name them ("Execution time", "Block time (sync)"). */
  colorOf(key) {
    const c = this.colors;
    const fixed = { 'Execution time': c.exec, 'Sched wait time': c.sched, 'Syscall execution time': c.syscall,
      'Block time (syscall)': c.syscallBlock, 'Unknown time': c.unknown }[key];
    if (fixed) return fixed;
    const m = /^Block time \((.*)\)$/.exec(key);
    return this.reasonColor(m ? m[1] : key);
  },

  /** One bar: `scale` is the ns of a full-width bar (the longest in the table). */
  bar(parts, scale) {
    const h = GT.h;
    const total = parts.reduce((s, p) => s + p.ns, 0);
    const title = parts.filter((p) => p.ns > 0).map((p) => `${p.label}: ${GT.fmt.dur(p.ns)}`).join('\n');
    return h('div', { class: 'breakdown', title, role: 'img', 'aria-label': title.replace(/\n/g, ', ') || 'no time' },
      parts.filter((p) => p.ns > 0).map((p) => h('span', { style: {
        width: `${(100 * p.ns) / Math.max(scale, total, 1)}%`, background: p.color } })));
  },

  /** The colour key of the parts (labels as text). */
  legend(parts) {
    const h = GT.h;
    return h('div', { class: 'legend' }, parts.map((p) => h('span', {}, h('i', { style: { background: p.color } }), p.label)));
  },
};
