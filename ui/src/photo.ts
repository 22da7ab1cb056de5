// The ID-photo screen: open, pick a spec, move the crop box, watch the output and checklist,
// save. Previews reuse the decoded picture in the backend and are coalesced while dragging.
import { pickFile, pickSavePath } from "./pick";
import { api, errCode, errText, type Head, type PhotoEdits, type Opened, type Rect, type Spec } from "./api";
import { centred } from "./crop";
import { CropStage } from "./cropstage";
import { Guides } from "./guides";
import { invoke } from "@tauri-apps/api/core";
import { topicFor } from "./help";
import { bytesText, getLang, sizeAgainst, t } from "./i18n";
import { checklist, verdictLine } from "./report";
import { outputName, specLine } from "./specinfo";
import { html, render } from "./html";
import { saveDir } from "./settings";
import { $, showMessage, type Text } from "./dom";
import { bump, mark } from "./hooks";


interface State {
  pic: Opened | null;
  imgUrl: string | null;
  busy: boolean;
  dirty: boolean;
  /** The head found when the picture was framed from its face (null: not found or not asked). */
  head: Head | null;
  whiten: boolean;
  /** Whether the output preview shows what saving would write (save is offered only then). */
  output: boolean;
}
const st: State = { pic: null, imgUrl: null, busy: false, dirty: false, head: null, whiten: false, output: false };
let specs: Spec[] = [];
/** Which failure's message is on show: a preview's, or a background that could not be replaced. */
let failed: false | "preview" | "whiten" = false;
/** Why the last preview with a new background failed, while the photo is tried without one. */
let whitenError: unknown = null;
let stage: CropStage;
let guides: Guides;

function edits(): PhotoEdits {
  return { crop: stage.crop, head: st.head, whiten: st.whiten };
}

function spec(): Spec | undefined {
  return specs.find((s) => s.id === $<HTMLSelectElement>("photo-spec").value);
}

function exportSize(s: Spec): [number, number] {
  const p = s.pixels;
  return p.export ?? [p.width ?? 295, p.height ?? 413];
}

/** The screen's message line; an engine error's carries the link to its help topic. */
function message(text: Text, kind: "ok" | "bad" | "info" = "info", err?: unknown) {
  showMessage("photo-msg", text, kind, err === undefined ? undefined : topicFor(`error:${errCode(err)}`));
}

/** Whether there is an output to save or attach: the save button follows. */
function hasOutput(on: boolean) {
  st.output = on;
  $<HTMLButtonElement>("photo-save").disabled = !on;
  $<HTMLButtonElement>("photo-attach-go").disabled = !on;
}

/** No output: the preview, its facts, checklist and verdict emptied. */
function clearOutput() {
  hasOutput(false);
  $("checklist").replaceChildren();
  $("out-facts").replaceChildren();
  $<HTMLImageElement>("out-img").removeAttribute("src");
  $("out-before").hidden = true;
  $("after-cap").hidden = true;
  verdictLine($("photo-verdict"), null);
}

/** The tool back to its first state, no picture open (a filing's slot opens it so: never on
 * someone else's photo). */
export function resetPhoto() {
  if (st.pic) void api.close(st.pic.id).catch(() => {});
  st.pic = null;
  st.head = null;
  if (st.imgUrl) URL.revokeObjectURL(st.imgUrl);
  st.imgUrl = null;
  stage.clear();
  guides.set(null, null);
  frameInfo("");
  clearOutput();
  failed = false;
  whitenError = null;
  message("");
}

export function setSpecs(list: Spec[]) {
  specs = list.filter((s) => s.kind === "photo");
  showSpecInfo();
}

export function showSpecInfo() {
  const s = spec();
  if (!s) return;
  render($("spec-info"), specLine(s));
}

export async function openPath(path: string) {
  const s = spec();
  if (!s) return;
  failed = false;
  whitenError = null;
  message("");
  try {
    const pic = await api.open(path, s.id);
    if (st.pic) void api.close(st.pic.id).catch(() => {});
    clearOutput();
    st.pic = pic;
    await loadImage();
    await autoFrame();
  } catch (e) {
    message(() => errText(e), "bad", e);
  }
}

