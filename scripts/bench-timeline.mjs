// Benchmark of the timeline in headless Chromium (not a test): opens a big trace as a File
// (as a drop does) with the timeline shown, times the first frame that shows the whole trace,
// then drives it with held keys across the whole trace — zoom in
// (W) at several points, pan (D/A) while zoomed, zoom out (S) — then reports the frame
// times (the draw of each animation frame, from window.gotrace.frameStats()), the fetches,
// the wasm memory and the timeline's own bytes.
// Usage: node scripts/bench-timeline.mjs [TRACE]  (default target/bench/big.trace)
//   WORKERS=1|2  open the page with ?workers=N: one worker, or the timeline and the other
//                analyses in two (by default the page decides: two on two cores or more, for
//                a Go 1.22+ trace)
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
const { page, problems } = await open(b.ctx, server.url + workers + '#page=timeline');
await page.waitForFunction(() => window.GT && GT.app && GT.app.trace && !GT.app.loading, null, { timeout: 60000 });
// As a drop: the file is a File (read by the workers a slice at a time), made before the clock
// starts; the clock stops at the first frame that shows the whole trace with its lanes and
// counters (then at the end of the load, once every analysis is done).
const load = await page.evaluate(async (url) => {
  const file = new File([await (await fetch(url)).blob()], 'big.trace');
  const before = GT.views.timeline.state();
  const t0 = performance.now();
  let firstFrameMs = null;
  const frame = () => {
    const tl = GT.views.timeline.state();
    if (tl && tl !== before && tl.data.lod && tl.data.counters && !tl.data.busy) {
      // This frame draws what was fetched.
      requestAnimationFrame(() => { firstFrameMs = performance.now() - t0; });
      return;
    }
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  const t = await GT.app.open(file, 'big.trace');
  const ms = performance.now() - t0;
  while (firstFrameMs === null) await new Promise((r) => setTimeout(r, 10));
  return { ms, firstFrameMs, bytes: t.bytes, memoryBytes: t.memoryBytes };
}, server.url + 'files/big.trace');
const t0 = Date.now();
await page.waitForSelector('[data-ready=timeline]', { timeout: 120000 });
const openMs = Date.now() - t0;
const box = await page.$eval('canvas.tl-canvas', (c) => { const r = c.getBoundingClientRect(); return { x: r.left, y: r.top, w: r.width, h: r.height }; });
await page.waitForTimeout(1000);
await page.evaluate(() => window.gotrace.frameStats(true));

const hold = async (key, ms) => { await page.keyboard.down(key); await page.waitForTimeout(ms); await page.keyboard.up(key); };
// Zoom in at five points across the trace (3× per second: 4 s is 80×), pan, zoom out.
for (const at of [0.1, 0.3, 0.5, 0.7, 0.9]) {
  await page.evaluate(() => window.gotrace.setView(GT.views.timeline.state().info.start, GT.views.timeline.state().info.end));
  await page.mouse.move(box.x + 190 + (box.w - 190) * at, box.y + box.h / 2);
  await hold('w', 4000);
  await hold('d', 1500);
  await hold('a', 1000);
  await page.mouse.wheel(0, 600); // scroll the lanes
  await hold('s', 2500);
}
const frames = await page.evaluate(() => window.gotrace.frameStats());
const state = await page.evaluate(() => {
  const tl = GT.views.timeline.state();
  return { fetches: tl.data.fetches, timelineBytes: tl.info.bytes, lanes: tl.info.kind.length };
});
const memoryBytes = await page.evaluate(() => GT.app.client.call('timelineInfo').then(() => null)).then(() => load.memoryBytes);
console.log(JSON.stringify({
  trace: path.basename(trace), mb: +(load.bytes / 1e6).toFixed(1),
  first_frame_s: +(load.firstFrameMs / 1000).toFixed(2), load_s: +(load.ms / 1000).toFixed(2),
  timeline_open_ms: openMs, lanes: state.lanes,
  frames: frames.frames, frame_p50_ms: +frames.p50Ms.toFixed(2), frame_p99_ms: +frames.p99Ms.toFixed(2), frame_max_ms: +frames.maxMs.toFixed(2),
  fetches: state.fetches,
  timeline_mb: +(state.timelineBytes / 1e6).toFixed(1), wasm_memory_mb: +(memoryBytes / 1e6).toFixed(1),
  wasm_memory_over_file: +(memoryBytes / load.bytes).toFixed(2),
  problems,
}, null, 1));
await b.close();
await server.close();
