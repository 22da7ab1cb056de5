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

/** Moves the edges a handle holds (`edge`: any of n, s, e, w, as "nw", "e"…) by (dx, dy), with no
 * aspect lock (scanned pages): the other edges stay, never below minW×minH nor beyond the image. */
export function resizeEdges(r: Rect, edge: string, dx: number, dy: number, w: number, h: number, minW: number, minH: number): Rect {
  const [mw, mh] = [Math.min(minW, w), Math.min(minH, h)];
  let [x0, y0, x1, y1] = [r.x, r.y, r.x + r.w, r.y + r.h];
  if (edge.includes("w")) x0 = Math.min(Math.max(0, x0 + dx), x1 - mw);
  if (edge.includes("e")) x1 = Math.max(Math.min(w, x1 + dx), x0 + mw);
  if (edge.includes("n")) y0 = Math.min(Math.max(0, y0 + dy), y1 - mh);
  if (edge.includes("s")) y1 = Math.max(Math.min(h, y1 + dy), y0 + mh);
  return clamp({ x: x0, y: y0, w: x1 - x0, h: y1 - y0 }, w, h);
}