async function loadImage() {
  if (!st.pic) return;
  const buf = await api.image(st.pic.id, 1400);
  if (st.imgUrl) URL.revokeObjectURL(st.imgUrl);
  st.imgUrl = URL.createObjectURL(new Blob([buf], { type: "image/jpeg" }));
  await stage.load(st.imgUrl, st.pic.width, st.pic.height);
}

function recentre() {
  const s = spec();
  if (!st.pic || !s) return;
  const [aw, ah] = exportSize(s);
  stage.set(centred(st.pic.width, st.pic.height, aw, ah));
}

/** The framing note under the toolbar (read again in the current language on a redraw). */
let frameNote: { text: () => string; kind: string } = { text: () => "", kind: "" };
function frameInfo(text: Text, kind: "ok" | "bad" | "" = "") {
  frameNote = { text: typeof text === "function" ? text : () => text, kind };
  drawFrameInfo();
}
function drawFrameInfo() {
  const el = $("frame-info");
  el.textContent = frameNote.text();
  el.className = `frame-info ${frameNote.kind}`;
  el.hidden = !el.textContent;
}

/** Frames the picture from its face by the spec's head rules; when that is refused, says why
 * and falls back to the centred box for a manual crop. */
export async function autoFrame() {
  const s = spec();
  if (!st.pic || !s) return;
  st.head = null;
  guides.set(null, null);
  if (!s.head) {
    frameInfo("");
    recentre();
    return;
  }
  try {
    const f = await api.frame(st.pic.id, s.id);
    st.head = f.head;
    guides.set(f.head, s.head);
    const share = Math.round(((f.head.chin - f.head.crown) / f.crop.h) * 100);
    const roll = Math.abs(f.head.roll);
    frameInfo(() => t("photo.framed").replace("{h}", String(share)) + (roll > 2 ? t("photo.levelled").replace("{r}", roll.toFixed(1)) : ""), "ok");
    stage.set(f.crop);
  } catch (e) {
    frameInfo(() => `${t("photo.frameFail")}${errText(e)} ${t("photo.frameManual")}`, "bad");
    recentre();
  }
}

/** Asks for a preview; while one is running, the latest request waits its turn. */
function schedule() {
  if (__TEST_HOOKS__) mark("previewIdle", "");
  if (st.busy) {
    st.dirty = true;
    return;
  }
  void runPreview();
}

async function runPreview() {
  const s = spec();
  if (!st.pic || !s) return;
  st.busy = true;
  st.dirty = false;
  const t0 = performance.now();
  // The picture this preview is of: if another is opened (or the tool is emptied for a slot)
  // meanwhile, what comes back is someone else's and is dropped.
  const pic = st.pic;
  try {
    const p = await api.preview(pic.id, s.id, edits());
    if (st.pic !== pic) return;
    $<HTMLImageElement>("out-img").src = `data:image/jpeg;base64,${p.jpeg}`;
    // Whitening: the same output with its own background beside it.
    $("out-before").hidden = !p.before;
    $("after-cap").hidden = !p.before;
    if (p.before) $<HTMLImageElement>("before-img").src = `data:image/jpeg;base64,${p.before}`;
    const ms = performance.now() - t0;
    const facts = html`<span>${t("facts.pixels")} <b>${p.width}×${p.height}</b></span><span>${t("facts.bytes")} <b title="${bytesText(p.bytes)}">${sizeAgainst(p.bytes, s.bytes)}</b></span><span>${t("facts.quality")} <b>${p.quality}</b></span><span class="tech">${p.chroma}</span>`;
    const took = html`<span class="ms tech" data-ms="${ms.toFixed(1)}">${t("photo.previewMs")} ${ms.toFixed(0)} ms</span>`;
    render($("out-facts"), html`${facts}${took}${p.notes.map((n) => html`<div class="note">${n}</div>`)}`);
    render($("checklist"), checklist(p.report));
    verdictLine($("photo-verdict"), p.report);
    hasOutput(true);
    if (__TEST_HOOKS__) {
      mark("lastPreviewMs", ms.toFixed(1));
      bump("previews");
    }
    if (whitenError) {
      // The photo works without the new background: that was what failed, and why.
      const e = whitenError;
      whitenError = null;
      failed = "whiten";
      message(() => t("photo.whitenFailed") + errText(e), "bad", e);
    } else if (failed === "preview") {
      // A preview that failed before said so: this one worked.
      failed = false;
      message("");
    }
  } catch (e) {
    if (st.pic !== pic) return;
    clearOutput();
    if (st.whiten) {
      // With a new background it failed: tried again without it (unticked); if that works, the
      // background was the cause and is said to be.
      whitenError = e;
      setWhiten(false);
    } else {
      whitenError = null;
      failed = "preview";
      message(() => errText(e), "bad", e);
    }
  } finally {
    st.busy = false;
    if (st.dirty) schedule();
    else if (__TEST_HOOKS__) mark("previewIdle", "1");
  }
}

