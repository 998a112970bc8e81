// CPU samples: the CPU profile recorded in the trace (pprof.StartCPUProfile while tracing) as
// a flame graph and a `pprof -top` table, in samples.
'use strict';
window.GT = window.GT || {};
GT.views = GT.views || {};

GT.views.cpu = {
  seq: 0,
  cache: { trace: null, profile: null },

  async render(el, ctx) {
    const seq = ++this.seq;
    const h = GT.h;
    const f = GT.fmt;
    const body = h('div', { class: 'profile-body' }, h('p', { class: 'muted' }, 'Reading the CPU samples…'));
    const view = h('div', { class: 'cpu-view' }, h('h2', {}, 'CPU samples'), body);
    el.appendChild(view);
    if (this.cache.trace !== ctx.trace) this.cache = { trace: ctx.trace, profile: ctx.client.call('cpuProfile') };
    let profile;
    try {
      profile = await this.cache.profile;
    } catch (e) {
      this.cache = { trace: null, profile: null };
      throw e;
    } finally {
      if (seq === this.seq) GT.clear(body);
    }
    if (seq !== this.seq) return;
    view.dataset.ready = 'cpu';
    if (!profile.total_count) {
      body.appendChild(h('div', { class: 'notice' },
        h('p', {}, 'This trace has no CPU profile samples.'),
        h('p', {}, 'The Go runtime writes them into the execution trace only while a CPU profile is running. ',
          'Call ', h('code', {}, 'pprof.StartCPUProfile'), ' (runtime/pprof) while tracing, or run ',
          h('code', {}, 'go test -trace=trace.out -cpuprofile=cpu.out'), ', and open the new trace.')));
      return;
    }
    const fact = (label, value, exact, title) => h('div', { class: 'fact', title: title || '' },
      h('div', { class: 'label' }, label), h('div', { class: 'value', dataset: { value: String(exact) } }, value));
    body.appendChild(h('div', { class: 'facts' },
      fact('Samples', f.int(profile.total_count), profile.total_count),
      fact('CPU time (about)', f.dur(profile.total_ns), profile.total_ns, 'samples × 10ms: the default rate of 100 per second'),
      fact('Stacks', f.int(profile.records.length), profile.records.length)));
    body.appendChild(h('p', { class: 'muted' },
      'Each sample is a stack caught on a CPU, about every 10ms of CPU time per thread. Widths are numbers of samples.'));
    const samples = (n) => `${f.int(n)} sample${n === 1 ? '' : 's'}`;
    GT.flamegraph(body, profile, { value: 'count', format: samples });
    body.appendChild(h('h3', {}, 'Top functions'));
    body.appendChild(GT.profileTable(profile, 'count', f.int));
  },
};
