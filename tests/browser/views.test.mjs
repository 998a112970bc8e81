// The goroutines, tasks, regions and MMU pages in headless Chromium with real traces: what
// they show equals the CLI's document, links and the hash work, the MMU plot is drawn.
// Screenshots go to target/screenshots/ (goroutines, goroutine-group, tasks, task, regions,
// region-type, mmu).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { serve, browser, open, dropFile, waitLoaded, screenshot, cliJson, root } from './harness.mjs';

const fixture = (name) => path.join(root, 'tests/traces', name);

let server, b;
before(async () => { server = await serve(); b = await browser(); });
after(async () => { await b.close(); await server.close(); });

/** A page with `file` dropped on it and loaded. */
async function openTrace(file) {
  const { page, problems } = await open(b.ctx, server.url);
  await waitLoaded(page, 'sample.trace');
  await dropFile(page, file);
  await waitLoaded(page, path.basename(file));
  return { page, problems };
}

const go = (page, hash) => page.evaluate((h) => { location.hash = h; }, hash);
const hashParams = async (page) => new URLSearchParams((await page.evaluate(() => location.hash)).slice(1));

/** Every table.data under `scope`: rows as {header: {text, ns, util, href, link, count}} (ns, util
 * and count from data- attributes, the exact numbers behind the text; link: the link's text). */
function tables(page, scope) {
  return page.$$eval(`${scope} table.data`, (ts) => ts.map((t) => {
    const heads = [...t.tHead.rows[0].cells].map((c) => c.textContent);
    return [...t.tBodies[0].rows].filter((tr) => tr.cells.length === heads.length).map((tr) =>
      Object.fromEntries([...tr.cells].map((td, i) => {
        const num = (sel, key) => { const e = td.querySelector(sel); return e ? Number(e.dataset[key]) : null; };
        const a = td.querySelector('a');
        const counts = [...td.querySelectorAll('[data-count]')].map((e) => Number(e.dataset.count));
        return [heads[i], { text: td.textContent, ns: num('[data-ns]', 'ns'), util: num('[data-util]', 'util'),
          href: a ? a.getAttribute('href') : null, link: a ? a.textContent : null, count: counts.reduce((s, n) => s + n, 0) }];
      })));
  }));
}

/** Clicks the row of the first table under `scope` whose `column` reads `text`. */
async function clickRow(page, scope, column, text) {
  const clicked = await page.$$eval(`${scope} table.data`, (ts, { column, text }) => {
    const t = ts[0];
    const i = [...t.tHead.rows[0].cells].findIndex((c) => c.textContent === column);
    const tr = [...t.tBodies[0].rows].find((r) => r.cells[i] && r.cells[i].textContent === text);
    if (tr) tr.click();
    return !!tr;
  }, { column, text });
  assert.ok(clicked, `a row with ${column} = ${text}`);
}

