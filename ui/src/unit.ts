// The unit workspace (单位): a unit's details, its staff roster imported from CSV or Excel
// with per-row errors, per-staff drafts, the annual assessment for everyone at once, and a
// bundle of the whole unit.
import { invoke } from "@tauri-apps/api/core";
import { open, save } from "@tauri-apps/plugin-dialog";
import { errText, type Msg } from "./api";
import { $, showMessage } from "./dom";
import { allChoices, choiceName, exportTo, openDraft, refreshList, type Row } from "./filing";
import { getLang, pick, t } from "./i18n";
import { esc } from "./report";

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
const bulk = { year: new Date().getFullYear() - 1, grade: "2", assessor: "", date: new Date().toISOString().slice(0, 10) };

const mask = (id: string) => (id.length === 18 ? `${id.slice(0, 6)}********${id.slice(14)}` : id);

function renderUnits() {
  const sel = $<HTMLSelectElement>("unit-pick");
  const v = view?.unit.uscc ?? sel.value;
  sel.innerHTML = `<option value="">${esc(units.length ? t("unit.pick") : t("unit.noneYet"))}</option>` + units.map((u) => `<option value="${u.uscc}">${esc(u.name)}</option>`).join("");
  sel.value = v;
}

/** A person's drafts in this unit, by form: the newest of each. */
function draftsOf(id: string): Map<string, Row> {
  const m = new Map<string, Row>();
  for (const d of view?.drafts ?? []) if (d.person === id && !m.has(d.form)) m.set(d.form, d);
  return m;
}

function cell(d: Row | undefined, form: string, id: string) {
  if (!d) return `<button type="button" data-new="${form}" data-id="${id}">${esc(t("unit.start"))}</button>`;
  const errs = d.problems ? ` <span class="pill bad">${d.problems}</span>` : "";
  return `<a href="#" data-open="${d.id}" class="pill st-${d.state}">${esc(pick(d.state_name))}</a>${errs}`;
}

export function renderUnit() {
  renderUnits();
  const body = $("unit-body");
  if (!view) {
    body.innerHTML = `<p class="hint">${esc(t("unit.hint"))}</p>`;
    return;
  }
  const u = view.unit;
  let html =
    `<div class="unit-head"><div><h2>${esc(u.name)}</h2><span>${esc(t("unit.uscc"))} ${esc(u.uscc)}${u.region ? ` · ${esc(u.region)}` : ""}</span></div>` +
    `<div class="acts"><button id="unit-roster" class="primary">${esc(t("unit.importRoster"))}</button><button id="unit-template">${esc(t("unit.template"))}</button>` +
    `<button id="unit-export">${esc(t("unit.export"))}</button></div></div>`;
  if (report) {
    html +=
      `<div class="roster-report ${report.rejected.length ? "bad" : "ok"}"><b>${esc(
        t("unit.rosterDone").replace("{rows}", String(report.rows)).replace("{added}", String(report.added)).replace("{updated}", String(report.updated)).replace("{bad}", String(report.rejected.length)),
      )}</b>` +
      (report.rejected.length
        ? `<table class="rejected"><thead><tr><th>${esc(t("unit.line"))}</th><th>${esc(t("unit.name"))}</th><th>${esc(t("unit.reasons"))}</th></tr></thead><tbody>${report.rejected
            .map((r) => `<tr><td>${r.line}</td><td>${esc(r.name || "—")}</td><td>${esc(r.problems.map(pick).join("；"))}</td></tr>`)
            .join("")}</tbody></table><small>${esc(t("unit.fixAndReimport"))}</small>`
        : "") +
      `</div>`;
  }
  html +=
    `<div class="bulk"><b>${esc(t("unit.bulk"))}</b><label>${esc(t("unit.year"))}<input type="number" id="bulk-year" value="${bulk.year}" min="2000" max="2100" /></label>` +
    `<label>${esc(t("unit.grade"))}<select id="bulk-grade">${allChoices("assessment_grade").map((c) => `<option value="${c.code}"${c.code === bulk.grade ? " selected" : ""}>${esc(pick(c))}</option>`).join("")}</select></label>` +
    `<label>${esc(t("unit.assessor"))}<input type="text" id="bulk-assessor" value="${esc(bulk.assessor)}" /></label><label>${esc(t("unit.date"))}<input type="date" id="bulk-date" value="${bulk.date}" /></label>` +
    `<button id="bulk-go">${esc(t("unit.bulkGo"))}</button><button id="bulk-final">${esc(t("unit.finalizeReady"))}</button></div>`;
  html +=
    `<table class="staff"><thead><tr><th>${esc(t("unit.name"))}</th><th>${esc(t("unit.id"))}</th><th>${esc(t("unit.sex"))}</th><th>${esc(t("unit.post"))}</th><th>${esc(t("unit.mobile"))}</th>` +
    `<th>${esc(t("unit.collection"))}</th><th>${esc(t("unit.assessment"))}</th></tr></thead><tbody>` +
    (view.staff.length
      ? view.staff
          .map((s) => {
            const ds = draftsOf(s.id_number);
            return (
              `<tr><td>${esc(s.name)}</td><td class="mono">${esc(mask(s.id_number))}</td><td>${esc(choiceName("sex", s.data.sex))}</td><td>${esc(s.data.post ? choiceName("post", s.data.post) : "—")}</td>` +
              `<td>${esc(s.data.mobile ?? "—")}</td><td>${cell(ds.get("collection"), "collection", s.id_number)}</td><td>${cell(ds.get("assessment"), "assessment", s.id_number)}</td></tr>`
            );
          })
          .join("")
      : `<tr><td colspan="7" class="empty">${esc(t("unit.noStaff"))}</td></tr>`) +
    `</tbody></table>`;
  body.innerHTML = html;
}

