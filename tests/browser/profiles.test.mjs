// The blocking profiles and CPU samples pages in headless Chromium: their totals and top
// tables equal the CLI's document, a group's profile agrees with the whole-trace stacks it
// came from, the downloaded .pb.gz holds the same samples, and the flame graph draws (read
// back from the canvas pixels), hovers, zooms, searches and answers the keyboard.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { serve, browser, open, dropFile, waitLoaded, screenshot, cliJson, root } from './harness.mjs';

const blocking = path.join(root, 'tests/traces/blocking.trace');
// A project fixture: tests/programs/cpuprofile traces with the CPU profiler on.
const cpuTrace = process.env.GOTRACE_CPU_TRACE || path.join(root, 'tests/traces/cpuprofile.trace');
const KINDS = ['net', 'sync', 'syscall', 'sched'];
const ROW = 18; // the flame graph's row height (CSS px)

let server, b;
before(async () => { server = await serve(); b = await browser(); });
after(async () => { await b.close(); await server.close(); });

/** A page with `file` dropped on it. */
async function pageWith(file) {
  const { page, problems } = await open(b.ctx, server.url);
  await waitLoaded(page, 'sample.trace');
  await dropFile(page, file);
  await waitLoaded(page, path.basename(file));
  return { page, problems };
}

/** Goes to the profiles page for kind and scope and waits until it has drawn. */
async function showProfile(page, kind, scope = '') {
  await page.evaluate(({ kind, scope }) => GT.app.navigate({ page: 'profiles', kind, scope }), { kind, scope });
  await page.waitForFunction((want) => {
    const v = document.querySelector('.profile-view');
    return v && v.dataset.ready === want;
  }, `${kind}|${scope}`);
}

/** What the page shows: facts by label (exact numbers) and the top table's rows. */
function readPage(page) {
  return page.evaluate(() => {
    const facts = Object.fromEntries([...document.querySelectorAll('.profile-body .fact')].map((f) =>
      [f.querySelector('.label').textContent, Number(f.querySelector('.value').dataset.value)]));
    const rows = [...document.querySelectorAll('.profile-body table.data tbody tr')].map((tr) => {
      const td = tr.querySelectorAll('td');
      const exact = (i) => Number(td[i].querySelector('[data-value]').dataset.value);
      return { func: td[0].textContent, flat: exact(1), flatPct: td[2].textContent, cum: exact(3), cumPct: td[4].textContent };
    });
    const notice = document.querySelector('.profile-body .notice');
    return { facts, rows, notice: notice ? notice.textContent : null };
  });
}

/** Runs of drawn pixels along the middle of a flame graph row: [{x0, x1}] in CSS px. */
function canvasRuns(page, depth) {
  return page.evaluate(({ depth, ROW }) => {
    const c = document.querySelector('.flame-canvas');
    const scale = c.width / c.clientWidth;
    const y = Math.floor((depth * ROW + 2) * scale); // above the label text
    const px = c.getContext('2d').getImageData(0, y, c.width, 1).data;
    const runs = [];
    let start = -1;
    for (let x = 0; x <= c.width; x++) {
      const drawn = x < c.width && px[x * 4 + 3] > 0;
      if (drawn && start < 0) start = x;
      if (!drawn && start >= 0) { runs.push({ x0: start / scale, x1: x / scale }); start = -1; }
    }
    return runs;
  }, { depth, ROW });
}

/** The flame graph's width and its canvas's position on the page. */
function canvasBox(page) {
  return page.$eval('.flame-canvas', (c) => {
    const r = c.getBoundingClientRect();
    return { left: r.left, top: r.top, width: c.clientWidth, height: c.clientHeight };
  });
}

/** Hovers a point of the flame graph and returns the tooltip's lines. */
async function hover(page, x, y) {
  const box = await canvasBox(page);
  await page.mouse.move(box.left + x, box.top + y);
  return page.$eval('.flame-tip', (t) => (t.hidden ? [] : [...t.children].map((c) => c.textContent)));
}

/** Time by outermost function: the flame graph's first level below "all". */
function rootChildren(records, key = 'time_ns') {
  const m = new Map();
  for (const r of records) {
    if (!r.stack.length) continue;
    const f = r.stack[r.stack.length - 1];
    m.set(f, (m.get(f) || 0) + r[key]);
  }
  return m;
}

const pct = (x) => `${(x * 100).toFixed(1)}%`;

/** Reads base-128 varints from `buf` starting at `at.i`. */
function varint(buf, at) {
  let x = 0n, shift = 0n;
  for (;;) {
    const byte = buf[at.i++];
    x |= BigInt(byte & 0x7f) << shift;
    if (!(byte & 0x80)) return x;
    shift += 7n;
  }
}