test('goroutines: the groups and a group\'s goroutines are the CLI\'s', async () => {
  const file = fixture('blocking.trace');
  const want = cliJson(file);
  const { page, problems } = await openTrace(file);
  await go(page, '#page=goroutines');
  await page.waitForSelector('.goroutines-view table.data');
  const [groups] = await tables(page, '.goroutines-view');
  assert.equal(groups.length, want.goroutine_groups.length);
  const shown = new Map(groups.map((r) => [r['Start function'].text, r]));
  for (const g of want.goroutine_groups) {
    const r = shown.get(g.name || '(no start function)');
    assert.ok(r, `group ${g.name}`);
    assert.equal(r.Goroutines.text, String(g.count), g.name);
    assert.equal(r['Execution time'].ns, g.exec_ns, g.name);
    assert.equal(r.p99.ns, g.percentiles.exec_ns.p99, g.name);
    assert.equal(r.max.ns, g.percentiles.exec_ns.max, g.name);
    if (g.exec_time_percent) assert.match(r.Share.text, new RegExp(`${g.exec_time_percent.replace('.', '\\.')}$`));
  }
  // Sorted by execution time, most first.
  const execs = groups.map((r) => r['Execution time'].ns);
  assert.deepEqual(execs, [...execs].sort((x, y) => y - x));
  await screenshot(page, 'goroutines');

  // Keyboard: a row takes the focus and Enter opens it.
  const name = 'main.mutexes.func1';
  await page.focus('.goroutines-view tbody tr:first-child');
  await page.keyboard.press('Enter');
  await page.waitForSelector('.goroutines-view .legend');
  assert.equal((await hashParams(page)).get('group'), groups[0]['Start function'].text);

  await go(page, '#page=goroutines');
  await page.waitForSelector('.goroutines-view table.data');
  await clickRow(page, '.goroutines-view', 'Start function', name);
  await page.waitForSelector('.goroutines-view .legend');
  assert.equal((await hashParams(page)).get('group'), name);
  const group = want.goroutine_groups.find((g) => g.name === name);
  const members = want.goroutines.filter((g) => g.name === name);
  const [percentiles, goroutines] = await tables(page, '.goroutines-view');
  assert.deepEqual(percentiles.map((r) => [r.Time.text, r.p50.ns, r.p90.ns, r.p99.ns, r.max.ns]),
    [['Execution', 'exec_ns'], ['Sched wait', 'sched_wait_ns'], ['Block', 'block_ns'], ['Syscall', 'syscall_ns'],
      ['Syscall block', 'syscall_block_ns'], ['Total', 'total_ns']].map(([label, k]) =>
      [label, group.percentiles[k].p50, group.percentiles[k].p90, group.percentiles[k].p99, group.percentiles[k].max]));
  assert.deepEqual(goroutines.map((r) => Number(r.Goroutine.link)).sort((x, y) => x - y), group.goroutines);
  assert.deepEqual(goroutines.map((r) => r.Goroutine.href).sort(), members.map((g) => `#page=timeline&g=${g.id}`).sort());
  const byId = new Map(goroutines.map((r) => [Number(r.Goroutine.link), r]));
  for (const g of members) {
    const r = byId.get(g.id);
    assert.equal(r.Execution.ns, g.exec_ns, `goroutine ${g.id} execution`);
    assert.equal(r['Sched wait'].ns, g.sched_wait_ns, `goroutine ${g.id} sched wait`);
    assert.equal(r.Total.ns, g.total_ns, `goroutine ${g.id} total`);
    for (const [reason, ns] of Object.entries(g.block_ns_by_reason)) {
      assert.equal(r[`Block (${reason || 'other'})`]?.ns ?? 0, ns, `goroutine ${g.id} block ${reason}`); // no column: none
    }
  }
  // The breakdown bars are drawn: the longest goroutine's fills its track.
  const fill = await page.$$eval('.goroutines-view .breakdown', (bars) => Math.max(...bars.map((bar) =>
    [...bar.children].reduce((s, c) => s + c.getBoundingClientRect().width, 0) / bar.getBoundingClientRect().width)));
  assert.ok(fill > 0.97 && fill < 1.01, `longest bar fills ${fill}`);
  await screenshot(page, 'goroutine-group');

  await page.click('.goroutines-view a.back');
  await page.waitForFunction(() => !new URLSearchParams(location.hash.slice(1)).has('group')
    && document.querySelector('.goroutines-view table.data th').textContent === 'Start function');
  assert.deepEqual(problems, []);
  await page.close();
});