export async function showUnit(uscc: string) {
  view = uscc ? await unitApi.view(uscc) : null;
  renderUnit();
}

export async function saveUnit(u: Unit) {
  try {
    units = await unitApi.save(u);
    await showUnit(u.uscc.trim().toUpperCase());
    showMessage("unit-msg", t("unit.saved"), "ok");
    return true;
  } catch (e) {
    showMessage("unit-msg", errText(e), "bad");
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
    showMessage("unit-msg", errText(e), "bad");
  }
  await showUnit(view.unit.uscc);
}

export async function bulkAssessment() {
  if (!view) return;
  bulk.year = Number($<HTMLInputElement>("bulk-year").value);
  bulk.grade = $<HTMLSelectElement>("bulk-grade").value;
  bulk.assessor = $<HTMLInputElement>("bulk-assessor").value.trim();
  bulk.date = $<HTMLInputElement>("bulk-date").value;
  try {
    const r = await unitApi.bulk(view.unit.uscc, bulk.year, bulk.grade, bulk.assessor, bulk.date);
    // The list and this screen redrawn first, then the message: what it says is on screen.
    await refreshList();
    showMessage("unit-msg", t("unit.bulkDone").replace("{n}", String(r.created.length)).replace("{m}", String(r.existing)), "ok");
  } catch (e) {
    showMessage("unit-msg", errText(e), "bad");
  }
}

export async function refreshUnits() {
  units = await unitApi.list().catch(() => []);
  if (view) await showUnit(view.unit.uscc);
  else renderUnit();
}

export function initUnit(openEditor: () => void) {
  onOpen = openEditor;
  $("unit-pick").addEventListener("change", (e) => void showUnit((e.target as HTMLSelectElement).value).then(() => (report = null)));
  $("unit-add").addEventListener("click", () => {
    ($("unit-form") as HTMLFormElement).reset();
    ($("unit-dialog") as HTMLDialogElement).showModal();
  });
  $("unit-form").addEventListener("submit", async (e) => {
    const d = e as SubmitEvent;
    if (d.submitter && (d.submitter as HTMLButtonElement).value === "cancel") return;
    e.preventDefault();
    const ok = await saveUnit({ uscc: $<HTMLInputElement>("unit-uscc").value, name: $<HTMLInputElement>("unit-name").value, region: $<HTMLInputElement>("unit-region").value });
    if (ok) ($("unit-dialog") as HTMLDialogElement).close();
  });
  $("unit-body").addEventListener("click", async (e) => {
    const el = e.target as HTMLElement;
    if (!view) return;
    if (el.id === "unit-roster") {
      const p = await open({ multiple: false, filters: [{ name: t("unit.rosterFiles"), extensions: ["xlsx", "xls", "csv", "ods"] }] });
      if (typeof p === "string") await importRoster(p);
    } else if (el.id === "unit-template") {
      const p = await save({ defaultPath: "会计人员名单.csv", filters: [{ name: "CSV", extensions: ["csv"] }] });
      if (p) await unitApi.template(p).then(() => showMessage("unit-msg", t("unit.templateSaved") + p, "ok"), (err) => showMessage("unit-msg", errText(err), "bad"));
    } else if (el.id === "unit-export") {
      const p = await save({ defaultPath: `${view.unit.name}.caiji`, filters: [{ name: t("filing.bundle"), extensions: ["caiji"] }] });
      if (p) await exportTo(view.drafts.map((d) => d.id), p);
    } else if (el.id === "bulk-go") await bulkAssessment();
    else if (el.id === "bulk-final") {
      const n = await unitApi.finalizeReady(view.unit.uscc, "assessment").catch((err) => (showMessage("unit-msg", errText(err), "bad"), -1));
      await refreshList();
      if (n >= 0) showMessage("unit-msg", t("unit.finalizedN").replace("{n}", String(n)), "ok");
    } else if (el.dataset.open) {
      e.preventDefault();
      onOpen();
      await openDraft(el.dataset.open);
    } else if (el.dataset.new) {
      try {
        const c = await unitApi.staffDraft(view.unit.uscc, el.dataset.id!, el.dataset.new);
        await refreshList();
        onOpen();
        await openDraft(c.draft.id);
      } catch (err) {
        showMessage("unit-msg", errText(err), "bad");
      }
    }
  });
  void refreshUnits();
}
