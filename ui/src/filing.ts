// The filing screen (填报): the draft list (search, state filter, error pills), the form
// editor by section with inline messages and a save on every keystroke, attachment slots made
// with the photo and scan tools, finalize, change, export and import of bundles, a person's
// standing, the recover-after-crash notice, and a stale filing's conflict with the server.
// The list and the open draft live in drafts-state.ts: this screen draws them when they change.
import { pickFile, pickSavePath } from "./pick";
import { errText, type Msg } from "./api";
import { busy, editing, keepOpen, listed, loadList, loadOpen, opened, setOpen, subscribe } from "./drafts-state";
import { helpAnchor } from "./help";
import { filingApi, type Choice, type Division, type Draft, type DraftState, type Field, type Form, type Problem, type Row, type Values } from "./filing-api";
import { $ } from "./dom";
import { notice, noticeCheck } from "./notice";
import { clock, dateTime, idFacts, parseDate, parseMonth, today } from "./dates";
import { specTitle } from "./specinfo";
import { both, pick, t } from "./i18n";
import { html, render, replace, type Html } from "./html";
import { resolve, send, syncApi } from "./sync";

/** Where an attachment made with the photo or scan tool goes. */
export interface AttachTarget { draft: string; path: string; spec: string; label: string }

let forms: Form[] = [];
let choices: Record<string, { source: string; items: Choice[] }> = {};
let divisions: Division[] = [];
/** The editor's working copy of the open draft's values (saved on every change). */
let values: Values = {};
let onAttach: (target: AttachTarget, document: boolean) => void = () => {};
let onLetter: () => void = () => {};
/** The open draft's fields whose problems are shown: those left (or filled in) since it was
 * opened; all of them once finalizing was tried or when it came back with a reason. */
let touched = new Set<string>();
let showAll = false;
let touchedFor: string | null = null;

export const formById = (id: string) => forms.find((f) => f.id === id);
export const choiceName = (list: string | null | undefined, code: unknown) => {
  const c = choices[list ?? ""]?.items.find((x) => x.code === String(code));
  return c ? pick(c) : String(code ?? "");
};
export const allChoices = (list: string) => choices[list]?.items ?? [];

/** A division's name by its code (`1501`, `150102`), with its city before a county's; the code
 * itself when unknown (a region typed by hand in an older version shows as it was). */
export function divisionName(code: string): string {
  const names: string[] = [];
  let level = divisions;
  for (;;) {
    const d = level.find((x) => code.startsWith(x.code));
    if (!d) break;
    if (d.code.length > 2) names.push(d.name);
    if (d.code === code) return names.join(" ");
    level = d.children ?? [];
  }
  return code;
}

/** The divisions inside a parent value (a province choice `150000`, or a city code `1501`). */
export function divisionsIn(parent: string): Division[] {
  const code = parent.endsWith("0000") ? parent.slice(0, -4) : parent;
  let level = divisions;
  for (;;) {
    const d = level.find((x) => code.startsWith(x.code));
    if (!d) return [];
    if (d.code === code) return d.children ?? [];
    level = d.children ?? [];
  }
}

/** The fields of `path`'s section whose options depend on it (a province's city, a city's county). */
function dependants(path: string): string[] {
  const i = path.lastIndexOf(".");
  const [prefix, id] = [path.slice(0, i), path.slice(i + 1)];
  const sec = formById(opened()?.draft.form ?? "")?.sections.find((s) => s.id === prefix.split(".")[0]);
  return (sec?.fields ?? []).filter((f) => f.parent === id).map((f) => `${prefix}.${f.id}`);
}

const isDoc = (spec: string) => !spec.includes("photo");
// A returned or failed one too: the reviewer or the server said what to fix (the first edit
// makes it a draft again). A finalized one is locked until 重新编辑.
const editable = (state: DraftState) => state === "draft" || state === "returned" || state === "failed";

function get(path: string): unknown {
  return path.split(".").reduce<unknown>((o, k) => (o && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined), values);
}

function set(path: string, v: unknown) {
  const keys = path.split(".");
  let o = values as Record<string, unknown>;
  keys.slice(0, -1).forEach((k, i) => {
    const nextIsIndex = /^\d+$/.test(keys[i + 1]);
    if (o[k] === undefined || o[k] === null || typeof o[k] !== "object") o[k] = nextIsIndex ? [] : {};
    o = o[k] as Record<string, unknown>;
  });
  o[keys[keys.length - 1]] = v;
}

// ---------------------------------------------------------------- the list

