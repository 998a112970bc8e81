// The web app in headless Chromium with real traces: the sample opens by default, dropped
// files and window.gotrace.load give the CLI's numbers, bad files give their message.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { serve, browser, open, dropFile, waitLoaded, screenshot, cliJson, root } from './harness.mjs';

const fixtures = path.join(root, 'tests/traces');
const traces = fs.readdirSync(fixtures).filter((f) => f.endsWith('.trace')).map((f) => path.join(fixtures, f));
const bad = fs.readdirSync(path.join(fixtures, 'bad')).filter((f) => f.endsWith('.trace')).map((f) => path.join(fixtures, 'bad', f));
const v1 = fs.readdirSync(path.join(fixtures, 'v1')).filter((f) => f.endsWith('.trace')).map((f) => path.join(fixtures, 'v1', f));

let server, b;
before(async () => {
  server = await serve(undefined, Object.fromEntries([...[...traces, ...bad].map((f) => [path.basename(f), f]),
    ...v1.map((f) => [`v1-${path.basename(f)}`, f])]));
  b = await browser();
});
after(async () => { await b.close(); await server.close(); });

test('the sample trace opens by default and the overview shows its numbers', async () => {
  const { page, problems } = await open(b.ctx, server.url);
  await waitLoaded(page, 'sample.trace');
  const want = cliJson(path.join(fixtures, 'sample.trace'));
  const facts = await page.$$eval('.fact', (els) => Object.fromEntries(els.map((e) =>
    [e.querySelector('.label').textContent, e.querySelector('.value').textContent])));
  assert.equal(facts.Events, want.events.total.toLocaleString('en-US'));
  assert.equal(facts.Goroutines, want.counts.goroutines.toLocaleString('en-US'));
  assert.equal(facts.Tasks, String(want.counts.tasks));
  assert.equal(facts.Regions, String(want.counts.regions));
  await screenshot(page, 'overview-sample');
  assert.deepEqual(problems, []);
  await page.close();
});

test('dropping each fixture shows the same counts as the CLI', async () => {
  const { page, problems } = await open(b.ctx, server.url);
  await waitLoaded(page, 'sample.trace');
  for (const file of traces) {
    await dropFile(page, file);
    await waitLoaded(page, path.basename(file));
    const got = await page.evaluate(() => GT.app.trace.overview);
    const want = cliJson(file);
    for (const k of ['events', 'counts', 'time', 'pprof', 'goroutine_groups', 'task_types', 'region_types', 'mmu']) {
      assert.deepEqual(got[k], want[k], `${path.basename(file)}: ${k}`);
    }
  }
  assert.deepEqual(problems, []);
  await page.close();
});

test('window.gotrace.load returns exactly the CLI document, from every kind of source', async () => {
  const { page, problems } = await open(b.ctx, server.url);
  await waitLoaded(page, 'sample.trace');
  for (const file of traces) {
    const want = cliJson(file);
    const b64 = fs.readFileSync(file).toString('base64');
    for (const kind of ['Uint8Array', 'ArrayBuffer', 'Blob', 'File']) {
      const got = await page.evaluate(async ({ b64, kind, name }) => {
        const u8 = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const src = { Uint8Array: u8, ArrayBuffer: u8.buffer, Blob: new Blob([u8]), File: new File([u8], name) }[kind];
        return window.gotrace.load(src);
      }, { b64, kind, name: path.basename(file) });
      // The file name is the only field that depends on how the bytes were given.
      got.file.name = want.file.name;
      assert.deepEqual(got, want, `${path.basename(file)} as ${kind}`);
    }
    // A URL: served with its length, without one, and compressed (a length that is not the
    // trace's).
    for (const how of ['files', 'chunked', 'gzip']) {
      const url = `${server.url}${how}/${encodeURIComponent(path.basename(file))}`;
      const got = await page.evaluate((url) => window.gotrace.load(url), url);
      assert.deepEqual(got, want, `${path.basename(file)} from /${how}/`);
    }
  }
  assert.deepEqual(problems, []);
  await page.close();
});

