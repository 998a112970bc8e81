// Regions (runtime/trace.WithRegion, StartRegion): the types by name and location with
// histograms of their durations (`go tool trace`'s /userregions), and a type's regions with
// where their time went (/userregion). Hash: #page=regions&type=TYPE&pc=PC.
'use strict';
window.GT = window.GT || {};
GT.views = GT.views || {};

(() => {
  const h = GT.h;
  const f = GT.fmt;

  const hashWith = GT.hashWith;

  const duration = (ns) => h('span', { title: `${f.int(ns)} ns`, dataset: { ns }, class: ns ? null : 'zero' }, f.dur(ns));
  const typeName = (type) => h('span', { class: type ? 'mono' : 'muted' }, type || '(no name)');
  const startLocation = (frame) => (frame.func
    ? h('span', { class: 'mono', title: `pc 0x${frame.pc.toString(16)}` }, frame.func, h('br'),
      h('span', { class: 'muted' }, `${frame.file}:${frame.line}`))
    : h('span', { class: 'muted' }, 'unknown'));

  function renderTypes(root, ctx) {
    const types = ctx.overview.region_types;
    root.appendChild(h('h2', {}, 'Regions'));
    if (!types.length) {
      root.appendChild(h('p', { class: 'muted' }, 'This trace has no regions (runtime/trace.WithRegion, StartRegion).'));
      return;
    }
    root.appendChild(h('p', { class: 'muted' }, `${f.int(ctx.overview.counts.regions)} regions of ${types.length} types `
      + '(by name and where they start). Pick a type for its regions.'));
    const rows = types.map((t) => ({ ...t, count: t.histogram.count, where: `${t.frame.func} ${t.frame.file}:${t.frame.line}` }));
    root.appendChild(GT.table([
      { key: 'type', label: 'Type', fmt: typeName },
      { key: 'where', label: 'Location', fmt: (w, t) => startLocation(t.frame) },
      { key: 'count', label: 'Regions', num: true, fmt: f.int },
      { key: 'histogram', label: 'Durations', sortValue: (t) => t.count, fmt: (hist) => GT.histogram(hist.buckets) },
    ], rows, { onRow: (t) => { location.hash = hashWith(ctx.params, { type: t.type, pc: t.frame.pc }); } }));
  }

  async function renderType(root, ctx, type, pc) {
    const start = ctx.overview.time.first;
    const info = pc === undefined ? null : ctx.overview.region_types.find((t) => t.type === type && t.frame.pc === pc);
    root.appendChild(h('p', {}, h('a', { href: hashWith(ctx.params, { type: null, pc: null }), class: 'back' }, '← All region types')));
    root.appendChild(h('h2', {}, 'Regions of type ', typeName(type)));
    if (info) root.appendChild(h('p', {}, 'Starting in ', startLocation(info.frame)));
    const loading = root.appendChild(h('p', { class: 'muted' }, 'Loading the regions…'));
    const regions = await ctx.client.call('regions', type, pc);
    if (!root.isConnected) return;
    loading.remove();
    if (!regions.length) {
      root.appendChild(h('p', { class: 'error' }, 'This trace has no regions of this type at this location.'));
      return;
    }
    // The kinds of time, in the goroutines page's order: execution, waits, blocking, syscalls.
    const rank = (k) => ['Execution time', 'Sched wait time'].indexOf(k) + 1
      || { 'Syscall execution time': 90, 'Block time (syscall)': 91, 'Unknown time': 99 }[k] || 50;
    const keys = [...new Set(regions.flatMap((r) => Object.keys(r.non_overlapping_ns)))]
      .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
    const kinds = keys.map((k) => ({ key: k, label: k.replace(/ time\b/, ''), color: GT.breakdown.colorOf(k) }));
    const rows = regions.map((r) => {
      const row = { goroutine: r.goroutine, task: r.task, start: r.interval_start - start, duration_ns: r.duration_ns,
        total_ns: r.total_ns, open: !r.start || !r.end };
      row.parts = kinds.map((k) => ({ label: k.label, color: k.color, ns: r.non_overlapping_ns[k.key] || 0 }));
      kinds.forEach((k, i) => { row[`t:${k.key}`] = row.parts[i].ns; });
      return row;
    });
    const longest = Math.max(1, ...rows.map((r) => r.parts.reduce((s, p) => s + p.ns, 0)));
    // Execution always; other kinds when some region spent time so.
    const shown = kinds.filter((k) => k.key === 'Execution time' || rows.some((r) => r[`t:${k.key}`] > 0));
    const none = kinds.filter((k) => !shown.includes(k)).map((k) => k.label);
    root.appendChild(h('p', { class: 'muted' }, `${f.int(regions.length)} regions.`
      + (none.length ? ` No time in: ${none.join(', ')}.` : '')));
    root.appendChild(GT.breakdown.legend(shown));
    root.appendChild(h('div', { class: 'wide' }, GT.table([
      { key: 'goroutine', label: 'Goroutine', num: true,
        fmt: (g) => h('a', { href: `#page=timeline&g=${g}`, class: 'goroutine' }, String(g)) },
      { key: 'task', label: 'Task', num: true,
        fmt: (t) => (t ? h('a', { href: `#page=tasks&task=${t}` }, String(t)) : h('span', { class: 'muted' }, '–')) },
      { key: 'start', label: 'Start', num: true, fmt: duration, title: 'Since the trace start' },
      { key: 'duration_ns', label: 'Duration', num: true,
        fmt: (ns, r) => h('span', {}, r.open ? h('span', { class: 'tag', title: 'no begin or end in the trace: cut at the trace edges' }, 'open') : null, duration(ns)) },
      { key: 'breakdown', label: 'Breakdown', sortValue: (r) => r.total_ns, fmt: (v, r) => GT.breakdown.bar(r.parts, longest),
        title: 'Where the time went, to scale with the longest region' },
      ...shown.map((k) => ({ key: `t:${k.key}`, label: k.label, num: true, fmt: duration })),
    ], rows, { sortKey: 'duration_ns', limit: 2000 })));
  }

  GT.views.regions = {
    render(el, ctx) {
      const root = el.appendChild(h('div', { class: 'regions-view' }));
      if (ctx.params.has('type')) {
        // No pc: the type's regions wherever they start.
        const pc = ctx.params.has('pc') ? Number(ctx.params.get('pc')) : undefined;
        return renderType(root, ctx, ctx.params.get('type'), pc);
      }
      return renderTypes(root, ctx);
    },
  };
})();
