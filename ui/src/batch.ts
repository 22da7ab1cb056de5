// The batch screen: a folder of staff photos (or scans) to a spec, with live progress through a
// Channel, pause / stop, a summary and report, and retry of the failed ones. The file list is
// virtualised: only visible rows exist, so thousands of files stay smooth.
import { Channel, invoke } from "@tauri-apps/api/core";
import { pickFolder } from "./pick";
import { errText, type Msg } from "./api";
import { getLang, pick, sizeAgainst, t } from "./i18n";
import { html, render, type Html } from "./html";
import { current } from "./settings";
import { $, showMessage } from "./dom";
import { bump } from "./hooks";
import { specById } from "./specinfo";

type ItemStatus = "ok" | "warning" | "failed" | "skipped" | "cancelled";
interface Item { source: string; output?: string; status: ItemStatus; width?: number; height?: number; bytes?: number; quality?: number; code?: string; reasons: Msg[] }
type Event = { event: "started"; data: { total: number } } | { event: "item"; data: { item: Item; done: number } };
interface Result { summary: { total: number; ok: number; warning: number; failed: number; skipped: number; cancelled: number; items: Item[] }; reportCsv: string; reportJson: string; cancelled: boolean }

const ROW = 30;
let items: Item[] = [];
let total = 0;
let input = "";
let output = "";
let running = false;
let paused = false;
let last: Result | null = null;
let frame = 0;
let needFolders = false;

function draw() {
  frame = 0;
  const list = $("batch-list");
  const inner = list.firstElementChild as HTMLElement;
  inner.style.height = `${items.length * ROW}px`;
  const first = Math.max(0, Math.floor(list.scrollTop / ROW) - 5);
  const last = Math.min(items.length, first + Math.ceil(list.clientHeight / ROW) + 10);
  const rows: Html[] = [];
  const limits = specById($<HTMLSelectElement>("batch-spec").value)?.bytes ?? {};
  for (let i = first; i < last; i++) {
    const it = items[i];
    const mark = it.status === "failed" ? "✗" : it.status === "warning" ? "!" : it.status === "ok" ? "✓" : "·";
    const why = it.reasons.map(pick).join("; ");
    const size = html`<span>${it.width ? `${it.width}×${it.height}` : ""}</span><span>${it.bytes ? sizeAgainst(it.bytes, limits) : ""}</span>`;
    // A failed file opens in the tool on a click, to be made by hand.
    const fix = it.status === "failed" && html` data-fix="${i}" title="${t("batch.openFailed")}"`;
    rows.push(html`<div class="vrow ${it.status}" style="top:${i * ROW}px"${fix}><span class="st">${mark}</span><span title="${it.source}">${it.source}</span>${size}<span title="${why}">${t(`status.${it.status}`)} ${why}</span></div>`);
  }
  render(inner, html`${rows}`);
  $("batch-bar").style.width = total ? `${(100 * items.length) / total}%` : "0";
  // Before a run there is nothing to count yet: no "0 / 0".
  $("batch-count").textContent = total ? `${items.length} / ${total}` : "";
}

function schedule() {
  if (!frame) frame = requestAnimationFrame(draw);
}

function buttons() {
  $<HTMLButtonElement>("batch-start").disabled = running;
  $<HTMLButtonElement>("batch-pause").disabled = !running;
  $<HTMLButtonElement>("batch-cancel").disabled = !running;
  $<HTMLButtonElement>("batch-retry").disabled = running || !last || last.summary.failed === 0;
  $<HTMLButtonElement>("batch-report").disabled = running || !last;
  $<HTMLButtonElement>("batch-folder").disabled = running || !last;
  $("batch-pause").textContent = paused ? t("batch.continue") : t("batch.pause");
}

function showSummary(r: Result) {
  const s = r.summary;
  const text = () => t("batch.summary")
    .replace("{total}", String(s.total)).replace("{ok}", String(s.ok)).replace("{warning}", String(s.warning))
    .replace("{failed}", String(s.failed)).replace("{skipped}", String(s.skipped)).replace("{cancelled}", String(s.cancelled))
    .replace("{report}", r.reportCsv);
  showMessage("batch-summary", text, s.failed ? "bad" : "ok");
}

/** The folders chosen (a dialog's, or a test's): the "choose the folders first" message goes
 * once both are there. */
