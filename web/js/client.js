// The main thread's side of the workers: starts them, sends them the trace (a File or Blob,
// which the workers read a slice at a time, or bytes, transferred, not copied), and turns
// their messages into promises. Views never see the workers or the wasm.
//
// Where there are two cores or more, a Go 1.22+ trace is loaded by two workers, each with its
// own wasm instance reading the whole trace: one builds the timeline, the other every other
// analysis, so the load takes the time of the longer part instead of both (the reading is done
// twice). Timeline calls then go to the first, the rest to the second. On the 85 MB benchmark
// trace: ~1.3x faster, 1.98x the file in wasm memory instead of 1.86x (docs/performance.md,
// session 8); for bytes (a URL, an ArrayBuffer; not a File or Blob) the timeline's worker
// gets a copy of them, which it lets go once read (its session never reads them again). A Go
// 1.11-1.21 trace, read whole by its reader, is loaded by one worker (two would hold it twice).
// `?workers=1` always loads in one worker, `?workers=2` always in two. A worker whose wasm
// trapped (out of memory) is replaced, with its trace: `onLost(message)` says so after a call.
'use strict';
window.GT = window.GT || {};

/** One worker and the wasm instance it owns. */
GT.WorkerHandle = class WorkerHandle {
  constructor() {
    this.worker = null;
    this.ready = null;
    this.pending = new Map();
    this.nextId = 1;
  }

  /** Starts the worker: from files next to the page, or (single-file build) from inlined text. */
  start() {
    const inline = document.getElementById('gotrace-worker-src');
    let wasm;
    if (inline) {
      const glue = document.getElementById('gotrace-glue-src').textContent;
      const blob = new Blob([glue, '\n', inline.textContent], { type: 'text/javascript' });
      this.worker = new Worker(URL.createObjectURL(blob));
      wasm = GT.WorkerHandle.inlineModule();
    } else {
      this.worker = new Worker('worker.js');
      wasm = Promise.resolve(new URL('pkg/gotrace_wasm_bg.wasm', document.baseURI).href);
    }
    this.worker.onmessage = (e) => this.onMessage(e.data);
    this.worker.onerror = (e) => this.failAll(`the worker failed: ${e.message || 'unknown error'}`);
    this.ready = new Promise((resolve, reject) => { this.readyCb = { resolve, reject }; });
    wasm.then((w) => this.worker.postMessage({ type: 'init', wasm: w }))
      .catch((e) => this.readyCb.reject(new Error(`could not load the WebAssembly module: ${e.message || e}`)));
    return this.ready;
  }

  /** The single-file build's wasm, compiled once for every worker. */
  static inlineModule() {
    if (!GT.WorkerHandle.compiled) {
      const b64 = document.getElementById('gotrace-wasm-b64').textContent.trim();
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      GT.WorkerHandle.compiled = WebAssembly.compile(bytes);
    }
    return GT.WorkerHandle.compiled;
  }

  onMessage(m) {
    if (m.type === 'ready') { this.readyCb.resolve(); return; }
    if (m.type === 'fatal') { this.readyCb.reject(new Error(m.message)); return; }
    const p = this.pending.get(m.id);
    if (!p) return;
    if (m.type === 'progress') { if (p.onProgress) p.onProgress(m.read, m.total); return; }
    if (m.type === 'bytes') { if (p.onBytes) p.onBytes(m.buffer); return; }
    this.pending.delete(m.id);
    if (m.dead) this.dead = true;
    if (m.type === 'result') p.resolve(m.value); else p.reject(new Error(m.message));
  }

  failAll(message) {
    for (const p of this.pending.values()) p.reject(new Error(message));
    this.pending.clear();
  }

  /** Sends `msg`; resolves with its result. `on`: {onProgress, onBytes} for a load. */
  send(msg, transfer, on) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, ...(on || {}) });
      this.worker.postMessage({ ...msg, id }, transfer || []);
    });
  }

  terminate() {
    if (this.worker) this.worker.terminate();
    this.worker = null;
    this.failAll('cancelled');
  }
};