test('tasks: types with histograms, a type\'s tasks filtered by logs, a task\'s event log', async () => {
  const file = fixture('annotations.trace');
  const want = cliJson(file);
  const { page, problems } = await openTrace(file);
  await go(page, '#page=tasks');
  await page.waitForSelector('.tasks-view table.data');
  const [types] = await tables(page, '.tasks-view');
  assert.equal(types.length, want.task_types.length);
  const shown = new Map(types.map((r) => [r.Type.text, r]));
  for (const t of want.task_types) {
    const r = shown.get(t.type || '(no type)');
    assert.equal(r.Tasks.text, String(t.count), t.type);
    assert.equal(r.Complete.text, String(t.complete), t.type);
    assert.equal(r['Durations of complete tasks'].count, t.histogram.count, `${t.type} histogram total`);
  }
  // Bucket labels are Go's lower bounds, gaps included: stage has 3.981µs, 6.309µs, 10µs.
  const stageLabels = await page.$$eval('.tasks-view tbody tr', (trs) => [...trs.find((tr) => tr.cells[0].textContent === 'stage')
    .querySelectorAll('.h-label')].map((e) => e.textContent));
  assert.deepEqual(stageLabels, ['≥ 3.981µs', '≥ 6.309µs', '≥ 10µs']);
  await screenshot(page, 'tasks');

  await clickRow(page, '.tasks-view', 'Type', 'stage');
  await page.waitForFunction(() => /tasks$/.test(document.querySelector('.tasks-view .controls span.muted').textContent));
  const stage = want.tasks.filter((t) => t.type === 'stage');
  let [list] = await tables(page, '.tasks-view');
  assert.deepEqual(list.map((r) => Number(r.Task.text)).sort((x, y) => x - y), stage.map((t) => t.id).sort((x, y) => x - y));
  for (const r of list) {
    const t = stage.find((x) => x.id === Number(r.Task.text));
    assert.equal(r.Duration.ns, t.duration_ns);
    assert.equal(r.Logs.text, String(t.logs.length));
    assert.equal(r.Goroutines.text, String(t.goroutines.length));
  }

  // The filter asks the worker and keeps the text in the hash.
  await page.fill('#task-filter', 'stage 1');
  await page.waitForFunction(() => new URLSearchParams(location.hash.slice(1)).get('filter') === 'stage 1'
    && /^\d+ tasks$/.test(document.querySelector('.tasks-view .controls span.muted').textContent));
  [list] = await tables(page, '.tasks-view');
  const matching = stage.filter((t) => t.logs.some((l) => l.message.includes('stage 1') || l.category.includes('stage 1')));
  assert.ok(matching.length > 0 && matching.length < stage.length);
  assert.deepEqual(list.map((r) => Number(r.Task.text)).sort((x, y) => x - y), matching.map((t) => t.id).sort((x, y) => x - y));

  // A task: its event log and logs, as the CLI's.
  const task = matching[0];
  await clickRow(page, '.tasks-view', 'Task', String(task.id));
  await page.waitForSelector('.tasks-view h3');
  const hash = await hashParams(page);
  assert.deepEqual([hash.get('type'), hash.get('task'), hash.get('filter')], ['stage', String(task.id), 'stage 1']);
  const [events, logs] = await tables(page, '.tasks-view');
  assert.deepEqual(events.map((r) => ({ since_trace_start_ns: r['Since trace start'].ns, elapsed_ns: r.Elapsed.ns,
    goroutine: Number(r.Goroutine.text), what: r.What.text })), task.events);
  assert.deepEqual(logs.map((r) => [Number(r.Goroutine.text), r.Category.text, r.Message.text]),
    task.logs.map((l) => [l.goroutine, l.category, l.message]));
  await screenshot(page, 'task');

  // The task with the empty type: '' is a type, kept in the hash.
  await go(page, '#page=tasks&type=');
  await page.waitForFunction(() => /^\d+ tasks$/.test(document.querySelector('.tasks-view .controls span.muted')?.textContent || ''));
  [list] = await tables(page, '.tasks-view');
  assert.deepEqual(list.map((r) => Number(r.Task.text)), want.tasks.filter((t) => t.type === '').map((t) => t.id));
  assert.deepEqual(problems, []);
  await page.close();
});