test('with ?workers=2 (timeline and analyses in two workers) every fixture gives the CLI document and one worker\'s timeline', async () => {
  const pages = {};
  for (const w of [1, 2]) {
    pages[w] = await open(b.ctx, `${server.url}?workers=${w}`);
    await waitLoaded(pages[w].page, 'sample.trace');
  }
  // What a page computed for a trace: the document, the load's worker count, and the
  // timeline's lanes and one level-of-detail query over all of them, as plain arrays.
  const loadIn = (page, url, asFile) => page.evaluate(async ({ url, asFile }) => {
    // As a File, the workers read it a slice at a time; from a URL, they get its bytes.
    const source = asFile ? new File([await (await fetch(url)).blob()], decodeURIComponent(url.split('/').pop())) : url;
    const doc = await window.gotrace.load(source);
    const plain = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, ArrayBuffer.isView(v) ? Array.from(v) : v]));
    const info = await GT.app.client.call('timelineInfo');
    const lanes = Uint32Array.from({ length: info.kind.length }, (_, i) => i);
    const lod = await GT.app.client.call('timelineLod', lanes, info.start, info.end, 1000);
    return { doc, workers: GT.app.trace.workers, info: plain(info), lod: plain(lod) };
  }, { url, asFile });
  for (const file of [...traces, ...bad]) {
    const name = path.basename(file);
    const url = `${server.url}files/${encodeURIComponent(name)}`;
    const one = await loadIn(pages[1].page, url).catch((e) => ({ error: e.message }));
    for (const asFile of [false, true]) {
      const how = `${name} ${asFile ? 'as a File' : 'from a URL'}`;
      const two = await loadIn(pages[2].page, url, asFile).catch((e) => ({ error: e.message }));
      if (one.error) {
        assert.equal(two.error, one.error, `${how}: the same message with two workers`);
        continue;
      }
      assert.equal(one.workers, 1, how);
      assert.equal(two.workers, 2, how);
      assert.deepEqual(two.doc, cliJson(file), `${how}: the CLI document with two workers`);
      assert.deepEqual(two.info, one.info, `${how}: the same timeline lanes`);
      assert.deepEqual(two.lod, one.lod, `${how}: the same level of detail`);
    }
  }
  for (const w of [1, 2]) {
    assert.deepEqual(pages[w].problems, []);
    await pages[w].page.close();
  }
});

test('by default a Go 1.22+ trace loads in two workers, a Go 1.11-1.21 one in one; the same document and timeline as one worker gives', async () => {
  const pages = {};
  for (const mode of ['?workers=1', '']) {
    pages[mode] = await open(b.ctx, `${server.url}${mode}`);
    await waitLoaded(pages[mode].page, 'sample.trace');
  }
  const loadIn = (page, url) => page.evaluate(async (url) => {
    const doc = await window.gotrace.load(url);
    const info = await GT.app.client.call('timelineInfo');
    const lanes = Uint32Array.from({ length: info.kind.length }, (_, i) => i);
    const lod = await GT.app.client.call('timelineLod', lanes, info.start, info.end, 1000);
    const plain = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, ArrayBuffer.isView(v) ? Array.from(v) : v]));
    return { doc, workers: GT.app.trace.workers, info: plain(info), lod: plain(lod) };
  }, url);
  // Back and forth between the formats: the second worker is let go and started again.
  const files = [traces[0], v1[0], traces[1], ...v1.slice(1), ...traces.slice(2)].map((f) => [f, v1.includes(f) ? `v1-${path.basename(f)}` : path.basename(f)]);
  let split = 0;
  for (const [file, name] of files) {
    const url = `${server.url}files/${encodeURIComponent(name)}`;
    const [one, auto] = [await loadIn(pages['?workers=1'].page, url), await loadIn(pages[''].page, url)];
    assert.equal(one.workers, 1, name);
    assert.equal(auto.workers, v1.includes(file) ? 1 : 2, `${name}: the workers of a default load`);
    split += Number(auto.workers === 2);
    const want = cliJson(file);
    want.file.name = name; // served under another name than the file's
    assert.deepEqual(auto.doc, want, `${name}: the CLI document`);
    assert.deepEqual(auto.info, one.info, `${name}: the same timeline lanes`);
    assert.deepEqual(auto.lod, one.lod, `${name}: the same level of detail`);
  }
  assert.ok(split >= 3 && v1.length >= 2, `${split} split loads, ${v1.length} v1 traces`);
  // The timeline's worker keeps no copy of the bytes once read: its session has no profiles.
  const noProfile = await pages[''].page.evaluate(() => GT.app.client.timeline.send({ type: 'call', method: 'profile', args: ['sync', ''] })
    .then(() => null, (e) => e.message));
  assert.equal(noProfile, 'a session of the timeline alone has no profiles');
  for (const p of Object.values(pages)) {
    assert.deepEqual(p.problems, []);
    await p.page.close();
  }
});

