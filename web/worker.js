// The worker owns the wasm: it reads and analyses traces off the main thread, so a 100 MB
// trace never freezes the page.
//
// Messages (main -> worker):
//   {type: 'init', wasm}                  wasm: URL of gotrace_wasm_bg.wasm, or a compiled
//                                         WebAssembly.Module (the single-file build)
//   {type: 'load', id, name, blob | buffer, parts?, forward?}
//                                         blob: the File or Blob, read a slice at a time;
//                                         buffer: the file's ArrayBuffer, transferred;
//                                         parts: 'timeline' | 'analyses' | undefined (all):
//                                         what this worker's Session computes; forward: first
//                                         post a copy of the bytes back (for the other worker)
//   {type: 'call', id, method, args}      a Session method (overview, profile, tasks, ...)
// Messages (worker -> main):
//   {type: 'ready'} | {type: 'fatal', message}
//   {type: 'progress', id, read, total}
//   {type: 'bytes', id, buffer}           the copy asked for by `forward`, transferred
//   {type: 'result', id, value, transfer?} | {type: 'error', id, message, dead?}
//   (dead: the wasm trapped — out of memory, or a bug — and this worker must be replaced)
//   (a load's value: {overview, parseMs, bytes, memoryBytes, memoryCurve})
//
// Flow: main creates the worker, sends init, then load; the worker builds a Session (wasm)
// over the file (a Blob read a slice at a time with a FileReaderSync, or bytes kept here:
// either way the wasm copies in a window at a time), reports progress, and
// answers with the overview; later calls go to that Session. Cancelling a load terminates the worker (main starts a fresh one).
// With two workers (web/js/client.js), one computes the timeline and the other the rest,
// each reading the whole trace: the load takes the time of the longer part.
/* global wasm_bindgen, importScripts */
'use strict';

if (typeof wasm_bindgen === 'undefined') {
  // Hosted build: the glue is a file next to this one. (The single-file build prepends it.)
  importScripts('pkg/gotrace_wasm.js');
}

let session = null;
let wasmExports = null;

const methods = {
  overview: () => session.overview(),
  reportJson: () => session.reportJson(),
  groupGoroutines: (name) => session.groupGoroutines(name),
  profile: (kind, scope) => session.profile(kind, scope),
  pprofGz: (kind, scope) => session.pprofGz(kind, scope),
  cpuProfile: () => session.cpuProfile(),
  tasks: (type, filter) => session.tasks(type, filter),
  regions: (type, pc) => session.regions(type, pc),
  mmuPlot: (flags) => session.mmuPlot(flags),
  mmuWorst: (flags, windowNs, n) => session.mmuWorst(flags, windowNs, n),
  // timeline
  timelineInfo: () => session.timelineInfo(),
  timelineLod: (lanes, start, end, width) => session.timelineLod(lanes, start, end, width),
  timelineCounters: (start, end, width) => session.timelineCounters(start, end, width),
  timelineSpanAt: (lane, t, slack) => session.timelineSpanAt(lane, t, slack),
  timelineSampleAt: (lane, t, slack) => session.timelineSampleAt(lane, t, slack),
  timelineSpan: (lane, index) => session.timelineSpan(lane, index),
  timelineSelect: (lanes, start, end) => session.timelineSelect(lanes, start, end),
  timelineFind: (query, limit) => session.timelineFind(query, limit),
};

/** The wasm memory's size in bytes. */
function memory() {
  return wasmExports && wasmExports.memory ? wasmExports.memory.buffer.byteLength : 0;
}

function errorText(e) {
  if (typeof e === 'string') return e;
  if (e && e.message) return e.message;
  return String(e);
}

self.onmessage = async (msg) => {
  const m = msg.data;
  try {
    if (m.type === 'init') {
      wasmExports = await wasm_bindgen({ module_or_path: m.wasm });
      self.postMessage({ type: 'ready' });
    } else if (m.type === 'load') {
      if (session) { session.free(); session = null; }
      if (m.forward) {
        // A copy for the worker that computes the other part: made here, not on the page's
        // thread (a copy of a big trace would freeze the page for a moment).
        const copy = m.buffer.slice(0);
        self.postMessage({ type: 'bytes', id: m.id, buffer: copy }, [copy]);
      }
      const bytes = m.blob || new Uint8Array(m.buffer);
      const size = m.blob ? m.blob.size : bytes.length;
      const t0 = performance.now();
      // The file stays out of the wasm memory (a Blob, or its bytes here): the session copies
      // in only the generations it is reading (and reads them again for scoped profiles), so
      // the wasm memory holds every analysis and a window of the file. Its size as the load
      // goes (bytes read, memory), for whoever measures it (scripts/bench-browser.mjs).
      const memoryCurve = [];
      session = new wasm_bindgen.Session(bytes, m.name, (read, total) => {
        memoryCurve.push([read, memory()]);
        self.postMessage({ type: 'progress', id: m.id, read, total });
      }, m.parts);
      const parseMs = performance.now() - t0;
      // The timeline's worker has no document to show (its other analyses saw no events).
      const overview = m.parts === 'timeline' ? null : session.overview();
      const memoryBytes = memory();
      self.postMessage({ type: 'result', id: m.id, value: { overview, parseMs, bytes: size, memoryBytes, memoryCurve } });
    } else if (m.type === 'call') {
      if (!session) throw new Error('no trace loaded');
      const f = methods[m.method];
      if (!f) throw new Error('unknown method ' + m.method);
      let value = f(...(m.args || []));
      if (value instanceof Uint8Array) {
        self.postMessage({ type: 'result', id: m.id, value }, [value.buffer]);
      } else if (value && typeof value === 'object' && !Array.isArray(value)
        && Object.values(value).some((v) => ArrayBuffer.isView(v))) {
        // timeline: objects of typed-array columns move their buffers instead of copying.
        const transfer = Object.values(value).filter((v) => ArrayBuffer.isView(v)).map((v) => v.buffer);
        self.postMessage({ type: 'result', id: m.id, value }, transfer);
      } else {
        self.postMessage({ type: 'result', id: m.id, value });
      }
    }
  } catch (e) {
    if (m.type === 'init') {
      self.postMessage({ type: 'fatal', message: errorText(e) });
    } else if (e instanceof WebAssembly.RuntimeError) {
      // A trap: the instance is not usable any more; the page replaces this worker.
      session = null;
      self.postMessage({ type: 'error', id: m.id, message: trapText(e), dead: true });
    } else {
      self.postMessage({ type: 'error', id: m.id, message: errorText(e) });
    }
  }
};

/** Why the wasm trapped: memory ran out (Rust aborts when an allocation fails), or a bug. */
function trapText(e) {
  const mb = (n) => (n / 1e6).toFixed(n < 1e7 ? 1 : 0);
  let failed = 0;
  let panic = null;
  try {
    failed = wasm_bindgen.failedAllocation();
    panic = wasm_bindgen.lastPanic();
  } catch (_) { /* the instance is gone for good */ }
  if (failed > 0) {
    return `out of memory: this trace needs more memory than the browser gives this page (its WebAssembly memory had grown to ${mb(memory())} MB, and ${mb(failed)} MB more were refused)`;
  }
  return `internal error: ${panic || e.message} (please report it, with the trace if you can)`;
}
