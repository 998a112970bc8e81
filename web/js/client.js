// The main thread's side of the worker: starts it, sends it the trace (transferred, not
// copied), and turns its messages into promises. Views never see the worker or the wasm.
'use strict';
window.GT = window.GT || {};

GT.Client = class Client {
  constructor() {
    this.worker = null;
    this.ready = null;
    this.pending = new Map();
    this.nextId = 1;
  }

  /** Starts a worker: from files next to the page, or (single-file build) from inlined text. */
  start() {
    const inline = document.getElementById('gotrace-worker-src');
    let wasm;
    if (inline) {
      const glue = document.getElementById('gotrace-glue-src').textContent;
      const blob = new Blob([glue, '\n', inline.textContent], { type: 'text/javascript' });
      this.worker = new Worker(URL.createObjectURL(blob));
      const b64 = document.getElementById('gotrace-wasm-b64').textContent.trim();
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      wasm = WebAssembly.compile(bytes);
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

  onMessage(m) {
    if (m.type === 'ready') { this.readyCb.resolve(); return; }
    if (m.type === 'fatal') { this.readyCb.reject(new Error(m.message)); return; }
    const p = this.pending.get(m.id);
    if (!p) return;
    if (m.type === 'progress') { if (p.onProgress) p.onProgress(m.read, m.total); return; }
    this.pending.delete(m.id);
    if (m.type === 'result') p.resolve(m.value); else p.reject(new Error(m.message));
  }

  failAll(message) {
    for (const p of this.pending.values()) p.reject(new Error(message));
    this.pending.clear();
  }

  send(msg, transfer, onProgress) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onProgress });
      this.worker.postMessage({ ...msg, id }, transfer || []);
    });
  }

  /** Reads and analyses a trace; resolves with {overview, parseMs, bytes}. */
  async load(buffer, name, onProgress) {
    if (!this.worker) await this.start();
    await this.ready;
    return this.send({ type: 'load', name, buffer }, [buffer], onProgress);
  }

  async call(method, ...args) {
    await this.ready;
    return this.send({ type: 'call', method, args });
  }

  /** Stops whatever the worker does (a load in progress); a new worker starts on next use. */
  cancel() {
    if (this.worker) this.worker.terminate();
    this.worker = null;
    this.failAll('cancelled');
  }
};
