// Overview: what the trace is (Go version, duration, counts), how it was read, warnings.
'use strict';
window.GT = window.GT || {};
GT.views = GT.views || {};

GT.views.overview = {
  render(el, ctx) {
    const o = ctx.overview;
    const h = GT.h;
    const f = GT.fmt;
    const fact = (label, value, title) => h('div', { class: 'fact', title: title || '' },
      h('div', { class: 'label' }, label), h('div', { class: 'value' }, value));
    el.appendChild(h('h2', {}, 'Overview'));
    el.appendChild(h('div', { class: 'facts' },
      fact('Trace format', o.header.version || '?', o.header.format === 'v1' ? 'Go 1.11–1.21 format' : 'Go 1.22+ format'),
      fact('Duration', f.dur(o.time.duration_ns)),
      fact('Events', f.int(o.events.total)),
      fact('Generations', f.int(o.counts.generations)),
      fact('Goroutines', f.int(o.counts.goroutines)),
      fact('Procs (Ps)', f.int(o.counts.procs)),
      fact('Threads (Ms)', f.int(o.counts.threads)),
      fact('Tasks', f.int(o.counts.tasks)),
      fact('Regions', f.int(o.counts.regions)),
      fact('File size', f.bytes(o.file.size)),
      fact('Read and analysed in', `${(ctx.trace.parseMs / 1000).toFixed(2)} s`,
        `${(o.file.size / 1e6 / (ctx.trace.parseMs / 1000)).toFixed(0)} MB/s in this tab`),
    ));
    if (o.syncs && o.syncs.length && o.syncs[0].wall) {
      el.appendChild(h('p', { class: 'muted' }, `Recorded at ${o.syncs[0].wall} (wall clock of the first generation).`));
    }
    el.appendChild(h('h3', {}, 'Events by kind'));
    const kinds = Object.entries(o.events.by_kind).map(([kind, n]) => ({ kind, n }));
    el.appendChild(GT.table([{ key: 'kind', label: 'Kind' }, { key: 'n', label: 'Events', num: true, fmt: f.int }],
      kinds, { sortKey: 'n' }));
    const metrics = Object.entries(o.metrics || {}).map(([name, m]) => ({ name, ...m }));
    if (metrics.length) {
      el.appendChild(h('h3', {}, 'Metrics'));
      el.appendChild(GT.table([
        { key: 'name', label: 'Metric' }, { key: 'count', label: 'Samples', num: true, fmt: f.int },
        { key: 'min', label: 'Min', num: true, fmt: f.int }, { key: 'max', label: 'Max', num: true, fmt: f.int },
        { key: 'last', label: 'Last', num: true, fmt: f.int }], metrics));
    }
    const reasons = Object.entries(o.events.goroutine_transition_reasons || {}).map(([reason, n]) => ({ reason, n }));
    if (reasons.length) {
      el.appendChild(h('h3', {}, 'Why goroutines stopped or blocked'));
      el.appendChild(GT.table([{ key: 'reason', label: 'Reason' }, { key: 'n', label: 'Times', num: true, fmt: f.int }],
        reasons, { sortKey: 'n' }));
    }
  },
};
