// 帮助 (自助答疑): search as you type by keyword or any words of a question, the answer with the
// buttons that do it, the entry guide (我从哪里进入？), the management bodies (联系办事机构) and
// the user guide. Reachable from everywhere: the search box in the side bar, F1, and a
// “怎么办？” beside every failed check and field error that has a topic (links loaded once).
import { invoke } from "@tauri-apps/api/core";
import { $ } from "./dom";
import { html, render, type Html } from "./html";
import { pick, t } from "./i18n";
import type { Msg } from "./api";
import { mark } from "./hooks";
import guideText from "../../docs/使用说明.md?raw";

export interface Action { label: Msg; open: string; spec?: string; form?: string; screen?: string }
interface Topic { id: string; title: Msg; keywords: string[]; words: string[]; questions: string[]; answer: Msg; source: string; links: string[]; actions: Action[] }
interface Hit { id: string; title: Msg; score: number }
export interface Contact { region: string; region_name: string; body: string; phone: string; address: string; source: string }
interface Question { id: string; ask: Msg; hint?: Msg | null; yes: string; no: string }
interface Outcome { id: string; say: Msg; form?: string | null; unit_form?: string | null; source: string; topic?: string | null }
interface EntryGuide { start: string; question: Question[]; outcome: Outcome[] }

const helpApi = {
  search: (query: string) => invoke<Hit[]>("help_search", { query, limit: 8 }),
  topic: (id: string) => invoke<Topic>("help_topic", { id }),
  links: () => invoke<[string, string][]>("help_links"),
  contacts: () => invoke<{ bodies: Contact[]; elsewhere: Msg }>("help_contacts"),
  entry: () => invoke<EntryGuide>("help_entry"),
};

/** The guide's 自助答疑 keywords, offered when nothing is typed. */
const KEYWORDS = ["信息采集", "照片", "图片", "扫描件", "调转", "年度考评", "信息变更", "履历", "密码", "档案", "修改", "工作单位", "在校学生", "会计人员范围", "管理地区", "管理机构", "会计工作证明"];

let links = new Map<string, string>();
let hits: Hit[] = [];
/** What the right-hand pane shows. */
type View = { kind: "topic"; topic: Topic } | { kind: "entry"; at: string; path: string[] } | { kind: "contacts"; region: string } | { kind: "guide" } | { kind: "none" };
let view: View = { kind: "none" };
let entry: EntryGuide | null = null;
let contacts: { bodies: Contact[]; elsewhere: Msg } | null = null;
let doAction: (a: Action) => void = () => {};
let startForm: (form: string) => void = () => {};
let showScreen: (name: string) => void = () => {};
/** The person's 管理地区, when the home page knows it: their body is shown first. */
let myRegion = "";

/** The topic a failed check (`check:bytes`), an error (`error:too_small`), a field
 * (`field:basic.photo`) or a form problem (`problem:history`) opens, if any. */
export function topicFor(...keys: string[]): string | undefined {
  for (const k of keys) {
    const id = links.get(k.startsWith("field:") ? `field:${k.slice(6).split(".").filter((p) => !/^\d+$/.test(p)).join(".")}` : k);
    if (id) return id;
  }
  return undefined;
}

/** “怎么办？” opening the topic of `keys` (the first that has one), or nothing. */
export function helpLink(...keys: string[]): Html | "" {
  const id = topicFor(...keys);
  return id ? html`<a href="#" class="help-link" data-topic="${id}">${t("help.how")}</a>` : "";
}

/** The same link as an element, for places that write text (a field's error line). */
export function helpAnchor(...keys: string[]): HTMLAnchorElement | null {
  const id = topicFor(...keys);
  if (!id) return null;
  const a = document.createElement("a");
  a.href = "#";
  a.className = "help-link";
  a.dataset.topic = id;
  a.textContent = t("help.how");
  return a;
}

export function setMyRegion(region: string) {
  myRegion = region;
}

function paragraphs(text: string): Html {
  return html`${text
    .trim()
    .split(/\n\s*\n/)
    .map((block) => {
      const lines = block.split("\n").map((l) => l.trim());
      const items = lines.filter((l) => l.startsWith("- "));
      if (items.length && items.length === lines.length) return html`<ul>${items.map((l) => html`<li>${l.slice(2)}</li>`)}</ul>`;
      return html`<p>${lines.map((l, i) => html`${i ? html`<br />` : ""}${l.startsWith("- ") ? `· ${l.slice(2)}` : l}`)}</p>`;
    })}`;
}

function renderResults() {
  const q = $<HTMLInputElement>("help-q").value.trim();
  const list = $("help-results");
  if (!q) {
    render(list, html`<li class="kw-head">${t("help.keywords")}</li><li class="kws">${KEYWORDS.map((k) => html`<button type="button" class="chip" data-kw="${k}">${k}</button>`)}</li>`);
    return;
  }
  const cur = view.kind === "topic" ? view.topic.id : "";
  render(
    list,
    hits.length
      ? html`${hits.map((h) => html`<li class="${h.id === cur ? "active" : ""}"><a href="#" data-topic="${h.id}">${pick(h.title)}</a></li>`)}`
      : html`<li class="empty">${t("help.nothing")}</li><li class="kws">${KEYWORDS.map((k) => html`<button type="button" class="chip" data-kw="${k}">${k}</button>`)}</li>`,
  );
}

