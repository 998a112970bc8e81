// Blocking profiles: time goroutines spent blocked on the network, on synchronization, in
// syscalls, or runnable waiting for a P (go tool trace's four pprof pages), for the whole trace,
// one goroutine group or one region type: totals, a flame graph, a `pprof -top` table and the
// profile as a .pb.gz for `go tool pprof`. The hash keeps `kind=` and `scope=`.
'use strict';
window.GT = window.GT || {};
GT.views = GT.views || {};

/** `go tool pprof -top` of a profile: per function, flat (as the leaf) and cum (anywhere on
 * the stack, once per stack) of `key` ('time_ns' or 'count'), most flat first. */
GT.profileTop = function profileTop(profile, key) {
  const byFunc = new Map();
  const row = (func) => {
    let r = byFunc.get(func);
    if (!r) byFunc.set(func, (r = { func, flat: 0, cum: 0 }));
    return r;
  };
  for (const rec of profile.records) {
    const funcs = (rec.frames || []).map((f) => f.func);
    if (funcs.length) row(funcs[0]).flat += rec[key];
    new Set(funcs).forEach((f) => { row(f).cum += rec[key]; });
  }
  const total = key === 'count' ? profile.total_count : profile.total_ns;
  return [...byFunc.values()]
    .map((r) => ({ ...r, flatShare: total ? r.flat / total : 0, cumShare: total ? r.cum / total : 0 }))
    .sort((a, b) => b.flat - a.flat || b.cum - a.cum || (a.func < b.func ? -1 : 1));
};

/** The top table of a profile; value cells carry the exact number in data-value. */
GT.profileTable = function profileTable(profile, key, format) {
  const value = (v) => GT.h('span', { dataset: { value: String(v) }, title: GT.fmt.int(v) + (key === 'count' ? '' : ' ns') }, format(v));
  return GT.table([
    { key: 'func', label: 'Function', fmt: (v) => GT.h('span', { class: 'mono' }, v) },
    { key: 'flat', label: 'Flat', num: true, fmt: value, title: 'as the innermost frame' },
    { key: 'flatShare', label: 'Flat%', num: true, fmt: GT.fmt.pct },
    { key: 'cum', label: 'Cum', num: true, fmt: value, title: 'anywhere on the stack' },
    { key: 'cumShare', label: 'Cum%', num: true, fmt: GT.fmt.pct },
  ], GT.profileTop(profile, key), { limit: 200 });
};

