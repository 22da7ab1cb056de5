// The specs screen: every profile with its numbers and where they come from.
import type { Spec } from "./api";
import { pick, t } from "./i18n";
import { esc } from "./report";
import { badge, rules } from "./specinfo";

export function renderSpecs(specs: Spec[]) {
  const rows = specs
    .map(
      (s) =>
        `<tr><td><code>${s.id}</code></td><td>${esc(pick(s.title))}</td><td>${rules(s)}</td>` +
        `<td>${badge(s)} [${s.provenance.region}] ${esc(s.provenance.source)}${s.provenance.notes ? `<div class="note">${esc(pick(s.provenance.notes))}</div>` : ""}</td></tr>`,
    )
    .join("");
  document.getElementById("specs-table")!.innerHTML =
    `<table><thead><tr><th>${t("specs.id")}</th><th>${t("specs.title")}</th><th>${t("specs.rules")}</th><th>${t("specs.source")}</th></tr></thead><tbody>${rows}</tbody></table>`;
}
