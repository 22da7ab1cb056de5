// The specs screen: every profile with its numbers and where they come from; duplicate one and
// edit it (checked as you type, by the same rules a profile file gets), delete your own,
// import and export profile files.
import { pickFile, pickSavePath } from "./pick";
import { api, errMsg, errText, type Spec, type SpecEntry, type SpecProblem, type SpecsView } from "./api";
import { both, pick, t } from "./i18n";
import { html, render } from "./html";
import { badge, rules } from "./specinfo";
import { $, showMessage } from "./dom";
import { bump } from "./hooks";

let entries: SpecEntry[] = [];
let editing: { base: Spec; isNew: boolean } | null = null;
let onChange: (v: SpecsView) => void = () => {};
let checkSeq = 0;
let armedDelete = "";

const isUser = (e: SpecEntry) => e.origin.origin === "user";

export function renderSpecs(view: SpecsView) {
  entries = view.entries;
  $("specs-dir").textContent = view.dir;
  const probs = $("specs-problems");
  probs.hidden = !view.problems.length;
  render(probs, html`${view.problems.map((p) => html`<div>${t("specs.broken")} <code>${p.file}</code> ${t("specs.line").replace("{n}", String(p.line))}: ${pick(p.detail)}</div>`)}`);
  const rows = entries.map((e) => {
    const s = e.spec;
    const mine = isUser(e);
    const tag = mine && html`<span class="badge user">${t(e.overrides_builtin ? "specs.override" : "specs.mine")}</span>`;
    const button = (act: string, text: string, cls = "") => html`<button data-act="${act}" data-id="${s.id}"${cls && html` class="${cls}"`}>${text}</button>`;
    const acts = html`${button("dup", t("specs.duplicate"))}${mine && button("edit", t("specs.edit"))}${button("export", t("specs.export"))}${mine && button("del", armedDelete === s.id ? t("specs.confirmDelete") : t("specs.delete"), "danger")}`;
    const notes = s.provenance.notes && html`<div class="note">${pick(s.provenance.notes)}</div>`;
    const source = html`${badge(s)} [${s.provenance.region}] ${s.provenance.source}${notes}`;
    return html`<tr data-id="${s.id}"><td><code>${s.id}</code> ${tag}</td><td>${pick(s.title)}</td><td>${rules(s)}</td><td>${source}</td><td class="acts">${acts}</td></tr>`;
  });
  const head = html`<tr><th>${t("specs.id")}</th><th>${t("specs.title")}</th><th>${t("specs.rules")}</th><th>${t("specs.source")}</th><th></th></tr>`;
  render($("specs-table"), html`<table><thead>${head}</thead><tbody>${rows}</tbody></table>`);
}

// ---- the editor: form fields named by their path in the profile (data-k) ----

const fields = () => [...$("spec-editor").querySelectorAll<HTMLInputElement | HTMLSelectElement>("[data-k]")];

function getPath(o: unknown, path: string): unknown {
  return path.split(".").reduce<unknown>((v, k) => (v == null ? undefined : (v as Record<string, unknown>)[k]), o);
}

/** KB as portals write it, bytes as profiles store them: a minimum counts 1 KB = 1024 B, a
 * maximum 1 KB = 1000 B (the stricter reading of both, as in the built-in profiles). */
function toBytes(kbText: string, unit: string): number | null {
  if (kbText.trim() === "") return null;
  const kb = Number(kbText);
  return unit === "kb-min" ? Math.ceil(kb * 1024) : Math.floor(kb * 1000);
}

function fill(s: Spec) {
  for (const f of fields()) {
    const k = f.dataset.k!;
    let v = getPath(s, k);
    if (k === "background") v = s.background[0] ?? "";
    if (f.dataset.unit && typeof v === "number") v = f.dataset.unit === "kb-min" ? +(v / 1024).toFixed(3) : +(v / 1000).toFixed(3);
    if (f instanceof HTMLInputElement && f.type === "checkbox") f.checked = Boolean(v);
    else f.value = v == null ? "" : String(v);
  }
  kindChanged();
}

