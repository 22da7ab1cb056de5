import type { Spec } from "./api";
import { html, render, type Html } from "./html";
import { limitSize, pick, t } from "./i18n";

export function rules(s: Spec): string {
  const p = s.pixels;
  const px = p.rule === "exact" ? `${p.width}×${p.height}` : p.rule === "min" ? `≥${p.width}×${p.height}` : t("anyPixels");
  const b = s.bytes;
  const lim = (n: number) => limitSize(n).text;
  const size = b.min && b.max ? `${lim(b.min)}–${lim(b.max)}` : b.min ? `≥ ${lim(b.min)}` : b.max ? `≤ ${lim(b.max)}` : "";
  return [px, size, s.dpi ? `${s.dpi} dpi` : ""].filter(Boolean).join(" · ");
}

export function badge(s: Spec): Html {
  const c = s.provenance.confidence;
  return html`<span class="badge ${c}" title="${t(`conf.tip.${c}`)}">${t(`conf.${c}`)}</span>`;
}

/** A profile's line over the photo and scan tools: confidence, rules, where they come from. */
export function specLine(s: Spec): Html {
  const why = s.provenance.confidence !== "confirmed" && html` <span class="why">${t(`conf.tip.${s.provenance.confidence}`)}</span>`;
  return html`${badge(s)} <b>${rules(s)}</b> <span class="src">${s.provenance.source}</span>${why}`;
}

let known: Spec[] = [];

/** The profiles every screen may name (set whenever the list changes). */
export function knowSpecs(list: Spec[]) {
  known = list;
}

/** A profile by id, among those known. */
export const specById = (id: string): Spec | undefined => known.find((x) => x.id === id);

/** A profile's name as people read it; the id when it is not (or no longer) there. */
export function specTitle(id: string): string {
  const s = known.find((x) => x.id === id);
  return s ? pick(s.title) : id;
}

/** Where a profile comes first in a picker: the national platform, then Inner Mongolia, then
 * the other provinces, each in the order they came. */
const rank = (s: Spec) => (s.provenance.region === "NAT" ? 0 : s.provenance.region === "IM" ? 1 : 2);

/** Fills a spec picker, keeping the current choice (the national profile at first). An
 * unconfirmed profile is marked ⚠ and says why on hover. */
export function fillSelect(sel: HTMLSelectElement, specs: Spec[], first = "nat-photo") {
  const v = sel.value || first;
  const sorted = specs.map((s, i) => [s, i] as const).sort(([a, i], [b, j]) => rank(a) - rank(b) || i - j).map(([s]) => s);
  const option = (s: Spec) => {
    const sure = s.provenance.confidence === "confirmed";
    return html`<option value="${s.id}"${!sure && html` title="${t(`conf.tip.${s.provenance.confidence}`)}"`}>${pick(s.title)}${sure ? "" : " ⚠"}</option>`;
  };
  render(sel, html`${sorted.map(option)}`);
  if (specs.some((s) => s.id === v)) sel.value = v;
}

/** A default output name: the source's name and the profile's, as a file name (no characters
 * Windows refuses), e.g. 张三-身份证_全国平台_身份证.jpg. */
export function outputName(source: string, spec: string): string {
  const stem = source.replace(/^.*[\\/]/, "").replace(/\.[^.]+$/, "");
  const title = specTitle(spec).replace(/\s*·\s*/g, "_");
  return `${stem}_${title}.jpg`.replace(/[<>:"/\\|?*\u0000-\u001f]/g, "_");
}