function pill(r: { state: string; state_name: Msg; problems: number }): Html {
  const errs = r.problems > 0 && html`<span class="pill bad" title="${t("filing.problemsTip")}">${r.problems} ${t("filing.toFix")}</span>`;
  return html`<span class="pill st-${r.state}">${pick(r.state_name)}</span>${errs}`;
}

export function renderList() {
  const rows = listed();
  const cur = opened();
  const q = $<HTMLInputElement>("filing-search").value.trim().toLowerCase();
  const st = $<HTMLSelectElement>("filing-state").value;
  const shown = rows.filter((r) => (!st || r.state === st) && (!q || r.title.toLowerCase().includes(q) || pick(formById(r.form)?.title ?? { zh: "", en: "" }).toLowerCase().includes(q) || (r.person ?? "").toLowerCase().includes(q)));
  $("filing-count").textContent = t("filing.count").replace("{n}", String(shown.length)).replace("{all}", String(rows.length));
  render(
    $("filing-list"),
    shown.length
      ? html`${shown.map((r) => {
          const what = html`<div class="what"><b>${pick(formById(r.form)?.title ?? { zh: r.form, en: r.form })}</b><span>${r.title.split(" · ").slice(1).join(" · ") || "—"}</span></div>`;
          return html`<li data-id="${r.id}" class="${cur?.draft.id === r.id ? "active" : ""}"><label class="sel"><input type="checkbox" data-sel="${r.id}" /></label>${what}<div class="pills">${pill(r)}<time>${dateTime(r.updated)}</time></div></li>`;
        })}`
      : html`<li class="empty">${rows.length ? t("filing.noMatch") : t("filing.none")}</li>`,
  );
}


function selected(): string[] {
  return [...document.querySelectorAll<HTMLInputElement>("#filing-list input[data-sel]:checked")].map((i) => i.dataset.sel!);
}

// ---------------------------------------------------------------- the editor

function input(f: Field, path: string, locked: boolean): Html {
  const v = get(path);
  const val = v === undefined || v === null ? "" : String(v);
  const dis = locked && html` disabled`;
  const attrs = html`data-path="${path}" id="f-${path}"${dis}`;
  const option = (code: string, text: string) => html`<option value="${code}"${code === val && html` selected`}>${text}</option>`;
  switch (f.type) {
    case "choice":
      return html`<select ${attrs}><option value="">${t("filing.pick")}</option>${allChoices(f.choices ?? "").map((c) => option(c.code, pick(c)))}</select>`;
    case "division": {
      const parentPath = `${path.slice(0, path.lastIndexOf("."))}.${f.parent}`;
      const parent = String(get(parentPath) ?? "");
      const list = parent ? divisionsIn(parent) : [];
      const hint = !parent ? t("filing.pickAbove") : list.length ? t("filing.pick") : t("filing.noLevelBelow");
      return html`<select ${attrs}${list.length === 0 && html` disabled`}><option value="">${hint}</option>${list.map((c) => option(c.code, c.name))}</select>`;
    }
    // Typed as people type dates (19900307, 1990.3.7, 1990年3月7日) and shown YYYY-MM-DD.
    case "date":
      return html`<input type="text" inputmode="numeric" data-kind="date" placeholder="${t("filing.datePh")}" ${attrs} value="${val}" maxlength="12" />`;
    case "month":
      return html`<input type="text" inputmode="numeric" data-kind="month" placeholder="${t("filing.monthPh")}" ${attrs} value="${val}" maxlength="9" />`;
    case "number":
      return html`<input type="number" ${attrs} value="${val}"${f.min != null && html` min="${f.min}"`}${f.max != null && html` max="${f.max}"`} />`;
    case "bool":
      return html`<label class="check"><input type="checkbox" ${attrs}${val === "true" && html` checked`} /><span>${t("filing.yes")}</span></label>`;
    case "attachment": {
      const has = /^[0-9a-f]{64}$/.test(val);
      const img = has ? html`<img alt="" data-hash="${val}" />` : html`<img alt="" hidden />`;
      const make = html`<button type="button" data-make="${path}" data-spec="${f.spec ?? ""}"${dis}>${has ? t("filing.remake") : isDoc(f.spec ?? "") ? t("filing.makeScan") : t("filing.makePhoto")}</button>`;
      const clear = has && !locked && html` <button type="button" data-clear="${path}">${t("filing.clear")}</button>`;
      return html`<div class="slot" data-slot="${path}">${img}<div><span class="spec">${specTitle(f.spec ?? "")}</span>${make}${clear}</div></div>`;
    }
    default: {
      const type = f.type === "email" ? "email" : f.type === "mobile" ? "tel" : "text";
      return html`<input type="${type}" ${attrs} value="${val}"${f.max_len ? html` maxlength="${f.max_len * 2}"` : ""} />`;
    }
  }
}

