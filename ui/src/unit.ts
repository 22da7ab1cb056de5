// The unit workspace (单位): a unit's details, its staff roster imported from CSV or Excel
// with per-row errors, per-staff drafts, the annual assessment for everyone at once, and a
// bundle of the whole unit.
import { invoke } from "@tauri-apps/api/core";
import { pickFile, pickSavePath } from "./pick";
import { errText, type Msg } from "./api";
import { $, showMessage } from "./dom";
import { loadList, subscribe } from "./drafts-state";
import { allChoices, choiceName, divisionName, divisionsIn, exportTo, openDraft } from "./filing";
import type { Row } from "./filing-api";
import { getLang, pick, t } from "./i18n";
import { html, render, type Html } from "./html";
import { dateTime, parseDate, today } from "./dates";
import { syncApi, syncStatus } from "./sync";

interface Unit { uscc: string; name: string; region: string }
interface Staff { unit: string; id_number: string; name: string; data: Record<string, string> }
interface UnitView { unit: Unit; staff: Staff[]; drafts: Row[] }
interface RosterReport { rows: number; added: number; updated: number; rejected: { line: number; name: string; problems: Msg[] }[] }

const lang = () => getLang();
const unitApi = {
  list: () => invoke<Unit[]>("unit_list", { lang: lang() }),
  save: (unit: Unit) => invoke<Unit[]>("unit_save", { unit, lang: lang() }),
  view: (uscc: string) => invoke<UnitView>("unit_view", { uscc, lang: lang() }),
  roster: (uscc: string, path: string) => invoke<RosterReport>("unit_roster_import", { uscc, path, lang: lang() }),
  template: (path: string) => invoke<void>("unit_roster_template", { path, lang: lang() }),
  staffDraft: (uscc: string, idNumber: string, form: string) => invoke<{ draft: { id: string } }>("unit_staff_draft", { uscc, idNumber, form, lang: lang() }),
  bulk: (uscc: string, year: number, grade: string, assessor: string, date: string) =>
    invoke<{ created: string[]; existing: number }>("unit_bulk_assessment", { uscc, year, grade, assessor, date, lang: lang() }),
  finalizeReady: (uscc: string, form: string | null) => invoke<number>("unit_finalize_ready", { uscc, form, lang: lang() }),
};

let units: Unit[] = [];
let view: UnitView | null = null;
let report: RosterReport | null = null;
let onOpen: () => void = () => {};
/** The bulk assessment's inputs, kept across redraws. */
const bulk = { year: new Date().getFullYear() - 1, grade: "2", assessor: "", date: today() };

const mask = (id: string) => (id.length === 18 ? `${id.slice(0, 6)}********${id.slice(14)}` : id);

function renderUnits() {
  const sel = $<HTMLSelectElement>("unit-pick");
  const v = view?.unit.uscc ?? sel.value;
  render(sel, html`<option value="">${units.length ? t("unit.pick") : t("unit.noneYet")}</option>${units.map((u) => html`<option value="${u.uscc}">${u.name}</option>`)}`);
  sel.value = v;
}

/** A person's drafts in this unit, by form: the newest of each. */
function draftsOf(id: string): Map<string, Row> {
  const m = new Map<string, Row>();
  for (const d of view?.drafts ?? []) if (d.person === id && !m.has(d.form)) m.set(d.form, d);
  return m;
}

/** A staff member's filing of `form`: its state, or a button to start it — only for the unit's
 * own forms (入库备案, 年度考评); a person's own (信息采集) is theirs to file. */
function cell(d: Row | undefined, form: string, id: string, ours = true): Html {
  if (!d) return ours ? html`<button type="button" data-new="${form}" data-id="${id}">${t("unit.start")}</button>` : html`<span class="muted" title="${t("unit.byPersonTip")}">${t("unit.byPerson")}</span>`;
  const errs = d.problems ? html` <span class="pill bad">${d.problems}</span>` : "";
  return html`<a href="#" data-open="${d.id}" class="pill st-${d.state}">${pick(d.state_name)}</a>${errs}`;
}

