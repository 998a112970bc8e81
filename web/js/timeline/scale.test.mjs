// The timeline's time scale, without a browser: `node --test web/js/timeline/`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import vm from 'node:vm';

vm.runInThisContext(fs.readFileSync(new URL('./scale.js', import.meta.url), 'utf8'));
const { TimeScale, timeScale } = globalThis.GT;

test('time and pixels convert both ways', () => {
  const s = new TimeScale(1000, 2000, 500, 0, 10000);
  assert.equal(s.x(1000), 0);
  assert.equal(s.x(2000), 500);
  assert.equal(s.t(250), 1500);
  assert.equal(s.nsPerPx, 2);
});

test('zooming keeps the time under the pointer in place and stays in the trace', () => {
  const s = new TimeScale(0, 1e9, 1000, 0, 1e9);
  const before = s.t(300);
  s.zoom(4, 300);
  assert.ok(Math.abs(s.t(300) - before) < 1e-6);
  assert.equal(s.span, 2.5e8);
  s.zoom(1 / 100, 300);
  assert.equal(s.start, 0);
  assert.equal(s.end, 1e9);
  for (let i = 0; i < 100; i++) s.zoom(10, 500);
  assert.equal(s.span, TimeScale.MIN_SPAN);
});

test('panning stops at the ends', () => {
  const s = new TimeScale(100, 200, 100, 0, 1000);
  s.pan(-1e6);
  assert.deepEqual([s.start, s.end], [0, 100]);
  s.pan(1e6);
  assert.deepEqual([s.start, s.end], [900, 1000]);
});

test('set clamps and orders', () => {
  const s = new TimeScale(0, 10, 100, 0, 1000);
  s.set(2000, -50);
  assert.deepEqual([s.start, s.end], [0, 1000]);
  s.set(995, 1005);
  assert.equal(s.end, 1000);
  assert.equal(s.span, 100);
});

test('ticks are 1-2-5 steps with readable labels', () => {
  assert.equal(timeScale.niceStep(3), 5);
  assert.equal(timeScale.niceStep(120), 200);
  assert.equal(timeScale.niceStep(1e6), 1e6);
  const s = new TimeScale(0, 1e9, 1000, 0, 1e9);
  const ticks = s.ticks(100, 0);
  assert.ok(ticks.length >= 5 && ticks.length <= 11);
  assert.equal(ticks[1].t - ticks[0].t, 1e8);
  assert.equal(ticks[1].label, '100ms');
  assert.equal(timeScale.formatTime(1.5e9, 5e8), '1.5s');
  assert.equal(timeScale.formatTime(2500, 500), '2.5µs');
  assert.equal(timeScale.formatTime(0, 1e6), '0');
});
