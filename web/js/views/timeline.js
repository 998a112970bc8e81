// Timeline: every proc, thread and goroutine of the whole trace on one canvas (`go tool
// trace`'s "View trace", unsplit). Hash: #page=timeline&view=<startNs>-<endNs>&g=<id>.
// The modules under js/timeline/ do the maths (scale.js), rows (lanes.js), fetching
// (data.js), drawing (draw.js) and input (interact.js); this file builds the page around
// the canvas: toolbar, search, help, details of a span or a selection, the URL hash.
'use strict';
window.GT = window.GT || {};
GT.views = GT.views || {};

(() => {
  const h = GT.h;
  const f = GT.fmt;
  let infoCache = { trace: null, info: null };
  let current = null; // the view on screen: {tl, setView, frameStats}

  const HELP = [
    ['W / S', 'zoom in / out (hold for smooth zoom, at the pointer)'],
    ['A / D', 'pan left / right'],
    ['wheel', 'scroll lanes; with Ctrl, ⌘ or Alt: zoom; with Shift: pan'],
    ['drag', 'pan and scroll'],
    ['Shift+drag', 'select a box (or drag on the time axis): time by state and counts'],
    ['click', "a span's details; a header collapses or expands its lanes"],
    ['click a tick', 'on the top of a goroutine lane: the CPU profile sample taken there, with its stack'],
    ['F', 'flow arrows (create, unblock, syscall return) on or off'],
    ['T', 'frame-time readout on or off'],
    ['0', 'the whole trace'],
    ['/', 'find a goroutine by id or function'],
    ['Esc', 'clear the selection'],
    ['?', 'this help'],
  ];

  function percentile(sorted, p) {
    if (!sorted.length) return 0;
    return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  }

  /** The time since the trace's start, readable, with the exact ns on hover. */
  const at = (tl, ns) => h('span', { title: `${f.int(ns)} ns (trace clock)` }, `+${f.dur(ns - tl.info.start)}`);
  const dur = (ns) => h('span', { title: `${f.int(ns)} ns`, dataset: { ns } }, f.dur(ns));

  function stackList(frames) {
    if (!frames.length) return h('p', { class: 'muted' }, 'no stack');
    return h('ol', { class: 'tl-stack' }, frames.map((fr) => h('li', {},
      h('span', { class: 'mono' }, fr.func), h('span', { class: 'muted' }, ` ${fr.file}:${fr.line}`))));
  }

  async function render(el, ctx) {
    if (current) current.dispose();
    current = null;
    const root = el.appendChild(h('div', { class: 'timeline-view' }));
    const status = root.appendChild(h('p', { class: 'muted' }, 'Building the timeline…'));
    if (infoCache.trace !== ctx.trace) infoCache = { trace: ctx.trace, info: ctx.client.call('timelineInfo') };
    let info;
    try {
      info = await infoCache.info;
    } catch (e) {
      infoCache = { trace: null, info: null };
      throw e;
    }
    if (!root.isConnected) return;
    status.remove();

    const search = h('input', { type: 'search', class: 'tl-search', placeholder: 'Find a goroutine: id or function', 'aria-label': 'find a goroutine' });
    const results = h('div', { class: 'tl-results', hidden: true });
    const flowsBtn = h('button', { type: 'button', 'aria-pressed': 'false', title: 'F' }, 'Flow arrows');
    const framesBtn = h('button', { type: 'button', 'aria-pressed': 'false', title: 'T' }, 'Frame times');
    const helpBtn = h('button', { type: 'button', title: '?' }, '?');
    const wholeBtn = h('button', { type: 'button', title: '0' }, 'Whole trace');
    const readout = h('span', { class: 'tl-frames mono', hidden: true });
    const canvas = h('canvas', { class: 'tl-canvas', tabindex: 0, 'aria-label': 'timeline: W/S zoom, A/D pan, ? for help' });
    const help = h('div', { class: 'tl-help', hidden: true, role: 'dialog', 'aria-label': 'timeline keys' },
      h('h3', {}, 'Timeline keys'), h('table', {}, h('tbody', {}, HELP.map(([k, d]) => h('tr', {}, h('th', {}, k), h('td', {}, d))))),
      h('p', { class: 'muted' }, 'Spans narrower than a pixel are merged: a pixel shows the state that took most of its time.'));
    const details = h('aside', { class: 'tl-details', 'aria-live': 'polite' },
      h('p', { class: 'muted' }, 'Click a span for its details; Shift+drag for the totals of a box. Press ? for keys.'));
    const box = h('div', { class: 'tl-canvas-box' }, canvas, help);
    const P = GT.timeline.colors.PALETTE;
    const legend = h('div', { class: 'legend tl-legend' }, [
      ['running', P[6][0]], ['runnable', P[6][1]], ['waiting', P[6][2]], ['syscall', P[6][3]], ['GC assist', P[6][4]],
      ['GC worker', P[0][1]], ['GC', P[2][0]], ['stop-the-world', P[3][0]], ['thread with a P', P[1][0]],
      ...(info.kind.includes(GT.timeline.KIND.sweep) ? [['GC sweep', P[7][0]]] : []),
      ...(info.samples ? [['CPU sample (tick on top of a goroutine)', GT.timeline.colors.SAMPLE]] : []),
    ].map(([label, color]) => h('span', {}, h('i', { style: { background: color } }), label)),
    h('span', { class: 'muted' }, '· procs: a colour per start function; faded: mixed or partly idle pixels'));
    root.appendChild(h('div', { class: 'tl-toolbar' }, h('div', { class: 'tl-find' }, search, results), wholeBtn, flowsBtn, framesBtn, helpBtn, readout));
    root.appendChild(legend);
    root.appendChild(h('div', { class: 'tl-main' }, box, details));

    const tl = {
      canvas, ctx: canvas.getContext('2d'), info, dpr: 1, W: 0, H: 0, scrollTop: 0, flows: false,
      layout: new GT.timeline.Layout(info), scale: new GT.TimeScale(info.start, info.end, 1, info.start, info.end),
      selected: null, selectedLane: -1, box: null, pointerX: null, frames: [],
    };
    tl.data = new GT.timeline.Data(ctx.client, () => requestDraw());

    let drawPending = 0;
    let hashTimer = 0;
    const requestDraw = () => { if (!drawPending) drawPending = requestAnimationFrame(frame); };
    const frame = () => {
      drawPending = 0;
      if (!canvas.isConnected) return;
      const t0 = performance.now();
      const inView = GT.timeline.draw(tl);
      const ms = performance.now() - t0;
      tl.frames.push(ms);
      if (tl.frames.length > 5000) tl.frames.splice(0, tl.frames.length - 5000);
      // What the view needs: its lanes (and a screen more each way) at its resolution.
      const more = tl.layout.visible(tl.scrollTop - tl.H, tl.scrollTop + 2 * tl.H);
      const lanes = more.filter((r) => r.type === 'lane').map((r) => r.lane);
      tl.data.want(tl.scale.start, tl.scale.end, Math.round(tl.scale.width * tl.dpr), lanes, info.start, info.end);
      if (!readout.hidden && tl.frames.length % 5 === 0) showFrameTimes();
      canvas.dataset.rows = String(inView.length);
      canvas.dataset.view = `${Math.round(tl.scale.start)}-${Math.round(tl.scale.end)}`;
      canvas.dataset.fetches = String(tl.data.fetches);
    };
    const showFrameTimes = () => {
      const s = stats();
      readout.textContent = `${s.frames} frames · p50 ${s.p50Ms.toFixed(1)} ms · p99 ${s.p99Ms.toFixed(1)} ms · max ${s.maxMs.toFixed(1)} ms`;
    };
    const stats = () => {
      const s = tl.frames.slice().sort((a, b) => a - b);
      return { frames: s.length, p50Ms: percentile(s, 0.5), p99Ms: percentile(s, 0.99), maxMs: s.length ? s[s.length - 1] : 0 };
    };
    const writeHash = () => {
      clearTimeout(hashTimer);
      hashTimer = setTimeout(() => {
        if (!canvas.isConnected) return;
        const p = new URLSearchParams(location.hash.replace(/^#/, ''));
        p.set('page', 'timeline');
        p.set('view', `${Math.round(tl.scale.start)}-${Math.round(tl.scale.end)}`);
        history.replaceState(null, '', `#${p.toString()}`);
      }, 250);
    };
    const resize = () => {
      const r = box.getBoundingClientRect();
      const height = Math.max(360, window.innerHeight - r.top - 12);
      tl.dpr = window.devicePixelRatio || 1;
      tl.W = Math.max(300, Math.floor(r.width));
      tl.H = Math.floor(height);
      canvas.style.width = `${tl.W}px`;
      canvas.style.height = `${tl.H}px`;
      canvas.width = Math.round(tl.W * tl.dpr);
      canvas.height = Math.round(tl.H * tl.dpr);
      tl.scale.resize(tl.W - GT.timeline.geometry.LABEL_W);
      scrollTo(tl.scrollTop);
      requestDraw();
    };
    const scrollTo = (y) => {
      const max = Math.max(0, tl.layout.height - (tl.H - GT.timeline.geometry.AXIS_H) + 20);
      tl.scrollTop = Math.max(0, Math.min(max, y));
      requestDraw();
    };
    const setView = (s, e) => {
      tl.scale.set(Number(s), Number(e));
      requestDraw();
      writeHash();
    };
    const showLane = (lane, select) => {
      const row = tl.layout.reveal(lane);
      if (!row) return;
      if (row.y < tl.scrollTop || row.y + row.h > tl.scrollTop + tl.H - 60) scrollTo(row.y - (tl.H - GT.timeline.geometry.AXIS_H) / 3);
      if (select) tl.selectedLane = lane;
      requestDraw();
    };
    const showGoroutine = (id, zoom) => {
      const lane = tl.layout.goroutineLane(id);
      if (lane < 0) {
        details.replaceChildren(h('p', { class: 'error' }, `No goroutine ${id} in this trace.`));
        return;
      }
      showLane(lane, true);
      if (zoom && info.last[lane] > info.first[lane]) {
        const pad = (info.last[lane] - info.first[lane]) * 0.02;
        setView(info.first[lane] - pad, info.last[lane] + pad);
      }
      canvas.dataset.goroutine = String(id);
    };

    const showDetails = (d) => {
      if (!d) { details.replaceChildren(h('p', { class: 'muted' }, 'No span there.')); return; }
      tl.selected = { lane: d.lane, start: d.start, end: d.end };
      requestDraw();
      const g = d.goroutine;
      const goLink = (ref) => h('a', { href: `#page=timeline&g=${ref.id}`, class: 'goroutine',
        onclick: (e) => { e.preventDefault(); showGoroutine(ref.id, false); } }, `G${ref.id}`, ref.name ? ` ${ref.name}` : '');
      const fact = (label, value) => h('tr', {}, h('th', {}, label), h('td', {}, value));
      const title = `${d.kind === 'goroutine' ? `Goroutine ${d.lane_id}` : d.kind === 'sweep' ? `Proc ${d.lane_id}`
        : `${d.kind[0].toUpperCase()}${d.kind.slice(1)} ${d.lane_id}`} · ${d.state}`;
      const neighbour = (n) => (n ? h('a', { href: '#', onclick: (e) => {
        e.preventDefault();
        ctx.client.call('timelineSpan', d.lane, n.index).then(showDetails);
      } }, `${n.state}, ${f.dur(n.end - n.start)}`) : '–');
      const flowList = (list) => (list.length ? h('ul', { class: 'tl-flows' }, list.map((fl) => h('li', {},
        `${fl.kind}: `, goLink(fl.from), ' → ', goLink(fl.to), ` at `, at(tl, fl.from_time), ` (${f.dur(fl.to_time - fl.from_time)} to run)`)))
        : h('span', { class: 'muted' }, 'none'));
      details.replaceChildren(
        h('h3', {}, title),
        h('table', { class: 'tl-facts' }, h('tbody', {},
          g ? fact('Goroutine', goLink(g)) : null,
          d.label ? fact(d.kind === 'goroutine' ? 'Reason' : 'Label', d.label) : null,
          fact('Start', at(tl, d.start)),
          fact('Wall duration', dur(d.dur)),
          fact('Self time', dur(d.self_ns)),
          fact('Preceding', neighbour(d.prev)),
          fact('Following', neighbour(d.next)))),
        h('h4', {}, 'Incoming flow'), flowList(d.incoming),
        h('h4', {}, 'Outgoing flows'), flowList(d.outgoing),
        h('h4', {}, 'Start stack'), stackList(d.start_stack),
        h('h4', {}, 'End stack'), stackList(d.end_stack));
      details.dataset.goroutine = g ? String(g.id) : '';
      details.dataset.durNs = String(d.dur);
      details.dataset.startNs = String(d.start);
      details.dataset.state = d.state;
      details.dataset.kind = d.kind;
    };

    const showSample = (lane, d) => {
      tl.selected = { lane, start: d.time, end: d.time };
      requestDraw();
      const g = d.goroutine;
      const fact = (label, value) => h('tr', {}, h('th', {}, label), h('td', {}, value));
      details.replaceChildren(
        h('h3', {}, `CPU sample${g ? ` · Goroutine ${g.id}` : ''}`),
        h('table', { class: 'tl-facts' }, h('tbody', {},
          g ? fact('Goroutine', h('a', { href: `#page=timeline&g=${g.id}`, class: 'goroutine',
            onclick: (e) => { e.preventDefault(); showGoroutine(g.id, false); } }, `G${g.id}`, g.name ? ` ${g.name}` : '')) : null,
          fact('Time', at(tl, d.time)))),
        h('h4', {}, 'Stack'), stackList(d.stack));
      details.dataset.goroutine = g ? String(g.id) : '';
      details.dataset.startNs = String(d.time);
      details.dataset.durNs = '0';
      details.dataset.state = 'sample';
      details.dataset.kind = 'sample';
    };

    const actions = {
      viewChanged: () => { requestDraw(); writeHash(); },
      redraw: requestDraw,
      scrollBy: (dy) => scrollTo(tl.scrollTop + dy),
      scrollTo,
      setView,
      toggleRow: (row) => { tl.layout.toggle(row); scrollTo(tl.scrollTop); },
      toggleHelp: () => { help.hidden = !help.hidden; },
      toggleFlows: () => { tl.flows = !tl.flows; flowsBtn.setAttribute('aria-pressed', String(tl.flows)); requestDraw(); },
      toggleFrameTimes: () => {
        readout.hidden = !readout.hidden;
        framesBtn.setAttribute('aria-pressed', String(!readout.hidden));
        showFrameTimes();
        requestDraw();
      },
      focusSearch: () => search.focus(),
      clearSelection: () => {
        tl.box = null; tl.selected = null; help.hidden = true; requestDraw();
      },
      clickLabel: (lane) => { tl.selectedLane = lane; requestDraw(); },
      // A click on the top of a goroutine lane picks the CPU sample drawn there, if any.
      clickSpan: async (lane, t, slack, within) => {
        try {
          if (info.samples && info.kind[lane] === 6 && within < GT.timeline.geometry.MARK_SHARE) {
            const sample = await ctx.client.call('timelineSampleAt', lane, t, slack);
            if (sample) { showSample(lane, sample); return; }
          }
          showDetails(await ctx.client.call('timelineSpanAt', lane, t, slack));
        } catch (e) {
          details.replaceChildren(h('p', { class: 'error' }, e.message));
        }
      },
      boxSelected: (b) => {
        const t0 = Math.min(b.t0, b.t1), t1 = Math.max(b.t0, b.t1);
        const rows = tl.layout.visible(Math.min(b.y0, b.y1), Math.max(b.y0, b.y1)).filter((r) => r.type === 'lane');
        const lanes = Uint32Array.from(rows.map((r) => r.lane));
        requestDraw();
        ctx.client.call('timelineSelect', lanes, t0, t1).then((totals) => {
          details.replaceChildren(
            h('h3', {}, 'Selection'),
            h('p', {}, `${f.dur(Math.round(t1 - t0))} from `, at(tl, t0), `, ${f.int(lanes.length)} lanes`),
            totals.length ? GT.table([
              { key: 'kind', label: 'Lanes' }, { key: 'state', label: 'State' },
              { key: 'ns', label: 'Time', num: true, fmt: dur }, { key: 'spans', label: 'Spans', num: true, fmt: (n, r) => `${r.partial ? '≥ ' : ''}${f.int(n)}` },
              { key: 'lanes', label: 'In lanes', num: true },
            ], totals, { sortKey: 'ns' }) : h('p', { class: 'muted' }, 'Nothing in the box.'));
          details.dataset.selection = String(totals.length);
        });
      },
    };

    search.addEventListener('keydown', async (e) => {
      if (e.key === 'Escape') { search.blur(); results.hidden = true; return; }
      if (e.key !== 'Enter') return;
      const found = await ctx.client.call('timelineFind', search.value, 30);
      results.replaceChildren(...(found.length ? found.map((g) => h('button', { type: 'button', class: 'tl-result',
        onclick: () => { results.hidden = true; showGoroutine(g.id, false); } }, `G${g.id} `, h('span', { class: 'muted' }, g.name || '(unnamed)')))
        : [h('div', { class: 'muted' }, 'No goroutine matches.')]));
      results.hidden = false;
      if (found.length === 1 || (found[0] && String(found[0].id) === search.value.trim().replace(/^g/i, ''))) {
        results.hidden = true;
        showGoroutine(found[0].id, false);
      }
    });
    flowsBtn.addEventListener('click', actions.toggleFlows);
    framesBtn.addEventListener('click', actions.toggleFrameTimes);
    helpBtn.addEventListener('click', actions.toggleHelp);
    wholeBtn.addEventListener('click', () => setView(info.start, info.end));
    help.addEventListener('click', () => { help.hidden = true; });

    const stop = GT.timeline.interact(tl, actions);
    const ro = new ResizeObserver(() => resize());
    ro.observe(box);
    window.addEventListener('resize', resize);
    resize();
    const view = /^(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)$/.exec(ctx.params.get('view') || '');
    if (view) setView(Number(view[1]), Number(view[2]));
    if (ctx.params.has('g')) showGoroutine(Number(ctx.params.get('g')), !view);
    root.dataset.ready = 'timeline';
    current = {
      tl, setView, frameStats: stats,
      resetFrames: () => { tl.frames.length = 0; },
      dispose: () => { stop(); ro.disconnect(); window.removeEventListener('resize', resize); },
    };
  }

  GT.views.timeline = {
    render,
    /** Sets the view to [startNs, endNs) (opens the timeline if another view is shown). */
    setView(startNs, endNs) {
      if (current && current.tl.canvas.isConnected) { current.setView(startNs, endNs); return true; }
      GT.app.navigate({ page: 'timeline', view: `${Math.round(startNs)}-${Math.round(endNs)}`, g: null });
      return false;
    },
    /** Frame times of the timeline's draws: {frames, p50Ms, p99Ms, maxMs}; `reset` empties them after. */
    frameStats(reset) {
      if (!current) return { frames: 0, p50Ms: 0, p99Ms: 0, maxMs: 0 };
      const s = current.frameStats();
      if (reset) current.resetFrames();
      return s;
    },
    /** The live state (tests and benchmarks). */
    state() { return current ? current.tl : null; },
  };
})();
