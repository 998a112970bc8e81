// The timeline's input: W/S zoom and A/D pan (smooth while held: each frame moves by the time
// since the last), the wheel (scroll; Ctrl/⌘ or Alt zooms at the pointer; Shift or a
// sideways wheel pans), drag to pan, Shift+drag (or a drag on the axis) to select a box,
// click for a span's details, and the keys of the help overlay.
'use strict';
window.GT = window.GT || {};
GT.timeline = GT.timeline || {};

GT.timeline.interact = function interact(tl, actions) {
  const { LABEL_W, AXIS_H } = GT.timeline.geometry;
  const held = new Set();
  let last = 0;
  let raf = 0;

  /** Moves the view while W/A/S/D are held: 3× zoom or a view's width per second. */
  const step = (now) => {
    raf = 0;
    const dt = Math.min(0.1, last ? (now - last) / 1000 : 1 / 60);
    last = now;
    if (!held.size) { last = 0; return; }
    const atX = tl.pointerX !== null ? tl.pointerX : undefined;
    if (held.has('w')) tl.scale.zoom(Math.pow(3, dt), atX);
    if (held.has('s')) tl.scale.zoom(Math.pow(3, -dt), atX);
    if (held.has('a')) tl.scale.pan(-tl.scale.width * dt);
    if (held.has('d')) tl.scale.pan(tl.scale.width * dt);
    actions.viewChanged();
    raf = requestAnimationFrame(step);
  };

  const onKeyDown = (e) => {
    if (!tl.canvas.isConnected) return;
    if (e.target.closest && e.target.closest('input, textarea, select')) return;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const k = e.key.toLowerCase();
    if ('wasd'.includes(k) && k.length === 1) {
      e.preventDefault();
      held.add(k);
      if (!raf) { last = 0; raf = requestAnimationFrame(step); }
      return;
    }
    if (e.key === '?') actions.toggleHelp();
    else if (k === 'f') actions.toggleFlows();
    else if (k === 't') actions.toggleFrameTimes();
    else if (k === '0') actions.setView(tl.info.start, tl.info.end);
    else if (k === '/') { e.preventDefault(); actions.focusSearch(); }
    else if (e.key === 'Escape') actions.clearSelection();
  };
  const onKeyUp = (e) => held.delete(e.key.toLowerCase());
  const onBlur = () => held.clear();

  const local = (e) => {
    const r = tl.canvas.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  };
  const contentY = (y) => y - AXIS_H + tl.scrollTop;

  const onWheel = (e) => {
    e.preventDefault();
    const { x } = local(e);
    const scale = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? tl.H : 1;
    const dx = e.deltaX * scale, dy = e.deltaY * scale;
    if (e.ctrlKey || e.metaKey || e.altKey) {
      tl.scale.zoom(Math.exp(-dy * 0.002), Math.max(0, x - LABEL_W));
    } else if (e.shiftKey || Math.abs(dx) > Math.abs(dy)) {
      tl.scale.pan(e.shiftKey ? dy || dx : dx);
    } else {
      actions.scrollBy(dy);
      return;
    }
    actions.viewChanged();
  };

  let drag = null;
  const onDown = (e) => {
    if (e.button !== 0) return;
    const p = local(e);
    tl.canvas.focus({ preventScroll: true });
    const select = e.shiftKey || p.y < AXIS_H;
    drag = { x: p.x, y: p.y, start: tl.scale.start, scroll: tl.scrollTop, moved: false, select };
    if (select) {
      const t = tl.scale.t(Math.max(0, p.x - LABEL_W));
      tl.box = { t0: t, t1: t, y0: p.y < AXIS_H ? 0 : contentY(p.y), y1: p.y < AXIS_H ? tl.layout.height : contentY(p.y), axis: p.y < AXIS_H };
    }
    window.addEventListener('mousemove', onMove);
    window.addEventListener('mouseup', onUp);
  };
  const onMove = (e) => {
    if (!drag) return;
    const p = local(e);
    if (Math.abs(p.x - drag.x) + Math.abs(p.y - drag.y) > 3) drag.moved = true;
    if (drag.select) {
      tl.box.t1 = tl.scale.t(Math.max(0, Math.min(tl.scale.width, p.x - LABEL_W)));
      if (!tl.box.axis) tl.box.y1 = contentY(Math.max(AXIS_H, p.y));
      actions.redraw();
    } else if (drag.moved) {
      const span = tl.scale.span;
      tl.scale.set(drag.start - (p.x - drag.x) * tl.scale.nsPerPx, drag.start - (p.x - drag.x) * tl.scale.nsPerPx + span);
      actions.scrollTo(drag.scroll - (p.y - drag.y));
      actions.viewChanged();
    }
  };
  const onUp = (e) => {
    window.removeEventListener('mousemove', onMove);
    window.removeEventListener('mouseup', onUp);
    const d = drag;
    drag = null;
    if (!d) return;
    const p = local(e);
    if (d.select) {
      if (d.moved) actions.boxSelected(tl.box); else { tl.box = null; actions.redraw(); }
      return;
    }
    if (d.moved) return;
    // A click: a header toggles; a lane shows the span under the pointer.
    const i = tl.layout.rowAt(contentY(p.y));
    if (p.y < AXIS_H || i < 0) return;
    const row = tl.layout.rows[i];
    if (row.type === 'section' || row.type === 'group') { actions.toggleRow(row); return; }
    if (row.type === 'lane' && p.x >= LABEL_W) {
      actions.clickSpan(row.lane, tl.scale.t(p.x - LABEL_W), 3 * tl.scale.nsPerPx, (contentY(p.y) - row.y) / row.h);
    }
    else if (row.type === 'lane') actions.clickLabel(row.lane);
  };
  const onPointer = (e) => {
    const p = local(e);
    tl.pointerX = p.x >= LABEL_W ? p.x - LABEL_W : null;
  };
  const onLeave = () => { tl.pointerX = null; };

  tl.canvas.addEventListener('wheel', onWheel, { passive: false });
  tl.canvas.addEventListener('mousedown', onDown);
  tl.canvas.addEventListener('mousemove', onPointer);
  tl.canvas.addEventListener('mouseleave', onLeave);
  document.addEventListener('keydown', onKeyDown);
  document.addEventListener('keyup', onKeyUp);
  window.addEventListener('blur', onBlur);
  return () => {
    document.removeEventListener('keydown', onKeyDown);
    document.removeEventListener('keyup', onKeyUp);
    window.removeEventListener('blur', onBlur);
    if (raf) cancelAnimationFrame(raf);
  };
};
