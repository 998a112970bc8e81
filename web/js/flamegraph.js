// Flame graphs (icicle style: the root "all" on top, callees below) of a profile's records,
// drawn on a canvas. Stacks are merged by function name from the root down; a node's width is
// its share of the value (time or count). Hover shows a tooltip, click zooms, Escape or the
// root resets, the search box highlights matching functions, and the canvas is keyboard
// reachable (arrows move the selection, Enter zooms).
'use strict';
window.GT = window.GT || {};

(function () {
  const ROW = 18; // CSS px per stack level
  const MIN_WIDTH = 0.3; // CSS px: narrower nodes (and their callees) are not drawn
  const MATCH = '#ff8c1a'; // search matches (everything else turns grey while searching)
  const FONT = '12px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

  /** The frames of a record, root first: a Profile's `frames` or an overview's `stack` of names. */
  function rootFirst(record) {
    const frames = record.frames || (record.stack || []).map((func) => ({ func }));
    return frames.slice().reverse();
  }

  /** The call tree of a profile: nodes {name, value, self, depth, frame, parent, children}. */
  function tree(profile, key) {
    const node = (name, depth, frame, parent) => ({ name, value: 0, self: 0, depth, frame, parent, children: [], byName: new Map() });
    const root = node('all', 0, null, null);
    for (const r of profile.records) {
      const v = r[key];
      let n = root;
      n.value += v;
      for (const f of rootFirst(r)) {
        let c = n.byName.get(f.func);
        if (!c) {
          c = node(f.func, n.depth + 1, f, n);
          n.byName.set(f.func, c);
          n.children.push(c);
        }
        c.value += v;
        n = c;
      }
      n.self += v;
    }
    const order = (n) => {
      n.children.sort((a, b) => b.value - a.value || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      n.children.forEach(order);
    };
    order(root);
    return root;
  }

  /** Where each visible node goes when `focus` fills `width` CSS px: rows[depth] = [{node, x, w}]
   * by x. The focus's ancestors span the whole width above it. */
  function layout(root, focus, width) {
    const rows = [];
    const put = (node, x, w) => { (rows[node.depth] = rows[node.depth] || []).push({ node, x, w }); };
    for (let a = focus.parent; a; a = a.parent) put(a, 0, width);
    const place = (node, x, w) => {
      put(node, x, w);
      let cx = x;
      for (const c of node.children) {
        const cw = node.value ? (w * c.value) / node.value : 0;
        if (cw >= MIN_WIDTH) place(c, cx, cw);
        cx += cw;
      }
    };
    if (focus.value > 0) place(focus, 0, width);
    return rows;
  }

  /** A function's package: "net/http.(*Server).Serve" -> "net/http". */
  function packageOf(func) {
    const slash = func.lastIndexOf('/');
    const dot = func.indexOf('.', slash + 1);
    return dot < 0 ? func : func.slice(0, dot);
  }

  /** FNV-1a of a string, as an unsigned 32-bit number. */
  function hash(s) {
    let h = 0x811c9dc5;
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    return h >>> 0;
  }

  /** A light colour: the hue from the function's package, the shade from its name (so
   * neighbours from one package still differ); the same on every page load. */
  function colour(func) {
    return `hsl(${hash(packageOf(func)) % 360}, 60%, ${68 + (hash(func) % 13)}%)`;
  }

  /** `text` shortened with "…" to fit `w` px, or '' when not even a few characters fit. */
  function fit(ctx, text, w) {
    if (w < 24) return '';
    if (ctx.measureText(text).width <= w) return text;
    let lo = 1, hi = text.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (ctx.measureText(text.slice(0, mid) + '…').width <= w) lo = mid; else hi = mid - 1;
    }
    return lo >= 2 ? text.slice(0, lo) + '…' : '';
  }

  /** Draws `profile` into `container`. opts: {value: 'time_ns' | 'count', format(v) -> text}.
   * Returns a handle {root, zoom(node), reset(), search(text), select(node), state()}. */
  function flamegraph(container, profile, opts) {
    opts = opts || {};
    const key = opts.value || 'time_ns';
    const format = opts.format || String;
    const h = GT.h;
    const root = tree(profile, key);
    let focus = root, selected = null, hovered = null, query = '', rows = [], width = 0;

    const canvas = h('canvas', { class: 'flame-canvas', tabindex: 0, role: 'img' });
    const tip = h('div', { class: 'flame-tip', hidden: true, role: 'tooltip' });
    const searchBox = h('input', { type: 'search', class: 'flame-search', placeholder: 'Highlight functions…',
      'aria-label': 'highlight functions whose name contains' });
    const resetButton = h('button', { type: 'button', class: 'flame-reset', disabled: true }, 'Reset zoom');
    const matchInfo = h('span', { class: 'muted flame-match', 'aria-live': 'polite' });
    const status = h('div', { class: 'flame-status muted', 'aria-live': 'polite' });
    const wrap = h('div', { class: 'flame-wrap' }, canvas, tip);
    container.appendChild(h('div', { class: 'flamegraph' },
      h('div', { class: 'controls' }, searchBox, matchInfo, h('span', { class: 'spacer' }), resetButton), wrap, status));

    const matches = (n) => query !== '' && n.parent && n.name.toLowerCase().includes(query);
    const pct = (v) => (root.value ? GT.fmt.pct(v / root.value) : '–');
    const where = (n) => (n.frame && n.frame.file ? `${n.frame.file}:${n.frame.line}` : '');

    function draw() {
      width = Math.max(100, wrap.clientWidth || container.clientWidth || 800);
      rows = layout(root, focus, width);
      const height = Math.max(1, rows.length) * ROW;
      const dpr = window.devicePixelRatio || 1;
      canvas.width = Math.round(width * dpr);
      canvas.height = Math.round(height * dpr);
      canvas.style.width = `${width}px`;
      canvas.style.height = `${height}px`;
      const ctx = canvas.getContext('2d');
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, width, height);
      ctx.font = FONT;
      ctx.textBaseline = 'middle';
      const snap = (x) => Math.round(x * dpr) / dpr;
      rows.forEach((row, depth) => row.forEach(({ node, x, w }) => {
        const x0 = snap(x), x1 = snap(x + w);
        const gap = x1 - x0 > 2 ? 1 : 0; // a hairline between neighbours wide enough to have one
        const y = depth * ROW;
        const outside = depth < focus.depth; // the focus's ancestors
        ctx.fillStyle = matches(node) ? MATCH : !node.parent ? '#c9ced8' : outside || query ? '#e4e7ec' : colour(node.name);
        ctx.fillRect(x0, y, Math.max(x1 - x0 - gap, 1 / dpr), ROW - 1);
        if (node === selected) {
          ctx.strokeStyle = '#1d2430';
          ctx.lineWidth = 2;
          ctx.strokeRect(x0 + 1, y + 1, Math.max(x1 - x0 - gap - 2, 1), ROW - 3);
        }
        const label = fit(ctx, node.name, x1 - x0 - gap - 6);
        if (label) {
          ctx.fillStyle = outside || (query && !matches(node)) ? '#6b7686' : '#1d2430';
          ctx.fillText(label, x0 + 3, y + ROW / 2);
        }
      }));
      canvas.setAttribute('aria-label', `flame graph of ${focus === root ? 'all stacks' : focus.name}, ${format(focus.value)}; ` +
        'arrow keys move the selection, Enter zooms, Escape resets');
      canvas.dataset.focus = focus === root ? '' : focus.name;
      resetButton.disabled = focus === root;
    }

    function rectOf(node) {
      return (rows[node.depth] || []).find((r) => r.node === node) || null;
    }

    function at(x, y) {
      const row = rows[Math.floor(y / ROW)] || [];
      return (row.find((r) => x >= r.x && x < r.x + r.w) || {}).node || null;
    }

    /** The details of a node, as text lines. */
    function describe(n) {
      const lines = [n.parent ? n.name : 'all (every stack)'];
      if (where(n)) lines.push(where(n));
      lines.push(`${format(n.value)} · ${pct(n.value)} of total`);
      if (n.self && n.parent) lines.push(`self ${format(n.self)}`);
      return lines;
    }

    function showTip(n, x, y) {
      if (!n) { tip.hidden = true; return; }
      GT.clear(tip);
      describe(n).forEach((line, i) => tip.appendChild(h('div', { class: i === 0 ? 'mono' : '' }, line)));
      tip.hidden = false;
      const left = Math.min(x + 12, Math.max(0, width - tip.offsetWidth - 4));
      tip.style.left = `${left}px`;
      tip.style.top = `${y + 16}px`;
    }

    function select(n) {
      selected = n;
      draw();
      if (!n) { status.textContent = ''; return; }
      status.textContent = describe(n).join(' — ');
      const r = rectOf(n);
      if (r && document.activeElement === canvas) showTip(n, r.x + Math.min(r.w / 2, 40), n.depth * ROW);
    }

    function zoom(n) {
      focus = n && n.value > 0 ? n : root;
      if (selected && !isAncestor(focus, selected) && !isAncestor(selected, focus)) selected = focus;
      tip.hidden = true;
      draw();
    }
    const isAncestor = (a, n) => { for (; n; n = n.parent) if (n === a) return true; return false; };

    function search(text) {
      query = String(text || '').trim().toLowerCase();
      let total = 0;
      const visit = (n) => { if (matches(n)) total += n.value; else n.children.forEach(visit); };
      visit(root);
      matchInfo.textContent = query ? `matched ${format(total)} (${pct(total)} of total)` : '';
      draw();
      return total;
    }

    canvas.addEventListener('mousemove', (e) => {
      hovered = at(e.offsetX, e.offsetY);
      canvas.style.cursor = hovered ? 'pointer' : 'default';
      showTip(hovered, e.offsetX, e.offsetY);
    });
    canvas.addEventListener('mouseleave', () => { hovered = null; tip.hidden = true; });
    canvas.addEventListener('click', (e) => {
      const n = at(e.offsetX, e.offsetY);
      if (!n) return;
      selected = n;
      zoom(n);
    });
    canvas.addEventListener('keydown', (e) => {
      const cur = selected || focus;
      let next = null;
      if (e.key === 'ArrowUp') next = cur.parent;
      else if (e.key === 'ArrowDown') next = cur.children.find((c) => rectOf(c)) || null;
      else if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
        const row = rows[cur.depth] || [];
        const i = row.findIndex((r) => r.node === cur);
        const j = e.key === 'ArrowLeft' ? i - 1 : i + 1;
        next = i >= 0 && row[j] ? row[j].node : null;
      } else if (e.key === 'Enter' || e.key === ' ') {
        zoom(cur);
        select(cur);
      } else if (e.key === 'Escape') {
        zoom(root);
        select(null);
        tip.hidden = true;
      } else return;
      e.preventDefault();
      if (next) select(next);
    });
    canvas.addEventListener('focus', () => { if (!selected) select(focus); });
    canvas.addEventListener('blur', () => { tip.hidden = true; });
    resetButton.addEventListener('click', () => zoom(root));
    searchBox.addEventListener('input', () => search(searchBox.value));

    draw();
    // Redraw when the page's width changes (and stop once the graph is gone).
    if (window.ResizeObserver) {
      let last = wrap.clientWidth;
      const ro = new ResizeObserver(() => {
        if (!canvas.isConnected) { ro.disconnect(); return; }
        if (wrap.clientWidth && wrap.clientWidth !== last) { last = wrap.clientWidth; draw(); }
      });
      ro.observe(wrap);
    }
    return { root, canvas, zoom, reset: () => zoom(root), search, select, state: () => ({ focus, selected, hovered }) };
  }

  flamegraph.tree = tree;
  flamegraph.layout = layout;
  flamegraph.colour = colour;
  flamegraph.packageOf = packageOf;
  GT.flamegraph = flamegraph;
})();
