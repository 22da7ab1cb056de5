import type { Report } from "./api";
import { pick } from "./i18n";

function esc(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
}

/** The checklist: ✓ passes, ✗ the portal rejects it, ! worth a look. */
export function checklist(r: Report): string {
  return r.rules
    .map((x) => {
      const cls = x.passed ? "ok" : x.level === "error" ? "bad" : "warn";
      const mark = x.passed ? "✓" : x.level === "error" ? "✗" : "!";
      return `<li class="${cls}" data-rule="${x.id}"><span class="mark">${mark}</span><span class="rule">${esc(pick(x.message))}</span><span class="measured">${esc(x.measured)}</span></li>`;
    })
    .join("");
}

export { esc };