export function renderUnit() {
  renderUnits();
  const body = $("unit-body");
  if (!view) {
    render(body, html`<p class="hint">${t("unit.hint")}</p>`);
    return;
  }
  const u = view.unit;
  const acts = html`<button id="unit-roster" class="primary">${t("unit.importRoster")}</button><button id="unit-template">${t("unit.template")}</button><button id="unit-export">${t("unit.export")}</button>`;
  const head = html`<div class="unit-head"><div><h2>${u.name}</h2><span>${t("unit.uscc")} ${u.uscc}${u.region ? ` · ${regionName(u.region)}` : ""}</span></div><div class="acts">${acts}</div></div>`;
  let rosterReport: Html | "" = "";
  if (report) {
    const done = t("unit.rosterDone").replace("{rows}", String(report.rows)).replace("{added}", String(report.added)).replace("{updated}", String(report.updated)).replace("{bad}", String(report.rejected.length));
    const rejected = html`<tr><th>${t("unit.line")}</th><th>${t("unit.name")}</th><th>${t("unit.reasons")}</th></tr>`;
    const rows = report.rejected.map((r) => html`<tr><td>${r.line}</td><td>${r.name || "—"}</td><td>${r.problems.map(pick).join("；")}</td></tr>`);
    const table = report.rejected.length > 0 && html`<table class="rejected"><thead>${rejected}</thead><tbody>${rows}</tbody></table><small>${t("unit.fixAndReimport")}</small>`;
    rosterReport = html`<div class="roster-report ${report.rejected.length ? "bad" : "ok"}"><b>${done}</b>${table}</div>`;
  }
  const grades = allChoices("assessment_grade").map((c) => html`<option value="${c.code}"${c.code === bulk.grade && html` selected`}>${pick(c)}</option>`);
  const year = html`<label>${t("unit.year")}<input type="number" id="bulk-year" value="${bulk.year}" min="2000" max="2100" /></label>`;
  const grade = html`<label>${t("unit.grade")}<select id="bulk-grade">${grades}</select></label>`;
  const assessor = html`<label>${t("unit.assessor")}<input type="text" id="bulk-assessor" value="${bulk.assessor}" /></label>`;
  const date = html`<label>${t("unit.date")}<input type="text" inputmode="numeric" id="bulk-date" value="${bulk.date}" placeholder="${t("filing.datePh")}" maxlength="12" /></label>`;
  const bulkBox = html`<div class="bulk"><b>${t("unit.bulk")}</b>${year}${grade}${assessor}${date}<button id="bulk-go">${t("unit.bulkGo")}</button><button id="bulk-final">${t("unit.finalizeReady")}</button></div>`;
  // Codes for the staff's accounts, when this computer is signed in as this unit.
  const st = syncStatus();
  const asUnit = !!st?.signed_in && st.kind === "unit" && st.login === mask(u.uscc);
  const keys = ["unit.name", "unit.id", "unit.sex", "unit.post", "unit.mobile", "unit.entry", "unit.collection", "unit.assessment", ...(asUnit ? (["unit.account"] as const) : [])] as const;
  const columns = keys.map((k) => html`<th>${t(k)}</th>`);
  const codes = (id: string) =>
    asUnit && html`<td class="codes" title="${t("unit.codeTip")}"><button type="button" data-code="activate" data-id="${id}">${t("unit.activate")}</button> <button type="button" data-code="reset" data-id="${id}">${t("unit.resetCode")}</button></td>`;
  const staff = view.staff.length
    ? view.staff.map((s) => {
        const ds = draftsOf(s.id_number);
        const who = html`<td>${s.name}</td><td class="mono">${mask(s.id_number)}</td><td>${choiceName("sex", s.data.sex)}</td><td>${s.data.post ? choiceName("post", s.data.post) : "—"}</td><td>${s.data.mobile ?? "—"}</td>`;
        const filings = html`<td>${cell(ds.get("entry_unit"), "entry_unit", s.id_number)}</td><td>${cell(ds.get("collection"), "collection", s.id_number, false)}</td><td>${cell(ds.get("assessment"), "assessment", s.id_number)}</td>`;
        return html`<tr>${who}${filings}${codes(s.id_number)}</tr>`;
      })
    : html`<tr><td colspan="${keys.length}" class="empty">${t("unit.noStaff")}</td></tr>`;
  render(body, html`${head}${rosterReport}${bulkBox}<table class="staff"><thead><tr>${columns}</tr></thead><tbody>${staff}</tbody></table>`);
}