function fieldHtml(f: Field, path: string, locked: boolean): Html {
  const origin = opened()?.draft.origin;
  const fixedNote = f.fixed && origin && html`<span class="fixed" title="${t("filing.fixedTip")}">🔒</span>`;
  const lock = locked || (f.fixed && !!origin);
  const label = html`<label for="f-${path}">${pick(f.label)}${f.required && html`<i class="req">*</i>`}${fixedNote}</label>`;
  const help = f.help && html`<small>${pick(f.help)}</small>`;
  return html`<div class="ff${f.type === "attachment" ? " wide" : ""}" data-field="${path}">${label}${input(f, path, lock)}${help}<div class="err" data-err="${path}" hidden></div></div>`;
}

/** The editor's header (state, actions), the reason it came back and the conflict box. */
function topHtml(d: Draft, form: Form, locked: boolean): Html {
  const title = html`<div><h2>${pick(form.title)}</h2><span id="ed-state">${pill({ state: d.state, state_name: stateName(d.state), problems: 0 })}</span><span id="ed-saved" class="saved"></span></div>`;
  const acts = [
    // A returned filing is finalized again once it has been changed (the first edit makes it a
    // draft): sent unchanged it would be the same submission the authority returned.
    d.state === "draft" && html`<button id="ed-finalize" class="primary">${t("filing.finalize")}</button>`,
    (d.state === "finalized" || d.state === "failed") && html`<button id="ed-send" class="primary" title="${t("sync.sendTip")}">${t(d.state === "failed" ? "sync.resend" : "sync.send")}</button>`,
    d.state === "finalized" && html`<button id="ed-reopen">${t("filing.reopen")}</button>`,
    d.form !== "change" && !!form.person && html`<button id="ed-change" title="${t("filing.changeTip")}">${t("filing.change")}</button>`,
    d.form === "entry_unit" && html`<button id="ed-letter" title="${t("letter.tip")}">${t("letter.open")}</button>`,
    html`<button id="ed-export">${t("filing.exportOne")}</button>`,
    !locked && html`<button id="ed-delete" class="danger">${t("filing.delete")}</button>`,
  ];
  const reason = d.reason && html`<p class="msg bad" id="ed-reason">${t(d.state === "failed" ? "sync.failedWhy" : "filing.returned")}${d.reason}</p>`;
  return html`<header class="ed-head">${title}<div class="acts">${acts}</div></header>${reason}<div id="ed-conflict" class="conflict" hidden></div>`;
}

/** Redraws only the header, the reason and the conflict box: the fields stay as they are (a
 * returned or finalized filing's first edit makes it a draft while its fields are being typed in). */
function renderTop() {
  const ed = $("filing-editor");
  const head = ed.querySelector(".ed-head");
  const cur = opened();
  const form = cur && formById(cur.draft.form);
  if (!cur || !head || !form) return renderEditor();
  ed.querySelector("#ed-reason")?.remove();
  ed.querySelector("#ed-conflict")?.remove();
  noticeCheck();
  replace(head, topHtml(cur.draft, form, !editable(cur.draft.state)));
  void showConflict(cur.draft);
}

function renderEditor() {
  const ed = $("filing-editor");
  const cur = opened();
  if (!cur) {
    render(ed, html`<p class="hint">${t("filing.pickOne")}</p>`);
    return;
  }
  const d = cur.draft;
  const form = formById(d.form);
  if (!form) {
    render(ed, html`<p class="msg bad">${d.form}</p>`);
    return;
  }
  const locked = !editable(d.state);
  const sections = form.sections.map((s) => {
    const help = s.help && html`<p class="sec-help">${pick(s.help)}</p>`;
    let body: Html;
    if (s.repeat) {
      const list = (values[s.id] as Values[] | undefined) ?? [];
      const entries = list.map((_, i) => {
        const remove = !locked && html`<button type="button" data-remove="${s.id}.${i}">${t("filing.removeEntry")}</button>`;
        const fields = s.fields.map((f) => fieldHtml(f, `${s.id}.${i}.${f.id}`, locked));
        return html`<div class="entry"><div class="entry-head"><b>${t("filing.entry").replace("{n}", String(i + 1))}</b>${remove}</div><div class="grid">${fields}</div></div>`;
      });
      const add = !locked && list.length < s.repeat.max && html`<button type="button" class="add" data-add="${s.id}">＋ ${t("filing.addEntry")}${pick(s.title)}</button>`;
      body = html`${entries}<div class="err" data-err="${s.id}" hidden></div>${add}`;
    } else {
      body = html`<div class="grid">${s.fields.map((f) => fieldHtml(f, `${s.id}.${f.id}`, locked))}</div>`;
    }
    return html`<fieldset data-section="${s.id}"><legend>${pick(s.title)}</legend>${help}${body}</fieldset>`;
  });
  const formHelp = form.help && html`<p class="form-help">${pick(form.help)}</p>`;
  render(ed, html`${topHtml(d, form, locked)}${formHelp}<div id="ed-summary" class="summary"></div><div id="ed-standing" class="standing" hidden></div>${sections}`);
  ed.querySelectorAll<HTMLImageElement>("img[data-hash]").forEach((img) => void thumb(img));
  showProblems();
  void showStanding();
  void showConflict(d);
}

