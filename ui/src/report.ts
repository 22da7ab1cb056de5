import type { Report } from "./api";
import { html, render, type Html } from "./html";
import { pick, t } from "./i18n";
import { helpLink } from "./help";

/** The checklist: ✓ passes, ✗ the portal rejects it, ! worth a look. */
export function checklist(r: Report): Html {
  return html`${r.rules.map((x) => {
    const cls = x.passed ? "ok" : x.level === "error" ? "bad" : "warn";
    const mark = x.passed ? "✓" : x.level === "error" ? "✗" : "!";
    // The measured and required values are technical (bytes, σ, colour spaces): shown only when
    // the technical details are asked for.
    return html`<li class="${cls}" data-rule="${x.id}"><span class="mark">${mark}</span><span class="rule">${pick(x.message)}</span><span class="measured tech">${x.measured}</span>${!x.passed && helpLink(`check:${x.id}`)}</li>`;
  })}`;
}

/** The one line over a tool's output: "✓ 可以上传", or "✗ 不合格：" and the first reason. */
export function verdictLine(el: HTMLElement, r: Report | null) {
  if (!r) {
    el.hidden = true;
    el.replaceChildren();
    return;
  }
  const failed = r.rules.filter((x) => !x.passed && x.level === "error");
  const more = failed.length > 1 ? t("verdict.more").replace("{n}", String(failed.length - 1)) : "";
  el.className = `verdict-line ${r.passed ? "ok" : "bad"}`;
  render(el, r.passed ? html`<b>✓ ${t("verdict.ok")}</b>` : html`<b>✗ ${t("verdict.bad")}</b>${failed.length ? pick(failed[0].message) : ""}${more}`);
  el.hidden = false;
}
