// Tasks (runtime/trace.NewTask): the types with histograms of their durations (`go tool
// trace`'s /usertasks), a type's tasks filtered by log text, and one task's event log
// (/usertask). Hash: #page=tasks&type=TYPE&filter=TEXT&task=ID.
'use strict';
window.GT = window.GT || {};
GT.views = GT.views || {};

(() => {
  const h = GT.h;
  const f = GT.fmt;

  const hashWith = GT.hashWith;
  const currentParams = () => new URLSearchParams(location.hash.replace(/^#/, ''));

  const duration = (ns) => h('span', { title: `${f.int(ns)} ns`, dataset: { ns }, class: ns ? null : 'zero' }, f.dur(ns));
  const typeName = (type) => h('span', { class: type ? 'mono' : 'muted' }, type || '(no type)');
  const goroutineLink = (id) => h('a', { href: `#page=timeline&g=${id}`, class: 'goroutine' }, String(id));
  const fact = (label, value) => h('div', { class: 'fact' }, h('div', { class: 'label' }, label), h('div', { class: 'value' }, value));

  function renderTypes(root, ctx) {
    const types = ctx.overview.task_types;
    root.appendChild(h('h2', {}, 'Tasks'));
    if (!types.length) {
      root.appendChild(h('p', { class: 'muted' }, 'This trace has no tasks (runtime/trace.NewTask).'));
      return;
    }
    root.appendChild(h('p', { class: 'muted' }, `${f.int(ctx.overview.counts.tasks)} tasks of ${types.length} types. `
      + 'Histograms count the complete tasks by duration. Pick a type for its tasks.'));
    root.appendChild(GT.table([
      { key: 'type', label: 'Type', fmt: typeName },
      { key: 'count', label: 'Tasks', num: true, fmt: f.int },
      { key: 'complete', label: 'Complete', num: true, fmt: f.int },
      { key: 'histogram', label: 'Durations of complete tasks', sortValue: (t) => t.histogram.count,
        fmt: (hist) => GT.histogram(hist.buckets) },
    ], types, { sortKey: 'count', onRow: (t) => { location.hash = hashWith(ctx.params, { type: t.type, filter: null }); } }));
  }

  async function renderType(root, ctx, type) {
    const start = ctx.overview.time.first;
    root.appendChild(h('p', {}, h('a', { href: hashWith(ctx.params, { type: null, filter: null }), class: 'back' }, '← All task types')));
    root.appendChild(h('h2', {}, 'Tasks of type ', typeName(type)));
    const filter = h('input', { type: 'search', id: 'task-filter', placeholder: 'text in a log message or category',
      value: ctx.params.get('filter') || '', 'aria-label': 'Only tasks with a log containing' });
    const status = h('span', { class: 'muted', 'aria-live': 'polite' });
    root.appendChild(h('div', { class: 'controls' }, h('label', { for: 'task-filter' }, 'Only tasks with a log containing'), filter, status));
    const list = root.appendChild(h('div'));

    let asked = 0;
    const show = async (text) => {
      const mine = ++asked;
      status.textContent = 'searching…';
      const tasks = await ctx.client.call('tasks', type, text || null);
      if (mine !== asked || !root.isConnected) return; // a newer search, or another page
      status.textContent = `${f.int(tasks.length)} tasks`;
      const rows = tasks.map((t) => ({ ...t, start: t.interval_start - start, goroutine_count: t.goroutines.length, log_count: t.logs.length }));
      GT.clear(list).appendChild(GT.table([
        { key: 'id', label: 'Task', num: true },
        { key: 'start', label: 'Start', num: true, fmt: duration, title: 'Since the trace start' },
        { key: 'duration_ns', label: 'Duration', num: true,
          fmt: (ns, t) => h('span', {}, t.complete ? null : h('span', { class: 'tag', title: 'no begin or end in the trace: cut at the trace edges' }, 'open'), duration(ns)) },
        { key: 'goroutine_count', label: 'Goroutines', num: true, fmt: f.int },
        { key: 'regions', label: 'Regions', num: true, fmt: f.int },
        { key: 'log_count', label: 'Logs', num: true, fmt: f.int },
        { key: 'parent', label: 'Parent', num: true, fmt: (p) => (p === null || p === undefined ? '–' : String(p)) },
      ], rows, { sortKey: 'duration_ns', limit: 2000,
        onRow: (t) => { location.hash = hashWith(currentParams(), { task: t.id }); } }));
    };
    let timer = null;
    filter.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        history.replaceState(null, '', hashWith(currentParams(), { filter: filter.value || null }));
        show(filter.value);
      }, 150);
    });
    await show(filter.value);
  }

  async function renderTask(root, ctx, type, id) {
    const start = ctx.overview.time.first;
    root.appendChild(h('p', {}, h('a', { href: hashWith(ctx.params, { task: null }), class: 'back' },
      type === null ? '← All task types' : '← Tasks of this type')));
    const tasks = await ctx.client.call('tasks', type, null);
    if (!root.isConnected) return;
    const task = tasks.find((t) => String(t.id) === id);
    if (!task) {
      root.appendChild(h('h2', {}, `Task ${id}`));
      root.appendChild(h('p', { class: 'error' }, 'This trace has no such task.'));
      return;
    }
    const taskLink = (tid) => h('a', { href: hashWith(ctx.params, { task: tid, type: null }) }, String(tid));
    const list = (items, link) => (items.length ? items.map((x, i) => [i ? ', ' : '', link(x)]) : '–');
    root.appendChild(h('h2', {}, `Task ${task.id} of type `, typeName(task.type)));
    root.appendChild(h('div', { class: 'facts' },
      fact('Start', task.start === null ? 'before the trace' : duration(task.start - start)),
      fact('Duration', [duration(task.duration_ns), task.complete ? '' : ' (open)']),
      fact('End', task.end === null ? 'after the trace' : duration(task.end - start)),
      fact('Parent', task.parent === null ? '–' : taskLink(task.parent)),
      fact('Children', list(task.children, taskLink)),
      fact('Regions', f.int(task.regions)),
    ));
    root.appendChild(h('p', {}, 'Goroutines: ', list(task.goroutines, goroutineLink)));

    root.appendChild(h('h3', {}, 'Event log'));
    root.appendChild(GT.table([
      { key: 'since_trace_start_ns', label: 'Since trace start', num: true, fmt: duration },
      { key: 'elapsed_ns', label: 'Elapsed', num: true, fmt: duration, title: 'Since the line before' },
      { key: 'goroutine', label: 'Goroutine', num: true, fmt: goroutineLink },
      { key: 'what', label: 'What', fmt: (w) => h('span', { class: 'mono' }, w) },
    ], task.events, { limit: 5000 }));

    root.appendChild(h('h3', {}, `Logs (${task.logs.length})`));
    if (task.logs.length) {
      root.appendChild(GT.table([
        { key: 'time', label: 'Since trace start', num: true, fmt: (t) => duration(t - start) },
        { key: 'goroutine', label: 'Goroutine', num: true, fmt: goroutineLink },
        { key: 'category', label: 'Category', fmt: (c) => h('span', { class: 'mono' }, c) },
        { key: 'message', label: 'Message', fmt: (m) => h('span', { class: 'mono pre' }, m) },
      ], task.logs, { limit: 5000 }));
    }
  }

  GT.views.tasks = {
    render(el, ctx) {
      const root = el.appendChild(h('div', { class: 'tasks-view' }));
      const p = ctx.params;
      if (p.has('task')) return renderTask(root, ctx, p.has('type') ? p.get('type') : null, p.get('task'));
      if (p.has('type')) return renderType(root, ctx, p.get('type'));
      return renderTypes(root, ctx);
    },
  };
})();