export async function showUnit(uscc: string) {
  view = uscc ? await unitApi.view(uscc) : null;
  renderUnit();
}

/** A unit's region as people name it: 自治区直属, a city, or a city and county. */
const DIRECT = "1500";
const INNER_MONGOLIA = "150000";
function regionName(code: string): string {
  return code === DIRECT ? t("unit.direct") : divisionName(code);
}

/** The dialog's region pickers: the cities of Inner Mongolia (and 自治区直属), then the chosen
 * city's counties (or the city itself). `code` is the region chosen (a county, a city for the
 * city itself, 自治区直属), or `city` alone when only the city is picked so far. */
function regionPickers(code = "", city4 = "") {
  const city = $<HTMLSelectElement>("unit-city");
  const county = $<HTMLSelectElement>("unit-county");
  const c = city4 || (code === DIRECT ? DIRECT : code.slice(0, 4));
  // Inner Mongolia's 盟市, 自治区直属 first (the forms' division data has it).
  const cities = divisionsIn(INNER_MONGOLIA);
  render(city, html`<option value="">${t("unit.pickCity")}</option>${cities.map((d) => html`<option value="${d.code}"${d.code === c && html` selected`}>${d.code === DIRECT ? t("unit.direct") : d.name}</option>`)}`);
  const inCity = c && c !== DIRECT ? divisionsIn(c) : [];
  const own = html`<option value="${c}"${code === c && html` selected`}>${t("unit.cityLevel")}</option>`;
  render(county, html`<option value="">${t("unit.pickCounty")}</option>${inCity.length > 0 && own}${inCity.map((d) => html`<option value="${d.code}"${d.code === code && html` selected`}>${d.name}</option>`)}`);
  county.disabled = !inCity.length;
}

/** The region the dialog's pickers say, or "" when it is not said yet. */
function pickedRegion(): string {
  const city = $<HTMLSelectElement>("unit-city").value;
  return city === DIRECT ? DIRECT : $<HTMLSelectElement>("unit-county").value;
}

/** Saves a unit; a refusal is said where it is asked (in the dialog when it is open). */
export async function saveUnit(u: Unit) {
  const dlg = $<HTMLDialogElement>("unit-dialog");
  const where = dlg.open ? "unit-dlg-msg" : "unit-msg";
  try {
    units = await unitApi.save(u);
    await showUnit(u.uscc.trim().toUpperCase());
    showMessage(where, "");
    showMessage("unit-msg", () => t("unit.saved"), "ok");
    return true;
  } catch (e) {
    showMessage(where, () => errText(e), "bad");
    return false;
  }
}

export async function importRoster(path: string) {
  if (!view) return;
  try {
    report = await unitApi.roster(view.unit.uscc, path);
    showMessage("unit-msg", "");
  } catch (e) {
    report = null;
    showMessage("unit-msg", () => errText(e), "bad");
  }
  await showUnit(view.unit.uscc);
}

export async function bulkAssessment() {
  if (!view) return;
  bulk.year = Number($<HTMLInputElement>("bulk-year").value);
  bulk.grade = $<HTMLSelectElement>("bulk-grade").value;
  bulk.assessor = $<HTMLInputElement>("bulk-assessor").value.trim();
  const typed = $<HTMLInputElement>("bulk-date").value;
  bulk.date = parseDate(typed) ?? typed;
  try {
    const r = await unitApi.bulk(view.unit.uscc, bulk.year, bulk.grade, bulk.assessor, bulk.date);
    // The list and this screen redrawn first, then the message: what it says is on screen.
    await loadList();
    showMessage("unit-msg", () => t("unit.bulkDone").replace("{n}", String(r.created.length)).replace("{m}", String(r.existing)), "ok");
  } catch (e) {
    showMessage("unit-msg", () => errText(e), "bad");
  }
}