function minSize(): [number, number] {
  const s = spec();
  if (!s || s.upscale) return [16, 16];
  const [w, h] = exportSize(s);
  return [w, h];
}

async function rotate(turns: number) {
  if (!st.pic) return;
  try {
    const path = st.pic.path;
    const name = st.pic.name;
    st.pic = { ...(await api.rotate(st.pic.id, turns)), path, name };
    await loadImage();
    await autoFrame();
  } catch (e) {
    message(() => errText(e), "bad", e);
  }
}

async function saveAs() {
  const s = spec();
  if (!st.pic || !s || !st.output) return;
  const path = await pickSavePath("jpeg", `${saveDir(st.pic.path)}${outputName(st.pic.name, s.id)}`);
  if (path) await saveTo(path);
}

/** Saves to a path (the dialog's choice, or a test's). */
export async function saveTo(path: string) {
  const s = spec();
  if (!st.pic || !s) return;
  try {
    const r = await api.save(st.pic.id, s.id, edits(), path);
    message(() => `${r.passed ? t("photo.saved") : t("photo.savedFail")}${path}`, r.passed ? "ok" : "bad");
  } catch (e) {
    message(() => errText(e), "bad", e);
  }
}

export function initPhoto() {
  stage = new CropStage($("stage"), { min: minSize, locked: true, onChange: schedule, onDraw: () => guides?.draw() });
  guides = new Guides($("stage"), $("crop"), (x, y) => stage.map(x, y));
  $("photo-open").addEventListener("click", async () => {
    const path = await pickFile("image");
    if (typeof path === "string") await openPath(path);
  });
  $("photo-spec").addEventListener("change", async () => {
    showSpecInfo();
    if (st.pic) await openPath(st.pic.path);
  });
  $("photo-rotl").addEventListener("click", () => rotate(-1));
  $("photo-rotr").addEventListener("click", () => rotate(1));
  $("photo-reset").addEventListener("click", recentre);
  $("photo-auto").addEventListener("click", () => void autoFrame());
  $<HTMLInputElement>("photo-whiten").addEventListener("change", (e) => setWhiten((e.target as HTMLInputElement).checked));
  $<HTMLInputElement>("photo-guides").addEventListener("change", (e) => {
    guides.visible = (e.target as HTMLInputElement).checked;
    guides.draw();
  });
  $("photo-save").addEventListener("click", saveAs);
}

export function refreshPhoto() {
  drawFrameInfo();
  if (st.pic) schedule();
}

/** The arrow keys: the crop box moves a display pixel (ten with Shift). */
export function nudgeCrop(dx: number, dy: number) {
  if (st.pic) stage.nudge(dx, dy);
}

/** For tests and scripts: move the crop box to `r` (full-resolution pixels). */
export function setCrop(r: Rect) {
  if (st.pic) stage.set(r);
}

/** Background replacement on or off (the checkbox, or a test). */
export function setWhiten(on: boolean) {
  st.whiten = on;
  // Tried again: the last failure's message is over.
  if (on && failed === "whiten") {
    failed = false;
    message("");
  }
  $<HTMLInputElement>("photo-whiten").checked = on;
  if (st.pic) schedule();
}

/** Makes the attachment for a filing's slot from the open photo: stored in the drafts store
 * by hash, never pointing to the original. Returns the hash, or null with the reason shown. */
export async function attachPhoto(): Promise<{ hash: string; passed: boolean } | null> {
  const s = spec();
  if (!st.pic || !s) {
    message(() => t("photo.drop"), "info");
    return null;
  }
  try {
    const r = await invoke<{ hash: string; report: { passed: boolean } }>("photo_attach", { id: st.pic.id, spec: s.id, edits: edits(), lang: getLang() });
    return { hash: r.hash, passed: r.report.passed };
  } catch (e) {
    message(() => errText(e), "bad", e);
    return null;
  }
}
