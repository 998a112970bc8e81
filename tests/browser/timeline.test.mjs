// The timeline in headless Chromium: keys zoom and pan, canvas pixels show the lanes, a
// click on a span gives the goroutine and duration `gotrace dump` says, box selection,
// search, the URL hash and window.gotrace.setView/frameStats; screenshots at three zooms.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { serve, browser, open, dropFile, waitLoaded, screenshot, root } from './harness.mjs';

const fixture = path.join(root, 'tests/traces/blocking.trace');

/** Per goroutine, the times its state changes, from the CLI's event dump. */
function transitions(file) {
  const out = execFileSync(path.join(root, 'target/release/gotrace'), ['dump', file], { maxBuffer: 1 << 30 }).toString();
  const byG = new Map();
  let first = Infinity, last = -Infinity;
  for (const line of out.split('\n')) {
    const time = /Time=(\d+)/.exec(line);
    if (!time) continue;
    const t = Number(time[1]);
    first = Math.min(first, t);
    last = Math.max(last, t);
    const m = /StateTransition Time=\d+ GoID=(\d+) (\w+)->(\w+)/.exec(line);
    const assist = /Range\w+ Time=\d+ Name="GC mark assist" Scope=Goroutine\((\d+)\)/.exec(line);
    const g = m ? Number(m[1]) : assist ? Number(assist[1]) : null;
    if (g === null || (m && m[2] === m[3])) continue;
    if (!byG.has(g)) byG.set(g, []);
    byG.get(g).push({ t, to: m ? m[3] : 'assist' });
  }
  return { byG, first, last };
}

let server, b;
before(async () => { server = await serve(); b = await browser(); });
after(async () => { await b.close(); await server.close(); });

async function openTimeline(page, file) {
  await waitLoaded(page, 'sample.trace');
  await dropFile(page, file);
  await waitLoaded(page, path.basename(file));
  await page.evaluate(() => { location.hash = '#page=timeline'; });
  await page.waitForSelector('[data-ready=timeline]');
  await page.waitForFunction(() => Number(document.querySelector('canvas.tl-canvas').dataset.fetches) >= 1);
  await page.waitForTimeout(100);
}

/** The pixels of colour `rgb` below the Goroutines header (every `dy`-th row, `dx`-th
 * column): how many, and the first (CSS px) with the lane row two pixels below it. */
function goroutinePixels(page, rgb, dy, dx) {
  return page.evaluate(({ rgb, dy, dx }) => {
    const tl = GT.views.timeline.state();
    const section = tl.layout.rows.find((r) => r.type === 'section' && r.title === 'Goroutines');
    const { LABEL_W, AXIS_H } = GT.timeline.geometry;
    const c = tl.canvas;
    const img = tl.ctx.getImageData(0, 0, c.width, c.height).data;
    const y0 = Math.round((AXIS_H + section.y + section.h - tl.scrollTop) * tl.dpr);
    let count = 0, first = null;
    for (let y = y0; y < c.height; y += dy) {
      for (let x = Math.round((LABEL_W + 1) * tl.dpr); x < c.width; x += dx) {
        const i = 4 * (y * c.width + x);
        if (img[i] !== rgb[0] || img[i + 1] !== rgb[1] || img[i + 2] !== rgb[2]) continue;
        count++;
        if (!first) first = { x: x / tl.dpr, y: y / tl.dpr, lane: tl.layout.rows[tl.layout.rowAt(y / tl.dpr + 2 - AXIS_H + tl.scrollTop)] };
      }
    }
    return { count, first };
  }, { rgb, dy, dx });
}

/** A new page with `file` open in the timeline. */
async function timelineOf(file) {
  const opened = await open(b.ctx, server.url);
  await openTimeline(opened.page, file);
  return opened;
}

const view = (page) => page.$eval('canvas.tl-canvas', (c) => c.dataset.view.split('-').map(Number));

/** The canvas' position on the page. */
const canvasBox = (page) => page.$eval('canvas.tl-canvas', (c) => { const r = c.getBoundingClientRect(); return { x: r.left, y: r.top, w: r.width, h: r.height }; });

