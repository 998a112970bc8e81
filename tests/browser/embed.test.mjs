// The app embedded as the README shows: in an iframe of a page on another origin (internal
// docs) opening a trace by ?url=, and driven by a page of the same origin through
// window.gotrace.load. Both give the CLI's numbers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve, browser, open, screenshot, cliJson, root } from './harness.mjs';

const trace = path.join(root, 'tests/traces/blocking.trace');
const hostDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gotrace-host-'));
let app, host, b;

before(async () => {
  const sameOrigin = path.join(hostDir, 'same-origin.html');
  fs.writeFileSync(sameOrigin, '<!doctype html><link rel="icon" href="data:,"><title>docs</title><h1>Our trace</h1><iframe id="f" src="/" width="1000" height="600"></iframe>');
  app = await serve(undefined, { 'blocking.trace': trace, 'same-origin.html': sameOrigin });
  host = await serve(hostDir);
  b = await browser();
});
after(async () => {
  await b.close();
  await app.close();
  await host.close();
  fs.rmSync(hostDir, { recursive: true, force: true });
});

test('an iframe on another origin opens a trace by ?url= and shows its numbers', async () => {
  const src = `${app.url}?url=${encodeURIComponent(`${app.url}files/blocking.trace`)}`;
  fs.writeFileSync(path.join(hostDir, 'docs.html'),
    `<!doctype html><link rel="icon" href="data:,"><title>internal docs</title><h1>Latency investigation</h1>
     <iframe src="${src}" width="1100" height="640" style="border:0"></iframe>`);
  const { page, problems } = await open(b.ctx, `${host.url}docs.html`);
  assert.notEqual(new URL(host.url).origin, new URL(app.url).origin);
  const frame = await (await page.waitForSelector('iframe')).contentFrame();
  await frame.waitForFunction(() => window.GT && GT.app && GT.app.trace && GT.app.trace.name === 'blocking.trace', null, { timeout: 60000 });
  await frame.waitForSelector('.fact');
  const facts = await frame.$$eval('.fact', (els) => Object.fromEntries(els.map((e) =>
    [e.querySelector('.label').textContent, e.querySelector('.value').textContent])));
  const want = cliJson(trace);
  assert.equal(facts.Events, want.events.total.toLocaleString('en-US'));
  assert.equal(facts.Goroutines, want.counts.goroutines.toLocaleString('en-US'));
  await screenshot(page, 'embedded-iframe');
  assert.deepEqual(problems, []);
  await page.close();
});

test('a page of the same origin drives the framed app with window.gotrace.load', async () => {
  const { page, problems } = await open(b.ctx, `${app.url}files/same-origin.html`);
  const frame = await (await page.waitForSelector('iframe')).contentFrame();
  await frame.waitForFunction(() => window.gotrace && window.GT && GT.app && GT.app.trace, null, { timeout: 60000 });
  const got = await page.evaluate(async () => {
    const w = document.getElementById('f').contentWindow;
    return w.gotrace.load(new URL('/files/blocking.trace', location.href).href);
  });
  assert.deepEqual(got, cliJson(trace));
  assert.deepEqual(problems, []);
  await page.close();
});
