import type { Report } from "./api";
import { html, type Html } from "./html";
import { pick } from "./i18n";

/** The checklist: ✓ passes, ✗ the portal rejects it, ! worth a look. */
export function checklist(r: Report): Html {
  return html`${r.rules.map((x) => {
    const cls = x.passed ? "ok" : x.level === "error" ? "bad" : "warn";
    const mark = x.passed ? "✓" : x.level === "error" ? "✗" : "!";
    return html`<li class="${cls}" data-rule="${x.id}"><span class="mark">${mark}</span><span class="rule">${pick(x.message)}</span><span class="measured">${x.measured}</span></li>`;
  })}`;
}
