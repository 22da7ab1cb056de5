// The unit's letter (从事会计工作证明): made from the open 单位聘任会计人员入库备案 — the unit's name
// and credit code, the person's name, ID and post, the appointment and the first accounting-work
// month it fixes (the guide: 首次参加会计工作日期，在单位出具从事会计工作证明函时确认). Printed (or
// saved as PDF from the print dialog), stamped, scanned, and attached to the filing's slot:
// “扫描并放入” opens the scan tool preset to that slot. The letter is always in Chinese: it is
// an official paper for a Chinese authority.
import { invoke } from "@tauri-apps/api/core";
import { $, showMessage } from "./dom";
import { html, render } from "./html";
import { pick, t } from "./i18n";
import { choiceName, current as currentDraft, formById } from "./filing";
import { startAttach } from "./attach";
import { mark } from "./hooks";
import { errText } from "./api";
import { chineseDate } from "./dates";

type Obj = Record<string, unknown>;
const LETTER_FORM = "entry_unit";
const SLOT = "appointment.proof";

const str = (o: unknown, k: string) => String((o as Obj | undefined)?.[k] ?? "").trim();
const blank = (v: string, width = 8) => v || "\u3000".repeat(width);

/** The letter's paragraphs from a filing's values; what is not filed in yet is left blank to
 * write by hand, never guessed. */
export function letterParts(v: Obj, today: Date) {
  const unit = v.unit as Obj | undefined;
  const person = v.person as Obj | undefined;
  const appt = v.appointment as Obj | undefined;
  const idType = str(person, "id_type") ? choiceName("id_type", str(person, "id_type")) : "证件";
  const sex = str(person, "sex") ? choiceName("sex", str(person, "sex")) : "";
  const post = str(appt, "post") ? choiceName("post", str(appt, "post")) : "";
  const date = `${today.getFullYear()} 年 ${today.getMonth() + 1} 月 ${today.getDate()} 日`;
  return {
    title: "从事会计工作证明",
    to: "会计人员管理机构：",
    body: `兹证明 ${blank(str(person, "name"), 4)}（${sex ? `${sex}，` : ""}${idType}号码 ${blank(str(person, "id_number"), 12)}）自 ${blank(chineseDate(str(appt, "appointed")))} 起被我单位聘任从事会计工作${post ? `，会计工作岗位为${post}` : ""}。其首次从事会计工作时间为 ${blank(chineseDate(str(appt, "first_work")))}。`,
    close: "特此证明。",
    unit: `单位名称（公章）：${blank(str(unit, "name"), 12)}`,
    uscc: `统一社会信用代码：${blank(str(unit, "uscc"), 12)}`,
    head: "单位负责人（签字）：",
    date,
  };
}

/** Opens the letter for the entry filing open in 填报; without one, says where to start it. */
export function openLetter(show: (name: string) => void) {
  const cur = currentDraft();
  if (!cur || cur.draft.form !== LETTER_FORM) {
    show("unit");
    showMessage("unit-msg", () => t("letter.needEntry"), "info");
    return;
  }
  const p = letterParts(cur.values as Obj, new Date());
  render(
    $("letter-page"),
    html`<h1>${p.title}</h1><p class="to">${p.to}</p><p class="body">${p.body}</p><p class="body">${p.close}</p><div class="sign"><p>${p.unit}</p><p>${p.uscc}</p><p>${p.head}</p><p>${p.date}</p></div>`,
  );
  const dlg = $<HTMLDialogElement>("letter");
  // While the letter is open, printing prints the letter alone (the print style).
  document.body.classList.add("printing-letter");
  if (!dlg.open) dlg.showModal();
  if (__TEST_HOOKS__) mark("letter", cur.draft.id);
}

export function initLetter() {
  const dlg = $<HTMLDialogElement>("letter");
  $("letter-close").addEventListener("click", () => dlg.close());
  dlg.addEventListener("close", () => document.body.classList.remove("printing-letter"));
  // The platform's print dialog, through the web view (it can also save a PDF).
  $("letter-print").addEventListener("click", () => void invoke("app_print").catch((e) => showMessage("letter-msg", () => errText(e), "bad")));
  $("letter-attach").addEventListener("click", () => {
    const cur = currentDraft();
    dlg.close();
    if (!cur) return;
    const field = formById(LETTER_FORM)?.sections.find((s) => s.id === "appointment")?.fields.find((f) => f.id === "proof");
    startAttach({ draft: cur.draft.id, path: SLOT, spec: field?.spec ?? "nat-proof", label: field ? pick(field.label) : t("letter.title") }, true);
  });
}
