import type { Spec } from "./api";
import { kb, pick, t } from "./i18n";

export function rules(s: Spec): string {
  const p = s.pixels;
  const px = p.rule === "exact" ? `${p.width}×${p.height}` : p.rule === "min" ? `≥${p.width}×${p.height}` : t("anyPixels");
  const b = s.bytes;
  const size = b.min && b.max ? `${kb(b.min)}–${kb(b.max)}` : b.min ? `≥${kb(b.min)}` : b.max ? `≤${kb(b.max)}` : "";
  return [px, size, s.dpi ? `${s.dpi} dpi` : ""].filter(Boolean).join(" · ");
}

export function badge(s: Spec): string {
  const c = s.provenance.confidence;
  return `<span class="badge ${c}">${t(`conf.${c}`)}</span>`;
}

/** Fills a spec picker, keeping the current choice (the national profile at first). */
export function fillSelect(sel: HTMLSelectElement, specs: Spec[], first = "nat-photo") {
  const v = sel.value || first;
  sel.innerHTML = specs
    .map((s) => `<option value="${s.id}">${pick(s.title)}${s.provenance.confidence === "confirmed" ? "" : " ⚠"}</option>`)
    .join("");
  if (specs.some((s) => s.id === v)) sel.value = v;
}
