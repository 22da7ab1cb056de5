// The check screen: any file against a spec, like the official checker.
import { pickFile } from "./pick";
import { api, errText } from "./api";
import { bytesText, sizeAgainst, t } from "./i18n";
import { html, render } from "./html";
import { checklist } from "./report";
import { specById } from "./specinfo";
import { $ } from "./dom";

let last: string | null = null;
let openIn: (tool: "photo" | "scan", path: string, spec: string) => void = () => {};

export async function checkPath(path: string) {
  last = path;
  const spec = $<HTMLSelectElement>("check-spec").value;
  const out = $("check-result");
  try {
    const r = await api.check(path, spec);
    const name = path.split(/[\\/]/).pop() ?? path;
    const verdict = html`<span class="big">${r.passed ? "✓" : "✗"}</span> ${name} — ${r.passed ? t("check.pass") : t("check.fail")}`;
    const limits = specById(spec)?.bytes ?? {};
    const facts = html`<small>${r.facts.width}×${r.facts.height} · <span title="${bytesText(r.facts.bytes)}">${sizeAgainst(r.facts.bytes, limits)}</span></small>`;
    // A file that fails: one click to the tool that makes it right, on this file and spec.
    const tool = specById(spec)?.kind === "document" ? "scan" : "photo";
    const fix = !r.passed && html`<button id="check-fix" class="primary" data-tool="${tool}">${t(tool === "scan" ? "check.fixScan" : "check.fixPhoto")}</button>`;
    render(out, html`<div class="verdict ${r.passed ? "ok" : "bad"}">${verdict}${facts}${fix}</div><ul class="checklist">${checklist(r)}</ul>`);
  } catch (e) {
    render(out, html`<div class="verdict bad">${errText(e)}</div>`);
  }
}

export function initCheck(fix: typeof openIn) {
  openIn = fix;
  $("check-result").addEventListener("click", (e) => {
    const b = (e.target as HTMLElement).closest<HTMLElement>("#check-fix");
    if (b && last) openIn(b.dataset.tool as "photo" | "scan", last, $<HTMLSelectElement>("check-spec").value);
  });
  $<HTMLInputElement>("check-tech").addEventListener("change", (e) => $("check-result").classList.toggle("show-tech", (e.target as HTMLInputElement).checked));
  $("check-open").addEventListener("click", async () => {
    const path = await pickFile("any");
    if (typeof path === "string") await checkPath(path);
  });
  $("check-spec").addEventListener("change", () => last && checkPath(last));
}

export function refreshCheck() {
  if (last) void checkPath(last);
}
