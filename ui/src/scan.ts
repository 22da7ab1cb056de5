// The scans screen: pages (ID card sides, a diploma's pages) opened, ordered, turned, cropped
// each, merged into one image per the spec, previewed with the checklist, saved. A photographed
// paper's corners are found on opening, drawn on its thumbnail, and can be dragged in a dialog
// with the flattened page beside the photo; the merge takes the corners it is given.
import { invoke } from "@tauri-apps/api/core";
import { topicFor } from "./help";
import { pickFiles, pickSavePath } from "./pick";
import { api, errCode, errText, type Found, type Opened, type PageMode, type Preview, type Rect, type Spec } from "./api";
import { CropStage } from "./cropstage";
import { CornerStage, type Corners } from "./cornerstage";
import { bytesText, getLang, sizeAgainst, t } from "./i18n";
import { html, render } from "./html";
import { checklist, verdictLine } from "./report";
import { outputName, specLine } from "./specinfo";
import { saveDir } from "./settings";
import { $, showMessage, type Text } from "./dom";
import { bump } from "./hooks";

interface Page extends Opened {
  crop: Rect | null;
  thumb: string;
  /** The paper found on opening (or turning): `null` when none. */
  found: Found | null;
  /** How the merge takes the paper: the found (or dragged) corners, as photographed, or found
   * by the merge (a scan, or no paper found). */
  mode: PageMode;
}

let pages: Page[] = [];
let specs: Spec[] = [];
let seq = 0;
let stage: CropStage;
let cropping = -1;
let corners: CornerStage;
/** The open picture whose corners the dialog shows (by id: the list may change meanwhile). */
let cornering = -1;
/** Bumped on every opening and closing of the dialog: what arrives for an older one is dropped. */
let cornersGen = 0;
/** A flattened preview on its way, and the corners to ask for when it is back (at most one
 * request at a time, whatever the drags and held keys send). */
let flatBusy = false;
let flatNext: Corners | null = null;
/** The dialog's photo (a blob URL, revoked when replaced). */
let cornersPhoto = "";
let cropPhoto = "";

const pageIndex = (id: number) => pages.findIndex((p) => p.id === id);
/** Whether the output shows the merged pages (save and attach are offered only then). */
let output = false;
/** Bumped when the tool is emptied: pages being opened for the old set are dropped. */
let resets = 0;
/** The message on show is a merge's failure (the next merge that works clears it). */
let mergeFailed = false;

function spec(): Spec | undefined {
  return specs.find((s) => s.id === $<HTMLSelectElement>("scan-spec").value);
}

/** The screen's message line; an engine error's carries the link to its help topic. */
function message(text: Text, kind: "ok" | "bad" | "info" = "bad", err?: unknown) {
  showMessage("scan-msg", text, kind, err === undefined ? undefined : topicFor(`error:${errCode(err)}`));
}

function hasOutput(on: boolean) {
  output = on;
  $<HTMLButtonElement>("scan-save").disabled = !on;
  $<HTMLButtonElement>("scan-attach-go").disabled = !on;
}

function clearOutput() {
  hasOutput(false);
  $("scan-checklist").replaceChildren();
  $("scan-facts").replaceChildren();
  $<HTMLImageElement>("scan-out").removeAttribute("src");
  verdictLine($("scan-verdict"), null);
}

/** How many pages are in the tool. */
export const scanPages = () => pages.length;

/** No pages: the tool as at first (a filing's slot opens it so, never on someone else's pages). */
export function resetScan() {
  for (const p of pages) {
    void api.close(p.id).catch(() => {});
    URL.revokeObjectURL(p.thumb);
  }
  pages = [];
  seq++;
  resets++;
  mergeFailed = false;
  renderPages();
  clearOutput();
  message("");
}

export function setScanSpecs(list: Spec[]) {
  specs = list.filter((s) => s.kind === "document");
  const s = spec();
  if (s) render($("scan-spec-info"), specLine(s));
}

async function thumb(id: number): Promise<string> {
  try {
    return URL.createObjectURL(new Blob([await api.image(id, 160)], { type: "image/jpeg" }));
  } catch {
    return "";
  }
}

/** A photographed paper (not a scan, no crop by hand): its corners can be shown and moved. */
const isPaper = (p: Page) => !p.crop && !!p.found && !p.found.whole;