/** Waits until the timeline has fetched what its view needs and drawn it. */
async function settle(page) {
  await page.waitForTimeout(50);
  await page.waitForFunction(() => !GT.views.timeline.state().data.busy && !GT.views.timeline.state().data.wanted);
  await page.waitForTimeout(100);
}

test('keys zoom and pan; a clicked span has the goroutine and duration of the event dump', async () => {
  const { page, problems } = await timelineOf(fixture);
  const box = await canvasBox(page);
  const [s0, e0] = await view(page);
  await screenshot(page, 'timeline-1-whole');

  // Hold W with the pointer in the middle of the time area: the view shrinks around it.
  await page.mouse.move(box.x + 190 + (box.w - 190) / 2, box.y + 300);
  await page.keyboard.down('w');
  await page.waitForTimeout(700);
  await page.keyboard.up('w');
  await page.waitForTimeout(300);
  const [s1, e1] = await view(page);
  assert.ok(e1 - s1 < (e0 - s0) / 1.5, `zoomed in: ${e1 - s1} vs ${e0 - s0}`);
  assert.ok(s1 > s0 && e1 < e0);
  await page.keyboard.down('d');
  await page.waitForTimeout(300);
  await page.keyboard.up('d');
  const [s2, e2] = await view(page);
  assert.ok(s2 > s1 && Math.abs((e2 - s2) - (e1 - s1)) < 2, 'D pans without zooming');
  await page.waitForFunction(() => /view=\d+-\d+/.test(location.hash));
  await page.waitForFunction(() => !GT.views.timeline.state().data.busy && !GT.views.timeline.state().data.wanted);
  await page.waitForTimeout(100);
  await screenshot(page, 'timeline-2-zoomed');

  // Zoom on the longest running span of a goroutine lane on screen, so it is wide.
  const target = await page.evaluate(async () => {
    const tl = GT.views.timeline.state();
    const lanes = tl.layout.visible(tl.scrollTop, tl.scrollTop + tl.H - 60)
      .filter((r) => r.type === 'lane' && tl.info.kind[r.lane] === 6).map((r) => r.lane);
    // The lanes' spans at a fine resolution, straight from the worker.
    const rows = await GT.app.client.call('timelineLod', Uint32Array.from(lanes), tl.info.start, tl.info.end, 1e6);
    let best = null;
    for (let r = 0; r < rows.start.length; r++) {
      if (rows.exact[r] && rows.state[r] === 0 && (!best || rows.ns[r] > best.ns)) best = { ns: rows.ns[r], start: rows.start[r], end: rows.end[r] };
    }
    return best;
  });
  assert.ok(target, 'a running span in view');
  await page.evaluate((t) => window.gotrace.setView(t.start - t.ns, t.end + t.ns), target);
  await settle(page);

  // Find a goroutine lane by its pixels: the first "running" (blue) pixel below the
  // Goroutines header, clicked two pixels into it.
  const found = await goroutinePixels(page, [0x4a, 0x7f, 0xc1], 2, 3);
  const hit = found.first && { x: found.first.x + 2, y: found.first.y + 2, lane: found.first.lane };
  assert.ok(hit, 'a running goroutine span is drawn');
  assert.equal(hit.lane.type, 'lane');
  await page.mouse.click(box.x + hit.x, box.y + hit.y);
  await page.waitForFunction(() => document.querySelector('.tl-details').dataset.durNs);
  const d = await page.$eval('.tl-details', (e) => ({ ...e.dataset, text: e.textContent }));
  const goroutine = Number(d.goroutine);
  assert.equal(`G${goroutine}`, hit.lane.label, 'the details are of the clicked lane');
  assert.match(d.state, /running|GC assist/);
  // The span runs from one state change of that goroutine to the next.
  const { byG, last } = transitions(fixture);
  const times = byG.get(goroutine).map((x) => x.t);
  const start = Number(d.startNs), end = start + Number(d.durNs);
  assert.ok(times.includes(start), `the span starts at a transition of G${goroutine}`);
  assert.equal(times.find((t) => t > start) ?? last, end, 'and lasts until the next one');
  assert.match(d.text, /Start stack/);
  await screenshot(page, 'timeline-3-details');

  // Box selection: Shift+drag across the lanes gives totals by state.
  await page.keyboard.down('Shift');
  await page.mouse.move(box.x + 300, box.y + 200);
  await page.mouse.down();
  await page.mouse.move(box.x + 600, box.y + 600, { steps: 5 });
  await page.mouse.up();
  await page.keyboard.up('Shift');
  await page.waitForFunction(() => document.querySelector('.tl-details').dataset.selection);
  assert.ok(Number(await page.$eval('.tl-details', (e) => e.dataset.selection)) > 0);
  assert.deepEqual(problems, []);
  await page.close();
});