/** The fields of a protobuf message: [[number, value]] (varints as BigInt, bytes as Buffer). */
function protoFields(buf) {
  const out = [];
  const at = { i: 0 };
  while (at.i < buf.length) {
    const key = Number(varint(buf, at));
    const [no, wire] = [key >> 3, key & 7];
    if (wire === 0) out.push([no, varint(buf, at)]);
    else if (wire === 2) { const n = Number(varint(buf, at)); out.push([no, buf.subarray(at.i, at.i + n)]); at.i += n; }
    else if (wire === 1) { out.push([no, buf.readBigInt64LE(at.i)]); at.i += 8; }
    else if (wire === 5) { out.push([no, BigInt(buf.readInt32LE(at.i))]); at.i += 4; }
    else throw new Error(`wire type ${wire}`);
  }
  return out;
}

/** A gzipped profile.proto: its sample types, the sum of each sample value, the samples. */
function pprofTotals(gz) {
  const fields = protoFields(zlib.gunzipSync(gz));
  const strings = fields.filter(([n]) => n === 6).map(([, v]) => v.toString('utf8'));
  const types = fields.filter(([n]) => n === 1).map(([, v]) => {
    const t = Object.fromEntries(protoFields(v).map(([n, x]) => [n, Number(x)]));
    return `${strings[t[1] || 0]}/${strings[t[2] || 0]}`;
  });
  const sums = types.map(() => 0n);
  let samples = 0;
  for (const [n, sample] of fields.filter(([n]) => n === 2)) {
    samples++;
    const values = [];
    for (const [m, x] of protoFields(sample)) {
      if (m !== 2) continue; // Sample.value: packed, or one varint per field
      if (typeof x === 'bigint') values.push(x);
      else for (const at = { i: 0 }; at.i < x.length;) values.push(varint(x, at));
    }
    values.forEach((x, k) => { sums[k] += BigInt.asIntN(64, x); });
  }
  return { types, sums: sums.map(Number), samples };
}

test('each blocking profile shows the CLI totals and top table, and draws its flame graph', async () => {
  const want = cliJson(blocking);
  const { page, problems } = await pageWith(blocking);
  for (const kind of KINDS) {
    await showProfile(page, kind);
    const w = want.pprof[kind];
    const got = await readPage(page);
    assert.equal(got.facts['Total time'], w.total_ns, `${kind} total`);
    assert.equal(got.facts.Count, w.total_count, `${kind} count`);
    assert.equal(got.facts.Stacks, w.records.length, `${kind} stacks`);
    // The top table: every function on a stack, flat and cum as pprof -top.
    assert.deepEqual(got.rows.map((r) => r.func).sort(), Object.keys(w.cum_ns_by_func).sort(), `${kind} functions`);
    for (const r of got.rows) {
      assert.equal(r.flat, w.flat_ns_by_func[r.func] || 0, `${kind} flat ${r.func}`);
      assert.equal(r.cum, w.cum_ns_by_func[r.func], `${kind} cum ${r.func}`);
      assert.equal(r.flatPct, pct(r.flat / w.total_ns), `${kind} flat% ${r.func}`);
      assert.equal(r.cumPct, pct(r.cum / w.total_ns), `${kind} cum% ${r.func}`);
    }
    const flats = got.rows.map((r) => r.flat);
    assert.deepEqual(flats, flats.slice().sort((x, y) => y - x), `${kind}: most flat first`);

    // The flame graph: "all" spans the width; below it one block per outermost function
    // (the narrowest may merge into a neighbour or be too thin to draw).
    const box = await canvasBox(page);
    const allRow = await canvasRuns(page, 0);
    assert.equal(allRow.length, 1, `${kind}: one root`);
    assert.ok(allRow[0].x1 - allRow[0].x0 >= box.width - 1, `${kind}: the root spans the graph`);
    const children = rootChildren(w.records);
    const widths = [...children.values()].map((v) => (v / w.total_ns) * box.width);
    const runs = await canvasRuns(page, 1);
    assert.ok(runs.length >= widths.filter((x) => x >= 3).length && runs.length <= children.size,
      `${kind}: ${runs.length} blocks for ${children.size} outermost functions (${widths.map((x) => x.toFixed(1))})`);
    // Hovering each block names one of them; every wide one is there.
    const hovered = new Set();
    for (const r of runs.filter((r) => r.x1 - r.x0 >= 3)) {
      const tip = await hover(page, (r.x0 + r.x1) / 2, ROW * 1.5);
      assert.ok(children.has(tip[0]), `${kind}: tooltip names ${tip[0]}`);
      const share = tip.find((l) => l.endsWith('of total'));
      assert.ok(share.includes(pct(children.get(tip[0]) / w.total_ns)), `${kind}: ${share}`);
      hovered.add(tip[0]);
    }
    for (const [name, v] of children) {
      if ((v / w.total_ns) * box.width >= 4) assert.ok(hovered.has(name), `${kind}: block for ${name}`);
    }
    if (kind === 'sync') {
      // A tooltip over the widest block, for the screenshot.
      const widest = runs.reduce((a, r) => (r.x1 - r.x0 > a.x1 - a.x0 ? r : a));
      const tip = await hover(page, (widest.x0 + widest.x1) / 2, ROW * 2.5);
      assert.ok(tip.length >= 3 && /\.go:\d+$/.test(tip[1]), `tooltip has file:line: ${tip}`);
      await screenshot(page, 'profiles-sync');
    }
  }
  assert.deepEqual(problems, []);
  await page.close();
});