/** How a page opens: its paper found, and the merge given those corners (it need not look again). */
async function withPaper(o: Opened): Promise<{ found: Found | null; mode: PageMode }> {
  let found: Found | null = null;
  try {
    found = await api.find(o.id);
  } catch {
    // Not found is not an error: the merge looks again and says so.
  }
  return { found, mode: found && !found.whole ? { corners: found.corners } : "auto" };
}

function renderPages() {
  const button = (act: string, i: number, title: string, mark: string) => html`<button data-act="${act}" data-i="${i}" title="${title}">${mark}</button>`;
  render(
    $("scan-pages"),
    html`${pages.map((p, i) => {
      const size = p.crop ? `${t("scan.cropped")} ${p.crop.w}×${p.crop.h}` : `${p.width}×${p.height}`;
      const page = p.page ? ` · ${t("scan.page").replace("{n}", String(p.page))}` : "";
      const paper = isPaper(p);
      const shown = typeof p.mode === "object" ? p.mode.corners : null;
      const outline = paper && shown ? html`<svg viewBox="0 0 ${p.width} ${p.height}" preserveAspectRatio="xMidYMid meet"><polygon points="${shown.map((c) => c.join(",")).join(" ")}" vector-effect="non-scaling-stroke" /></svg>` : "";
      const mode = paper ? html`<span class="mode">${t(p.mode === "off" ? "scan.asPhoto" : "scan.flattened")}</span>` : "";
      const name = html`<span class="thumbwrap"><img class="thumb" src="${p.thumb}" alt="" />${outline}</span><span class="name" title="${p.path}">${p.name}${page} <small>${size}</small>${mode}</span>`;
      const cornersButton = paper ? button("corners", i, t("scan.corners"), "⌗") : "";
      return html`<li>${name}${cornersButton}${button("crop", i, t("scan.crop"), "✂")}${button("rotl", i, t("photo.rotl"), "⟲")}${button("rotr", i, t("photo.rotr"), "⟳")}${button("up", i, t("scan.up"), "↑")}${button("down", i, t("scan.down"), "↓")}${button("del", i, t("scan.remove"), "✕")}</li>`;
    })}`,
  );
}

/** What the merge is sent for each page. */
const request = () => pages.map((x) => ({ id: x.id, crop: x.crop, page: x.mode }));

/** Merges the pages and shows the result (and saves it when `path` is given). */
export async function mergePages(path?: string): Promise<Preview | null> {
  const s = spec();
  const my = ++seq;
  const merged = () => {
    if (__TEST_HOOKS__) bump("scanMerges");
  };
  if (!s || !pages.length) {
    clearOutput();
    return null;
  }
  $("scan-facts").textContent = t("scan.working");
  try {
    const p = await invoke<Preview>("scan_merge", { pages: request(), spec: s.id, save: path ?? null, lang: getLang() });
    if (my !== seq) return p; // a newer merge is on its way
    $<HTMLImageElement>("scan-out").src = `data:image/jpeg;base64,${p.jpeg}`;
    const facts = html`<span>${t("facts.pixels")} <b>${p.width}×${p.height}</b></span><span>${t("facts.bytes")} <b title="${bytesText(p.bytes)}">${sizeAgainst(p.bytes, s.bytes)}</b></span><span>${t("facts.quality")} <b>${p.quality}</b></span><span class="tech">${p.chroma}</span>`;
    render($("scan-facts"), html`${facts}${p.notes.map((n) => html`<div class="note">${n}</div>`)}`);
    render($("scan-checklist"), checklist(p.report));
    verdictLine($("scan-verdict"), p.report);
    hasOutput(true);
    // A save says where; a plain merge leaves any other message (a page that did not open, the
    // last save) as it is, except a merge failure, which is over now.
    if (path) message(() => `${p.report.passed ? t("photo.saved") : t("photo.savedFail")}${path}`, p.report.passed ? "ok" : "bad");
    else if (mergeFailed) message("");
    mergeFailed = false;
    merged();
    return p;
  } catch (e) {
    if (my === seq) {
      clearOutput();
      mergeFailed = true;
      message(() => errText(e), "bad", e);
    }
    merged();
    return null;
  }
}