/** The profile the form describes: the original with the form's values over it. */
export function formSpec(): Spec {
  const s: Spec = JSON.parse(JSON.stringify(editing!.base));
  const val = (k: string) => fields().find((f) => f.dataset.k === k)!;
  const str = (k: string) => val(k).value.trim();
  const num = (k: string) => (str(k) === "" ? null : Number(str(k)));
  s.id = str("id");
  s.version = num("version") ?? 1;
  s.kind = str("kind") as Spec["kind"];
  s.title = { zh: str("title.zh"), en: str("title.en") };
  s.pixels.rule = str("pixels.rule") as Spec["pixels"]["rule"];
  s.pixels.width = num("pixels.width");
  s.pixels.height = num("pixels.height");
  const ew = num("pixels.export.0");
  const eh = num("pixels.export.1");
  s.pixels.export = ew != null && eh != null ? [ew, eh] : null;
  s.dpi = num("dpi");
  s.bytes = { min: toBytes(str("bytes.min"), "kb-min"), max: toBytes(str("bytes.max"), "kb-max") };
  s.colour = str("colour") as Spec["colour"];
  s.background = str("background") ? [str("background")] : [];
  s.upscale = (val("upscale") as HTMLInputElement).checked;
  const pmin = num("pages.min");
  const pmax = num("pages.max");
  s.pages =
    s.kind === "document" && pmin != null && pmax != null
      ? { min: pmin, max: pmax, layout: str("pages.layout") as "stacked" | "side_by_side", page_orientation: s.pages?.page_orientation ?? "any" }
      : null;
  s.provenance = {
    ...s.provenance,
    source: str("provenance.source"),
    region: str("provenance.region"),
    confidence: str("provenance.confidence") as Spec["provenance"]["confidence"],
    date: str("provenance.date"),
    notes: str("provenance.notes.zh") || str("provenance.notes.en") ? { zh: str("provenance.notes.zh"), en: str("provenance.notes.en") } : null,
  };
  return s;
}

function kindChanged() {
  const doc = (fields().find((f) => f.dataset.k === "kind")!.value ?? "") === "document";
  $("spec-editor").querySelectorAll<HTMLElement>(".doc").forEach((l) => (l.hidden = !doc));
}

function showBytes() {
  for (const f of fields().filter((x) => x.dataset.unit)) {
    const b = toBytes(f.value, f.dataset.unit!);
    (f.nextElementSibling as HTMLElement).textContent = b == null ? "" : `= ${b} B`;
  }
}

function showProblem(p: SpecProblem | null) {
  fields().forEach((f) => f.closest("label")!.classList.remove("bad"));
  const box = $("spec-check");
  if (!p) {
    box.textContent = t("specs.valid");
    box.className = "msg ok";
    box.hidden = false;
    return;
  }
  const key = p.key ?? "";
  const hit = fields().filter((f) => key && (f.dataset.k === key || f.dataset.k!.startsWith(`${key}.`)));
  hit.forEach((f) => f.closest("label")!.classList.add("bad"));
  const label = hit[0]?.closest("label")?.querySelector("span")?.textContent;
  box.textContent = `${t("specs.invalid")}${label ? ` [${label}]` : ""}: ${pick(p.detail)}`;
  box.className = "msg bad";
  box.hidden = false;
}

/** Checks the form with the backend (the latest answer wins). */
export async function validateForm(): Promise<SpecProblem | null> {
  const my = ++checkSeq;
  showBytes();
  const s = formSpec();
  let p: SpecProblem | null;
  const taken = editing!.isNew && entries.some((e) => e.spec.id === s.id);
  // Numbers the profile cannot hold are caught here, with the field named.
  const badNumber = fields().find((f) => f instanceof HTMLInputElement && f.type === "number" && f.value.trim() !== "" &&
    !(f.dataset.unit ? Number(f.value) >= 0 : /^\d+$/.test(f.value.trim())));
  try {
    if (badNumber) p = { file: "", line: 0, key: badNumber.dataset.k!, detail: both(badNumber.dataset.unit ? "specs.positive" : "specs.wholeNumber") };
    else p = taken ? { file: "", line: 0, key: "id", detail: both("specs.idTaken") } : await api.validateSpec(s);
  } catch (e) {
    p = { file: "", line: 0, key: null, detail: errMsg(e) }; // a value of the wrong kind
  }
  if (my === checkSeq) showProblem(p);
  if (__TEST_HOOKS__) bump("specChecks");
  return p;
}