test('CPU samples are marked on the lane of their goroutine; a click on a mark shows the sample', async () => {
  const file = path.join(root, 'tests/traces/cpuprofile.trace');
  const { page, problems } = await timelineOf(file);
  await settle(page);
  const box = await canvasBox(page);
  // The marks' pixels (#1b1b1b) below the Goroutines header.
  const hit = await goroutinePixels(page, [0x1b, 0x1b, 0x1b], 1, 1);
  assert.ok(hit.count > 0 && hit.first, 'sample marks are drawn on goroutine lanes');
  assert.equal(hit.first.lane.type, 'lane');
  // Two pixels into the mark (its first pixel row is the lane's first).
  await page.mouse.click(box.x + hit.first.x + 1, box.y + hit.first.y + 2);
  await page.waitForFunction(() => document.querySelector('.tl-details').dataset.kind === 'sample');
  const d = await page.$eval('.tl-details', (e) => ({ ...e.dataset, text: e.textContent }));
  assert.equal(`G${d.goroutine}`, hit.first.lane.label, 'the sample is of the clicked lane');
  // The dump has that sample: same goroutine, same time.
  const dump = execFileSync(path.join(root, 'target/release/gotrace'), ['dump', file]).toString();
  assert.ok(dump.includes(`G=${d.goroutine} StackSample Time=${d.startNs}`), `a StackSample of G${d.goroutine} at ${d.startNs}`);
  assert.match(d.text, /CPU sample[\s\S]*Stack[\s\S]*main\.(spin|hash|sortLoop)/);
  await screenshot(page, 'timeline-cpu-sample');
  // Lower in the same lane, a click picks the span, not the sample.
  await page.mouse.click(box.x + hit.first.x, box.y + hit.first.y + hit.first.lane.h * 0.6);
  await page.waitForFunction(() => document.querySelector('.tl-details').dataset.kind === 'goroutine');
  assert.deepEqual(problems, []);
  await page.close();
});

test('each proc that swept has a sweep lane; a sweep is drawn and clicked like a span', async () => {
  const file = path.join(root, 'tests/traces/gc.trace');
  const { page, problems } = await timelineOf(file);
  const box = await canvasBox(page);
  // The longest sweep, straight from the worker at a fine resolution; then a view around it.
  const target = await page.evaluate(async () => {
    const tl = GT.views.timeline.state();
    const row = tl.layout.rows.find((r) => r.type === 'lane' && tl.info.kind[r.lane] === GT.timeline.KIND.sweep);
    if (!row) return null;
    const rows = await GT.app.client.call('timelineLod', Uint32Array.of(row.lane), tl.info.start, tl.info.end, 1e6);
    let best = null;
    for (let r = 0; r < rows.start.length; r++) {
      if (rows.exact[r] && (!best || rows.ns[r] > best.ns)) best = { ns: rows.ns[r], start: rows.start[r], end: rows.end[r] };
    }
    return { label: row.label, lane: row.lane, ...best };
  });
  assert.ok(target && target.ns > 0, 'gc.trace has a sweep lane with a sweep');
  assert.match(target.label, /^Sweep · Proc \d+$/);
  await page.evaluate((t) => window.gotrace.setView(t.start - t.ns, t.end + t.ns), target);
  await settle(page);
  // The sweep's colour (#b8a038) in its lane, right of its middle (its label is on the left).
  const at = await page.evaluate((lane) => {
    const tl = GT.views.timeline.state();
    const row = tl.layout.rows.find((r) => r.lane === lane);
    const { LABEL_W, AXIS_H } = GT.timeline.geometry;
    const y = AXIS_H + row.y - tl.scrollTop + row.h / 2;
    const x = LABEL_W + tl.scale.width * 0.62;
    const px = tl.ctx.getImageData(Math.round(x * tl.dpr), Math.round(y * tl.dpr), 1, 1).data;
    return { x, y, rgb: [px[0], px[1], px[2]] };
  }, target.lane);
  assert.deepEqual(at.rgb, [0xb8, 0xa0, 0x38], 'the sweep is drawn in its colour');
  await page.mouse.click(box.x + at.x, box.y + at.y);
  await page.waitForFunction(() => document.querySelector('.tl-details').dataset.kind === 'sweep');
  const d = await page.$eval('.tl-details', (e) => ({ ...e.dataset, text: e.textContent }));
  assert.equal(Number(d.startNs), target.start);
  assert.equal(Number(d.durNs), target.ns);
  assert.match(d.text, /GC incremental sweep[\s\S]*Start stack[\s\S]*runtime\./);
  await screenshot(page, 'timeline-sweep');
  assert.deepEqual(problems, []);
  await page.close();
});