/** Under a failed filing's header: the server's version and what differs, to settle. */
async function showConflict(d: Draft) {
  const box = document.getElementById("ed-conflict");
  if (!box) return;
  const c = d.state === "failed" ? await syncApi.conflict(d.id).catch(() => null) : null;
  if (!c || opened()?.draft.id !== d.id) {
    box.hidden = true;
    return;
  }
  const rows = c.changes.length
    ? c.changes.map((x) => html`<tr><td>${pick(x.label)}</td><td class="mine">${pick(x.mine)}</td><td class="theirs">${pick(x.theirs)}</td></tr>`)
    : html`<tr><td colspan="3">${t("sync.sameData")}</td></tr>`;
  const title = html`<b>${t("sync.conflictTitle").replace("{n}", String(c.revision)).replace("{state}", t(`sync.remote.${c.state}`))}</b>`;
  const reason = c.reason && html`<div>${t("filing.returned")}${c.reason}</div>`;
  const head = html`<tr><th>${t("sync.field")}</th><th>${t("sync.mine")}</th><th>${t("sync.theirs")}</th></tr>`;
  const mine = c.can_keep_mine && html`<button id="conflict-mine" class="primary">${t("sync.keepMine")}</button>`;
  render(box, html`${title}${reason}<table><thead>${head}</thead><tbody>${rows}</tbody></table><div class="acts">${mine}<button id="conflict-theirs">${t("sync.takeTheirs")}</button></div>`);
  box.hidden = false;
  box.scrollIntoView({ block: "center" });
  // Sending it as it is would meet the same refusal: settle first.
  document.getElementById("ed-send")?.remove();
}

export const stateName = (s: DraftState): Msg => both(`state.${s}`);

async function thumb(img: HTMLImageElement) {
  try {
    const bytes = await filingApi.attachment(img.dataset.hash!);
    img.src = URL.createObjectURL(new Blob([bytes], { type: "image/jpeg" }));
    img.hidden = false;
  } catch (e) {
    img.replaceWith(Object.assign(document.createElement("span"), { className: "msg bad", textContent: errText(e) }));
  }
}

/** Inline messages on their fields, the summary at the top, the list's pill. */
function showProblems() {
  const cur = opened();
  if (!cur) return;
  const ed = $("filing-editor");
  ed.querySelectorAll<HTMLElement>("[data-err]").forEach((e) => {
    e.hidden = true;
    e.textContent = "";
  });
  ed.querySelectorAll(".ff.bad").forEach((e) => e.classList.remove("bad"));
  const orphan: Problem[] = [];
  const all = showAll || cur.draft.state !== "draft";
  for (const p of cur.problems) {
    const e = ed.querySelector<HTMLElement>(`[data-err="${CSS.escape(p.path)}"]`);
    if (!e) {
      orphan.push(p);
      continue;
    }
    // A field's problem waits until the field was left or filled in (a blank draft is not a
    // page of red); the count above says how many there are.
    if (!all && !touched.has(p.path) && (!filled(p.path) || typingIn(p.path))) continue;
    // The message, then (once per field) a link to the help topic of the field or the problem.
    const link = e.querySelector("a.help-link");
    link?.remove();
    e.append(e.childNodes.length ? `；${pick(p.message)}` : pick(p.message));
    const a = link ?? helpAnchor(`field:${p.path}`, `problem:${p.code}`);
    if (a) e.append(" ", a);
    e.hidden = false;
    e.closest(".ff")?.classList.add("bad");
  }
  const n = cur.problems.length;
  const d = cur.draft;
  const sum = $("ed-summary");
  sum.className = `summary ${n ? "bad" : "ok"}`;
  render(
    sum,
    d.state === "draft" || d.state === "returned"
      ? n
        ? html`${t("filing.left").replace("{n}", String(n))} <a href="#" id="ed-first">${t("filing.goFirst")}</a>${orphan.map((p) => html`<div>${pick(p.message)}</div>`)}`
        : html`${t(d.state === "returned" ? "filing.is.returned" : "filing.ready")}`
      : html`${t(`filing.is.${d.state}`)}`,
  );
  const row = listed().find((r) => r.id === d.id);
  if (row) {
    row.problems = d.state === "draft" || d.state === "returned" ? n : 0;
    row.title = d.title;
    row.state = d.state;
    row.state_name = stateName(d.state);
    row.updated = d.updated;
    renderList();
  }
}

