// A picture with a crop box over it: drag to move, the corner handle to resize, the wheel to
// zoom; what the box leaves out is dimmed. Coordinates are full-resolution upright pixels.
// The ID-photo screen locks the box to the spec's aspect; a scanned page's box is free.
import type { Rect } from "./api";
import { clamp, resizeEdges, resizeTo, zoom } from "./crop";

export interface StageOptions {
  /** Smallest box (full-resolution pixels). */
  min: () => [number, number];
  /** Keep the box's aspect while resizing (photos) or not (pages). */
  locked: boolean;
  onChange: () => void;
  /** After every layout of the box (overlays follow it). */
  onDraw?: () => void;
}

export class CropStage {
  crop: Rect | null = null;
  w = 0;
  h = 0;
  private img: HTMLImageElement;
  private box: HTMLElement;
  private dims: HTMLElement[];

  constructor(private stage: HTMLElement, private opts: StageOptions) {
    this.img = stage.querySelector("img")!;
    this.box = stage.querySelector(".crop")!;
    this.dims = [...stage.querySelectorAll<HTMLElement>(".dim")];
    // A free box (a scanned page) has a handle on every corner and edge; a locked one (a
    // photo, whose aspect is the spec's) its bottom-right corner.
    if (!opts.locked)
      for (const edge of ["n", "s", "e", "w", "nw", "ne", "sw"]) {
        const h = document.createElement("div");
        h.className = `handle h-${edge}`;
        h.dataset.edge = edge;
        this.box.append(h);
      }
    this.bind();
  }

  /** Shows a picture (a display copy at `url`) whose full size is w×h. */
  async load(url: string, w: number, h: number) {
    this.w = w;
    this.h = h;
    await new Promise<void>((ok) => {
      this.img.onload = () => ok();
      this.img.src = url;
    });
    this.stage.classList.remove("empty");
    this.box.hidden = false;
  }

  /** No picture: the stage empty again, the box and the dimming gone. */
  clear() {
    this.crop = null;
    this.w = this.h = 0;
    this.img.removeAttribute("src");
    this.stage.classList.add("empty");
    this.box.hidden = true;
    this.dims.forEach((d) => (d.hidden = true));
  }

  /** Moves the box by (dx, dy) display pixels (the arrow keys). */
  nudge(dx: number, dy: number) {
    if (!this.crop) return;
    const k = this.scale();
    this.set({ ...this.crop, x: this.crop.x + dx / k, y: this.crop.y + dy / k });
  }

  set(r: Rect, notify = true) {
    this.crop = clamp(r, this.w, this.h);
    this.draw();
    if (notify) this.opts.onChange();
  }

  /** A full-resolution point in display pixels relative to the stage. */
  map(x: number, y: number): [number, number] {
    const k = this.scale();
    return [this.img.offsetLeft + x * k, this.img.offsetTop + y * k];
  }

  /** Display pixels per full-resolution pixel. */
  private scale(): number {
    return this.w ? this.img.clientWidth / this.w : 1;
  }

  draw() {
    const c = this.crop;
    if (!c) return;
    const img = this.img;
    const k = this.scale();
    const [l, tp, w, h] = [img.offsetLeft + c.x * k, img.offsetTop + c.y * k, c.w * k, c.h * k];
    Object.assign(this.box.style, { left: `${l}px`, top: `${tp}px`, width: `${w}px`, height: `${h}px` });
    // Dim what the crop leaves out: four panels over the picture around the box.
    const [il, it, iw, ih] = [img.offsetLeft, img.offsetTop, img.clientWidth, img.clientHeight];
    const panels: [number, number, number, number][] = [
      [il, it, iw, tp - it],
      [il, tp + h, iw, it + ih - tp - h],
      [il, tp, l - il, h],
      [l + w, tp, il + iw - l - w, h],
    ];
    this.dims.forEach((d, i) => {
      const [x, y, pw, ph] = panels[i];
      Object.assign(d.style, { left: `${x}px`, top: `${y}px`, width: `${Math.max(0, pw)}px`, height: `${Math.max(0, ph)}px` });
      d.hidden = false;
    });
    this.opts.onDraw?.();
  }

  private bind() {
    let mode: "move" | "resize" | null = null;
    let edge = "se";
    let start = { x: 0, y: 0, crop: null as Rect | null };
    this.box.addEventListener("pointerdown", (e) => {
      if (!this.crop) return;
      const t = e.target as HTMLElement;
      mode = t.classList.contains("handle") ? "resize" : "move";
      edge = t.dataset.edge ?? "se";
      start = { x: e.clientX, y: e.clientY, crop: { ...this.crop } };
      this.box.setPointerCapture(e.pointerId);
      e.preventDefault();
    });
    this.box.addEventListener("pointermove", (e) => {
      if (!mode || !start.crop) return;
      const k = this.scale();
      const dx = (e.clientX - start.x) / k;
      const dy = (e.clientY - start.y) / k;
      const [mw, mh] = this.opts.min();
      const s = start.crop;
      if (mode === "move") this.crop = clamp({ ...s, x: s.x + dx, y: s.y + dy }, this.w, this.h);
      else if (this.opts.locked) this.crop = resizeTo(s, s.w + dx, this.w, this.h, mw, mh);
      else this.crop = resizeEdges(s, edge, dx, dy, this.w, this.h, mw, mh);
      this.draw();
      this.opts.onChange();
    });
    const end = () => (mode = null);
    this.box.addEventListener("pointerup", end);
    this.box.addEventListener("pointercancel", end);
    this.stage.addEventListener(
      "wheel",
      (e) => {
        if (!this.crop) return;
        e.preventDefault();
        const [mw, mh] = this.opts.min();
        this.crop = zoom(this.crop, e.deltaY > 0 ? 1.06 : 1 / 1.06, this.w, this.h, mw, mh);
        this.draw();
        this.opts.onChange();
      },
      { passive: false },
    );
    window.addEventListener("resize", () => this.draw());
    // The picture's layout settles after it loads (and when its pane is shown again).
    new ResizeObserver(() => this.draw()).observe(this.img);
  }
}
