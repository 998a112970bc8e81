// dist/gotrace.html, the self-contained build, works when opened from file://: the inlined
// wasm runs in a Blob worker, the bundled sample opens, a dropped trace gives the CLI's numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { browser, open, dropFile, waitLoaded, screenshot, cliJson, root, dist } from './harness.mjs';

test('the single-file build works from file://', async () => {
  const b = await browser();
  try {
    const { page, problems } = await open(b.ctx, 'file://' + path.join(dist, 'gotrace.html'));
    await waitLoaded(page, 'sample.trace');
    const sample = cliJson(path.join(root, 'tests/traces/sample.trace'));
    assert.equal(await page.evaluate(() => GT.app.trace.overview.events.total), sample.events.total);
    const file = path.join(root, 'tests/traces/annotations.trace');
    await dropFile(page, file);
    await waitLoaded(page, 'annotations.trace');
    const want = cliJson(file);
    const got = await page.evaluate(() => GT.app.trace.overview);
    for (const k of ['events', 'counts', 'pprof', 'task_types', 'region_types']) assert.deepEqual(got[k], want[k], k);
    // The embedding API gives the same document from the single file too.
    const doc = await page.evaluate(() => window.gotrace.load(Uint8Array.from(
      atob(document.getElementById('gotrace-sample-b64').textContent.trim()), (c) => c.charCodeAt(0))));
    doc.file.name = sample.file.name;
    assert.deepEqual(doc, sample);
    await screenshot(page, 'single-file');
    assert.deepEqual(problems, []);
  } finally {
    await b.close();
  }
});
