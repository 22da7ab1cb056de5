import { listen } from "@tauri-apps/api/event";
import { getCurrentWebview } from "@tauri-apps/api/webview";
import { getCurrentWindow } from "@tauri-apps/api/window";
import { api, type Spec, type SpecsView } from "./api";
import { defaultOutput, initBatch, refreshBatch, runBatch } from "./batch";
import { checkPath, initCheck, refreshCheck } from "./check";
import { applyTexts, getLang, setLang, t } from "./i18n";
import { autoFrame, initPhoto, openPath, refreshPhoto, saveTo, setCrop, setSpecs, setWhiten, showSpecInfo } from "./photo";
import { fillSelect } from "./specinfo";
import { addPages, cropPage, initScan, mergePages, refreshScan, setScanSpecs } from "./scan";
import { current, initSettings, loadSettings, refreshSettings, saveSettings } from "./settings";
import { cancelAttach, finishAttach, initAttach, refreshAttach, screenShown, startAttach } from "./attach";
import { create as createDraft, current as currentDraft, exportTo, finalize, importFrom, initFiling, openDraft, refreshFiling, setField } from "./filing";
import { initSync, refreshSyncTexts, resolve as resolveConflict, send as sendDrafts, signIn, syncNow } from "./sync";
import { bulkAssessment, importRoster, initUnit, renderUnit, saveUnit, showUnit } from "./unit";
import { mark } from "./hooks";
import { editSpec, exportSpec, importSpec, initSpecs, renderSpecs, validateForm } from "./specs";

let specs: Spec[] = [];
let specsView: SpecsView = { entries: [], problems: [], dir: "" };
let screen = "photo";

function show(name: string) {
  screen = name;
  document.querySelectorAll<HTMLElement>(".tab").forEach((b) => b.classList.toggle("active", b.dataset.screen === name));
  document.querySelectorAll<HTMLElement>(".screen").forEach((s) => s.classList.toggle("active", s.id === `screen-${name}`));
  screenShown(name);
}

function fillAll() {
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

async function main() {
  setLang(getLang());
  document.querySelectorAll<HTMLElement>(".tab").forEach((b) => b.addEventListener("click", () => show(b.dataset.screen!)));
  document.getElementById("lang")!.addEventListener("click", async () => {
    const lang = getLang() === "zh" ? "en" : "zh";
    setLang(lang);
    relabel();
    await saveSettings({ ...current(), lang });
  });
  initPhoto();
  initCheck();
  initBatch();
  initScan();
  initSpecs(specsChanged);
  initSettings(relabel);
  initAttach(show);
  initUnit(() => show("filing"));
  await loadSettings();
  specsChanged(await api.specs());
  defaultOutput();
  await initFiling(startAttach);
  await initSync();
  relabel();
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
    openPath, saveTo, setCrop, setWhiten, autoFrame, checkPath, show, runBatch, addPages, mergePages, cropPage, editSpec, validateForm, importSpec, exportSpec,
    createDraft, openDraft, setField, finalize, currentDraft, exportTo, importFrom, finishAttach, cancelAttach, saveUnit, showUnit, importRoster, bulkAssessment,
    signIn, sendDrafts, syncNow, resolveConflict,
  };
}

void main();