/** States (or withdraws) the year up to which the person is in good standing, and shows the
 * standing judged again. */
async function setBaseline(id: string, year: number | null) {
  try {
    await filingApi.setBaseline(id, year);
    await showStanding();
  } catch (e) {
    notice(() => errText(e), "bad");
  }
}

async function showStanding() {
  const box = $("ed-standing");
  const id = opened()?.draft.person;
  if (!id || id.length !== 18) {
    box.hidden = true;
    return;
  }
  try {
    const s = await filingApi.standing(id);
    // Judged from finalized filings only: nothing to say before the first one.
    box.hidden = s.counted === 0;
    const years = s.years_of_work != null && html` <span>${t(s.years_at_least ? "filing.yearsAtLeast" : "filing.years").replace("{n}", String(s.years_of_work))}</span>`;
    // The 履历's later years, as the system fills them in: in post or not, at which unit.
    const postName = (p: boolean | null) => t(p === null ? "filing.postUnknown" : p ? "filing.inPost" : "filing.notInPost");
    const later = (s.later_history ?? []).length > 0 && html`<p class="hint">${t("filing.laterHistory")}${(s.later_history ?? []).map((h) => `${h.year} ${postName(h.in_post)}${h.unit ? ` · ${h.unit}` : ""}`).join("；")}</p>`;
    // "Nothing owed" is said only of a record that can be judged.
    const none = s.status !== "unknown" && html`<li>${t("filing.nothingOwed")}</li>`;
    const owed = s.obligations.length ? s.obligations.map((o) => html`<li>${pick(o.message)}</li>`) : none;
    // Not enough information: what is missing, never a guess; the person may state the year up
    // to which the online system shows them in good standing (the years after are judged here).
    const missing = s.missing && html`<p class="hint">${pick(s.missing)}</p>`;
    const stated = s.good_to != null;
    const clear = stated && html`<button type="button" id="ed-baseline-clear">${t("filing.baselineClear")}</button>`;
    const baseline =
      (s.status === "unknown" || stated) &&
      html`<div class="baseline"><label>${t("filing.baseline")} <input id="ed-baseline" type="number" min="1980" max="${s.year - 1}" value="${s.good_to ?? ""}" placeholder="${s.year - 1}" /> ${t("filing.baselineUnit")}</label><button type="button" id="ed-baseline-save">${t("filing.baselineSave")}</button>${clear}<small class="hint">${t("filing.baselineHint")}</small></div>`;
    const server = s.server_good_to != null && html`<p class="hint">${t("filing.serverBaseline").replace("{y}", String(s.server_good_to))}</p>`;
    render(box, html`<b>${t("filing.standing")}</b> <span class="pill st-${s.status}">${pick(s.status_name)}</span>${years}${later}${missing}${server}${baseline}<ul>${owed}</ul><small>${t("filing.standingFrom").replace("{n}", String(s.counted))}</small>`);
    document.getElementById("ed-baseline-save")?.addEventListener("click", () => void setBaseline(id, Number($<HTMLInputElement>("ed-baseline").value) || null));
    document.getElementById("ed-baseline-clear")?.addEventListener("click", () => void setBaseline(id, null));
  } catch {
    box.hidden = true;
  }
}

export async function openDraft(id: string) {
  try {
    // What is being typed is saved first: the editor then starts from the store's copy.
    await waitSaved();
    await loadOpen(id);
  } catch (e) {
    notice(() => errText(e), "bad");
  }
}

/** Whether the person is typing in this field now (not left since it was opened). */
function typingIn(path: string): boolean {
  return (document.activeElement as HTMLElement | null)?.dataset?.path === path;
}

/** Whether a field has a value (its problems then show at once). */
function filled(path: string): boolean {
  const v = get(path);
  return v !== undefined && v !== null && v !== "" && !(Array.isArray(v) && v.length === 0);
}

