// The timeline's rows, top to bottom: counters, GC (mark phases, stop-the-world, each proc's sweeps), procs, threads, tasks, regions and the
// goroutines grouped by start function (groups collapsible). Each row has a y and a height
// in CSS pixels; only the rows in view are fetched and drawn (binary search on y), so a
// trace with a hundred thousand goroutines costs what its visible rows cost.
'use strict';
window.GT = window.GT || {};
GT.timeline = GT.timeline || {};

GT.timeline.KIND = { proc: 0, thread: 1, gc: 2, stw: 3, task: 4, region: 5, goroutine: 6, sweep: 7 };

GT.timeline.Layout = class Layout {
  /** `info`: the worker's timelineInfo. */
  constructor(info) {
    this.info = info;
    const K = GT.timeline.KIND;
    const n = info.kind.length;
    this.byKind = {};
    for (let i = 0; i < n; i++) (this.byKind[info.kind[i]] = this.byKind[info.kind[i]] || []).push(i);
    // Goroutine groups by start function, largest first; a goroutine without a name goes
    // to "(unnamed)".
    const groups = new Map();
    for (const lane of this.byKind[K.goroutine] || []) {
      const name = info.strings[info.group[lane]] || '';
      if (!groups.has(name)) groups.set(name, []);
      groups.get(name).push(lane);
    }
    this.groups = [...groups.entries()].map(([name, lanes]) => ({ name, lanes: lanes.sort((a, b) => info.id[a] - info.id[b]) }))
      .sort((a, b) => b.lanes.length - a.lanes.length || a.name.localeCompare(b.name));
    const total = (this.byKind[K.goroutine] || []).length;
    this.collapsed = new Set(total > 300 ? this.groups.map((g) => g.name) : []);
    // Tasks and regions start folded when they would push the goroutines off the screen.
    this.sectionsCollapsed = new Set(['Regions']);
    if ((this.byKind[K.task] || []).length > 8) this.sectionsCollapsed.add('Tasks');
    this.rows = [];
    this.build();
  }

  /** Recomputes the rows after a group is collapsed or expanded. */
  build() {
    const K = GT.timeline.KIND;
    const info = this.info;
    const rows = [];
    let y = 0;
    const add = (row) => { row.y = y; y += row.h; rows.push(row); return row; };
    const section = (title, count) => {
      const collapsed = this.sectionsCollapsed.has(title);
      add({ type: 'section', title, count, h: 20, collapsed });
      return !collapsed;
    };
    const lanes = (list, h, label) => list.forEach((lane) => add({ type: 'lane', lane, h, label: label(lane) }));
    if (section('Counters')) {
      add({ type: 'counter', counter: 'goroutines', h: 44, label: 'Goroutines' });
      if (info.hasHeap) add({ type: 'counter', counter: 'heap', h: 44, label: 'Heap' });
      add({ type: 'counter', counter: 'threads', h: 32, label: 'Threads' });
      if (info.samples) add({ type: 'counter', counter: 'samples', h: 24, label: 'CPU samples' });
    }
    if (section('GC')) {
      lanes(this.byKind[K.gc] || [], 16, () => 'GC');
      lanes(this.byKind[K.stw] || [], 16, () => 'Stop-the-world');
      lanes(this.byKind[K.sweep] || [], 12, (l) => `Sweep · Proc ${info.id[l]}`);
    }
    const procs = this.byKind[K.proc] || [];
    if (procs.length && section('Procs', procs.length)) lanes(procs, 22, (l) => `Proc ${info.id[l]}`);
    const threads = this.byKind[K.thread] || [];
    if (threads.length && section('Threads', threads.length)) lanes(threads, 14, (l) => `Thread ${info.id[l]}`);
    const tasks = this.byKind[K.task] || [];
    if (tasks.length && section('Tasks', tasks.length)) lanes(tasks, 14, (l) => `Tasks ${info.id[l] + 1}`);
    const regions = this.byKind[K.region] || [];
    if (regions.length && section('Regions', regions.length)) {
      lanes(regions, 14, (l) => `G${info.id[l]} ${'·'.repeat(info.group[l])}regions`);
    }
    const nG = (this.byKind[K.goroutine] || []).length;
    if (nG && section('Goroutines', nG)) {
      for (const g of this.groups) {
        const collapsed = this.collapsed.has(g.name);
        add({ type: 'group', group: g, h: 18, collapsed, label: g.name || '(unnamed)' });
        if (!collapsed) lanes(g.lanes, 16, (l) => `G${info.id[l]}`);
      }
    }
    this.rows = rows;
    this.height = y;
    this.laneRow = new Map();
    rows.forEach((r, i) => { if (r.type === 'lane') this.laneRow.set(r.lane, i); });
  }

  /** Index of the row at y (content coordinates), or -1. */
  rowAt(y) {
    const rows = this.rows;
    let lo = 0, hi = rows.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = rows[mid];
      if (y < r.y) hi = mid - 1; else if (y >= r.y + r.h) lo = mid + 1; else return mid;
    }
    return -1;
  }

  /** Rows overlapping [top, bottom) (content coordinates). */
  visible(top, bottom) {
    const out = [];
    let i = Math.max(0, this.rowAt(Math.max(0, top)));
    for (; i < this.rows.length && this.rows[i].y < bottom; i++) out.push(this.rows[i]);
    return out;
  }

  toggle(row) {
    if (row.type === 'group') {
      if (this.collapsed.has(row.group.name)) this.collapsed.delete(row.group.name); else this.collapsed.add(row.group.name);
    } else if (row.type === 'section') {
      if (this.sectionsCollapsed.has(row.title)) this.sectionsCollapsed.delete(row.title); else this.sectionsCollapsed.add(row.title);
    }
    this.build();
  }

  /** Expands what hides a goroutine lane; returns its row, or null. */
  reveal(lane) {
    const name = this.info.strings[this.info.group[lane]] || '';
    this.sectionsCollapsed.delete('Goroutines');
    this.collapsed.delete(name);
    this.build();
    const i = this.laneRow.get(lane);
    return i === undefined ? null : this.rows[i];
  }

  /** The lane of goroutine `id`, or -1. */
  goroutineLane(id) {
    const list = this.byKind[GT.timeline.KIND.goroutine] || [];
    return list.find((l) => this.info.id[l] === id) ?? -1;
  }

  /** The goroutine id of goroutine ordinal + 1 (labels of proc and thread spans). */
  goroutineOf(label) {
    return label ? this.info.id[this.info.goroutineBase + label - 1] : null;
  }
};