/** Adds pages by path (the dialog's choice, a drop, or a test's). */
export async function addPages(paths: string[]) {
  const s = spec();
  if (!s) return;
  message("");
  mergeFailed = false;
  // Emptied meanwhile (a filing's slot opened the tool): the pages still coming are dropped.
  const gen = resets;
  for (const path of paths) {
    try {
      const opened = await api.openPages(path, s.id);
      if (gen !== resets) {
        for (const o of opened) void api.close(o.id).catch(() => {});
        return;
      }
      for (const [k, o] of opened.entries()) {
        // Emptied while the thumbnails were made: the rest of this file is closed, not added.
        if (gen !== resets) {
          for (const rest of opened.slice(k)) void api.close(rest.id).catch(() => {});
          return;
        }
        pages.push({ ...o, crop: null, thumb: await thumb(o.id), ...(await withPaper(o)) });
      }
    } catch (e) {
      if (gen !== resets) return;
      message(() => errText(e), "bad", e);
    }
  }
  renderPages();
  await mergePages();
}

/** Sets (or with `null` clears) a page's crop, in its upright pixels; for tests too. */
export async function cropPage(i: number, r: Rect | null) {
  if (!pages[i]) return;
  pages[i].crop = r;
  renderPages();
  await mergePages();
}

async function openCrop(i: number) {
  const p = pages[i];
  cropping = i;
  const dlg = $<HTMLDialogElement>("page-crop");
  dlg.showModal();
  if (cropPhoto) URL.revokeObjectURL(cropPhoto);
  cropPhoto = URL.createObjectURL(new Blob([await api.image(p.id, 1200)], { type: "image/jpeg" }));
  await stage.load(cropPhoto, p.width, p.height);
  stage.set(p.crop ?? { x: 0, y: 0, w: p.width, h: p.height }, false);
}

/** The flattened page for the dialog's corners: one request at a time, the latest corners
 * asked for when it is back. */
async function showFlat(c: Corners) {
  if (flatBusy) {
    flatNext = c.map((p) => [...p]) as Corners;
    return;
  }
  const gen = cornersGen;
  const id = cornering;
  flatBusy = true;
  try {
    const bytes = await api.flat(id, c, 900);
    if (gen !== cornersGen) return;
    const img = $<HTMLImageElement>("corner-flat");
    if (img.src.startsWith("blob:")) URL.revokeObjectURL(img.src);
    img.src = URL.createObjectURL(new Blob([bytes], { type: "image/jpeg" }));
    if (__TEST_HOOKS__) bump("cornerFlats");
  } catch (e) {
    if (gen === cornersGen) message(() => errText(e), "bad", e);
  } finally {
    flatBusy = false;
    const next = flatNext;
    flatNext = null;
    if (next && gen === cornersGen) void showFlat(next);
  }
}

async function openCorners(i: number) {
  const p = pages[i];
  if (!p.found) return;
  const gen = ++cornersGen;
  cornering = p.id;
  flatNext = null;
  const start = (typeof p.mode === "object" ? p.mode.corners : p.found.corners) as Corners;
  // The corners at once (a click before the photo arrives acts on this page's), the old
  // flattened page gone.
  corners.set(start);
  $<HTMLImageElement>("corner-flat").removeAttribute("src");
  $<HTMLDialogElement>("page-corners").showModal();
  try {
    const bytes = await api.image(p.id, 1200);
    if (gen !== cornersGen) return;
    if (cornersPhoto) URL.revokeObjectURL(cornersPhoto);
    cornersPhoto = URL.createObjectURL(new Blob([bytes], { type: "image/jpeg" }));
    await corners.load(cornersPhoto, p.width, p.height, corners.corners ?? start);
    await showFlat(corners.corners ?? start);
  } catch (e) {
    if (gen !== cornersGen) return;
    $<HTMLDialogElement>("page-corners").close();
    message(() => errText(e), "bad", e);
  }
}

/** Sets how page `i`'s paper is taken (corners, or `off`); for tests too. */
export async function setPageMode(i: number, mode: PageMode) {
  if (!pages[i]) return;
  pages[i].mode = mode;
  renderPages();
  await mergePages();
}