/** The open draft (or none) changed from scratch: its values and the editor start over. */
function drawOpen() {
  const id = opened()?.draft.id ?? null;
  if (id !== touchedFor) {
    touched = new Set();
    showAll = false;
    touchedFor = id;
  }
  values = structuredClone(opened()?.draft.data ?? {}) as Values;
  rememberIds();
  noticeCheck();
  renderEditor();
  renderList();
}

/** Saves now; a change made while a save is in flight is saved right after it (saves are sent
 * one at a time). */
async function autosave() {
  const cur = opened();
  if (!cur) return;
  if (editing.saving) {
    editing.dirty = true;
    return;
  }
  editing.saving = true;
  const id = cur.draft.id;
  let wasState = cur.draft.state;
  try {
    do {
      editing.dirty = false;
      const c = await filingApi.save(id, structuredClone(values));
      if (opened()?.draft.id !== id) break;
      keepOpen(c);
      // The first change to a returned or finalized filing makes it a draft again: the header
      // changes, the fields being typed in are left alone.
      const moved = wasState !== c.draft.state;
      if (moved && !(editable(wasState) && editable(c.draft.state))) renderEditor();
      else {
        if (moved) renderTop();
        showProblems();
      }
      $("ed-saved").textContent = `${t("filing.saved")} ${clock(Date.now())}`;
      wasState = c.draft.state;
    } while (editing.dirty);
  } catch (e) {
    notice(() => errText(e), "bad");
  } finally {
    editing.saving = false;
  }
}

/** The last valid resident ID number seen in each ID field of the open draft (by its path),
 * and what it said: a birth date or sex equal to that was filled in from it (or agrees with it),
 * so a new number may replace it; anything else was typed by hand and is kept. */
let lastIds = new Map<string, { birth: string; sex: string }>();

/** The open draft's ID fields as stored: what their numbers say. */
function rememberIds() {
  lastIds = new Map();
  const walk = (o: unknown, prefix: string) => {
    if (!o || typeof o !== "object") return;
    for (const [k, v] of Object.entries(o as Record<string, unknown>)) {
      const path = prefix ? `${prefix}.${k}` : k;
      if (k === "id_number" && typeof v === "string") {
        const f = idFacts(v);
        if (f) lastIds.set(path, f);
      } else walk(v, path);
    }
  };
  walk(values, "");
}

/** A resident ID number typed in: the birth date and sex beside it follow what it says, when
 * they are empty or still what the previous valid number said (a value typed by hand is kept;
 * a disagreement is then a problem on the field). The fields are updated in place: the editor
 * is not redrawn under the person's fingers. */
function derive(path: string, now: string) {
  const i = path.lastIndexOf(".");
  if (path.slice(i + 1) !== "id_number") return;
  const prefix = path.slice(0, i);
  const idType = String(get(`${prefix}.id_type`) ?? "1");
  const facts = idType === "1" || idType === "" ? idFacts(now) : null;
  if (!facts) return;
  const old = lastIds.get(path);
  lastIds.set(path, facts);
  const sec = formById(opened()?.draft.form ?? "")?.sections.find((s) => s.id === prefix.split(".")[0]);
  for (const [id, val] of [["birth", facts.birth], ["sex", facts.sex]] as const) {
    if (!sec?.fields.some((f) => f.id === id)) continue;
    const cur = String(get(`${prefix}.${id}`) ?? "");
    if (cur === val || (cur && cur !== old?.[id])) continue;
    set(`${prefix}.${id}`, val);
    const el = document.getElementById(`f-${prefix}.${id}`) as HTMLInputElement | HTMLSelectElement | null;
    if (el) el.value = val;
  }
}

/** Sets a field's value as if typed (also for tests and for the attachment tools). */
export async function setField(path: string, v: unknown) {
  set(path, v);
  noticeCheck(true);
  const el = document.getElementById(`f-${path}`) as HTMLInputElement | null;
  if (el && el.type !== "checkbox") el.value = String(v ?? "");
  derive(path, String(v ?? ""));
  await autosave();
}

export async function finalize() {
  const cur = opened();
  if (!cur) return;
  showAll = true;
  try {
    await waitSaved();
    await setOpen(await filingApi.finalize(cur.draft.id));
    notice(() => t("filing.finalized"), "ok");
    await loadList();
  } catch (e) {
    notice(() => errText(e), "bad");
    // Refused: the draft as the store has it, unless a change typed meanwhile is on its way.
    if (!busy()) await setOpen(await filingApi.get(cur.draft.id));
  }
}

async function waitSaved() {
  while (editing.saving) await new Promise((r) => setTimeout(r, 20));
}

