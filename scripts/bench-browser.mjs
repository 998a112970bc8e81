// Benchmark of the web app in headless Chromium (not a test): loads a big trace through the
// page (fetched by ?url= from a local server, then parsed and analysed in the worker) and
// reports the load time, MB/s, the wasm memory (and how it grew along the file), and the main
// thread's long tasks (> 50 ms) while loading.
// Usage: node scripts/bench-browser.mjs [TRACE]  (default target/bench/big.trace)
//   WORKERS=1|2  open the page with ?workers=N: one worker, or the timeline and the other
//                analyses in two (by default the page decides: two on two cores or more, for
//                a Go 1.22+ trace)
//   SOURCE=file  open the trace as a File (as a drop does: the worker reads it a slice at a
//                time) instead of by its URL (fetched into memory, then handed to the worker);
//                the fetch into a File is not timed
import fs from 'node:fs';
import path from 'node:path';
import { serve, browser, open, root } from '../tests/browser/harness.mjs';

const trace = path.resolve(process.argv[2] || path.join(root, 'target/bench/big.trace'));
if (!fs.existsSync(trace)) {
  console.error(`no trace at ${trace}: make one with scripts/bench.sh (BENCH_ONLY=go is enough)`);
  process.exit(1);
}
const server = await serve(undefined, { 'big.trace': trace });
const b = await browser();
const workers = process.env.WORKERS ? `?workers=${process.env.WORKERS}` : '';
const { page, problems } = await open(b.ctx, server.url + workers + '#page=overview');
await page.waitForFunction(() => window.GT && GT.app && GT.app.trace, null, { timeout: 60000 });
const result = await page.evaluate(async ({ url, asFile }) => {
  const source = asFile ? new File([await (await fetch(url)).blob()], 'big.trace') : url;
  const long = [];
  const obs = new PerformanceObserver((list) => list.getEntries().forEach((e) => long.push(e.duration)));
  obs.observe({ type: 'longtask', buffered: false });
  const t0 = performance.now();
  const t = await GT.app.open(source, 'big.trace');
  const ms = performance.now() - t0;
  await new Promise((r) => setTimeout(r, 200));
  obs.disconnect();
  return { ms, parseMs: t.parseMs, bytes: t.bytes, memoryBytes: t.memoryBytes, memoryCurve: t.memoryCurve, workers: t.workers, parts: t.parts,
    events: t.overview.events.total, longTasks: long.length, longestTaskMs: long.length ? Math.max(...long) : 0 };
}, { url: server.url + 'files/big.trace', asFile: process.env.SOURCE === 'file' });
const mb = result.bytes / 1e6;

/** The last memory size seen by each tenth of the file read. */
function tenths(curve, total) {
  const out = new Array(10).fill(null);
  for (const [read, mem] of curve || []) out[Math.min(9, Math.floor((read / total) * 10))] = +(mem / 1e6).toFixed(0);
  return out;
}
console.log(JSON.stringify({
  trace: path.basename(trace), mb: +mb.toFixed(1), events: result.events,
  workers: result.workers, source: process.env.SOURCE === 'file' ? 'file' : 'url',
  load_s: +(result.ms / 1000).toFixed(2), worker_parse_analyse_s: +(result.parseMs / 1000).toFixed(2),
  worker_mb_per_s: +(mb / (result.parseMs / 1000)).toFixed(1),
  wasm_memory_mb: +(result.memoryBytes / 1e6).toFixed(1), wasm_memory_over_file: +(result.memoryBytes / result.bytes).toFixed(2),
  // With two workers, each one's time and wasm memory (the figures above are the longest
  // time and the sum of the memories).
  parts: result.parts && Object.fromEntries(Object.entries(result.parts).map(([k, v]) =>
    [k, { s: +(v.parseMs / 1000).toFixed(2), wasm_memory_mb: +(v.memoryBytes / 1e6).toFixed(1) }])),
  // The wasm memory (MB) of the analyses' worker when a tenth, two tenths, … of the file was read: where it grows.
  wasm_memory_mb_by_tenth_read: tenths(result.memoryCurve, result.bytes),
  main_thread_long_tasks: result.longTasks, longest_main_thread_task_ms: +result.longestTaskMs.toFixed(1),
  problems,
}, null, 1));
await b.close();
await server.close();
