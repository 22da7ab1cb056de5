// A photographed paper with its four corners over it: each corner a handle to drag (mouse,
// pen or touch) or to move with the arrow keys once focused; the sides drawn between them.
// Coordinates are the picture's full-resolution upright pixels, clockwise from top-left.
export type Point = [number, number];
export type Corners = [Point, Point, Point, Point];

const SVG = "http://www.w3.org/2000/svg";

export class CornerStage {
  corners: Corners | null = null;
  w = 0;
  h = 0;
  private img: HTMLImageElement;
  private svg: SVGSVGElement;
  private poly: SVGPolygonElement;
  private handles: SVGCircleElement[] = [];

  /** `onChange` is called when a drag ends or a key moved a corner. */
  constructor(private stage: HTMLElement, private onChange: (c: Corners) => void) {
    this.img = stage.querySelector("img")!;
    this.svg = document.createElementNS(SVG, "svg");
    this.svg.classList.add("corner-svg");
    this.poly = document.createElementNS(SVG, "polygon");
    this.svg.append(this.poly);
    for (let i = 0; i < 4; i++) {
      const c = document.createElementNS(SVG, "circle");
      c.classList.add("corner-handle");
      c.dataset.i = String(i);
      c.setAttribute("tabindex", "0");
      this.handles.push(c);
      this.svg.append(c);
    }
    stage.append(this.svg);
    this.bind();
    new ResizeObserver(() => this.draw()).observe(stage);
  }

  /** Shows a picture (a display copy at `url`) whose full size is w×h, with these corners
   * (taken at once: corners set while the picture loads are kept). */
  async load(url: string, w: number, h: number, corners: Corners) {
    this.w = w;
    this.h = h;
    this.set(corners);
    await new Promise<void>((ok) => {
      this.img.onload = () => ok();
      this.img.src = url;
    });
    this.draw();
  }

  set(corners: Corners) {
    this.corners = corners.map((p) => [...p]) as Corners;
    this.draw();
  }

  /** The overlay laid over the picture as shown, in full-resolution units. */
  private draw() {
    if (!this.corners || !this.w) return;
    const shown = this.img.getBoundingClientRect();
    const box = this.stage.getBoundingClientRect();
    Object.assign(this.svg.style, { left: `${shown.left - box.left}px`, top: `${shown.top - box.top}px`, width: `${shown.width}px`, height: `${shown.height}px` });
    this.svg.setAttribute("viewBox", `0 0 ${this.w} ${this.h}`);
    const unit = this.w / Math.max(1, shown.width); // full-resolution pixels per screen pixel
    this.poly.setAttribute("points", this.corners.map((p) => p.join(",")).join(" "));
    this.poly.style.strokeWidth = String(2 * unit);
    this.handles.forEach((c, i) => {
      c.setAttribute("cx", String(this.corners![i][0]));
      c.setAttribute("cy", String(this.corners![i][1]));
      c.setAttribute("r", String(9 * unit));
      c.style.strokeWidth = String(2 * unit);
    });
  }

  private at(e: PointerEvent): Point {
    const r = this.svg.getBoundingClientRect();
    const x = ((e.clientX - r.left) * this.w) / Math.max(1, r.width);
    const y = ((e.clientY - r.top) * this.h) / Math.max(1, r.height);
    return [Math.round(Math.min(this.w, Math.max(0, x))), Math.round(Math.min(this.h, Math.max(0, y)))];
  }

  private bind() {
    let dragging = -1;
    this.svg.addEventListener("pointerdown", (e) => {
      const t = e.target as Element;
      if (!t.classList.contains("corner-handle") || !this.corners) return;
      dragging = Number((t as SVGElement).dataset.i);
      // Keeps the drag when the pointer leaves the picture (a pointer the platform does not
      // track cannot be captured: the drag still works inside the picture).
      try {
        this.svg.setPointerCapture(e.pointerId);
      } catch {
        /* not captured */
      }
      e.preventDefault();
    });
    this.svg.addEventListener("pointermove", (e) => {
      if (dragging < 0 || !this.corners) return;
      this.corners[dragging] = this.at(e);
      this.draw();
    });
    const end = () => {
      if (dragging < 0 || !this.corners) return;
      dragging = -1;
      this.onChange(this.corners);
    };
    this.svg.addEventListener("pointerup", end);
    this.svg.addEventListener("pointercancel", end);
    // A focused corner moves with the arrow keys: 1 % of the picture, 0.1 % with Shift.
    this.svg.addEventListener("keydown", (e) => {
      const t = e.target as SVGElement;
      const i = Number(t.dataset.i);
      const d = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }[e.key];
      if (!d || !this.corners || Number.isNaN(i)) return;
      const step = (Math.max(this.w, this.h) * (e.shiftKey ? 0.1 : 1)) / 100;
      const [x, y] = this.corners[i];
      this.corners[i] = [Math.round(Math.min(this.w, Math.max(0, x + d[0] * step))), Math.round(Math.min(this.h, Math.max(0, y + d[1] * step)))];
      this.draw();
      this.onChange(this.corners);
      e.preventDefault();
    });
  }
}