test('a goroutine group scope profiles only that group, as the whole-trace stacks say', async () => {
  const want = cliJson(blocking);
  const { page, problems } = await pageWith(blocking);
  await showProfile(page, 'sync');
  const group = 'main.mutexes.func1';
  const options = await page.$$eval('#scope option', (os) => os.map((o) => o.value));
  assert.ok(options.includes(`group:${group}`), 'the group is offered');
  assert.ok(want.goroutine_groups.every((g) => options.includes(`group:${g.name}`)), 'every group is offered');
  await page.selectOption('#scope', `group:${group}`);
  await page.waitForFunction((s) => document.querySelector('.profile-view').dataset.ready === `sync|${s}`, `group:${group}`);
  assert.match(await page.evaluate(() => location.hash), /scope=group%3Amain\.mutexes\.func1/);
  const got = await readPage(page);
  // The group's goroutines all started at `group`: their samples are the whole-trace
  // records whose outermost frame is it.
  const mine = want.pprof.sync.records.filter((r) => r.stack[r.stack.length - 1] === group);
  const total = mine.reduce((s, r) => s + r.time_ns, 0);
  assert.ok(got.facts['Total time'] > 0 && got.facts['Total time'] <= want.pprof.sync.total_ns);
  assert.equal(got.facts['Total time'], total);
  assert.equal(got.facts.Count, mine.reduce((s, r) => s + r.count, 0));
  const rootRuns = await canvasRuns(page, 1);
  assert.equal(rootRuns.length, 1, 'one outermost function');
  assert.equal((await hover(page, (rootRuns[0].x0 + rootRuns[0].x1) / 2, ROW * 1.5))[0], group);

  // Download: the file holds the same samples as the page.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('button.download')]);
  assert.equal(download.suggestedFilename(), `sync-group_${group}.pb.gz`);
  const pprof = pprofTotals(fs.readFileSync(await download.path()));
  assert.deepEqual(pprof.types, ['contentions/count', 'delay/nanoseconds']);
  assert.deepEqual(pprof.sums, [got.facts.Count, got.facts['Total time']]);
  assert.equal(pprof.samples, got.facts.Stacks);

  // A group that is not there: Go's message. A kind with nothing: "no samples".
  await showProfile(page, 'sync', 'group:no.such.func');
  assert.match((await readPage(page)).notice, /failed to find matching goroutines for name: no\.such\.func/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the whole-trace download equals the page and the CLI', async () => {
  const want = cliJson(blocking);
  const { page } = await pageWith(blocking);
  for (const kind of ['sync', 'sched']) {
    await showProfile(page, kind);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('button.download')]);
    assert.equal(download.suggestedFilename(), `${kind}-all.pb.gz`);
    const pprof = pprofTotals(fs.readFileSync(await download.path()));
    const got = await readPage(page);
    assert.deepEqual(pprof.sums, [got.facts.Count, got.facts['Total time']]);
    assert.deepEqual(pprof.sums, [want.pprof[kind].total_count, want.pprof[kind].total_ns]);
  }
  await page.close();
});

