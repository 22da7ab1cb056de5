// What face framing saw, drawn over the picture: the face box, the crown and chin lines (on
// the picture) and the spec's bands (inside the crop box, so they move with it): the crown
// belongs in the top band, the chin in the lower one, the face's middle in the centre band.
import type { Head, HeadRules } from "./api";
import { t } from "./i18n";

export class Guides {
  private head: Head | null = null;
  private face: HTMLElement;
  private crown: HTMLElement;
  private chin: HTMLElement;
  private bands: HTMLElement[];
  visible = true;

  /** `stage` holds the picture; `box` is the crop box; `map` turns picture pixels into
   * display pixels relative to the stage. */
  constructor(stage: HTMLElement, box: HTMLElement, private map: (x: number, y: number) => [number, number]) {
    const el = (cls: string, parent: HTMLElement, label?: string) => {
      const d = document.createElement("div");
      d.className = `guide ${cls}`;
      d.hidden = true;
      if (label) d.dataset.label = label;
      parent.append(d);
      return d;
    };
    this.face = el("face-box", stage);
    this.crown = el("head-line crown-line", stage);
    this.chin = el("head-line chin-line", stage);
    this.bands = [el("band crown-band", box), el("band chin-band", box), el("band centre-band", box)];
  }

  /** Shows a head and the spec's rules, or clears them (`null`). */
  set(head: Head | null, rules: HeadRules | null | undefined) {
    this.head = head && rules ? head : null;
    if (rules) {
      const pct = (v: number) => `${(v * 100).toFixed(2)}%`;
      const [c, ch, mid] = this.bands;
      Object.assign(c.style, { top: pct(rules.top[0]), height: pct(rules.top[1] - rules.top[0]) });
      const lo = rules.top[0] + rules.height[0];
      Object.assign(ch.style, { top: pct(lo), height: pct(rules.top[1] + rules.height[1] - lo) });
      Object.assign(mid.style, { left: pct(0.5 - rules.centre), width: pct(2 * rules.centre) });
    }
    this.draw();
  }

  draw() {
    const h = this.head;
    const show = !!h && this.visible;
    [this.face, this.crown, this.chin, ...this.bands].forEach((e) => (e.hidden = !show));
    if (!h || !show) return;
    this.crown.dataset.label = t("guide.crown");
    this.chin.dataset.label = t("guide.chin");
    const f = h.face;
    const [x0, y0] = this.map(f.x, f.y);
    const [x1, y1] = this.map(f.x + f.w, f.y + f.h);
    Object.assign(this.face.style, { left: `${x0}px`, top: `${y0}px`, width: `${x1 - x0}px`, height: `${y1 - y0}px` });
    const line = (e: HTMLElement, y: number) => {
      const [l, ty] = this.map(f.x - f.w * 0.35, y);
      const [r] = this.map(f.x + f.w * 1.35, y);
      Object.assign(e.style, { left: `${l}px`, top: `${ty}px`, width: `${r - l}px` });
    };
    line(this.crown, h.crown);
    line(this.chin, h.chin);
  }
}
