import { listen } from "@tauri-apps/api/event";
import { getCurrentWebview } from "@tauri-apps/api/webview";
import { getCurrentWindow } from "@tauri-apps/api/window";
import { api, type Spec, type SpecsView } from "./api";
import { defaultOutput, initBatch, refreshBatch, runBatch } from "./batch";
import { checkPath, initCheck, refreshCheck } from "./check";
import { applyTexts, getLang, pick, setLang, t } from "./i18n";
import { autoFrame, initPhoto, nudgeCrop, openPath, refreshPhoto, saveTo, setCrop, setSpecs, setWhiten, showSpecInfo } from "./photo";
import { fillSelect, knowSpecs } from "./specinfo";
import { relabelMessages, showMessage } from "./dom";
import { addPages, cropPage, initScan, resetScan, scanPages, mergePages, refreshScan, setPageMode, setScanSpecs } from "./scan";
import { current, initSettings, loadSettings, refreshSettings, saveSettings } from "./settings";
import { cancelAttach, finishAttach, initAttach, refreshAttach, screenShown, startAttach } from "./attach";
import { create as createDraft, current as currentDraft, formById, exportTo, finalize, importFrom, initFiling, openDraft, refreshFiling, setField } from "./filing";
import { initSync, refreshSyncTexts, resolve as resolveConflict, send as sendDrafts, signIn, syncNow } from "./sync";
import { bulkAssessment, importRoster, initUnit, renderUnit, saveUnit, showUnit } from "./unit";
import { mark } from "./hooks";
import { focusSearch, initHelp, openContacts, openEntryGuide, openTopic, refreshHelp, search as searchHelp, type Action } from "./help";
import { chooseMe, initHome, refreshHome, renderHome } from "./home";
import { openDialog as openSignIn } from "./sync";
import { initLetter, openLetter } from "./letter";
import { editSpec, exportSpec, importSpec, initSpecs, renderSpecs, validateForm } from "./specs";

let specs: Spec[] = [];
let specsView: SpecsView = { entries: [], problems: [], dir: "" };
let screen = "home";

function show(name: string) {
  screen = name;
  document.querySelectorAll<HTMLElement>(".tab").forEach((b) => b.classList.toggle("active", b.dataset.screen === name));
  document.querySelectorAll<HTMLElement>(".screen").forEach((s) => s.classList.toggle("active", s.id === `screen-${name}`));
  screenShown(name);
  if (name === "home") void refreshHome();
}

function fillAll() {
  knowSpecs(specs);
  fillSelect(document.getElementById("photo-spec") as HTMLSelectElement, specs.filter((s) => s.kind === "photo"));
  fillSelect(document.getElementById("check-spec") as HTMLSelectElement, specs);
  fillSelect(document.getElementById("batch-spec") as HTMLSelectElement, specs);
  fillSelect(document.getElementById("scan-spec") as HTMLSelectElement, specs.filter((s) => s.kind === "document"), "nat-idcard");
  setScanSpecs(specs);
  setSpecs(specs);
  renderSpecs(specsView);
}

/** A new list of profiles (after an edit, import or delete): every picker follows. */
function specsChanged(v: SpecsView) {
  specsView = v;
  specs = v.entries.map((e) => e.spec);
  fillAll();
  showSpecInfo();
}

/** Redraws every screen in the current language. */
function relabel() {
  applyTexts();
  void getCurrentWindow().setTitle(t("app.name")).catch(() => {});
  fillAll();
  showSpecInfo();
  refreshPhoto();
  refreshCheck();
  refreshBatch();
  refreshScan();
  refreshSettings();
  refreshFiling();
  renderUnit();
  refreshAttach();
  refreshSyncTexts();
  relabelMessages();
  refreshHelp();
  renderHome();
}

async function openFiles(paths: string[]) {
  if (!paths.length) return;
  if (screen === "check") await checkPath(paths[0]);
  else if (screen === "scan") await addPages(paths);
  else {
    show("photo");
    await openPath(paths[0]);
  }
}

/** A help topic's button: the screen that does what the answer says. */
function act(a: Action) {
  const tool = a.open;
  if ((tool === "photo" || tool === "scan" || tool === "check" || tool === "batch") && a.spec) {
    const sel = document.getElementById(`${tool}-spec`) as HTMLSelectElement;
    if ([...sel.options].some((o) => o.value === a.spec)) {
      sel.value = a.spec;
      sel.dispatchEvent(new Event("change"));
    }
    show(tool);
    if (tool === "photo") showSpecInfo();
  } else if (tool === "form" && a.form) void startForm(a.form);
  else if (tool === "screen" && a.screen) show(a.screen);
  else if (tool === "reset-password") {
    // The sign-in dialog lives on the filing screen.
    show("filing");
    openSignIn("reset");
  }
  else if (tool === "entry-guide") void openEntryGuide();
  else if (tool === "contacts") void openContacts();
  else if (tool === "letter") openLetter(show);
}