test('setView, the URL hash, g=ID, search, help and frame stats', async () => {
  const { page, problems } = await timelineOf(fixture);
  const info = await page.evaluate(() => GT.views.timeline.state().info);
  const span = info.end - info.start;
  const s = Math.round(info.start + span * 0.4), e = Math.round(info.start + span * 0.41);
  await page.evaluate(([s, e]) => window.gotrace.setView(s, e), [s, e]);
  await page.waitForFunction((v) => location.hash.includes(`view=${v}`), `${s}-${e}`);
  assert.deepEqual(await view(page), [s, e]);
  await page.waitForFunction(() => !GT.views.timeline.state().data.busy && !GT.views.timeline.state().data.wanted);
  await page.waitForTimeout(100);
  await screenshot(page, 'timeline-4-one-percent');

  // Reloading the hash keeps the view; g=ID selects and shows the goroutine.
  const g = info.id[info.goroutineBase + 2];
  await page.evaluate(([s, e, g]) => { location.hash = `#page=timeline&view=${s}-${e}&g=${g}`; }, [s, e, g]);
  await page.waitForFunction((g) => document.querySelector('canvas.tl-canvas')?.dataset.goroutine === String(g), g);
  assert.deepEqual(await view(page), [s, e]);
  const shown = await page.evaluate(() => {
    const tl = GT.views.timeline.state();
    const row = tl.layout.rows[tl.layout.laneRow.get(tl.selectedLane)];
    return row && row.y >= tl.scrollTop && row.y + row.h <= tl.scrollTop + tl.H;
  });
  assert.ok(shown, 'the goroutine lane is scrolled into view');

  // Search by id.
  await page.fill('.tl-search', String(info.id[info.goroutineBase]));
  await page.press('.tl-search', 'Enter');
  await page.waitForFunction((g) => document.querySelector('canvas.tl-canvas').dataset.goroutine === String(g), info.id[info.goroutineBase]);

  // Help and frame times.
  await page.click('canvas.tl-canvas', { position: { x: 5, y: 5 } });
  await page.keyboard.press('?');
  assert.equal(await page.$eval('.tl-help', (h) => h.hidden), false);
  await page.keyboard.press('Escape');
  await page.keyboard.press('t');
  await page.keyboard.down('s');
  await page.waitForTimeout(300);
  await page.keyboard.up('s');
  const stats = await page.evaluate(() => window.gotrace.frameStats());
  assert.ok(stats.frames > 5 && stats.p50Ms >= 0 && stats.p99Ms >= stats.p50Ms && stats.maxMs >= stats.p99Ms, JSON.stringify(stats));
  assert.match(await page.$eval('.tl-frames', (r) => r.textContent), /p99/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('every fixture opens in the timeline without errors', async () => {
  const { page, problems } = await open(b.ctx, server.url);
  await waitLoaded(page, 'sample.trace');
  for (const name of ['sample.trace', 'gc.trace', 'annotations.trace', 'generations.trace']) {
    const file = path.join(root, 'tests/traces', name);
    await dropFile(page, file);
    await waitLoaded(page, name);
    await page.evaluate(() => { location.hash = '#page=timeline'; });
    await page.waitForSelector('[data-ready=timeline]');
    await page.waitForFunction(() => Number(document.querySelector('canvas.tl-canvas').dataset.fetches) >= 1);
    const rows = await page.$eval('canvas.tl-canvas', (c) => Number(c.dataset.rows));
    assert.ok(rows > 3, `${name}: ${rows} rows`);
    await page.evaluate(() => { location.hash = '#page=overview'; });
  }
  assert.deepEqual(problems, []);
  await page.close();
});

test('with two workers the timeline shows as soon as it is built; the other views wait for the analyses', async () => {
  const { page, problems } = await open(b.ctx, `${server.url}?workers=2#page=timeline`);
  await waitLoaded(page, 'sample.trace');
  // The analyses' worker made slow: its load answers two seconds late.
  await page.evaluate(() => {
    const main = GT.app.client.main;
    const send = main.send.bind(main);
    main.send = (msg, transfer, on) => {
      const p = send(msg, transfer, on);
      return msg.type === 'load' ? p.then((v) => new Promise((r) => setTimeout(() => r(v), 2000))) : p;
    };
    window.before = GT.views.timeline.state();
  });
  await dropFile(page, fixture);
  await page.waitForFunction(() => {
    const tl = GT.views.timeline.state();
    return tl && tl !== window.before && tl.data.lod && !tl.data.busy;
  }, null, { timeout: 60000 });
  const early = await page.evaluate(() => ({
    done: !GT.app.loading, partial: GT.app.trace.partial, name: GT.app.trace.name,
    rows: Number(document.querySelector('canvas.tl-canvas').dataset.rows),
    progress: !document.getElementById('progress').hidden,
  }));
  assert.deepEqual(early, { done: false, partial: true, name: 'blocking.trace', rows: early.rows, progress: true });
  assert.ok(early.rows > 3, `${early.rows} rows drawn before the analyses are done`);
  await screenshot(page, 'timeline-before-analyses');
  // Another view says it waits; back on the timeline, the same one is drawn again.
  await page.evaluate(() => { location.hash = '#page=overview'; });
  await page.waitForSelector('[data-pending=overview]');
  await page.evaluate(() => { location.hash = '#page=timeline'; });
  await page.waitForSelector('[data-ready=timeline]');
  const shown = await page.evaluate(() => GT.views.timeline.state() !== window.before && (window.shown = GT.views.timeline.state()) !== null);
  assert.ok(shown);
  await waitLoaded(page, 'blocking.trace');
  // Done: the timeline on screen was kept (not built again), the overview shows its numbers.
  const after = await page.evaluate(() => ({ same: GT.views.timeline.state() === window.shown, partial: GT.app.trace.partial,
    progress: !document.getElementById('progress').hidden, events: GT.app.trace.overview.events.total }));
  assert.deepEqual(after, { same: true, partial: false, progress: false, events: after.events });
  const want = JSON.parse(execFileSync(path.join(root, 'target/release/gotrace'), ['analyze', '--json', fixture]).toString());
  assert.equal(after.events, want.events.total);
  await page.evaluate(() => { location.hash = '#page=overview'; });
  await page.waitForFunction((n) => document.querySelector('.facts') && document.querySelector('.facts').textContent.includes(n), want.events.total.toLocaleString('en-US'));
  // The analyses fail after the timeline was shown: the error, and no half-loaded trace.
  await page.evaluate(() => {
    const main = GT.app.client.main;
    const send = main.send.bind(main);
    main.send = (msg, transfer, on) => {
      const p = send(msg, transfer, on);
      return msg.type === 'load' ? p.then(() => new Promise((_, reject) => setTimeout(() => reject(new Error('the analyses failed')), 1000))) : p;
    };
    location.hash = '#page=timeline';
  });
  await dropFile(page, path.join(root, 'tests/traces/gc.trace'));
  await page.waitForFunction(() => GT.app.trace && GT.app.trace.partial && GT.app.trace.name === 'gc.trace');
  await page.waitForFunction(() => !document.getElementById('error').hidden);
  const failed = await page.evaluate(() => ({ trace: GT.app.trace, error: document.getElementById('error').textContent,
    view: document.getElementById('view').textContent }));
  assert.deepEqual(failed, { trace: null, error: 'Could not open the trace: the analyses failed', view: failed.view });
  assert.match(failed.view, /Drop a Go execution trace/);
  assert.deepEqual(problems, []);
  await page.close();
});