/** Issues a code for one of the unit's staff and shows the slip to read out or print. */
export async function issueCode(id: string, purpose: "activate" | "reset") {
  const person = view?.staff.find((s) => s.id_number === id);
  try {
    const c = await syncApi.issueCode(id, purpose);
    $("code-title").textContent = t(`code.${purpose}.title`);
    $("code-for").textContent = t("code.for").replace("{name}", person?.name ?? "").replace("{id}", mask(id));
    $("code-value").textContent = c.code;
    $("code-until").textContent = t("code.until").replace("{t}", dateTime(c.expires));
    $("code-how").textContent = t(`code.${purpose}.how`);
    showMessage("unit-msg", "");
    $<HTMLDialogElement>("code-dialog").showModal();
  } catch (e) {
    showMessage("unit-msg", () => errText(e), "bad");
  }
}

async function refreshUnits() {
  units = await unitApi.list().catch(() => []);
  if (view) await showUnit(view.unit.uscc);
  else renderUnit();
}

export function initUnit(openEditor: () => void) {
  onOpen = openEditor;
  // A unit's staff show their drafts: the list changed, this screen follows.
  subscribe((change) => (change === "list" ? refreshUnits() : undefined));
  $("unit-pick").addEventListener("change", (e) => void showUnit((e.target as HTMLSelectElement).value).then(() => (report = null)));
  $("unit-add").addEventListener("click", () => {
    ($("unit-form") as HTMLFormElement).reset();
    regionPickers();
    showMessage("unit-dlg-msg", "");
    ($("unit-dialog") as HTMLDialogElement).showModal();
  });
  // A city picked: its counties offered, none chosen yet (not even the city itself).
  $("unit-city").addEventListener("change", () => {
    const c = $<HTMLSelectElement>("unit-city").value;
    regionPickers(c === DIRECT ? DIRECT : "", c);
  });
  $("unit-form").addEventListener("submit", async (e) => {
    const d = e as SubmitEvent;
    if (d.submitter && (d.submitter as HTMLButtonElement).value === "cancel") return;
    e.preventDefault();
    const region = pickedRegion();
    if (!region) return showMessage("unit-dlg-msg", () => t("unit.needRegion"), "bad");
    const ok = await saveUnit({ uscc: $<HTMLInputElement>("unit-uscc").value, name: $<HTMLInputElement>("unit-name").value, region });
    if (ok) ($("unit-dialog") as HTMLDialogElement).close();
  });
  $("unit-body").addEventListener("click", async (e) => {
    const el = e.target as HTMLElement;
    if (!view) return;
    if (el.id === "unit-roster") {
      const p = await pickFile("roster");
      if (typeof p === "string") await importRoster(p);
    } else if (el.id === "unit-template") {
      const p = await pickSavePath("table", `${t("unit.templateName")}.xlsx`);
      if (p) await unitApi.template(p).then(() => showMessage("unit-msg", () => t("unit.templateSaved") + p, "ok"), (err) => showMessage("unit-msg", () => errText(err), "bad"));
    } else if (el.id === "unit-export") {
      const p = await pickSavePath("bundle", `${view.unit.name}.caiji`);
      if (p) await exportTo(view.drafts.map((d) => d.id), p);
    } else if (el.id === "bulk-go") await bulkAssessment();
    else if (el.id === "bulk-final") {
      const n = await unitApi.finalizeReady(view.unit.uscc, "assessment").catch((err) => (showMessage("unit-msg", () => errText(err), "bad"), -1));
      await loadList();
      if (n >= 0) showMessage("unit-msg", () => t("unit.finalizedN").replace("{n}", String(n)), "ok");
    } else if (el.dataset.code) {
      await issueCode(el.dataset.id!, el.dataset.code === "reset" ? "reset" : "activate");
    } else if (el.dataset.open) {
      e.preventDefault();
      onOpen();
      await openDraft(el.dataset.open);
    } else if (el.dataset.new) {
      try {
        const c = await unitApi.staffDraft(view.unit.uscc, el.dataset.id!, el.dataset.new);
        await loadList();
        onOpen();
        await openDraft(c.draft.id);
      } catch (err) {
        showMessage("unit-msg", () => errText(err), "bad");
      }
    }
  });
  $("code-close").addEventListener("click", () => $<HTMLDialogElement>("code-dialog").close());
  $("code-print").addEventListener("click", () => {
    document.body.classList.add("print-slip");
    window.print();
    document.body.classList.remove("print-slip");
  });
  void refreshUnits();
}