/** A new filing of `form`, opened in 填报; a unit's form (聘任入库备案, 年度考评) is started
 * from the unit's staff table, where the unit is known. */
async function startForm(form: string) {
  if (formById(form)?.by === "unit") {
    show("unit");
    showMessage("unit-msg", () => t("help.unitForm").replace("{form}", pick(formById(form)!.title)), "info");
    return;
  }
  show("filing");
  await createDraft(form);
}

/** A file to make right (a failing check, a failed batch row): its tool, on its spec. */
async function openIn(tool: "photo" | "scan", path: string, spec: string) {
  const sel = document.getElementById(`${tool}-spec`) as HTMLSelectElement;
  if ([...sel.options].some((o) => o.value === spec)) sel.value = spec;
  show(tool);
  if (tool === "photo") {
    showSpecInfo();
    await openPath(path);
  } else {
    // Pages arranged there are someone's work: replaced only when the person says so.
    if (scanPages() > 0 && !confirm(t("scan.replace"))) return;
    sel.dispatchEvent(new Event("change"));
    resetScan();
    await addPages([path]);
  }
}

/** Keys: Ctrl+O opens a file for the screen, Ctrl+S saves its output; on the photo screen the
 * arrow keys move the crop box (Shift: ten times as far). Not while typing in a field. */
function keys(e: KeyboardEvent) {
  const typing = (e.target as HTMLElement).closest?.("input, select, textarea, dialog[open]");
  const click = (id: string) => {
    const b = document.getElementById(id) as HTMLButtonElement | null;
    if (b && !b.disabled) b.click();
  };
  // A dialog open: its own keys only.
  if (document.querySelector("dialog[open]")) return;
  if ((e.ctrlKey || e.metaKey) && !e.altKey && (e.key === "o" || e.key === "s")) {
    const ids: Record<string, [string, string]> = { photo: ["photo-open", "photo-save"], scan: ["scan-add", "scan-save"], check: ["check-open", ""], filing: ["filing-import", ""] };
    const id = ids[screen]?.[e.key === "o" ? 0 : 1];
    if (id) {
      e.preventDefault();
      click(id);
    }
    return;
  }
  const arrows: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
  if (screen === "photo" && !typing && arrows[e.key] && !e.ctrlKey && !e.altKey) {
    e.preventDefault();
    const k = e.shiftKey ? 10 : 1;
    nudgeCrop(arrows[e.key][0] * k, arrows[e.key][1] * k);
  }
}

async function main() {
  setLang(getLang());
  document.querySelectorAll<HTMLElement>(".tab").forEach((b) => b.addEventListener("click", () => show(b.dataset.screen!)));
  document.getElementById("lang")!.addEventListener("click", async () => {
    const lang = getLang() === "zh" ? "en" : "zh";
    setLang(lang);
    relabel();
    await saveSettings({ ...current(), lang });
  });
  document.addEventListener("keydown", keys);
  document.querySelectorAll<HTMLInputElement>("input[data-tech]").forEach((i) => i.addEventListener("change", () => i.closest(".pane")?.classList.toggle("show-tech", i.checked)));
  initPhoto();
  initCheck(openIn);
  initBatch(openIn);
  initScan();
  initSpecs(specsChanged);
  initSettings(relabel);
  initAttach(show);
  initUnit(() => show("filing"));
  initHome({
    openDraft: (id) => {
      show("filing");
      void openDraft(id);
    },
    startForm: (f) => void startForm(f),
    show,
    entryGuide: () => void openEntryGuide(),
    contacts: () => void openContacts(),
    openUnit: (uscc) => {
      show("unit");
      void showUnit(uscc);
    },
  });
  await loadSettings();
  specsChanged(await api.specs());
  defaultOutput();
  await initFiling(startAttach, () => openLetter(show));
  initLetter();
  await initSync();
  await initHelp(show, act);
  relabel();
  await refreshHome();
  // Files from drag and drop, from a second launch, and from the command line.
  await getCurrentWebview().onDragDropEvent((e) => {
    if (e.payload.type === "drop") void openFiles(e.payload.paths);
  });
  await listen<string[]>("files-opened", () => api.pending().then(openFiles));
  await openFiles(await api.pending());
  if (__TEST_HOOKS__) mark("ready", "1");
}

// Hooks for the tests (the native dialogs cannot be driven), in test builds only (hooks.ts).
if (__TEST_HOOKS__) {
  (window as unknown as { caiji: object }).caiji = {
    openPath, saveTo, setCrop, setWhiten, autoFrame, checkPath, show, runBatch, addPages, mergePages, cropPage, setPageMode, editSpec, validateForm, importSpec, exportSpec,
    createDraft, openDraft, setField, finalize, currentDraft, exportTo, importFrom, finishAttach, cancelAttach, saveUnit, showUnit, importRoster, bulkAssessment,
    signIn, sendDrafts, syncNow, resolveConflict, searchHelp, openTopic, focusSearch, openEntryGuide, openContacts, chooseMe, refreshHome, openLetter: () => openLetter(show),
  };
}

void main();