async function act(a: string, i: number) {
  const p = pages[i];
  if (a === "crop") return openCrop(i);
  if (a === "corners") return openCorners(i);
  if (a === "rotl" || a === "rotr") {
    try {
      const o = await api.rotate(p.id, a === "rotl" ? -1 : 1);
      URL.revokeObjectURL(p.thumb);
      // The crop and corners were in the old orientation's pixels: the turned page starts
      // uncropped, its paper found again. Put where the page is now (the list may have changed).
      const turned: Page = { ...o, path: p.path, name: p.name, page: p.page, crop: null, thumb: await thumb(o.id), ...(await withPaper(o)) };
      const at = pageIndex(p.id);
      if (at >= 0) pages[at] = turned;
      else void api.close(o.id).catch(() => {});
    } catch (e) {
      message(() => errText(e), "bad", e);
    }
  } else if (a === "up" && i > 0) [pages[i - 1], pages[i]] = [pages[i], pages[i - 1]];
  else if (a === "down" && i < pages.length - 1) [pages[i + 1], pages[i]] = [pages[i], pages[i + 1]];
  else if (a === "del") {
    await api.close(p.id);
    URL.revokeObjectURL(p.thumb);
    pages.splice(i, 1);
  }
  renderPages();
  await mergePages();
}

export function initScan() {
  stage = new CropStage($("page-stage"), { min: () => [64, 64], locked: false, onChange: () => {} });
  // The merged output larger, on a click; a click (or Esc) closes it.
  $("scan-out").addEventListener("click", () => {
    const src = $<HTMLImageElement>("scan-out").getAttribute("src");
    if (!src) return;
    $("scan-zoom").querySelector("img")!.src = src;
    $<HTMLDialogElement>("scan-zoom").showModal();
  });
  $("scan-zoom").addEventListener("click", () => $<HTMLDialogElement>("scan-zoom").close());
  $("scan-add").addEventListener("click", async () => {
    const picked = await pickFiles("image");
    if (picked.length) await addPages(picked);
  });
  $("scan-pages").addEventListener("click", (e) => {
    const b = (e.target as HTMLElement).closest("button");
    if (b) void act(b.dataset.act!, Number(b.dataset.i));
  });
  $("scan-spec").addEventListener("change", () => {
    setScanSpecs(specs);
    void mergePages();
  });
  $("page-crop-ok").addEventListener("click", () => {
    $<HTMLDialogElement>("page-crop").close();
    const c = stage.crop;
    const p = pages[cropping];
    if (p && c) void cropPage(cropping, c.w >= p.width && c.h >= p.height ? null : c);
  });
  $("page-crop-cancel").addEventListener("click", () => $<HTMLDialogElement>("page-crop").close());
  corners = new CornerStage($("corner-stage"), (c) => void showFlat(c));
  // However it closes (a button, Esc), what is still on its way for it is dropped.
  $("page-corners").addEventListener("close", () => {
    cornersGen++;
    flatNext = null;
  });
  const closeCorners = () => $<HTMLDialogElement>("page-corners").close();
  $("corners-ok").addEventListener("click", () => {
    const c = corners.corners;
    const at = pageIndex(cornering);
    closeCorners();
    if (c && at >= 0) void setPageMode(at, { corners: c.map((p) => [...p] as [number, number]) });
  });
  $("corners-found").addEventListener("click", () => {
    const f = pages[pageIndex(cornering)]?.found;
    if (!f) return;
    corners.set(f.corners as Corners);
    void showFlat(f.corners as Corners);
  });
  $("corners-off").addEventListener("click", () => {
    const at = pageIndex(cornering);
    closeCorners();
    if (at >= 0) void setPageMode(at, "off");
  });
  $("corners-cancel").addEventListener("click", closeCorners);
  $("page-crop-all").addEventListener("click", () => {
    const p = pages[cropping];
    if (p) stage.set({ x: 0, y: 0, w: p.width, h: p.height }, false);
  });
  $("scan-save").addEventListener("click", async () => {
    const s = spec();
    if (!s || !pages.length || !output) return;
    const path = await pickSavePath("jpeg", `${saveDir(pages[0].path)}${outputName(pages[0].name, s.id)}`);
    if (path) await mergePages(path);
  });
}

export function refreshScan() {
  setScanSpecs(specs);
  renderPages();
  if (pages.length) void mergePages();
}

/** Makes the attachment for a filing's slot from the pages (merged to the spec). */
export async function attachScan(): Promise<{ hash: string; passed: boolean } | null> {
  const s = spec();
  if (!s || !pages.length) {
    message(() => t("scan.hint"), "info");
    return null;
  }
  try {
    const r = await invoke<{ hash: string; report: { passed: boolean } }>("scan_attach", { pages: request(), spec: s.id, lang: getLang() });
    return { hash: r.hash, passed: r.report.passed };
  } catch (e) {
    message(() => errText(e), "bad", e);
    return null;
  }
}