test('regions: types with their counts, a type\'s regions with their breakdowns', async () => {
  const file = fixture('annotations.trace');
  const want = cliJson(file);
  const { page, problems } = await openTrace(file);
  await go(page, '#page=regions');
  await page.waitForSelector('.regions-view table.data');
  const [types] = await tables(page, '.regions-view');
  assert.equal(types.length, want.region_types.length);
  for (const t of want.region_types) {
    const r = types.find((x) => x.Type.text === t.type && x.Location.text === `${t.frame.func}${t.frame.file}:${t.frame.line}`);
    assert.ok(r, `region type ${t.type}`);
    const inTrace = want.regions.filter((x) => x.type === t.type && x.top_frame.pc === t.frame.pc).length;
    assert.equal(r.Regions.text, String(t.histogram.count), t.type);
    assert.equal(t.histogram.count, inTrace, `${t.type}: the CLI's own lists agree`);
    assert.equal(r.Durations.count, t.histogram.count, `${t.type} histogram total`);
  }
  await screenshot(page, 'regions');

  const type = 'io-fetch';
  const info = want.region_types.find((t) => t.type === type);
  await clickRow(page, '.regions-view', 'Type', type);
  await page.waitForSelector('.regions-view .legend');
  const hash = await hashParams(page);
  assert.deepEqual([hash.get('type'), hash.get('pc')], [type, String(info.frame.pc)]);
  const expected = want.regions.filter((r) => r.type === type && r.top_frame.pc === info.frame.pc);
  const [regions] = await tables(page, '.regions-view');
  assert.equal(regions.length, expected.length);
  const key = (x) => `${x.goroutine}/${x.duration_ns}`;
  assert.deepEqual(regions.map((r) => key({ goroutine: Number(r.Goroutine.text), duration_ns: r.Duration.ns })).sort(),
    expected.map(key).sort());
  for (const r of regions) {
    const e = expected.find((x) => key(x) === key({ goroutine: Number(r.Goroutine.text), duration_ns: r.Duration.ns }));
    assert.equal(r.Execution.ns, e.non_overlapping_ns['Execution time']);
    assert.equal(r['Block (sleep)'].ns, e.non_overlapping_ns['Block time (sleep)'] || 0);
  }
  // Sortable: a click on a number column sorts it, most first.
  await page.click('.regions-view th:text-is("Execution")');
  const [sorted] = await tables(page, '.regions-view');
  const execs = sorted.map((r) => r.Execution.ns);
  assert.deepEqual(execs, [...execs].sort((x, y) => y - x));
  await screenshot(page, 'region-type');
  assert.deepEqual(problems, []);
  await page.close();
});

test('mmu: the plot is drawn, flags pick the CLI\'s curves, worst windows are the CLI\'s', async () => {
  const file = fixture('gc.trace');
  const want = cliJson(file);
  const { page, problems } = await openTrace(file);
  await go(page, '#page=mmu');
  await page.waitForSelector('.mmu-view table.data:nth-of-type(1)');
  await page.waitForFunction(() => document.querySelectorAll('.mmu-view table.data').length === 2);

  const mmuTable = async () => (await tables(page, '.mmu-view'))[0].map((r) => [r.Window.text, r.MMU.util]);
  const curve = (flags) => want.mmu.curves.find((c) => c.flags === flags).mmu;
  const expectFlags = async (flags) => {
    await page.waitForFunction((f) => new URLSearchParams(location.hash.slice(1)).get('flags') === f, flags);
    assert.deepEqual(await mmuTable(), want.mmu.windows.map((w, i) => [w, curve(flags)[i]]), flags);
  };
  await expectFlags(want.mmu.default_flags);
  const worst = (await tables(page, '.mmu-view'))[1];
  assert.deepEqual(worst.map((r) => [r.Start.ns + want.time.first, r.Utilization.util]),
    want.mmu.worst_windows_default['1000000'].map((w) => [w.Time, w.MutatorUtil]));
  assert.equal(await page.$eval('#mmu-window', (e) => e.value), '1ms');

  // Pixels of the curve's colour in the plot area.
  const curvePixels = () => page.$eval('canvas.mmu-plot', (c) => {
    const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
    let n = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i] < 90 && data[i + 1] > 80 && data[i + 1] < 150 && data[i + 2] > 190) n++;
    return { n, width: c.width, css: c.clientWidth };
  });
  const drawn = await curvePixels();
  assert.ok(drawn.n > 300, `curve pixels: ${drawn.n}`);
  assert.equal(drawn.width, drawn.css);
  await screenshot(page, 'mmu');

  // Stop-the-world alone; then per proc; then everything (sweep implies assists and workers).
  await page.uncheck('#mmu-background');
  await expectFlags('stw');
  assert.equal(await page.$eval('#mmu-assist', (e) => e.checked), false);
  await page.check('#mmu-perProc');
  await expectFlags('perProc|stw');
  await page.check('#mmu-sweep');
  await expectFlags('perProc|stw|background|assist|sweep');
  assert.equal(await page.$eval('#mmu-background', (e) => e.checked), true);
  assert.equal(await page.$eval('#mmu-stw', (e) => e.disabled && e.checked), true);

  // Another window size: the worst windows follow (the CLI's 10ms ones, for the default flags).
  await page.uncheck('#mmu-perProc');
  await page.uncheck('#mmu-sweep');
  await expectFlags(want.mmu.default_flags);
  await page.fill('#mmu-window', '10ms');
  await page.press('#mmu-window', 'Enter');
  await page.waitForFunction(() => /Worst 10ms windows/.test(document.querySelector('.mmu-view').textContent));
  const worst10 = (await tables(page, '.mmu-view'))[1];
  assert.deepEqual(worst10.map((r) => [r.Start.ns + want.time.first, r.Utilization.util]),
    want.mmu.worst_windows_default['10000000'].map((w) => [w.Time, w.MutatorUtil]));
  assert.equal((await hashParams(page)).get('window'), '10000000');

  // Sharp on high-DPI screens: the canvas has a pixel per device pixel.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setDeviceMetricsOverride', { width: 1280, height: 860, deviceScaleFactor: 2, mobile: false });
  await page.evaluate(() => GT.app.render());
  await page.waitForFunction(() => { const c = document.querySelector('canvas.mmu-plot'); return c && c.width === 2 * c.clientWidth; });
  assert.ok((await curvePixels()).n > 600);
  await cdp.send('Emulation.clearDeviceMetricsOverride');
  assert.deepEqual(problems, []);
  await page.close();
});

