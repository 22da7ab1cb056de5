// 我的档案 (home): the first screen. A person's 管理地区 and 管理机构, whether collection is done,
// what to do next (a returned filing's reason first), their standing with its basis and this
// year's obligations, years of accounting work, and where each filing stands. Below, each unit
// kept on this computer with who still owes what. Everything is judged in the core
// (caiji_filing::home) from the filings here; this file only draws it.
import { invoke } from "@tauri-apps/api/core";
import { $ } from "./dom";
import { html, render, type Html } from "./html";
import { getLang, pick, t } from "./i18n";
import { errText, type Msg } from "./api";
import { divisionName, formById, stateName } from "./filing";
import type { DraftState } from "./filing-api";
import { loadContacts, setMyRegion, type Contact } from "./help";
import { chineseDate } from "./dates";
import { mark } from "./hooks";

interface Step { code: string; message: Msg; form: string | null; draft: string | null }
interface Sent { id: string; form: string; title: string; state: DraftState; reason: string | null; updated: number }
interface Obligation { code: string; message: Msg }
interface Standing { id_number: string; name: string; year: number; status: string; status_name: Msg; missing: Msg | null; obligations: Obligation[]; years_of_work: number | null; years_at_least: boolean; counted: number }
interface Home { standing: Standing; authority: string | null; registered: boolean; collected: boolean; first_work: string | null; next: Step[]; filings: Sent[] }
interface Person { id_number: string; name: string }
interface StaffDue { id_number: string; name: string; year: number; entry: DraftState | null; registered: boolean; collected: boolean; status: string; status_name: Msg; owes: Obligation[] }
interface Unit { uscc: string; name: string; region: string }

const homeApi = {
  get: () => invoke<{ me: Home | null; people: Person[] }>("home_get"),
  setMe: (idNumber: string | null) => invoke<void>("home_set_me", { idNumber }),
  unit: (uscc: string) => invoke<StaffDue[]>("home_unit", { uscc }),
  units: () => invoke<Unit[]>("unit_list"),
};

/** What the screen drew from, kept for a redraw in the other language. */
let data: { me: Home | null; people: Person[]; units: { unit: Unit; staff: StaffDue[] }[]; contacts: Contact[] } | null = null;
let problem = "";
let choosing = false;
export interface HomeActions {
  openDraft: (id: string) => void;
  startForm: (form: string) => void;
  show: (screen: string) => void;
  entryGuide: () => void;
  contacts: () => void;
  openUnit: (uscc: string) => void;
}
let acts: HomeActions;

/** The help topic that says what a 管理地区 is and how it is decided. */
const REGION_TOPIC = "managing-region";

const mask = (id: string) => (id.length === 18 ? `${id.slice(0, 6)}********${id.slice(14)}` : id);

/** A 管理地区 key as people name it. */
function regionName(key: string): string {
  if (key === "1500") return t("unit.direct");
  const c = data?.contacts.find((x) => x.region === key);
  return c?.region_name || divisionName(key);
}


/** At most ten names, then how many more. */
function names(list: { name: string }[]): string {
  const shown = list.slice(0, 10).map((s) => s.name).join("、");
  return list.length > 10 ? t("home.andMore").replace("{names}", shown).replace("{n}", String(list.length)) : shown;
}

function card(title: string, body: Html, cls = ""): Html {
  return html`<section class="card ${cls}"><h3>${title}</h3>${body}</section>`;
}