GT.views.profiles = {
  kinds: [
    { kind: 'net', label: 'Network', about: 'Time goroutines spent blocked waiting for the network.',
      none: 'no goroutine was blocked on the network' },
    { kind: 'sync', label: 'Synchronization', about: 'Time goroutines spent blocked on channels, select, mutexes and other sync primitives.',
      none: 'no goroutine was blocked on synchronization' },
    { kind: 'syscall', label: 'Syscalls', about: 'Time goroutines spent in system calls.',
      none: 'no goroutine was in a system call' },
    { kind: 'sched', label: 'Scheduler latency', about: 'Time goroutines spent runnable, waiting for a processor (P) to run on.',
      none: 'no goroutine waited to be scheduled' },
  ],
  seq: 0,
  cache: { trace: null, profiles: new Map() },

  /** The kind in the hash, else the one with the most time. */
  kindOf(ctx) {
    const asked = ctx.params.get('kind');
    if (this.kinds.some((k) => k.kind === asked)) return asked;
    const total = (k) => (ctx.overview.pprof[k.kind] || {}).total_ns || 0;
    return this.kinds.reduce((best, k) => (total(k) > total(best) ? k : best)).kind;
  },

  /** Scopes to choose from: [{value, label, group}]. */
  scopes(o) {
    const out = [{ value: '', label: 'Whole trace' }];
    o.goroutine_groups.forEach((g) => out.push({ value: `group:${g.name}`, label: g.name || '(no start function)', group: 'Goroutine groups' }));
    [...new Set(o.region_types.map((r) => r.type))].forEach((t) =>
      out.push({ value: `region:${t}`, label: t, group: 'Region types' }));
    return out;
  },

  /** The profile of a kind and scope (scoped ones read the trace again, so they are kept). */
  async profile(ctx, kind, scope) {
    if (this.cache.trace !== ctx.trace) this.cache = { trace: ctx.trace, profiles: new Map() };
    const key = `${kind}|${scope}`;
    if (!this.cache.profiles.has(key)) {
      const p = ctx.client.call('profile', kind, scope);
      this.cache.profiles.set(key, p);
      p.catch(() => this.cache.profiles.delete(key));
    }
    return this.cache.profiles.get(key);
  },

  fileName(kind, scope) {
    return `${kind}-${scope ? scope.replace(/[^A-Za-z0-9._-]+/g, '_') : 'all'}.pb.gz`;
  },

  async download(ctx, kind, scope, button, problem) {
    button.disabled = true;
    problem.hidden = true;
    try {
      const bytes = await ctx.client.call('pprofGz', kind, scope);
      const url = URL.createObjectURL(new Blob([bytes], { type: 'application/gzip' }));
      const a = GT.h('a', { href: url, download: this.fileName(kind, scope), hidden: true });
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
    } catch (e) {
      problem.textContent = `Could not make the profile file: ${e.message}`;
      problem.hidden = false;
    } finally {
      button.disabled = false;
    }
  },

  async render(el, ctx) {
    const seq = ++this.seq;
    const h = GT.h;
    const f = GT.fmt;
    const kind = this.kindOf(ctx);
    const info = this.kinds.find((k) => k.kind === kind);
    const scopes = this.scopes(ctx.overview);
    const scope = ctx.params.get('scope') || '';

    const tabs = h('div', { class: 'tabs', role: 'group', 'aria-label': 'profile kind' }, this.kinds.map((k) =>
      h('button', { type: 'button', class: k.kind === kind ? 'tab active' : 'tab', 'aria-pressed': String(k.kind === kind),
        dataset: { kind: k.kind }, onclick: () => ctx.navigate({ kind: k.kind }) }, k.label)));
    const select = h('select', { id: 'scope', 'aria-label': 'scope', onchange: (e) => ctx.navigate({ scope: e.target.value }) });
    const groups = new Map();
    for (const s of scopes) {
      const option = h('option', { value: s.value, selected: s.value === scope }, s.label);
      if (!s.group) { select.appendChild(option); continue; }
      let optgroup = groups.get(s.group);
      if (!optgroup) {
        optgroup = h('optgroup', { label: s.group });
        groups.set(s.group, optgroup);
        select.appendChild(optgroup);
      }
      optgroup.appendChild(option);
    }
    if (!scopes.some((s) => s.value === scope)) select.appendChild(h('option', { value: scope, selected: true }, scope));
    const problem = h('div', { class: 'error', hidden: true });
    const downloadButton = h('button', { type: 'button', class: 'download', title: 'a gzipped pprof file: open it with go tool pprof',
      onclick: () => this.download(ctx, kind, scope, downloadButton, problem) }, 'Download .pb.gz');
    const body = h('div', { class: 'profile-body' }, h('p', { class: 'muted' }, 'Computing the profile…'));
    const view = h('div', { class: 'profile-view' },
      h('h2', {}, 'Blocking profiles'),
      h('div', { class: 'controls' }, tabs, h('label', {}, 'Scope ', select), h('span', { class: 'spacer' }), downloadButton),
      h('p', { class: 'muted' }, info.about), problem, body);
    el.appendChild(view);

    const goError = scope === '' && (ctx.overview.pprof[kind] || {}).error;
    let profile = null, failure = goError || null;
    if (!failure) {
      try {
        profile = await this.profile(ctx, kind, scope);
      } catch (e) {
        failure = e.message;
      }
    }
    if (seq !== this.seq) return; // the page moved on while this was computed
    GT.clear(body);
    view.dataset.ready = `${kind}|${scope}`;
    if (failure) {
      downloadButton.disabled = true;
      body.appendChild(h('div', { class: 'notice' }, 'No profile: ', h('span', { class: 'mono' }, failure)));
      return;
    }
    const fact = (label, value, exact) => h('div', { class: 'fact' }, h('div', { class: 'label' }, label),
      h('div', { class: 'value', dataset: { value: String(exact) } }, value));
    body.appendChild(h('div', { class: 'facts' },
      fact('Total time', f.dur(profile.total_ns), profile.total_ns),
      fact('Count', f.int(profile.total_count), profile.total_count),
      fact('Stacks', f.int(profile.records.length), profile.records.length)));
    if (!profile.records.length) {
      body.appendChild(h('div', { class: 'notice' }, `No samples: ${info.none} ${scope ? 'in this scope' : 'in this trace'}.`));
      return;
    }
    GT.flamegraph(body, profile, { value: 'time_ns', format: f.dur });
    body.appendChild(h('h3', {}, 'Top functions'));
    body.appendChild(GT.profileTable(profile, 'time_ns', f.dur));
  },
};
