// Crop-box geometry in full-resolution upright pixels: pure functions, tested without a window.
import type { Rect } from "./api";

/** The largest rectangle of aspect aw:ah inside w×h, centred. */
export function centred(w: number, h: number, aw: number, ah: number): Rect {
  if (w * ah > h * aw) {
    const cw = Math.round((h * aw) / ah);
    return { x: Math.floor((w - cw) / 2), y: 0, w: cw, h };
  }
  const ch = Math.round((w * ah) / aw);
  return { x: 0, y: Math.floor((h - ch) / 2), w, h: ch };
}

/** Keeps the box inside the image, moving it rather than shrinking it when possible. */
export function clamp(r: Rect, w: number, h: number): Rect {
  const cw = Math.min(r.w, w);
  const ch = Math.min(r.h, h);
  const x = Math.min(Math.max(0, r.x), w - cw);
  const y = Math.min(Math.max(0, r.y), h - ch);
  return { x: Math.round(x), y: Math.round(y), w: Math.round(cw), h: Math.round(ch) };
}

/** Scales the box about its centre by `f`, keeping the aspect, never below minW×minH nor
 * beyond the image. */
export function zoom(r: Rect, f: number, w: number, h: number, minW: number, minH: number): Rect {
  const aspect = r.w / r.h;
  let nw = r.w * f;
  nw = Math.max(nw, minW, minH * aspect);
  nw = Math.min(nw, w, h * aspect);
  const nh = nw / aspect;
  const cx = r.x + r.w / 2;
  const cy = r.y + r.h / 2;
  return clamp({ x: cx - nw / 2, y: cy - nh / 2, w: nw, h: nh }, w, h);
}

/** Resizes from the bottom-right corner to width `nw`, keeping aspect and the top-left. */
export function resizeTo(r: Rect, nw: number, w: number, h: number, minW: number, minH: number): Rect {
  const aspect = r.w / r.h;
  nw = Math.max(nw, minW, minH * aspect);
  nw = Math.min(nw, w - r.x, (h - r.y) * aspect);
  return clamp({ x: r.x, y: r.y, w: nw, h: nw / aspect }, w, h);
}

/** Resizes from the bottom-right corner to `nw`×`nh` with no aspect lock (scanned pages),
 * keeping the top-left, never below minW×minH nor beyond the image. */
export function resizeFree(r: Rect, nw: number, nh: number, w: number, h: number, minW: number, minH: number): Rect {
  nw = Math.min(Math.max(nw, Math.min(minW, w)), w - r.x);
  nh = Math.min(Math.max(nh, Math.min(minH, h)), h - r.y);
  return clamp({ x: r.x, y: r.y, w: nw, h: nh }, w, h);
}