function personPage(h: Home): Html {
  const s = h.standing;
  const name = s.name || mask(s.id_number);
  const who = html`<div class="home-who"><h2>${name}</h2><span class="mono">${mask(s.id_number)}</span><button type="button" id="home-switch">${t("home.switch")}</button></div>`;
  // Where the person is managed: the region, the body (only as a source names it).
  const key = h.authority ?? "";
  const body = data?.contacts.find((c) => c.region === key);
  const region = key ? regionName(key) : t("home.regionUnknown");
  const bodyText = body?.body ? html`<b>${body.body}</b>` : html`<span class="muted">${t("home.bodyUnknown")}</span>`;
  const managed = card(
    t("home.managed"),
    html`<dl class="kv"><dt>${t("home.region")}</dt><dd>${region}</dd><dt>${t("home.body")}</dt><dd>${bodyText}</dd></dl><button type="button" id="home-contacts">${t("help.contacts")}</button> <a href="#" data-topic="${REGION_TOPIC}">${t("home.whatRegion")}</a>`,
  );
  const mark2 = (ok: boolean) => (ok ? html`<span class="ok">✓</span>` : html`<span class="bad">✗</span>`);
  const firstWork = h.first_work && html`<dt>${t("home.firstWork")}</dt><dd>${getLang() === "zh" ? chineseDate(h.first_work) : h.first_work}</dd>`;
  const years = s.years_of_work != null && html`<dt>${t("home.years")}</dt><dd>${t(s.years_at_least ? "filing.yearsAtLeast" : "filing.years").replace("{n}", String(s.years_of_work))}</dd>`;
  const progress = card(
    t("home.progress"),
    html`<dl class="kv"><dt>${t("home.registered")}</dt><dd>${mark2(h.registered)}</dd><dt>${t("home.collected")}</dt><dd>${mark2(h.collected)}</dd>${firstWork}${years}</dl>`,
  );
  const steps = h.next.map((st) => {
    const go = st.draft
      ? html`<button type="button" data-open-draft="${st.draft}">${t("home.open")}</button>`
      : st.form
        ? html`<button type="button" class="primary" data-start-form="${st.form}">${t("home.start").replace("{form}", pick(formById(st.form)?.title ?? { zh: st.form, en: st.form }))}</button>`
        : st.code === "entry"
          ? html`<button type="button" class="primary" id="home-entry">${t("help.entry")}</button>`
          : st.code === "send"
            ? html`<button type="button" data-show="filing">${t("nav.filing")}</button>`
            : "";
    return html`<li class="step step-${st.code}" data-step="${st.code}"><span>${pick(st.message)}</span>${go}</li>`;
  });
  const next = card(t("home.next"), steps.length ? html`<ul class="steps">${steps}</ul>` : html`<p class="muted">${t("home.nothingNext")}</p>`, steps.length ? "next" : "");
  // The standing with its basis, this year's obligations.
  const owed = s.obligations.map((o) => html`<li>${pick(o.message)}</li>`);
  const missing = s.missing && html`<p class="hint">${pick(s.missing)}</p>`;
  const basis = html`<small class="muted">${t("filing.standingFrom").replace("{n}", String(s.counted))}</small>`;
  const standing = card(
    t("home.standing"),
    html`<p><span class="pill st-${s.status}">${pick(s.status_name)}</span></p>${missing}${owed.length ? html`<ul>${owed}</ul>` : s.status !== "unknown" && html`<p>${t("filing.nothingOwed")}</p>`}${basis}`,
  );
  const rows = h.filings.map(
    (f) =>
      html`<tr><td><a href="#" data-open-draft="${f.id}">${f.title}</a></td><td><span class="pill st-${f.state}">${pick(stateName(f.state))}</span></td><td>${f.reason ?? ""}</td></tr>`,
  );
  const filings = card(t("home.filings"), rows.length ? html`<table class="home-filings"><tbody>${rows}</tbody></table>` : html`<p class="muted">${t("home.noFilings")}</p>`, "wide");
  return html`${who}<div class="cards">${next}${managed}${progress}${standing}${filings}</div>`;
}

/** The chooser: the people filing here, or an ID number typed in. */
function chooser(people: Person[]): Html {
  const list = people.map((p) => html`<button type="button" data-me="${p.id_number}">${p.name || "—"} <span class="mono">${mask(p.id_number)}</span></button>`);
  return card(
    t("home.whose"),
    html`<p class="hint">${t("home.whoseHint")}</p>${list.length > 0 && html`<div class="acts">${list}</div>`}<div class="acts"><input id="home-id" type="text" maxlength="18" placeholder="${t("home.idPh")}" /><button type="button" id="home-id-go" class="primary">${t("home.idGo")}</button></div>${problem && html`<p class="msg bad">${problem}</p>`}`,
    "wide",
  );
}

function welcome(): Html {
  return html`<div class="home-who"><h2>${t("home.welcome")}</h2></div><p class="lead">${t("home.welcomeText")}</p><div class="acts big"><button type="button" class="primary" id="home-entry">${t("help.entry")}</button><button type="button" data-show="photo">${t("home.photo")}</button><button type="button" data-show="scan">${t("home.scan")}</button><button type="button" data-show="help">${t("nav.help")}</button></div>`;
}