function renderView() {
  const pane = $("help-topic");
  if (view.kind === "topic") {
    const tp = view.topic;
    const acts = tp.actions.map((a, i) => html`<button type="button" class="${i === 0 ? "primary" : ""}" data-act="${i}">${pick(a.label)}</button>`);
    render(pane, html`<h2>${pick(tp.title)}</h2>${paragraphs(pick(tp.answer))}${acts.length > 0 && html`<div class="acts">${acts}</div>`}<p class="source">${t("help.source")}${tp.source}</p>`);
  } else if (view.kind === "entry" && entry) {
    const at = view.at;
    const q = entry.question.find((x) => x.id === at);
    const o = entry.outcome.find((x) => x.id === at);
    const back = view.path.length > 0 && html`<button type="button" id="entry-back">${t("help.back")}</button>`;
    const restart = html`<button type="button" id="entry-restart">${t("help.restart")}</button>`;
    let body: Html;
    if (q) {
      body = html`<p class="ask">${pick(q.ask)}</p>${q.hint && html`<p class="hint">${pick(q.hint)}</p>`}<div class="acts"><button type="button" class="primary" data-entry="${q.yes}">${t("help.yes")}</button><button type="button" data-entry="${q.no}">${t("help.no")}</button>${back}</div>`;
    } else if (o) {
      const start = o.form && html`<button type="button" class="primary" data-entry-form="${o.form}">${t("help.startForm")}</button>`;
      const unit = o.unit_form && html`<button type="button" data-entry-unit="1">${t("help.openUnit")}</button>`;
      const more = o.topic && html`<a href="#" data-topic="${o.topic}">${t("help.more")}</a>`;
      body = html`<div class="outcome ${o.form || o.unit_form ? "ok" : "bad"}" data-outcome="${o.id}">${paragraphs(pick(o.say))}</div><div class="acts">${start}${unit}${back}${restart}</div><p class="source">${t("help.source")}${o.source} ${more}</p>`;
    } else body = html``;
    render(pane, html`<h2>${t("help.entry")}</h2>${body}`);
  } else if (view.kind === "contacts" && contacts) {
    const filter = view.region;
    const mine = contacts.bodies.filter((c) => myRegion && (c.region === myRegion || myRegion.startsWith(c.region)) && c.region.length >= 4);
    const rows = contacts.bodies.filter((c) => !filter || c.region_name.includes(filter) || c.body.includes(filter));
    const row = (c: Contact) => html`<tr class="${c.body ? "known" : ""}"><td>${c.region_name}</td><td>${c.body || "—"}</td><td>${c.phone || "—"}</td><td class="src">${c.source || t("help.noSource")}</td></tr>`;
    const head = html`<tr><th>${t("help.region")}</th><th>${t("help.body")}</th><th>${t("help.phone")}</th><th>${t("help.basis")}</th></tr>`;
    const yours = mine.length > 0 && html`<h3>${t("help.yours")}</h3><table class="contacts"><thead>${head}</thead><tbody>${mine.map(row)}</tbody></table>`;
    render(
      pane,
      html`<h2>${t("help.contacts")}</h2><p class="hint">${pick(contacts.elsewhere)}</p>${yours}<label class="field"><span>${t("help.filter")}</span><input id="contacts-filter" type="search" value="${filter}" /></label><table class="contacts"><thead>${head}</thead><tbody>${rows.map(row)}</tbody></table>`,
    );
  } else if (view.kind === "guide") {
    render(pane, guideHtml());
  } else {
    render(pane, html`<h2>${t("help.welcome")}</h2><p>${t("help.welcomeText")}</p><p class="hint">${t("help.wechat")}</p>`);
  }
}

/** The user guide (docs/使用说明.md) as text: headings, paragraphs and lists; its screenshots
 * are in the file beside the app's documents. */