test('the flame graph zooms by click and keyboard, resets, and highlights a search', async () => {
  const want = cliJson(blocking);
  const { page, problems } = await pageWith(blocking);
  await showProfile(page, 'sync');
  const focus = () => page.$eval('.flame-canvas', (c) => c.dataset.focus);
  const widest = [...rootChildren(want.pprof.sync.records)].sort((x, y) => y[1] - x[1])[0][0];

  // Keyboard: Tab-reachable canvas, Down selects the widest child, Enter zooms, Escape resets.
  await page.focus('.flame-canvas');
  await page.keyboard.press('ArrowDown');
  assert.match(await page.$eval('.flame-status', (s) => s.textContent), new RegExp(`^${widest.replace(/[.*()]/g, '\\$&')} `));
  await page.keyboard.press('Enter');
  assert.equal(await focus(), widest);
  const box = await canvasBox(page);
  const zoomed = await canvasRuns(page, 1);
  assert.equal(zoomed.length, 1);
  assert.ok(zoomed[0].x1 - zoomed[0].x0 >= box.width - 1, 'the zoomed node fills the width');
  assert.equal(await page.$eval('.flame-reset', (b) => b.disabled), false);
  await page.keyboard.press('Escape');
  assert.equal(await focus(), '');

  // Click: a block zooms; clicking the root resets; so does the button.
  const runs = await canvasRuns(page, 1);
  await page.mouse.click(box.left + (runs[1].x0 + runs[1].x1) / 2, box.top + ROW * 1.5);
  assert.notEqual(await focus(), '');
  await page.mouse.click(box.left + 5, box.top + ROW / 2);
  assert.equal(await focus(), '');
  await page.mouse.click(box.left + (runs[0].x0 + runs[0].x1) / 2, box.top + ROW * 1.5);
  assert.equal(await focus(), widest);
  await page.click('.flame-reset');
  assert.equal(await focus(), '');

  // Search: the matched share is the time of stacks with a matching function.
  await page.fill('.flame-search', 'mutex');
  const matched = want.pprof.sync.records.filter((r) => r.stack.some((f) => f.toLowerCase().includes('mutex')))
    .reduce((s, r) => s + r.time_ns, 0);
  assert.match(await page.$eval('.flame-match', (m) => m.textContent), new RegExp(`\\(${pct(matched / want.pprof.sync.total_ns)} of total\\)`));
  const highlighted = await page.$eval('.flame-canvas', (c) => {
    const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < px.length; i += 4) if (px[i] === 255 && px[i + 1] === 140 && px[i + 2] === 26) n++;
    return n;
  });
  assert.ok(highlighted > 100, `highlighted pixels: ${highlighted}`);
  await screenshot(page, 'profiles-search');
  assert.deepEqual(problems, []);
  await page.close();
});

test('an empty profile says there are no samples, a failed one says why', async () => {
  const { page, problems } = await open(b.ctx, server.url);
  await waitLoaded(page, 'sample.trace');
  await showProfile(page, 'net');
  const got = await readPage(page);
  assert.equal(got.facts['Total time'], 0);
  assert.match(got.notice, /No samples: no goroutine was blocked on the network/);
  assert.equal(await page.$('.flame-canvas'), null);
  // A profile Go could not make (a trace without goroutines) shows Go's message.
  await page.evaluate(() => {
    GT.app.trace.overview.pprof.sync.error = 'failed to find matching goroutines for name: ';
    GT.app.render();
  });
  await showProfile(page, 'sync');
  assert.match((await readPage(page)).notice, /^No profile: failed to find matching goroutines for name: $/);
  assert.equal(await page.$eval('button.download', (b) => b.disabled), true);
  assert.deepEqual(problems, []);
  await page.close();
});

test('CPU samples: a clear message without them, the samples as a flame graph with them', async () => {
  const { page, problems } = await pageWith(blocking);
  await page.evaluate(() => GT.app.navigate({ page: 'cpu' }));
  await page.waitForSelector('.cpu-view[data-ready]');
  assert.match(await page.$eval('.cpu-view', (v) => v.textContent), /no CPU profile samples.*pprof\.StartCPUProfile/s);
  await dropFile(page, cpuTrace);
  await waitLoaded(page, path.basename(cpuTrace));
  await page.waitForFunction(() => document.querySelector('.cpu-view[data-ready]') && document.querySelector('.flame-canvas'));
  const oracle = JSON.parse(fs.readFileSync(`${cpuTrace}.oracle.json`, 'utf8'));
  const samples = await page.evaluate(() => GT.app.trace.overview.events.by_kind.StackSample);
  const got = await readPage(page);
  assert.equal(got.facts.Samples, samples);
  assert.equal(got.facts['CPU time (about)'], samples * 10e6);
  assert.ok(oracle.stack_samples.count > 0, 'the fixture has CPU samples');
  assert.equal(got.facts.Samples, oracle.stack_samples.count);
  for (const leaf of oracle.stack_samples.top_leaf_functions) {
    assert.equal(got.rows.find((r) => r.func === leaf.name).flat, leaf.count, leaf.name);
  }
  assert.equal(got.rows.reduce((s, r) => s + r.flat, 0), samples, 'every sample has a leaf');
  const runs = await canvasRuns(page, 1);
  assert.ok(runs.length >= 1);
  const tip = await hover(page, (runs[0].x0 + runs[0].x1) / 2, ROW * 1.5);
  assert.match(tip.find((l) => l.endsWith('of total')), /^\d[\d,]* samples? · /);
  await page.mouse.move(0, 0);
  await screenshot(page, 'cpu');
  assert.deepEqual(problems, []);
  await page.close();
});