/** A unit's staff: who owes the entry, collection, CE, last year's assessment. */
function unitCard(u: Unit, staff: StaffDue[]): Html {
  const year = staff[0]?.year ?? new Date().getFullYear();
  const groups: [string, StaffDue[]][] = [
    // Not on the record by any entry (the unit's, the person's own) or a collection.
    [t("home.owesEntry"), staff.filter((s) => !s.registered)],
    [t("home.owesCollection"), staff.filter((s) => !s.collected)],
    [t("home.owesCe"), staff.filter((s) => s.owes.some((o) => o.code === "ce"))],
    [t("home.owesAssessment").replace("{y}", String(year - 1)), staff.filter((s) => s.owes.some((o) => o.code === "assessment"))],
    [t("home.owesHistory"), staff.filter((s) => s.owes.some((o) => o.code === "history"))],
    [t("home.unknown"), staff.filter((s) => s.status === "unknown")],
  ];
  const rows = groups.filter(([, l]) => l.length).map(([what, l]) => html`<tr><th>${what}</th><td class="n">${l.length}</td><td>${names(l)}</td></tr>`);
  const body = staff.length
    ? rows.length
      ? html`<table class="owes"><tbody>${rows}</tbody></table>`
      : html`<p class="ok">${t("home.allDone")}</p>`
    : html`<p class="muted">${t("unit.noStaff")}</p>`;
  return card(`${u.name} · ${t("home.staff").replace("{n}", String(staff.length))}`, html`${body}<button type="button" data-unit="${u.uscc}">${t("home.openUnit")}</button>`, "wide unit-card");
}

export function renderHome() {
  const el = $("home-body");
  if (!data) {
    render(el, html`<p class="msg bad">${problem}</p>`);
    return;
  }
  const me = data.me && !choosing ? personPage(data.me) : html`${welcome()}${chooser(data.people)}`;
  const units = data.units.map((u) => unitCard(u.unit, u.staff));
  render(el, html`${me}${units.length > 0 && html`<h2 class="units-head">${t("home.units")}</h2><div class="cards">${units}</div>`}`);
}

/** Loads everything the page shows, then draws it. */
export async function refreshHome() {
  try {
    const [home, units, contacts] = await Promise.all([homeApi.get(), homeApi.units(), loadContacts().catch(() => ({ bodies: [] as Contact[] }))]);
    const staff = await Promise.all(units.map(async (unit) => ({ unit, staff: await homeApi.unit(unit.uscc) })));
    data = { me: home.me, people: home.people, units: staff, contacts: contacts.bodies };
    setMyRegion(home.me?.authority ?? "");
  } catch (e) {
    data = null;
    problem = errText(e);
  }
  renderHome();
  if (__TEST_HOOKS__) mark("home", String(Date.now()));
}

/** Shows the home page of the person with this ID number. */
export async function chooseMe(id: string | null) {
  try {
    await homeApi.setMe(id);
    problem = "";
    choosing = false;
  } catch (e) {
    problem = errText(e);
  }
  await refreshHome();
}

export function initHome(a: HomeActions) {
  acts = a;
  $("home-body").addEventListener("click", (e) => {
    const el = e.target as HTMLElement;
    const b = el.closest<HTMLElement>("[data-open-draft],[data-start-form],[data-show],[data-me],[data-unit]");
    if (el.closest("#home-entry")) acts.entryGuide();
    else if (el.closest("#home-contacts")) acts.contacts();
    else if (el.closest("#home-switch")) {
      choosing = true;
      renderHome();
    } else if (el.closest("#home-id-go")) void chooseMe($<HTMLInputElement>("home-id").value);
    else if (b?.dataset.openDraft) {
      e.preventDefault();
      acts.openDraft(b.dataset.openDraft);
    } else if (b?.dataset.startForm) acts.startForm(b.dataset.startForm);
    else if (b?.dataset.show) acts.show(b.dataset.show);
    else if (b?.dataset.me) void chooseMe(b.dataset.me);
    else if (b?.dataset.unit) acts.openUnit(b.dataset.unit);
  });
}