export function setFolders(inDir: string, outDir: string) {
  $("batch-in-path").textContent = input = inDir;
  $("batch-out-path").textContent = output = outDir;
  if (input && output && needFolders) {
    needFolders = false;
    showMessage("batch-summary", "");
  }
}

/** Runs a batch (also the test hook). `only` retries just those sources. */
export async function runBatch(inDir = input, outDir = output, only?: string[]) {
  if (!inDir || !outDir) {
    needFolders = true;
    showMessage("batch-summary", () => t("batch.needFolders"), "bad");
    return;
  }
  // Remember the folders, so retry and the path labels follow this run.
  setFolders(inDir, outDir);
  items = [];
  total = 0;
  running = true;
  paused = false;
  showMessage("batch-summary", "");
  buttons();
  const ch = new Channel<Event>();
  ch.onmessage = (e) => {
    if (e.event === "started") total = e.data.total;
    else items.push(e.data.item);
    schedule();
  };
  try {
    const req = {
      input: inDir, output: outDir, spec: $<HTMLSelectElement>("batch-spec").value,
      template: $<HTMLInputElement>("batch-template").value || "{stem}", resume: $<HTMLInputElement>("batch-resume").checked, only,
      frame: $<HTMLInputElement>("batch-face").checked ? "face" : "centre", whiten: $<HTMLInputElement>("batch-whiten").checked,
    };
    last = await invoke<Result>("batch_start", { req, lang: getLang(), onEvent: ch });
    items = last.summary.items;
    draw();
    showSummary(last);
  } catch (e) {
    showMessage("batch-summary", () => errText(e), "bad");
  } finally {
    running = false;
    buttons();
    if (__TEST_HOOKS__) bump("batchDone");
  }
}

export function initBatch(openIn: (tool: "photo" | "scan", path: string, spec: string) => void) {
  $("batch-list").addEventListener("scroll", schedule);
  $("batch-list").addEventListener("click", (e) => {
    const row = (e.target as HTMLElement).closest<HTMLElement>("[data-fix]");
    const it = row && items[Number(row.dataset.fix)];
    if (!it) return;
    const sep = input.includes("\\") && !input.includes("/") ? "\\" : "/";
    const path = /^([a-zA-Z]:[\\/]|\/|\\\\)/.test(it.source) ? it.source : `${input.replace(/[\\/]+$/, "")}${sep}${it.source}`;
    const spec = $<HTMLSelectElement>("batch-spec").value;
    openIn(specById(spec)?.kind === "document" ? "scan" : "photo", path, spec);
  });
  $("batch-in").addEventListener("click", async () => {
    const d = await pickFolder(false);
    if (typeof d === "string") setFolders(d, output);
  });
  $("batch-out").addEventListener("click", async () => {
    const d = await pickFolder(true);
    if (typeof d === "string") setFolders(input, d);
  });
  $<HTMLSelectElement>("batch-naming").addEventListener("change", (e) => {
    const v = (e.target as HTMLSelectElement).value;
    const tpl = $<HTMLInputElement>("batch-template");
    tpl.hidden = v !== "";
    if (v) tpl.value = v;
    else tpl.focus();
  });
  $("batch-start").addEventListener("click", () => runBatch());
  $("batch-pause").addEventListener("click", async () => {
    paused = !paused;
    await invoke("batch_pause", { paused });
    buttons();
  });
  $("batch-cancel").addEventListener("click", () => invoke("batch_cancel"));
  const openIt = (what: string) => invoke("batch_open", { what, lang: getLang() }).catch((e) => showMessage("batch-summary", () => errText(e), "bad"));
  $("batch-report").addEventListener("click", () => openIt("report"));
  $("batch-folder").addEventListener("click", () => openIt("folder"));
  $("batch-retry").addEventListener("click", () => {
    const failed = last?.summary.items.filter((i) => i.status === "failed").map((i) => i.source) ?? [];
    void runBatch(input, output, failed);
  });
  buttons();
}

/** Starts the output folder at the default one from the settings, unless one was chosen. */
export function defaultOutput() {
  const d = current().outputDir;
  if (d && !output) $("batch-out-path").textContent = output = d;
}

export function refreshBatch() {
  buttons();
  schedule();
  if (last) showSummary(last);
}