test('regions: a type without a start location lists only its own regions', async () => {
  // regionspan: one "span" region began before the trace (no location, PC 0), three at a location.
  const file = fixture('regionspan.trace');
  const want = cliJson(file);
  const nowhere = want.region_types.find((t) => t.type === 'span' && t.frame.pc === 0);
  const somewhere = want.region_types.find((t) => t.type === 'span' && t.frame.pc !== 0);
  assert.ok(nowhere && somewhere, 'two locations of one type');
  const { page, problems } = await openTrace(file);
  for (const t of [nowhere, somewhere]) {
    await go(page, `#page=regions&type=span&pc=${t.frame.pc}`);
    await page.waitForSelector('.regions-view .legend');
    const [regions] = await tables(page, '.regions-view');
    assert.equal(regions.length, t.histogram.count, `span at pc ${t.frame.pc}`);
    const expected = want.regions.filter((r) => r.type === 'span' && r.top_frame.pc === t.frame.pc).map((r) => r.duration_ns);
    assert.deepEqual(regions.map((r) => r.Duration.ns).sort(), expected.sort());
  }
  // Without a location in the URL: every region of the type.
  await go(page, '#page=regions&type=span');
  await page.waitForSelector('.regions-view .legend');
  const [all] = await tables(page, '.regions-view');
  assert.equal(all.length, nowhere.histogram.count + somewhere.histogram.count);
  assert.deepEqual(problems, []);
  await page.close();
});

const noMetric = fixture('v1/tasks.trace');
test('mmu: a v1 trace whose GOMAXPROCS Go loses gets a curve, and says where GOMAXPROCS came from', { skip: !fs.existsSync(noMetric) }, async () => {
  const want = cliJson(noMetric);
  assert.ok(want.mmu.recovered_gomaxprocs >= 1, 'the CLI recovers GOMAXPROCS');
  assert.equal(want.mmu.note, undefined);
  const { page, problems } = await openTrace(noMetric);
  await go(page, '#page=mmu');
  await page.waitForSelector('.mmu-view .note');
  const note = await page.$eval('.mmu-view .note', (e) => e.textContent);
  assert.ok(note.includes(`GOMAXPROCS ${want.mmu.recovered_gomaxprocs} was recovered`), note);
  await page.waitForSelector('.mmu-view canvas.mmu-plot');
  // The curve: MMU 1 at every window (no GC in this trace) is drawn along the top.
  const rows = await page.$eval('canvas.mmu-plot', (c) => {
    const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
    let n = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i] < 90 && data[i + 1] > 80 && data[i + 1] < 150 && data[i + 2] > 190) n++;
    return n;
  });
  assert.ok(rows > 100, `curve pixels: ${rows}`);
  assert.deepEqual(problems, []);
  await page.close();
});