export async function create(form: string, data: Values = {}, unit: string | null = null) {
  try {
    await setOpen(await filingApi.create(form, data, unit));
    await loadList();
    noticeCheck(true);
  } catch (e) {
    notice(() => errText(e), "bad");
  }
}

export async function exportTo(ids: string[], path: string) {
  try {
    const r = await filingApi.exportTo(ids, path);
    notice(() => t("filing.exported").replace("{n}", String(r.drafts)) + r.path, "ok");
  } catch (e) {
    notice(() => errText(e), "bad");
  }
}

export async function importFrom(path: string) {
  try {
    const r = await filingApi.importFrom(path);
    await loadList();
    const text = () => {
      const counts = new Map<string, number>();
      r.forEach((i) => counts.set(pick(i.outcome_name), (counts.get(pick(i.outcome_name)) ?? 0) + 1));
      return `${t("filing.imported").replace("{n}", String(r.length))}${[...counts].map(([k, n]) => `${k} ${n}`).join(t("sep"))}`;
    };
    notice(text, r.some((i) => i.outcome === "kept_local") ? "info" : "ok");
    return r;
  } catch (e) {
    notice(() => errText(e), "bad");
    return [];
  }
}

/** The attachment made for a slot comes back here. */
export async function attached(target: AttachTarget, hash: string) {
  if (opened()?.draft.id !== target.draft) await openDraft(target.draft);
  set(target.path, hash);
  renderEditor();
  await autosave();
}

async function pickExport(ids: string[]) {
  if (!ids.length) return notice(() => t("filing.pickSome"), "info");
  const path = await pickSavePath("bundle", `caiji-${today()}.caiji`);
  if (path) await exportTo(ids, path);
}

/** After a crash: the drafts that were being edited are all saved; offer them. */
async function recoverNotice() {
  const last = await filingApi.lastRun().catch(() => null);
  if (!last?.crashed || !last.changed.length) return;
  const box = $("filing-recover");
  const names = last.changed.map((id) => listed().find((r) => r.id === id)).filter((r): r is Row => !!r);
  const list = names.map((r) => html`<li><a href="#" data-open="${r.id}">${r.title}</a></li>`);
  render(box, html`<b>${t("filing.recoverTitle")}</b> ${t("filing.recoverText").replace("{n}", String(names.length))}<ul>${list}</ul><button id="recover-ok">${t("filing.recoverOk")}</button>`);
  box.hidden = false;
  return true;
}

export function refreshFiling() {
  const sel = $<HTMLSelectElement>("filing-new");
  // A person's own forms; the unit's (聘任入库备案, 年度考评) are started in 单位.
  const own = forms.filter((f) => f.by !== "unit");
  render(sel, html`<option value="">${t("filing.new")}</option>${own.map((f) => html`<option value="${f.id}">${pick(f.title)}</option>`)}`);
  const st = $<HTMLSelectElement>("filing-state");
  const v = st.value;
  const states = (["draft", "finalized", "queued", "sent", "accepted", "returned", "failed"] as const).map((s) => html`<option value="${s}">${t(`state.${s}`)}</option>`);
  render(st, html`<option value="">${t("filing.allStates")}</option>${states}`);
  st.value = v;
  renderList();
  renderEditor();
}

