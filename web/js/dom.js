// Building DOM nodes. Strings from the trace are always inserted as text, never as HTML.
'use strict';
window.GT = window.GT || {};

/** h('div', {class: 'x', onclick: f}, 'text', child, [more children]) */
GT.h = function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'style') Object.assign(el.style, v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  const add = (c) => {
    if (c === undefined || c === null || c === false) return;
    if (Array.isArray(c)) c.forEach(add);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  };
  children.forEach(add);
  return el;
};

GT.clear = function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
};

/** A sortable table: columns [{key, label, num, fmt, title}], rows of objects. */
GT.table = function table(columns, rows, opts) {
  opts = opts || {};
  let sortKey = opts.sortKey || null;
  let desc = opts.desc !== undefined ? opts.desc : true;
  const tbody = GT.h('tbody');
  const head = GT.h('tr');
  const render = () => {
    GT.clear(tbody);
    let rs = rows.slice();
    if (sortKey) {
      const col = columns.find((c) => c.key === sortKey);
      const get = col && col.sortValue ? col.sortValue : (r) => r[sortKey];
      rs.sort((a, b) => {
        const x = get(a), y = get(b);
        const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
        return desc ? -c : c;
      });
    }
    const limit = opts.limit || Infinity;
    rs.slice(0, limit).forEach((r) => {
      const tr = GT.h('tr', opts.onRow ? { class: 'clickable', tabindex: 0, onclick: () => opts.onRow(r),
        onkeydown: (e) => { if (e.key === 'Enter') opts.onRow(r); } } : {});
      columns.forEach((c) => {
        const v = c.fmt ? c.fmt(r[c.key], r) : r[c.key];
        tr.appendChild(GT.h('td', { class: c.num ? 'num' : '' }, v));
      });
      tbody.appendChild(tr);
    });
    if (rs.length > limit) {
      tbody.appendChild(GT.h('tr', {}, GT.h('td', { colspan: columns.length, class: 'muted' },
        `… ${rs.length - limit} more rows not shown`)));
    }
  };
  columns.forEach((c) => {
    const th = GT.h('th', { class: c.num ? 'num sortable' : 'sortable', tabindex: 0, title: c.title || '' }, c.label);
    const sortBy = () => {
      if (sortKey === c.key) desc = !desc; else { sortKey = c.key; desc = !!c.num; }
      render();
    };
    th.addEventListener('click', sortBy);
    th.addEventListener('keydown', (e) => { if (e.key === 'Enter') sortBy(); });
    head.appendChild(th);
  });
  render();
  return GT.h('table', { class: 'data' }, GT.h('thead', {}, head), tbody);
};

/** The hash for `params` with `changes` applied: null or undefined removes a key; '' is a
 * value (a task type or goroutine group can have an empty name). */
GT.hashWith = function hashWith(params, changes) {
  const p = new URLSearchParams(params);
  for (const [k, v] of Object.entries(changes)) {
    if (v === null || v === undefined) p.delete(k); else p.set(k, String(v));
  }
  return `#${p.toString()}`;
};
