// Drawing the timeline on its canvas, in device pixels (sharp on high-DPI screens): spans
// and counters are rasterised into one ImageData (a row of pixels per lane, copied down the
// lane's height: the cost is the pixels in view, never the spans), then text, the axis,
// flow arrows and the selection are drawn over it with the 2D API.
'use strict';
window.GT = window.GT || {};
GT.timeline = GT.timeline || {};

(() => {
  const LABEL_W = 190; // CSS px of the left column
  const AXIS_H = 24; // CSS px of the time axis
  const rgb = (hex) => {
    const v = parseInt(hex.slice(1), 16);
    return (255 << 24 | (v & 0xff) << 16 | (v >> 8 & 0xff) << 8 | v >> 16) >>> 0;
  };
  const hexOf = (u) => `#${[u & 0xff, u >> 8 & 0xff, u >> 16 & 0xff].map((c) => c.toString(16).padStart(2, '0')).join('')}`;
  const darker = (u) => (255 << 24 | ((u >> 16 & 0xff) * 0.7) << 16 | ((u >> 8 & 0xff) * 0.7) << 8 | (u & 0xff) * 0.7) >>> 0;

  /** `u` blended with white: share 1 keeps it, 0 is white. */
  const fade = (u, share) => {
    const m = (v) => Math.round(255 - (255 - v) * share);
    return (255 << 24 | m(u >> 16 & 0xff) << 16 | m(u >> 8 & 0xff) << 8 | m(u & 0xff)) >>> 0;
  };

  // By lane kind (proc, thread, gc, stw, task, region, goroutine, sweep), by state.
  const PALETTE = [
    ['#4a7fc1', '#d1495b', '#9b5fc0'],
    ['#6aa84f', '#9b5fc0'],
    ['#e07b39'],
    ['#b22222'],
    ['#5e9ea0'],
    ['#8e7cc3'],
    ['#4a7fc1', '#f0a830', '#d8dde6', '#9b5fc0', '#f08080'],
    ['#b8a038'],
  ];
  const COLORS = PALETTE.map((states) => states.map(rgb));
  const BG = rgb('#ffffff');
  const HEADER_BG = rgb('#eef1f5');
  const GROUP_BG = rgb('#f6f7f9');
  const LANE_BG = rgb('#fafbfc');
  // CPU samples: a dark tick over the top of a goroutine's lane (the share of its height
  // that a click picks a sample in rather than a span).
  const SAMPLE_MARK = rgb('#1b1b1b');
  const MARK_SHARE = 0.4;
  const COUNTER = {
    goroutines: [rgb('#4a7fc1'), rgb('#f0a830'), rgb('#9b5fc0')],
    threads: [rgb('#6aa84f'), rgb('#9b5fc0')],
    heap: [rgb('#a3c99a'), rgb('#3a6b35')],
    samples: [rgb('#c0504d')],
  };

  /** A colour per goroutine group (start function), for proc spans drawn as they are. */
  const groupColors = new Map();
  function groupColor(nameIndex) {
    let c = groupColors.get(nameIndex);
    if (c === undefined) {
      // Hues from orange to blue: red and purple mean GC workers and syscalls.
      const hue = 25 + ((nameIndex * 137.508) % 215);
      c = hsl(hue, 0.55, 0.55);
      groupColors.set(nameIndex, c);
    }
    return c;
  }
  function hsl(h, s, l) {
    const k = (n) => (n + h / 30) % 12;
    const a = s * Math.min(l, 1 - l);
    const f = (n) => Math.round(255 * (l - a * Math.max(-1, Math.min(k(n) - 3, Math.min(9 - k(n), 1)))));
    return (255 << 24 | f(4) << 16 | f(8) << 8 | f(0)) >>> 0;
  }

  /** The colour of a row. */
  function colorOf(tl, kind, state, label, exact) {
    if (kind === 0 && state === 0 && exact && label) {
      return groupColor(tl.info.group[tl.info.goroutineBase + label - 1]);
    }
    return (COLORS[kind] && COLORS[kind][state]) || COLORS[6][0];
  }

  function ensureImage(tl) {
    const w = tl.canvas.width, h = tl.canvas.height;
    if (!tl.image || tl.image.width !== w || tl.image.height !== h) {
      tl.image = tl.ctx.createImageData(w, h);
      tl.pixels = new Uint32Array(tl.image.data.buffer);
      tl.line = new Uint32Array(w);
    }
  }

  /** Rasterises one lane's cached rows into pixel rows y0..y1. */
  function rasterLane(tl, row, y0, y1) {
    const { pixels, line } = tl;
    const W = tl.canvas.width;
    const x0d = Math.round(LABEL_W * tl.dpr);
    const got = tl.data.rowsOf(row.lane);
    line.fill(LANE_BG, x0d, W);
    if (got) {
      const { from, to, cols } = got;
      const k = (W - x0d) / tl.scale.span;
      const vs = tl.scale.start, ve = tl.scale.end;
      const kind = tl.info.kind[row.lane];
      for (let r = from; r < to; r++) {
        const s = cols.start[r], e = cols.end[r];
        if (e <= vs || s >= ve) continue;
        const exact = cols.exact[r];
        // A merged cell is drawn once, at its first row, in the state that took most of it
        // (for goroutines, waiting counts a fifth: activity shows through long waits).
        if (!exact && r > from && !cols.exact[r - 1] && cols.start[r - 1] === s) continue;
        let a = Math.floor(x0d + (s - vs) * k);
        let b = Math.ceil(x0d + (e - vs) * k);
        if (b <= a) b = a + 1;
        if (a < x0d) a = x0d;
        if (b > W) b = W;
        let state = cols.state[r], label = cols.label[r], share = 1;
        if (!exact) {
          let best = -1, bestNs = 0;
          for (let q = r; q < to && !cols.exact[q] && cols.start[q] === s; q++) {
            const w = cols.ns[q] * (kind === 6 && cols.state[q] === 2 ? 0.2 : 1);
            if (w > best) { best = w; bestNs = cols.ns[q]; state = cols.state[q]; label = cols.label[q]; }
          }
          share = bestNs / Math.max(1, e - s);
        }
        let c = colorOf(tl, kind, state, label, exact);
        // A merged cell fades with the share of it its state covers.
        if (share < 0.95) c = fade(c, Math.max(0.35, share));
        line.fill(c, a, b);
        if (exact && b - a > 3 * tl.dpr) line[a] = darker(c);
      }
    }
    const src = line.subarray(x0d, W);
    for (let y = y0; y < y1; y++) pixels.set(src, y * W + x0d);
    const marks = tl.info.kind[row.lane] === 6 ? tl.data.marksOf(row.lane) : null;
    if (marks && marks.to > marks.from) {
      const k = (W - x0d) / tl.scale.span;
      const vs = tl.scale.start, ve = tl.scale.end;
      const yEnd = y0 + Math.max(2, Math.round((y1 - y0) * MARK_SHARE));
      const wide = Math.max(2, Math.round(2 * tl.dpr));
      for (let i = marks.from; i < marks.to; i++) {
        const t = marks.cols.markTime[i];
        if (t < vs || t >= ve) continue;
        const a = Math.max(x0d, Math.floor(x0d + (t - vs) * k));
        const b = Math.min(W, a + wide);
        for (let y = y0; y < yEnd; y++) pixels.fill(SAMPLE_MARK, y * W + a, y * W + b);
      }
    }
  }

  /** Rasterises a counter as stacked columns. */
  function rasterCounter(tl, row, y0, y1) {
    const c = tl.data.counters;
    const { pixels } = tl;
    const W = tl.canvas.width;
    const x0d = Math.round(LABEL_W * tl.dpr);
    for (let y = y0; y < y1; y++) pixels.fill(LANE_BG, y * W + x0d, (y + 1) * W);
    if (!c) return;
    const cellNs = (c.end - c.start) / c.cells;
    const nsPerPx = tl.scale.span / (W - x0d);
    const cellAt = (x) => Math.floor((tl.scale.start + (x - x0d) * nsPerPx - c.start) / cellNs);
    const values = (i) => {
      switch (row.counter) {
        case 'goroutines': return [c.goroutines[4 * i], c.goroutines[4 * i + 1], c.goroutines[4 * i + 3]];
        case 'threads': return [c.threads[2 * i], c.threads[2 * i + 1]];
        case 'heap': return [c.heapLive[i], Math.max(0, c.heapGoal[i] - c.heapLive[i])];
        default: return [c.samples[i]];
      }
    };
    // The scale: the largest stack in view.
    let max = 0;
    const cols = [];
    for (let x = x0d; x < W; x++) {
      const i = cellAt(x);
      if (i < 0 || i >= c.cells) { cols.push(null); continue; }
      const v = values(i);
      let sum = 0;
      for (const u of v) if (u > 0) sum += u;
      if (sum > max) max = sum;
      cols.push(v);
    }
    row.max = max;
    if (!(max > 0)) return;
    const colors = COUNTER[row.counter];
    const h = y1 - y0;
    for (let x = x0d; x < W; x++) {
      const v = cols[x - x0d];
      if (!v) continue;
      let top = y1;
      for (let j = 0; j < v.length; j++) {
        if (!(v[j] > 0)) continue;
        const px = Math.max(1, Math.round((v[j] / max) * h));
        const from = Math.max(y0, top - px);
        for (let y = from; y < top; y++) pixels[y * W + x] = colors[j];
        top = from;
      }
    }
  }

  function truncate(ctx, text, width, charW) {
    const n = Math.floor(width / charW);
    if (n <= 1) return '';
    return text.length <= n ? text : `${text.slice(0, n - 1)}…`;
  }

  /** Text on spans wide enough to hold some. */
  function spanLabels(tl, row, y, h) {
    const got = tl.data.rowsOf(row.lane);
    if (!got) return;
    const { ctx, info } = tl;
    const { from, to, cols } = got;
    const kind = info.kind[row.lane];
    let drawn = 0;
    for (let r = from; r < to && drawn < 200; r++) {
      if (!cols.exact[r]) continue;
      const a = Math.max(LABEL_W, LABEL_W + tl.scale.x(cols.start[r]));
      const b = Math.min(tl.W, LABEL_W + tl.scale.x(cols.end[r]));
      if (b - a < 48) continue;
      let text;
      const label = cols.label[r];
      if (kind === 0 || kind === 1) {
        const g = tl.layout.goroutineOf(label);
        text = g === null ? tl.info.stateNames[kind][cols.state[r]] : `G${g} ${info.strings[info.group[info.goroutineBase + label - 1]]}`;
      } else if (kind === 6) {
        text = info.stateNames[6][cols.state[r]];
        if (cols.state[r] === 2 && cols.aux[r]) text += ` (${info.strings[cols.aux[r]]})`;
      } else if (kind === 3 || kind === 4 || kind === 5) text = info.strings[label] || info.stateNames[kind][0];
      else text = info.stateNames[kind][cols.state[r]];
      const t = truncate(ctx, text, b - a - 6, tl.charW);
      if (!t) continue;
      ctx.fillStyle = kind === 6 && cols.state[r] === 2 ? '#333' : '#fff';
      ctx.fillText(t, a + 3, y + h / 2);
      drawn++;
    }
  }

  /** Flow arrows: into runnable spans (exact rows) from the goroutine that made them. */
  function flows(tl, rowsInView, yOf) {
    const { ctx, info } = tl;
    ctx.beginPath();
    let n = 0;
    for (const row of rowsInView) {
      if (row.type !== 'lane' || info.kind[row.lane] !== 6) continue;
      const got = tl.data.rowsOf(row.lane);
      if (!got) continue;
      for (let r = got.from; r < got.to && n < 200; r++) {
        const c = got.cols;
        if (!c.exact[r] || c.state[r] !== 1 || !c.aux[r]) continue;
        const src = info.goroutineBase + c.aux[r] - 1;
        if (src === row.lane) continue;
        const i = tl.layout.laneRow.get(src);
        if (i === undefined) continue;
        const x0 = LABEL_W + tl.scale.x(c.start[r]);
        const x1 = LABEL_W + tl.scale.x(c.end[r]);
        if (x1 < LABEL_W || x0 > tl.W || x1 - x0 < 3) continue;
        const ya = yOf(tl.layout.rows[i]);
        const yb = yOf(row);
        ctx.moveTo(x0, ya);
        ctx.lineTo(x1, yb);
        ctx.moveTo(x1 - 4, yb - 3 * Math.sign(yb - ya || 1));
        ctx.lineTo(x1, yb);
        n++;
      }
    }
    ctx.strokeStyle = 'rgba(20, 20, 20, 0.75)';
    ctx.lineWidth = 1;
    ctx.stroke();
  }

  /** Draws a frame; returns the rows in view. */
  GT.timeline.draw = function draw(tl) {
    const { ctx, dpr } = tl;
    ensureImage(tl);
    tl.pixels.fill(BG);
    const W = tl.canvas.width, H = tl.canvas.height;
    const top = tl.scrollTop, bottom = tl.scrollTop + tl.H - AXIS_H;
    const inView = tl.layout.visible(top, bottom);
    const yOf = (row) => AXIS_H + row.y - tl.scrollTop + row.h / 2;
    for (const row of inView) {
      const ys = AXIS_H + row.y - tl.scrollTop;
      const y0 = Math.max(Math.round(AXIS_H * dpr), Math.round(ys * dpr));
      const y1 = Math.min(H, Math.round((ys + row.h - 1) * dpr));
      if (y1 <= y0) continue;
      if (row.type === 'lane') rasterLane(tl, row, y0, y1);
      else if (row.type === 'counter') rasterCounter(tl, row, y0, y1);
      else {
        const c = row.type === 'section' ? HEADER_BG : GROUP_BG;
        tl.pixels.fill(c, y0 * W, y1 * W);
      }
    }
    ctx.putImageData(tl.image, 0, 0);
    ctx.save();
    ctx.scale(dpr, dpr);
    ctx.font = '11px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    if (!tl.charW) tl.charW = ctx.measureText('abcdefghijklmnopqrstuvwxyz0123456789').width / 36 + 0.3;
    // Grid and axis.
    const ticks = tl.scale.ticks(110, tl.info.start);
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, tl.W, AXIS_H);
    ctx.strokeStyle = 'rgba(0, 0, 0, 0.08)';
    ctx.beginPath();
    for (const tk of ticks) {
      const x = Math.round(LABEL_W + tk.x) + 0.5;
      ctx.moveTo(x, AXIS_H - 6);
      ctx.lineTo(x, tl.H);
    }
    ctx.stroke();
    ctx.fillStyle = '#333';
    for (const tk of ticks) ctx.fillText(tk.label, LABEL_W + tk.x + 3, AXIS_H / 2);
    ctx.fillStyle = '#666';
    ctx.fillText(`${GT.fmt.dur(Math.round(tl.scale.span))} in view`, 8, AXIS_H / 2);
    // Text: labels on the left, on spans, counters' scale.
    ctx.save();
    ctx.beginPath();
    ctx.rect(0, AXIS_H, tl.W, tl.H - AXIS_H);
    ctx.clip();
    for (const row of inView) {
      const y = AXIS_H + row.y - tl.scrollTop;
      if (row.type === 'lane' && row.h >= 12) {
        ctx.save();
        ctx.beginPath();
        ctx.rect(LABEL_W, y, tl.W - LABEL_W, row.h);
        ctx.clip();
        spanLabels(tl, row, y, row.h - 1);
        ctx.restore();
      }
      ctx.fillStyle = row.type === 'section' ? '#1d2430' : '#333';
      ctx.font = row.type === 'section' ? 'bold 12px system-ui, sans-serif' : '11px system-ui, sans-serif';
      let text = row.label || '';
      if (row.type === 'section') text = `${row.collapsed ? '▸' : '▾'} ${row.title}${row.count ? ` (${row.count})` : ''}`;
      if (row.type === 'group') text = `${row.collapsed ? '▸' : '▾'} ${row.label} (${row.group.lanes.length})`;
      const highlight = row.type === 'lane' && tl.selectedLane === row.lane;
      if (highlight) {
        ctx.fillStyle = '#ffe08a';
        ctx.fillRect(0, y, LABEL_W - 4, row.h - 1);
        ctx.fillStyle = '#000';
      }
      ctx.fillText(truncate(ctx, text, row.type === 'lane' ? LABEL_W - 14 : tl.W, tl.charW), row.type === 'lane' ? 14 : 6, y + row.h / 2);
      if (row.type === 'counter' && row.max > 0) {
        ctx.fillStyle = '#666';
        // Counts are averaged over each pixel's time: a fractional peak is an average (the
        // count changed within that pixel), said so rather than shown as a count.
        let label;
        if (row.counter === 'heap') label = `max ${GT.fmt.bytes(row.max)}`;
        else if (Math.abs(row.max - Math.round(row.max)) < 1e-9) label = `max ${Math.round(row.max)}`;
        else label = `max ${row.max.toFixed(row.max < 10 ? 1 : 0)} avg/px`;
        ctx.fillText(label, 14, y + row.h / 2 + 12);
      }
    }
    ctx.font = '11px system-ui, sans-serif';
    if (tl.flows) flows(tl, inView, yOf);
    // The selected span and the box selection.
    if (tl.selected) {
      const row = tl.layout.rows[tl.layout.laneRow.get(tl.selected.lane)];
      if (row) {
        const x0 = LABEL_W + tl.scale.x(tl.selected.start);
        const x1 = LABEL_W + tl.scale.x(tl.selected.end);
        ctx.strokeStyle = '#000';
        ctx.lineWidth = 2;
        ctx.strokeRect(Math.max(LABEL_W - 2, x0) - 1, AXIS_H + row.y - tl.scrollTop - 1, Math.max(2, Math.min(tl.W, x1) - Math.max(LABEL_W - 2, x0)) + 2, row.h + 1);
      }
    }
    if (tl.box) {
      const b = tl.box;
      const x0 = LABEL_W + tl.scale.x(Math.min(b.t0, b.t1));
      const x1 = LABEL_W + tl.scale.x(Math.max(b.t0, b.t1));
      const y0 = AXIS_H + Math.min(b.y0, b.y1) - tl.scrollTop;
      const y1 = AXIS_H + Math.max(b.y0, b.y1) - tl.scrollTop;
      ctx.fillStyle = 'rgba(40, 110, 220, 0.15)';
      ctx.fillRect(x0, y0, x1 - x0, y1 - y0);
      ctx.strokeStyle = 'rgba(40, 110, 220, 0.9)';
      ctx.lineWidth = 1;
      ctx.strokeRect(x0 + 0.5, y0 + 0.5, x1 - x0, y1 - y0);
    }
    ctx.restore();
    ctx.strokeStyle = '#ccd2da';
    ctx.beginPath();
    ctx.moveTo(LABEL_W - 0.5, 0);
    ctx.lineTo(LABEL_W - 0.5, tl.H);
    ctx.moveTo(0, AXIS_H - 0.5);
    ctx.lineTo(tl.W, AXIS_H - 0.5);
    ctx.stroke();
    ctx.restore();
    return inView;
  };

  GT.timeline.geometry = { LABEL_W, AXIS_H, MARK_SHARE };
  GT.timeline.colors = { PALETTE, hexOf, groupColor: (i) => hexOf(groupColor(i)), SAMPLE: hexOf(SAMPLE_MARK) };
})();