test('every bad file shows a clear message, never a blank page', async () => {
  const { page } = await open(b.ctx, server.url);
  await waitLoaded(page, 'sample.trace');
  for (const file of bad) {
    const oracle = JSON.parse(fs.readFileSync(`${file}.oracle.json`, 'utf8'));
    await dropFile(page, file);
    await page.waitForFunction((n) => {
      const err = document.getElementById('error');
      return (err && !err.hidden) || (GT.app.trace && GT.app.trace.name === n && !GT.app.loading);
    }, path.basename(file));
    const error = await page.$eval('#error', (e) => (e.hidden ? '' : e.textContent));
    const warnings = await page.$eval('#warnings', (e) => (e.hidden ? '' : e.textContent));
    if (oracle.parse.reference_accepts) {
      assert.equal(error, '', `${path.basename(file)} should load`);
      if (!oracle.parse.strict_ok) assert.match(warnings, /bytes valid/, `${path.basename(file)} warns`);
    } else {
      assert.match(error, /Could not open the trace: .+/, path.basename(file));
    }
    await screenshot(page, `bad-${path.basename(file)}`);
  }
  await page.close();
});

test('a trace too big for the memory the browser gives says so, and the next trace loads', async () => {
  // 64 MB of WebAssembly memory per instance at most.
  const small = await browser(['--js-flags=--wasm-max-mem-pages=1024']);
  const { page, problems } = await open(small.ctx, server.url);
  await waitLoaded(page, 'sample.trace');
  // A Go 1.11-1.21 trace is read whole: 100 MB of one cannot fit.
  const v1Bytes = Array.from(fs.readFileSync(path.join(root, 'tests/traces/v1/blocking.trace')));
  const message = await page.evaluate(async (bytes) => {
    window.workerBefore = GT.app.client.main;
    const big = new Uint8Array(100e6);
    big.set(bytes);
    try {
      await GT.app.open(big, 'big-v1.trace');
      return null;
    } catch (e) {
      return e.message;
    }
  }, v1Bytes);
  assert.match(message || '', /^out of memory: this trace needs more memory than the browser gives this page \(its WebAssembly memory had grown to [\d.]+ MB, and 100 MB more were refused\)$/);
  assert.match(await page.$eval('#error', (e) => e.textContent), /out of memory/);
  // The worker that ran out was replaced (a trapped instance may be in any state): the next
  // trace loads, in one worker and in two.
  assert.ok(await page.evaluate(() => GT.app.client.main !== window.workerBefore && !GT.app.client.main.dead), 'a fresh worker');
  for (const name of ['v1/blocking.trace', 'blocking.trace']) {
    const file = path.join(root, 'tests/traces', name);
    await dropFile(page, file);
    await waitLoaded(page, path.basename(file));
    const doc = await page.evaluate(() => GT.app.client.call('reportJson').then(JSON.parse));
    assert.equal(doc.events.total, cliJson(file).events.total, name);
  }
  assert.deepEqual(problems, []);
  await small.close();
});
