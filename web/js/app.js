// The page: opening traces (drop, picker, ?url=, the bundled sample), progress and cancel,
// errors and warnings, the views and the URL hash that remembers the current one, and the
// embedding API `window.gotrace`.
'use strict';
window.GT = window.GT || {};
GT.views = GT.views || {};

const PAGES = [
  ['overview', 'Overview'],
  ['goroutines', 'Goroutines'],
  ['profiles', 'Blocking profiles'],
  ['tasks', 'Tasks'],
  ['regions', 'Regions'],
  ['mmu', 'MMU'],
  ['cpu', 'CPU samples'],
  ['timeline', 'Timeline'], // timeline
];

GT.app = {
  client: new GT.Client(),
  trace: null, // {name, overview, parseMs, bytes}
  loading: null,

  params() {
    return new URLSearchParams(location.hash.replace(/^#/, ''));
  },

  /** Changes the hash (the current view and its state). */
  navigate(changes, replace) {
    const hash = GT.hashWith(this.params(), changes);
    if (replace) history.replaceState(null, '', hash); else location.hash = hash;
    this.render();
  },

  el(id) { return document.getElementById(id); },

  showError(message, title = 'Could not open the trace: ') {
    const box = this.el('error');
    GT.clear(box).appendChild(GT.h('strong', {}, title));
    box.appendChild(document.createTextNode(message));
    box.hidden = false;
  },

  setProgress(read, total, startedMs) {
    const secs = (performance.now() - startedMs) / 1000;
    const pct = total ? Math.min(100, (read / total) * 100) : 0;
    this.el('progress-bar').style.width = `${pct.toFixed(1)}%`;
    const rate = secs > 0 ? read / 1e6 / secs : 0;
    const ready = this.trace && this.trace.partial ? ' · the timeline is ready' : '';
    this.el('progress-text').textContent =
      `${(read / 1e6).toFixed(1)} of ${(total / 1e6).toFixed(1)} MB · ${rate.toFixed(0)} MB/s${ready}`;
  },

  /**
   * What the worker reads: `{blob, name}` for a File or Blob (the worker reads it a slice at a
   * time: the file is never whole in the page's memory), else `{buffer, name}`, the bytes of
   * an ArrayBuffer, typed array or URL.
   */
  async bytesOf(source, onProgress) {
    if (source instanceof Blob) return { blob: source, name: source.name || 'trace' };
    if (source instanceof ArrayBuffer) return { buffer: source.slice(0), name: 'trace' };
    if (ArrayBuffer.isView(source)) {
      const copy = new Uint8Array(source.byteLength);
      copy.set(new Uint8Array(source.buffer, source.byteOffset, source.byteLength));
      return { buffer: copy.buffer, name: 'trace' };
    }
    if (typeof source === 'string' || source instanceof URL) {
      const url = new URL(String(source), document.baseURI);
      let resp;
      try {
        resp = await fetch(url);
      } catch (e) {
        throw new Error(`fetching ${url.href} failed: ${e.message} (is the URL reachable and does it allow cross-origin requests?)`);
      }
      if (!resp.ok) throw new Error(`fetching ${url.href}: HTTP ${resp.status} ${resp.statusText}`);
      const total = Number(resp.headers.get('content-length')) || 0;
      // Each chunk is copied where it belongs as it comes: one copy of a big trace at the end
      // would block the page for tens of ms. Without a length (or a wrong one: a compressed
      // response gives the compressed size), the chunks are joined at the end.
      let whole = total ? new Uint8Array(total) : null;
      let chunks = [];
      let read = 0;
      const reader = resp.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (whole && read + value.length <= whole.length) {
          whole.set(value, read);
        } else {
          if (whole) { chunks = [whole.subarray(0, read)]; whole = null; }
          chunks.push(value);
        }
        read += value.length;
        if (onProgress) onProgress(read, Math.max(total, read));
      }
      if (!whole) {
        whole = new Uint8Array(read);
        let off = 0;
        for (const c of chunks) { whole.set(c, off); off += c.length; }
      }
      const name = decodeURIComponent(url.pathname.split('/').pop() || 'trace');
      return { buffer: read === whole.length ? whole.buffer : whole.slice(0, read).buffer, name };
    }
    throw new Error('unsupported source: give a File, Blob, ArrayBuffer, Uint8Array or URL');
  },

  /** Opens a trace in the page; resolves with the load's result. */
  async open(source, nameOverride) {
    if (this.loading) this.cancel();
    const started = performance.now();
    const token = {};
    this.loading = token;
    this.el('error').hidden = true;
    this.el('progress').hidden = false;
    this.el('progress-bar').style.width = '0%';
    this.el('progress-text').textContent = 'reading…';
    try {
      const { name, ...bytes } = await this.bytesOf(source, (r, t) => this.setProgress(r, t, started));
      const label = nameOverride || name;
      this.el('progress-text').textContent = `analysing ${label}…`;
      const t0 = performance.now();
      // The timeline may be ready before the other analyses: shown at once (the other views
      // say they are being computed, and show themselves when they are).
      const onTimeline = () => {
        if (this.loading !== token) return;
        this.trace = { name: label, overview: null, partial: true };
        this.showTrace(label);
        this.el('progress-text').textContent = `analysing ${label}… (the timeline is ready)`;
      };
      const result = await this.client.load(bytes, label, (r, t) => this.setProgress(r, t, t0), onTimeline);
      if (this.loading !== token) throw new Error('cancelled');
      const full = { name: label, ...result, loadMs: performance.now() - started, partial: false };
      if (this.trace && this.trace.partial && this.trace.name === label) {
        // The same object: the timeline on screen keeps its state (it caches by trace).
        Object.assign(this.trace, full);
        this.renderWarnings();
        if (this.renderedPage !== 'timeline') this.render();
      } else {
        this.trace = full;
        this.showTrace(label);
      }
      return this.trace;
    } catch (e) {
      if (this.loading === token) {
        // A timeline shown before the failure goes too: its worker may be gone with the rest.
        if (this.trace && this.trace.partial) {
          this.trace = null;
          this.render();
        }
        this.showError(e.message);
      }
      throw e;
    } finally {
      if (this.loading === token) {
        this.loading = null;
        this.el('progress').hidden = true;
      }
    }
  },

  cancel() {
    this.loading = null;
    this.client.cancel();
    this.el('progress').hidden = true;
    this.showError('cancelled');
  },

  /** Shows the trace just opened (or its timeline, before the rest is ready). */
  showTrace(label) {
    document.title = `${label} · gotrace`;
    this.el('trace-name').textContent = label;
    this.renderWarnings();
    this.render();
  },

  renderWarnings() {
    const box = GT.clear(this.el('warnings'));
    const ws = (this.trace && this.trace.overview && this.trace.overview.warnings) || [];
    ws.forEach((w) => box.appendChild(GT.h('div', { class: 'warning' }, '⚠ ', w)));
    box.hidden = ws.length === 0;
  },

  render() {
    const page = this.params().get('page') || 'overview';
    document.querySelectorAll('nav a').forEach((a) => {
      a.classList.toggle('active', a.dataset.page === page);
      if (a.dataset.page === page) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
    });
    const main = GT.clear(this.el('view'));
    this.renderedPage = null;
    if (!this.trace) {
      main.appendChild(GT.h('p', { class: 'muted' }, 'Drop a Go execution trace anywhere on the page, or pick one.'));
      return;
    }
    if (this.trace.partial && page !== 'timeline') {
      main.appendChild(GT.h('p', { class: 'muted', dataset: { pending: page } }, 'Computing this view… the ',
        GT.h('a', { href: '#page=timeline' }, 'timeline'), ' is ready.'));
      return;
    }
    this.renderedPage = page;
    const view = GT.views[page];
    if (!view) {
      main.appendChild(GT.h('p', {}, `No such view: ${page}`));
      return;
    }
    const ctx = { trace: this.trace, overview: this.trace.overview, client: this.client, params: this.params(),
      navigate: (c, r) => this.navigate(c, r) };
    Promise.resolve(view.render(main, ctx)).catch((e) => {
      main.appendChild(GT.h('div', { class: 'error' }, `This view failed: ${e.message}`));
    });
  },

  async openSample() {
    const inline = document.getElementById('gotrace-sample-b64');
    if (inline) {
      const bytes = Uint8Array.from(atob(inline.textContent.trim()), (c) => c.charCodeAt(0));
      return this.open(bytes, 'sample.trace');
    }
    return this.open('sample.trace', 'sample.trace');
  },

  init() {
    // A worker that ran out of memory answering a view took the trace with it.
    this.client.onLost = (message) => {
      if (this.loading) return;
      this.trace = null;
      this.render();
      this.showError(`${message}; open it again, or a smaller one`, 'The trace was closed: ');
    };
    const nav = this.el('pages');
    PAGES.forEach(([page, title]) => {
      nav.appendChild(GT.h('a', { href: `#page=${page}`, dataset: { page } }, title));
    });
    window.addEventListener('hashchange', () => this.render());
    this.el('file').addEventListener('change', (e) => {
      const f = e.target.files[0];
      if (f) this.open(f).catch(() => {});
    });
    this.el('open-sample').addEventListener('click', () => this.openSample().catch(() => {}));
    this.el('cancel').addEventListener('click', () => this.cancel());
    // Drop anywhere.
    let depth = 0;
    const overlay = this.el('drop-overlay');
    document.addEventListener('dragenter', (e) => { e.preventDefault(); depth++; overlay.hidden = false; });
    document.addEventListener('dragleave', () => { depth = Math.max(0, depth - 1); if (!depth) overlay.hidden = true; });
    document.addEventListener('dragover', (e) => e.preventDefault());
    document.addEventListener('drop', (e) => {
      e.preventDefault();
      depth = 0;
      overlay.hidden = true;
      const f = e.dataTransfer && e.dataTransfer.files[0];
      if (f) this.open(f).catch(() => {});
    });
    document.addEventListener('keydown', (e) => {
      if (e.target.closest('input, textarea, select')) return;
      const i = Number(e.key);
      if (e.altKey && i >= 1 && i <= PAGES.length) this.navigate({ page: PAGES[i - 1][0] });
      if (e.key === 'Escape' && this.loading) this.cancel();
    });
    this.render();
    const url = new URLSearchParams(location.search).get('url');
    (url ? this.open(url) : this.openSample()).catch(() => {});
  },
};

/** The embedding API, for pages that host the app (internal docs, iframes). */
window.gotrace = {
  /** Opens `source` (File, Blob, ArrayBuffer, Uint8Array or URL) in the page and resolves with
   * the analysis document: exactly what `gotrace analyze --json` prints for it. */
  async load(source) {
    await GT.app.open(source);
    return JSON.parse(await GT.app.client.call('reportJson'));
  },
  /** The current trace's overview (the document without per-item lists), or null. */
  current() { return GT.app.trace ? GT.app.trace.overview : null; },
  // timeline
  /** Shows [startNs, endNs) of the trace in the timeline (opening it if another view is shown). */
  setView(startNs, endNs) { return GT.views.timeline.setView(startNs, endNs); },
  /** The timeline's frame times: {frames, p50Ms, p99Ms, maxMs}; `reset` starts counting anew. */
  frameStats(reset) { return GT.views.timeline.frameStats(reset); },
};

document.addEventListener('DOMContentLoaded', () => GT.app.init());