function guideHtml(): Html {
  const out: Html[] = [];
  for (const block of guideText.split(/\n\s*\n/)) {
    const b = block.trim();
    if (!b || b.startsWith("![")) continue;
    const h = /^(#{1,3})\s+(.*)$/.exec(b);
    if (h && !b.includes("\n")) out.push(h[1].length === 1 ? html`<h2>${h[2]}</h2>` : html`<h3>${h[2]}</h3>`);
    else out.push(paragraphs(b.replace(/\*\*|`/g, "").replace(/\[([^\]]+)\]\([^)]+\)/g, "$1")));
  }
  return html`<div class="guide">${out}</div>`;
}

let topicSeq = 0;
/** Opens a topic (on the help screen); a later call wins over a slower earlier one. */
export async function openTopic(id: string) {
  const seq = ++topicSeq;
  let next: View;
  try {
    next = { kind: "topic", topic: await helpApi.topic(id) };
  } catch {
    next = { kind: "none" };
  }
  if (seq !== topicSeq) return;
  view = next;
  showScreen("help");
  renderResults();
  renderView();
  if (__TEST_HOOKS__) mark("helpTopic", id);
}

let searchSeq = 0;
/** Searches as typed: the best topic opens at once, the others are listed. */
export async function search(q: string) {
  const input = $<HTMLInputElement>("help-q");
  if (input.value !== q) input.value = q;
  const seq = ++searchSeq;
  const found = q.trim() ? await helpApi.search(q) : [];
  // A slower answer to an earlier keystroke is dropped.
  if (seq !== searchSeq) return;
  hits = found;
  if (hits.length) await openTopic(hits[0].id);
  else renderResults();
  if (seq !== searchSeq) return;
  if (__TEST_HOOKS__) mark("helpSearch", q);
}

export async function openEntryGuide() {
  entry ??= await helpApi.entry();
  view = { kind: "entry", at: entry.start, path: [] };
  showScreen("help");
  renderView();
}

/** The management bodies, loaded once (they are built in). */
export async function loadContacts(): Promise<{ bodies: Contact[]; elsewhere: Msg }> {
  contacts ??= await helpApi.contacts();
  return contacts;
}

export async function openContacts() {
  await loadContacts();
  view = { kind: "contacts", region: "" };
  showScreen("help");
  renderView();
}

export function openGuide() {
  view = { kind: "guide" };
  showScreen("help");
  renderView();
}

/** F1 and the side bar's box: the help screen with the cursor in its search box. */
export function focusSearch(text?: string) {
  showScreen("help");
  const q = $<HTMLInputElement>("help-q");
  if (text !== undefined) {
    q.value = text;
    void search(text);
  }
  q.focus();
  q.setSelectionRange(q.value.length, q.value.length);
}

export function refreshHelp() {
  renderResults();
  renderView();
}

export async function initHelp(show: (name: string) => void, act: (a: Action) => void) {
  showScreen = show;
  doAction = act;
  startForm = (form) => act({ label: { zh: "", en: "" }, open: "form", form });
  try {
    links = new Map(await helpApi.links());
  } catch {
    links = new Map();
  }
  const q = $<HTMLInputElement>("help-q");
  // Not while an input method is composing (pinyin letters before the characters are chosen):
  // the search runs when the characters are in.
  q.addEventListener("input", (e) => {
    if (!(e as InputEvent).isComposing) void search(q.value);
  });
  q.addEventListener("compositionend", () => void search(q.value));
  // The side bar's box is the way in: focused, it hands over to the help screen's box, where
  // the typing (and an input method's composition) goes on.
  const nav = $<HTMLInputElement>("nav-q");
  nav.addEventListener("focus", () => focusSearch());
  nav.addEventListener("input", (e) => {
    if ((e as InputEvent).isComposing) return;
    const v = nav.value;
    nav.value = "";
    focusSearch(v);
  });
  $("help-entry-go").addEventListener("click", () => void openEntryGuide());
  $("help-contacts-go").addEventListener("click", () => void openContacts());
  $("help-guide-go").addEventListener("click", openGuide);
  document.addEventListener("keydown", (e) => {
    if (e.key === "F1") {
      e.preventDefault();
      focusSearch();
    }
  });
  // Links to topics anywhere in the app (checklists, field errors, the home page).
  document.addEventListener("click", (e) => {
    const a = (e.target as HTMLElement).closest<HTMLElement>("[data-topic]");
    if (a) {
      e.preventDefault();
      void openTopic(a.dataset.topic!);
    }
  });
  $("help-results").addEventListener("click", (e) => {
    const kw = (e.target as HTMLElement).closest<HTMLElement>("[data-kw]");
    if (kw) void search(kw.dataset.kw!);
  });
  const pane = $("help-topic");
  pane.addEventListener("click", (e) => {
    const el = e.target as HTMLElement;
    const act = el.closest<HTMLElement>("[data-act]");
    if (act && view.kind === "topic") doAction(view.topic.actions[Number(act.dataset.act)]);
    const step = el.closest<HTMLElement>("[data-entry]");
    if (step && view.kind === "entry") {
      view = { kind: "entry", at: step.dataset.entry!, path: [...view.path, view.at] };
      renderView();
    }
    if (el.id === "entry-back" && view.kind === "entry" && view.path.length) {
      view = { kind: "entry", at: view.path[view.path.length - 1], path: view.path.slice(0, -1) };
      renderView();
    }
    if (el.id === "entry-restart" && entry) {
      view = { kind: "entry", at: entry.start, path: [] };
      renderView();
    }
    const form = el.closest<HTMLElement>("[data-entry-form]");
    if (form) startForm(form.dataset.entryForm!);
    if (el.closest("[data-entry-unit]")) show("unit");
  });
  pane.addEventListener("input", (e) => {
    const el = e.target as HTMLInputElement;
    if (el.id === "contacts-filter" && view.kind === "contacts") {
      view = { kind: "contacts", region: el.value };
      const pos = el.selectionStart;
      renderView();
      const f = $<HTMLInputElement>("contacts-filter");
      f.focus();
      f.setSelectionRange(pos, pos);
    }
  });
  renderResults();
  renderView();
}
