// Goroutines: the groups by start function (`go tool trace`'s /goroutines), and one group's
// goroutines with where their time went (/goroutine?name=). Hash: #page=goroutines&group=NAME.
'use strict';
window.GT = window.GT || {};
GT.views = GT.views || {};

(() => {
  const h = GT.h;
  const f = GT.fmt;

  const hashWith = GT.hashWith;

  /** A duration: readable text, exact nanoseconds on hover and in data-ns. */
  const duration = (ns) => h('span', { title: `${f.int(ns)} ns`, dataset: { ns }, class: ns ? null : 'zero' }, f.dur(ns));

  const groupName = (name) => h('span', { class: name ? 'mono' : 'muted' }, name || '(no start function)');

  const share = (fraction, text) => h('span', { class: 'share' },
    h('span', { class: 'share-track' }, h('span', { style: { width: `${Math.min(100, fraction * 100)}%` } })), text);

  /** The kinds of time of a goroutine, in a fixed order: execution, waits, blocking by reason,
   * syscalls; `of(g)` reads one from a goroutine. */
  const timeKinds = (reasons) => {
    const c = GT.breakdown.colors;
    return [
      { key: 'exec_ns', label: 'Execution', color: c.exec, of: (g) => g.exec_ns },
      { key: 'sched_wait_ns', label: 'Sched wait', color: c.sched, of: (g) => g.sched_wait_ns },
      ...reasons.map((r) => ({ key: `block:${r}`, label: `Block (${r || 'other'})`, color: GT.breakdown.reasonColor(r),
        of: (g) => g.block_ns_by_reason[r] || 0 })),
      { key: 'syscall_ns', label: 'Syscall', color: c.syscall, of: (g) => g.syscall_ns },
      { key: 'syscall_block_ns', label: 'Syscall block', color: c.syscallBlock, of: (g) => g.syscall_block_ns },
      { key: 'unknown_ns', label: 'Unknown', color: c.unknown, of: (g) => g.unknown_ns },
    ];
  };

  const PERCENTILE_ROWS = [
    ['exec_ns', 'Execution'], ['sched_wait_ns', 'Sched wait'], ['block_ns', 'Block'],
    ['syscall_ns', 'Syscall'], ['syscall_block_ns', 'Syscall block'], ['total_ns', 'Total'],
  ];

  function renderGroups(root, ctx) {
    const o = ctx.overview;
    const totalExec = o.goroutine_summary.total_exec_ns;
    root.appendChild(h('h2', {}, 'Goroutines'));
    root.appendChild(h('p', { class: 'muted' }, `${f.int(o.goroutine_summary.count)} goroutines in `
      + `${f.int(o.goroutine_groups.length)} groups by start function. Percentiles are of execution time per goroutine. `
      + 'Pick a group for its goroutines and where their time went.'));
    const rows = o.goroutine_groups.map((g) => ({
      name: g.name, count: g.count, exec_ns: g.exec_ns,
      share: totalExec ? g.exec_ns / totalExec : 0, share_text: g.exec_time_percent,
      p50: g.percentiles.exec_ns.p50, p90: g.percentiles.exec_ns.p90, p99: g.percentiles.exec_ns.p99,
      max: g.percentiles.exec_ns.max,
    }));
    const pctCol = (key) => ({ key, label: key, num: true, fmt: duration, title: `${key} of execution time over the group's goroutines` });
    root.appendChild(GT.table([
      { key: 'name', label: 'Start function', fmt: groupName },
      { key: 'count', label: 'Goroutines', num: true, fmt: f.int },
      { key: 'exec_ns', label: 'Execution time', num: true, fmt: duration, title: 'Total over the group' },
      { key: 'share', label: 'Share', num: true, title: "Share of all goroutines' execution time",
        fmt: (v, r) => share(v, r.share_text || f.pct(v)) },
      pctCol('p50'), pctCol('p90'), pctCol('p99'), pctCol('max'),
    ], rows, { sortKey: 'exec_ns', onRow: (r) => { location.hash = hashWith(ctx.params, { group: r.name }); } }));
  }

  async function renderGroup(root, ctx, name) {
    const group = ctx.overview.goroutine_groups.find((g) => g.name === name);
    root.appendChild(h('p', {}, h('a', { href: hashWith(ctx.params, { group: null }), class: 'back' }, '← All goroutine groups')));
    root.appendChild(h('h2', {}, 'Goroutines of ', groupName(name)));
    if (!group) {
      root.appendChild(h('p', { class: 'error' }, 'This trace has no goroutine group with that start function.'));
      return;
    }
    const fact = (label, value) => h('div', { class: 'fact' }, h('div', { class: 'label' }, label), h('div', { class: 'value' }, value));
    root.appendChild(h('div', { class: 'facts' },
      fact('Goroutines', f.int(group.count)),
      fact('Execution time', duration(group.exec_ns)),
      fact('Share of all execution', group.exec_time_percent || '–')));

    root.appendChild(h('h3', {}, 'Percentiles over the group'));
    root.appendChild(GT.table([
      { key: 'label', label: 'Time' },
      ...['p50', 'p90', 'p99', 'max'].map((key) => ({ key, label: key, num: true, fmt: duration })),
    ], PERCENTILE_ROWS.map(([key, label]) => ({ label, ...group.percentiles[key] }))));

    root.appendChild(h('h3', {}, 'Goroutines'));
    const loading = root.appendChild(h('p', { class: 'muted' }, 'Loading the goroutines…'));
    const goroutines = await ctx.client.call('groupGoroutines', name);
    if (!root.isConnected) return; // the user went elsewhere meanwhile
    loading.remove();

    const reasons = [...new Set(goroutines.flatMap((g) => Object.keys(g.block_ns_by_reason)))].sort();
    const kinds = timeKinds(reasons);
    const rows = goroutines.map((g) => {
      const row = { id: g.id, system: g.system, total_ns: g.total_ns };
      row.parts = kinds.map((k) => ({ label: k.label, color: k.color, ns: k.of(g) }));
      kinds.forEach((k, i) => { row[k.key] = row.parts[i].ns; });
      return row;
    });
    const longest = Math.max(1, ...rows.map((r) => r.parts.reduce((s, p) => s + p.ns, 0)));
    // Execution and sched wait always; other kinds when some goroutine spent time so.
    const shown = kinds.filter((k, i) => i < 2 || rows.some((r) => r[k.key] > 0));
    const none = kinds.filter((k) => !shown.includes(k)).map((k) => k.label);
    root.appendChild(GT.breakdown.legend(shown));
    root.appendChild(h('div', { class: 'wide' }, GT.table([
      { key: 'id', label: 'Goroutine', num: true, title: 'Opens the goroutine in the timeline',
        fmt: (id, r) => h('span', {}, r.system ? h('span', { class: 'tag', title: 'a runtime goroutine' }, 'runtime') : null,
          h('a', { href: `#page=timeline&g=${id}`, class: 'goroutine' }, String(id))) },
      { key: 'breakdown', label: 'Breakdown', sortValue: (r) => r.total_ns, fmt: (v, r) => GT.breakdown.bar(r.parts, longest),
        title: 'Where the time went, to scale with the longest goroutine' },
      { key: 'total_ns', label: 'Total', num: true, fmt: duration },
      ...shown.map((k) => ({ key: k.key, label: k.label, num: true, fmt: duration })),
    ], rows, { sortKey: 'exec_ns', limit: 2000 })));
    if (none.length) root.appendChild(h('p', { class: 'muted' }, `No time in: ${none.join(', ')}.`));
  }

  GT.views.goroutines = {
    render(el, ctx) {
      const root = el.appendChild(h('div', { class: 'goroutines-view' }));
      if (ctx.params.has('group')) return renderGroup(root, ctx, ctx.params.get('group'));
      return renderGroups(root, ctx);
    },
  };
})();
