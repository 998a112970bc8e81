// Minimum mutator utilization (`go tool trace`'s /mmu): the MMU curve over window sizes on a
// log axis, what counts as GC (the page's nested choices, stop-the-world always), the MMU at
// 1µs…1s and the worst windows of a chosen size. Hash: #page=mmu&flags=FLAGS&window=NS.
'use strict';
window.GT = window.GT || {};
GT.views = GT.views || {};

(() => {
  const h = GT.h;
  const f = GT.fmt;

  // What takes time from the program, as Go's page offers it: each level includes the ones
  // before (the document has a curve for each level, whole program or per proc).
  const LEVELS = [
    ['stw', 'Stop-the-world', 'Always counted: the world is stopped for GC.'],
    ['background', 'Background mark workers', 'GC mark workers running on Ps.'],
    ['assist', 'Mark assists', 'Goroutines helping the GC mark before allocating (needs background workers).'],
    ['sweep', 'Sweeping', 'Goroutines sweeping spans before allocating (needs mark assists).'],
  ];
  const WORST_COUNT = 10;

  const flagsOf = (perProc, level) => [perProc ? 'perProc' : null, ...LEVELS.slice(0, level + 1).map((l) => l[0])]
    .filter(Boolean).join('|');
  const parseFlags = (s) => {
    const set = new Set(s.split('|'));
    let level = 0;
    while (level + 1 < LEVELS.length && set.has(LEVELS[level + 1][0])) level++;
    return { perProc: set.has('perProc'), level };
  };

  /** "1ms", "250µs", "2.5 ms", "3s", "100ns" (also "us") → ns, or NaN. */
  const parseWindow = (text) => {
    const m = /^\s*(\d+(?:\.\d*)?|\.\d+)\s*(ns|us|µs|ms|s)\s*$/.exec(text);
    if (!m) return NaN;
    return Math.round(Number(m[1]) * { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9 }[m[2]]);
  };

  /** A power of ten of nanoseconds as a tick label: 1µs, 10ms. */
  const tickLabel = (ns) => {
    for (const [unit, name] of [[1e9, 's'], [1e6, 'ms'], [1e3, 'µs']]) if (ns >= unit) return `${ns / unit}${name}`;
    return `${ns}ns`;
  };

  const utilText = (u) => (u < 0 ? '–' : `${(u * 100).toFixed(2)}%`);
  const utilCell = (u) => h('span', { title: String(u), dataset: { util: u } }, utilText(u));
  const duration = (ns) => h('span', { title: `${f.int(ns)} ns`, dataset: { ns }, class: ns ? null : 'zero' }, f.dur(ns));

  /** The MMU curve [[window_ns, mmu]…] over [xMin, xMax] on a log axis, sharp at any pixel ratio;
   * `windowNs` is marked. Returns how to map a pixel x back to a window size. */
  function drawPlot(canvas, plot, windowNs) {
    const dpr = window.devicePixelRatio || 1;
    const width = canvas.clientWidth;
    const height = canvas.clientHeight;
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(height * dpr);
    const g = canvas.getContext('2d');
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, width, height);
    const m = { left: 52, right: 18, top: 14, bottom: 40 };
    const lo = Math.log10(plot.xMin);
    const hi = Math.max(Math.log10(plot.xMax), lo + 1);
    const x = (ns) => m.left + ((Math.log10(ns) - lo) / (hi - lo)) * (width - m.left - m.right);
    const y = (u) => height - m.bottom - u * (height - m.top - m.bottom);
    const style = getComputedStyle(document.documentElement);
    const muted = style.getPropertyValue('--muted').trim() || '#6b7686';
    const line = style.getPropertyValue('--line').trim() || '#e3e6ec';
    const accent = style.getPropertyValue('--accent').trim() || '#2f6fde';
    g.font = '11px system-ui, sans-serif';
    g.lineWidth = 1;
    // Grid and ticks.
    g.fillStyle = muted;
    g.strokeStyle = line;
    g.textAlign = 'right';
    g.textBaseline = 'middle';
    for (let u = 0; u <= 1.0001; u += 0.2) {
      g.beginPath(); g.moveTo(m.left, Math.round(y(u)) + 0.5); g.lineTo(width - m.right, Math.round(y(u)) + 0.5); g.stroke();
      g.fillText(u.toFixed(1), m.left - 6, y(u));
    }
    g.strokeStyle = '#f1f3f6';
    for (let p = Math.floor(lo); p < hi; p++) {
      for (let k = 2; k <= 9; k++) {
        const v = Math.log10(k * 10 ** p);
        if (v <= lo || v >= hi) continue;
        const px = Math.round(x(k * 10 ** p)) + 0.5;
        g.beginPath(); g.moveTo(px, m.top); g.lineTo(px, height - m.bottom); g.stroke();
      }
    }
    g.strokeStyle = line;
    g.textAlign = 'center';
    g.textBaseline = 'top';
    for (let p = Math.ceil(lo); p <= Math.floor(hi); p++) {
      const px = Math.round(x(10 ** p)) + 0.5;
      g.beginPath(); g.moveTo(px, m.top); g.lineTo(px, height - m.bottom); g.stroke();
      g.fillText(tickLabel(10 ** p), px, height - m.bottom + 5);
    }
    g.fillText('window size (log scale)', (m.left + width - m.right) / 2, height - 14);
    g.save();
    g.translate(12, (m.top + height - m.bottom) / 2);
    g.rotate(-Math.PI / 2);
    g.fillText('MMU', 0, -6);
    g.restore();
    // The chosen window.
    if (windowNs >= plot.xMin && windowNs <= plot.xMax) {
      g.strokeStyle = muted;
      g.setLineDash([4, 3]);
      g.beginPath(); g.moveTo(Math.round(x(windowNs)) + 0.5, m.top); g.lineTo(Math.round(x(windowNs)) + 0.5, height - m.bottom); g.stroke();
      g.setLineDash([]);
    }
    // The curve.
    g.strokeStyle = accent;
    g.lineWidth = 2;
    g.lineJoin = 'round';
    g.beginPath();
    plot.curve.filter(([w]) => w > 0).forEach(([w, u], i) => (i ? g.lineTo(x(w), y(u)) : g.moveTo(x(w), y(u))));
    g.stroke();
    return (px) => 10 ** (lo + ((px - m.left) / (width - m.left - m.right)) * (hi - lo));
  }

  /** The curve's MMU at the window nearest `ns` on the log axis. */
  const mmuNear = (plot, ns) => plot.curve.reduce((best, p) =>
    (Math.abs(Math.log(p[0] / ns)) < Math.abs(Math.log(best[0] / ns)) ? p : best))[1];

  GT.views.mmu = {
    async render(el, ctx) {
      const o = ctx.overview;
      const root = el.appendChild(h('div', { class: 'mmu-view' }));
      const start = o.time.first;
      const known = new Set(o.mmu.curves.map((c) => c.flags));
      const state = {
        ...parseFlags(ctx.params.get('flags') || o.mmu.default_flags),
        windowNs: Number(ctx.params.get('window')) || 1e6,
      };
      root.appendChild(h('h2', {}, 'Minimum mutator utilization'));
      root.appendChild(h('p', { class: 'muted' }, 'For each window size, the smallest share of the time any window of that '
        + 'size left to the program (the rest went to what is checked below). Higher is better; click the plot to list '
        + 'the worst windows of a size.'));
      if (o.mmu.note) { // no utilization series: every number would be meaningless
        root.appendChild(h('div', { class: 'note', role: 'note' }, `The MMU cannot be computed for this trace (${o.mmu.note}).`));
        return;
      }
      if (o.mmu.recovered_gomaxprocs) {
        root.appendChild(h('div', { class: 'note', role: 'note' }, `GOMAXPROCS ${o.mmu.recovered_gomaxprocs} was recovered `
          + 'from the trace\u2019s first Gomaxprocs event: Go\u2019s tools drop it for Go 1.11\u20131.21 traces and show no '
          + 'utilization for this one.'));
      }

      // What counts against the program.
      const boxes = LEVELS.map(([key, label, title], level) => h('input', { type: 'checkbox', id: `mmu-${key}`,
        dataset: { flag: key }, checked: level <= state.level, disabled: level === 0, title,
        onchange: (e) => { state.level = e.target.checked ? level : level - 1; update(); } }));
      const perProc = h('input', { type: 'checkbox', id: 'mmu-perProc', dataset: { flag: 'perProc' }, checked: state.perProc,
        onchange: (e) => { state.perProc = e.target.checked; update(); } });
      root.appendChild(h('fieldset', { class: 'controls mmu-flags' }, h('legend', {}, 'Counted against the program'),
        LEVELS.map(([key, label, title], i) => h('label', { for: `mmu-${key}`, title }, boxes[i], ` ${label}`)),
        h('label', { for: 'mmu-perProc', class: 'per-proc',
          title: 'Utilization of each proc (P) on its own, rather than of the whole program' }, perProc, ' Per proc')));

      const canvas = h('canvas', { class: 'mmu-plot', role: 'img', 'aria-label': 'MMU by window size' });
      const readout = h('p', { class: 'muted readout', 'aria-live': 'polite' }, '\u00a0');
      const atWindows = h('div', { class: 'mmu-at-windows' });
      root.appendChild(h('div', { class: 'mmu-main' }, h('div', { class: 'mmu-plot-box' }, canvas, readout), atWindows));
      let plot = null;
      let toWindow = null;

      const windowInput = h('input', { type: 'text', id: 'mmu-window', value: GT.goDuration(state.windowNs), size: 8,
        list: 'mmu-windows', 'aria-describedby': 'mmu-window-help' });
      const worstTitle = h('h3');
      const worstList = h('div');
      root.appendChild(h('div', {}, worstTitle,
        h('div', { class: 'controls' }, h('label', { for: 'mmu-window' }, 'Window size'), windowInput,
          h('span', { id: 'mmu-window-help', class: 'muted' }, 'e.g. 500µs, 2ms, 1s; or click the plot'),
          h('datalist', { id: 'mmu-windows' }, o.mmu.windows.map((w) => h('option', { value: w })))),
        worstList));

      const saveHash = () => history.replaceState(null, '', `#${new URLSearchParams({
        ...Object.fromEntries(new URLSearchParams(location.hash.replace(/^#/, ''))),
        flags: flagsOf(state.perProc, state.level), window: String(state.windowNs) }).toString()}`);

      const redraw = () => {
        if (plot && plot.curve.length) toWindow = drawPlot(canvas, plot, state.windowNs);
      };

      let asked = 0;
      const showWorst = async () => {
        const mine = ++asked;
        const flags = flagsOf(state.perProc, state.level);
        const windows = await ctx.client.call('mmuWorst', flags, state.windowNs, WORST_COUNT);
        if (mine !== asked || !root.isConnected) return; // a newer question, or another page
        worstTitle.textContent = `Worst ${GT.goDuration(state.windowNs)} windows`;
        GT.clear(worstList).appendChild(windows.length ? GT.table([
          { key: 'Time', label: 'Start', num: true, fmt: (t) => duration(t - start), title: 'Since the trace start' },
          { key: 'end', label: 'End', num: true, fmt: (v, w) => duration(w.Time - start + state.windowNs) },
          { key: 'MutatorUtil', label: 'Utilization', num: true, fmt: utilCell },
        ], windows) : h('p', { class: 'muted' }, 'No window of this size fits in the trace.'));
      };

      const showAtWindows = () => {
        const curve = o.mmu.curves.find((c) => c.flags === flagsOf(state.perProc, state.level));
        GT.clear(atWindows).append(h('h3', {}, 'MMU by window size'), GT.table([
          { key: 'window', label: 'Window' },
          { key: 'mmu', label: 'MMU', num: true, fmt: utilCell },
        ], o.mmu.windows.map((window, i) => ({ window, ns: 10 ** (3 + i), mmu: curve ? curve.mmu[i] : -1 })),
        { onRow: (r) => chooseWindow(r.ns) }));
      };

      const chooseWindow = (ns) => {
        state.windowNs = Math.max(1, Math.round(ns));
        windowInput.value = GT.goDuration(state.windowNs);
        saveHash();
        redraw();
        showWorst();
      };

      const update = async () => {
        boxes.forEach((b, i) => { b.checked = i <= state.level; });
        const flags = flagsOf(state.perProc, state.level);
        saveHash();
        showAtWindows();
        if (!known.has(flags)) return;
        const got = await ctx.client.call('mmuPlot', flags);
        if (!root.isConnected || flags !== flagsOf(state.perProc, state.level)) return;
        plot = got;
        canvas.hidden = !plot || !plot.curve.length;
        redraw();
        await showWorst();
      };

      windowInput.addEventListener('change', () => {
        const ns = parseWindow(windowInput.value);
        windowInput.setAttribute('aria-invalid', String(!(ns > 0)));
        if (ns > 0) chooseWindow(ns);
      });
      canvas.addEventListener('mousemove', (e) => {
        if (!plot || !toWindow) return;
        const ns = toWindow(e.offsetX);
        if (ns < plot.xMin || ns > plot.xMax) { readout.textContent = '\u00a0'; return; }
        readout.textContent = `${f.dur(ns)} windows: MMU ${utilText(mmuNear(plot, ns))} (click for the worst ones)`;
      });
      canvas.addEventListener('click', (e) => {
        if (!plot || !toWindow) return;
        chooseWindow(Math.min(plot.xMax, Math.max(plot.xMin, toWindow(e.offsetX))));
      });
      new ResizeObserver(redraw).observe(canvas);
      await update();
    },
  };
})();
