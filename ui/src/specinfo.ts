import type { Spec } from "./api";
import { html, render, type Html } from "./html";
import { kb, pick, t } from "./i18n";

export function rules(s: Spec): string {
  const p = s.pixels;
  const px = p.rule === "exact" ? `${p.width}×${p.height}` : p.rule === "min" ? `≥${p.width}×${p.height}` : t("anyPixels");
  const b = s.bytes;
  const size = b.min && b.max ? `${kb(b.min)}–${kb(b.max)}` : b.min ? `≥${kb(b.min)}` : b.max ? `≤${kb(b.max)}` : "";
  return [px, size, s.dpi ? `${s.dpi} dpi` : ""].filter(Boolean).join(" · ");
}

export function badge(s: Spec): Html {
  const c = s.provenance.confidence;
  return html`<span class="badge ${c}">${t(`conf.${c}`)}</span>`;
}

/** A profile's line over the photo and scan tools: confidence, rules, where they come from. */
export function specLine(s: Spec): Html {
  return html`${badge(s)} <b>${rules(s)}</b> <span class="src">[${s.provenance.region}] ${s.provenance.source}</span>`;
}

/** Fills a spec picker, keeping the current choice (the national profile at first). */
export function fillSelect(sel: HTMLSelectElement, specs: Spec[], first = "nat-photo") {
  const v = sel.value || first;
  render(sel, html`${specs.map((s) => html`<option value="${s.id}">${pick(s.title)}${s.provenance.confidence === "confirmed" ? "" : " ⚠"}</option>`)}`);
  if (specs.some((s) => s.id === v)) sel.value = v;
}