export async function initFiling(attach: (target: AttachTarget, document: boolean) => void, letter: () => void) {
  onLetter = letter;
  onAttach = attach;
  subscribe((change) => (change === "open" ? drawOpen() : renderList()));
  const f = await filingApi.forms();
  forms = f.forms;
  choices = f.choices;
  divisions = f.divisions ?? [];
  refreshFiling();
  $("filing-new").addEventListener("change", async (e) => {
    const s = e.target as HTMLSelectElement;
    if (s.value) await create(s.value);
    s.value = "";
  });
  $("filing-search").addEventListener("input", renderList);
  $("filing-state").addEventListener("change", renderList);
  $("filing-list").addEventListener("click", (e) => {
    const el = e.target as HTMLElement;
    if (el.closest("label.sel")) return;
    const li = el.closest<HTMLElement>("li[data-id]");
    if (li) void openDraft(li.dataset.id!);
  });
  $("filing-import").addEventListener("click", async () => {
    const p = await pickFile("bundle");
    if (typeof p === "string") await importFrom(p);
  });
  $("filing-export").addEventListener("click", () => void pickExport(selected().length ? selected() : listed().map((r) => r.id)));
  $("filing-send").addEventListener("click", () => void send(selected().length ? selected() : listed().filter((r) => r.state === "finalized").map((r) => r.id)));
  $("filing-recover").addEventListener("click", (e) => {
    const el = e.target as HTMLElement;
    if (el.dataset.open) {
      e.preventDefault();
      void openDraft(el.dataset.open);
    }
    if (el.id === "recover-ok") $("filing-recover").hidden = true;
  });
  const ed = $("filing-editor");
  const onEdit = (e: Event) => {
    const el = e.target as HTMLInputElement;
    const path = el.dataset.path;
    if (!path) return;
    let v = el.type === "checkbox" ? (el.checked ? "true" : "") : el.value;
    // A date or month is saved as typed, and written YYYY-MM-DD (YYYY-MM) once the field is
    // left; what is not a date stays as typed, and its problem says so.
    if (e.type === "change" && el.dataset.kind) {
      const norm = el.dataset.kind === "date" ? parseDate(v) : parseMonth(v);
      if (norm) v = el.value = norm;
    }
    // Pickers fire both "input" and "change": save a value once.
    if ((get(path) ?? "") === v) return;
    set(path, v);
    noticeCheck(true);
    derive(path, v);
    // A new province empties the city (and its county) unless it still lies inside.
    const deps = dependants(path);
    if (deps.length) {
      const clear = (p: string, parent: string) => {
        const cv = String(get(p) ?? "");
        if (cv && !divisionsIn(parent).some((d) => d.code === cv)) {
          set(p, "");
          dependants(p).forEach((q) => clear(q, ""));
        }
      };
      deps.forEach((d) => clear(d, v));
      renderEditor();
    }
    void autosave();
  };
  ed.addEventListener("input", onEdit);
  ed.addEventListener("change", onEdit);
  ed.addEventListener("focusout", (e) => {
    const path = (e.target as HTMLElement).dataset?.path;
    if (path && !touched.has(path)) {
      touched.add(path);
      showProblems();
    }
  });
  ed.addEventListener("click", async (e) => {
    const el = e.target as HTMLElement;
    if (!opened()) return;
    // An action on the draft: what was said before is over (the action may say its own).
    if (el.closest("button")) noticeCheck(true);
    // Read at each use: a save finished meanwhile may have answered a newer draft.
    const cur = () => opened()!;
    if (el.id === "ed-first") {
      e.preventDefault();
      const p = cur().problems[0];
      const target = p && (document.getElementById(`f-${p.path}`) ?? ed.querySelector(`[data-err="${CSS.escape(p.path)}"]`));
      (target as HTMLElement | null)?.scrollIntoView({ block: "center" });
      (target as HTMLElement | null)?.focus?.();
    } else if (el.dataset.add) {
      const list = ((values[el.dataset.add] as Values[] | undefined) ?? []).slice();
      list.push({});
      values[el.dataset.add] = list;
      renderEditor();
      await autosave();
    } else if (el.dataset.remove) {
      const [sec, i] = el.dataset.remove.split(".");
      const list = ((values[sec] as Values[] | undefined) ?? []).slice();
      list.splice(Number(i), 1);
      values[sec] = list;
      renderEditor();
      await autosave();
    } else if (el.dataset.make) {
      const path = el.dataset.make;
      const label = ed.querySelector(`[data-field="${CSS.escape(path)}"] label`)?.textContent?.replace("*", "") ?? "";
      await waitSaved();
      const d = cur().draft;
      onAttach({ draft: d.id, path, spec: el.dataset.spec!, label: `${d.title} · ${label}` }, isDoc(el.dataset.spec!));
    } else if (el.dataset.clear) {
      set(el.dataset.clear, "");
      renderEditor();
      await autosave();
    } else if (el.id === "ed-finalize") await finalize();
    else if (el.id === "ed-reopen") {
      await setOpen(await filingApi.reopen(cur().draft.id));
      await loadList();
    } else if (el.id === "ed-change") {
      try {
        await setOpen(await filingApi.change(cur().draft.id));
        await loadList();
      } catch (err) {
        notice(() => errText(err), "bad");
      }
    } else if (el.id === "ed-send") {
      await waitSaved();
      await send([cur().draft.id]);
    } else if (el.id === "ed-export") await pickExport([cur().draft.id]);
    else if (el.id === "ed-letter") onLetter();
    else if (el.id === "ed-delete") {
      if (!confirm(t("filing.deleteConfirm"))) return;
      await filingApi.remove(cur().draft.id);
      await setOpen(null);
      await loadList();
    } else if (el.id === "conflict-mine" || el.id === "conflict-theirs") await resolve(el.id === "conflict-mine");
  });
  await loadList();
  await recoverNotice();
}

/** The draft open in the editor (tests). */
export function current() {
  const cur = opened();
  return cur ? { ...cur, values, saving: busy() } : null;
}