/** Opens the editor on a copy of a profile (`dup`) or on the user's own profile. */
export function editSpec(id: string, dup: boolean) {
  const e = entries.find((x) => x.spec.id === id);
  if (!e) return;
  const base: Spec = JSON.parse(JSON.stringify(e.spec));
  if (dup) {
    let n = 1;
    let nid = `${id}-copy`;
    while (entries.some((x) => x.spec.id === nid)) nid = `${id}-copy${++n}`;
    base.id = nid;
    base.version = 1;
    base.title = { zh: `${base.title.zh}（副本）`, en: `${base.title.en} (copy)` };
  }
  editing = { base, isNew: dup };
  $("spec-editor-title").textContent = `${t(dup ? "specs.newTitle" : "specs.editTitle")} ${base.id}`;
  fill(base);
  $("spec-editor").hidden = false;
  $("spec-editor").scrollIntoView({ block: "start" });
  void validateForm();
}

async function saveForm() {
  const p = await validateForm();
  if (p) return;
  try {
    const s = formSpec();
    const v = await api.saveSpec(s);
    $("spec-editor").hidden = true;
    editing = null;
    onChange(v);
    showMessage("specs-msg", () => `${t("specs.saved")} ${s.id}`, "ok");
  } catch (e) {
    showMessage("specs-msg", () => errText(e), "bad");
  }
}

async function act(a: string, id: string) {
  showMessage("specs-msg", "");
  if (a === "dup" || a === "edit") editSpec(id, a === "dup");
  else if (a === "export") {
    const path = await pickSavePath("spec", `${id}.toml`);
    if (path) await exportSpec(id, path);
  } else if (a === "del") {
    if (armedDelete !== id) {
      armedDelete = id; // a second click confirms
      renderSpecs({ entries, problems: [], dir: $("specs-dir").textContent ?? "" });
      return;
    }
    armedDelete = "";
    try {
      onChange(await api.deleteSpec(id));
      showMessage("specs-msg", () => `${t("specs.deleted")} ${id}`, "ok");
    } catch (e) {
      showMessage("specs-msg", () => errText(e), "bad");
    }
  }
}

/** Exports a profile file (the dialog's choice, or a test's). */
export async function exportSpec(id: string, path: string) {
  try {
    await api.exportSpec(id, path);
    showMessage("specs-msg", () => `${t("specs.exported")} ${path}`, "ok");
  } catch (e) {
    showMessage("specs-msg", () => errText(e), "bad");
  }
}

/** Imports a profile file (the dialog's choice, or a test's). */
export async function importSpec(path: string) {
  try {
    onChange(await api.importSpec(path));
    showMessage("specs-msg", () => `${t("specs.imported")} ${path}`, "ok");
  } catch (e) {
    showMessage("specs-msg", () => errText(e), "bad");
  }
}

export function initSpecs(changed: (v: SpecsView) => void) {
  onChange = changed;
  $("specs-table").addEventListener("click", (e) => {
    const b = (e.target as HTMLElement).closest("button");
    if (b) void act(b.dataset.act!, b.dataset.id!);
  });
  let timer = 0;
  $("spec-editor").addEventListener("input", (e) => {
    if ((e.target as HTMLElement).dataset.k === "kind") kindChanged();
    clearTimeout(timer);
    timer = window.setTimeout(() => void validateForm(), 120);
  });
  $("spec-editor").addEventListener("submit", (e) => {
    e.preventDefault();
    void saveForm();
  });
  $("spec-cancel").addEventListener("click", () => {
    $("spec-editor").hidden = true;
    editing = null;
  });
  $("specs-import").addEventListener("click", async () => {
    const path = await pickFile("spec");
    if (typeof path === "string") await importSpec(path);
  });
}