GT.Client = class Client {
  constructor() {
    /** The worker of the analyses (and of everything, with one worker). */
    this.main = null;
    /** The timeline's worker, with two. */
    this.timeline = null;
  }

  /** Workers a load may use: 1 or 2 if `?workers=` says so, else 'auto' (see above). */
  static workerMode() {
    const w = new URLSearchParams(location.search).get('workers');
    return w === '1' ? 1 : w === '2' ? 2 : 'auto';
  }

  /** Whether a second worker is started: not with `?workers=1`, nor on a single core. */
  static wantsTwo() {
    const mode = Client.workerMode();
    return mode === 2 || (mode === 'auto' && (navigator.hardwareConcurrency || 1) >= 2);
  }

  /** Whether the first bytes of a trace are those of a Go 1.11-1.21 trace ("go 1.19 trace"). */
  static isV1(head) {
    const m = /^go 1\.(\d+) trace/.exec(String.fromCharCode(...head));
    return Boolean(m) && Number(m[1]) <= 21;
  }

  start() {
    this.main = new GT.WorkerHandle();
    const started = [this.main.start()];
    if (Client.wantsTwo()) {
      this.timeline = new GT.WorkerHandle();
      started.push(this.timeline.start());
    }
    this.split = false;
    this.ready = Promise.all(started);
    return this.ready;
  }

  /** Whether a load of `source` is split between the two workers. */
  async splits({ blob, buffer }) {
    if (!this.timeline) return false;
    if (Client.workerMode() === 2) return true;
    const head = blob ? new Uint8Array(await blob.slice(0, 16).arrayBuffer()) : new Uint8Array(buffer, 0, Math.min(16, buffer.byteLength));
    return !Client.isV1(head);
  }

  /**
   * Reads and analyses a trace, given as `{blob}` (a File or Blob, which the workers read a
   * slice at a time) or `{buffer}` (an ArrayBuffer, transferred); resolves with {overview,
   * parseMs, bytes, memoryBytes, workers} once every worker has finished (parseMs: the longest
   * worker's time; memoryBytes: the wasm memory of all of them). With two workers, if the
   * timeline's is done first, `onTimeline()` is called then (the timeline can be shown).
   */
  async load(source, name, onProgress, onTimeline) {
    try {
      return await this.loadIn(source, name, onProgress, onTimeline);
    } finally {
      this.replaceDead();
    }
  }

  async loadIn({ blob, buffer }, name, onProgress, onTimeline) {
    if (!this.main) this.start();
    await this.ready;
    const wasSplit = this.split;
    this.split = await this.splits({ blob, buffer });
    if (!this.split && wasSplit) {
      // The timeline's worker holds the last trace's timeline: a fresh one, for the next.
      this.timeline.terminate();
      this.timeline = new GT.WorkerHandle();
      this.timeline.start().catch(() => {});
    }
    if (!this.split) {
      const msg = blob ? { type: 'load', name, blob } : { type: 'load', name, buffer };
      const value = await this.main.send(msg, blob ? [] : [buffer], { onProgress });
      return { ...value, workers: 1 };
    }
    await Promise.all([this.main.ready, this.timeline.ready]);
    // The timeline is shown as soon as it is built, if the analyses are not done yet.
    let done = false;
    const early = (timelineLoad) => timelineLoad.then(() => { if (!done && onTimeline) onTimeline(); }, () => {});
    // Progress is that of the worker behind.
    const read = [0, 0];
    const progress = (i) => (r, total) => {
      read[i] = r;
      if (onProgress) onProgress(Math.min(read[0], read[1]), total);
    };
    if (blob) {
      // Both read the file: nothing to copy.
      const loads = [this.main.send({ type: 'load', name, blob, parts: 'analyses' }, [], { onProgress: progress(0) }),
        this.timeline.send({ type: 'load', name, blob, parts: 'timeline' }, [], { onProgress: progress(1) })];
      loads[1].catch(() => {}); // awaited after the first, which a bad file fails as well
      early(loads[1]);
      const value = await loads[0];
      done = true;
      return Client.joined(value, await loads[1]);
    }
    let timelineLoad = null;
    let onBytes;
    const forwarded = new Promise((resolve) => {
      onBytes = (copy) => {
        timelineLoad = this.timeline.send({ type: 'load', name, buffer: copy, parts: 'timeline' }, [copy], { onProgress: progress(1) });
        // Awaited below, after the analyses' load: a file both reject may fail here first.
        timelineLoad.catch(() => {});
        early(timelineLoad);
        resolve();
      };
    });
    const mainLoad = this.main.send({ type: 'load', name, buffer, parts: 'analyses', forward: true }, [buffer],
      { onProgress: progress(0), onBytes });
    // A file both reject: the analyses' message is shown (the timeline's is the same).
    const value = await mainLoad;
    done = true;
    await forwarded;
    return Client.joined(value, await timelineLoad);
  }

  /** The result of a load in two workers, from the analyses' and the timeline's results. */
  static joined(value, t) {
    return {
      ...value,
      parseMs: Math.max(value.parseMs, t.parseMs),
      memoryBytes: value.memoryBytes + t.memoryBytes,
      workers: 2,
      parts: { analyses: { parseMs: value.parseMs, memoryBytes: value.memoryBytes },
        timeline: { parseMs: t.parseMs, memoryBytes: t.memoryBytes } },
    };
  }

  async call(method, ...args) {
    if (!this.main) this.start();
    await this.ready;
    const w = this.split && method.startsWith('timeline') ? this.timeline : this.main;
    try {
      return await w.send({ type: 'call', method, args });
    } catch (e) {
      if (this.replaceDead() && this.onLost) this.onLost(e.message);
      throw e;
    }
  }

  /** Workers whose wasm trapped (out of memory) are replaced by fresh ones (with no trace);
   * whether they were. */
  replaceDead() {
    if (!(this.main && this.main.dead) && !(this.timeline && this.timeline.dead)) return false;
    this.cancel();
    this.start().catch(() => {});
    return true;
  }

  /** Stops whatever the workers do (a load in progress); new ones start on next use. */
  cancel() {
    for (const w of [this.main, this.timeline]) if (w) w.terminate();
    this.main = null;
    this.timeline = null;
    this.split = false;
  }
};
