// The ID-photo screen: open, pick a spec, move the crop box, watch the output and checklist,
// save. Previews reuse the decoded picture in the backend and are coalesced while dragging.
import { open, save } from "@tauri-apps/plugin-dialog";
import { api, errText, type Opened, type Rect, type Spec } from "./api";
import { centred, clamp, resizeTo, zoom } from "./crop";
import { kb, t } from "./i18n";
import { checklist } from "./report";
import { badge, rules } from "./specinfo";
import { $, showMessage } from "./dom";


interface State {
  pic: Opened | null;
  crop: Rect | null;
  imgUrl: string | null;
  busy: boolean;
  dirty: boolean;
}
const st: State = { pic: null, crop: null, imgUrl: null, busy: false, dirty: false };
let specs: Spec[] = [];

function spec(): Spec | undefined {
  return specs.find((s) => s.id === $<HTMLSelectElement>("photo-spec").value);
}

function exportSize(s: Spec): [number, number] {
  const p = s.pixels;
  return p.export ?? [p.width ?? 295, p.height ?? 413];
}

function message(text: string, kind: "ok" | "bad" | "info" = "info") {
  showMessage("photo-msg", text, kind);
}

export function setSpecs(list: Spec[]) {
  specs = list.filter((s) => s.kind === "photo");
  showSpecInfo();
}

export function showSpecInfo() {
  const s = spec();
  if (!s) return;
  $("spec-info").innerHTML = `${badge(s)} <b>${rules(s)}</b> <span class="src">[${s.provenance.region}] ${s.provenance.source}</span>`;
}

export async function openPath(path: string) {
  const s = spec();
  if (!s) return;
  message("");
  try {
    const pic = await api.open(path, s.id);
    if (st.pic) api.close(st.pic.id);
    st.pic = pic;
    await loadImage();
    recentre();
  } catch (e) {
    message(errText(e), "bad");
  }
}

async function loadImage() {
  if (!st.pic) return;
  const buf = await api.image(st.pic.id, 1400);
  if (st.imgUrl) URL.revokeObjectURL(st.imgUrl);
  st.imgUrl = URL.createObjectURL(new Blob([buf], { type: "image/jpeg" }));
  const img = $<HTMLImageElement>("stage-img");
  await new Promise<void>((ok) => {
    img.onload = () => ok();
    img.src = st.imgUrl!;
  });
  $("stage").classList.remove("empty");
  $("crop").hidden = false;
  $<HTMLButtonElement>("photo-save").disabled = false;
}

function recentre() {
  const s = spec();
  if (!st.pic || !s) return;
  const [aw, ah] = exportSize(s);
  st.crop = centred(st.pic.width, st.pic.height, aw, ah);
  draw();
  schedule();
}

/** Display pixels per full-resolution pixel. */
function scale(): number {
  const img = $<HTMLImageElement>("stage-img");
  return st.pic ? img.clientWidth / st.pic.width : 1;
}

function draw() {
  if (!st.crop) return;
  const img = $<HTMLImageElement>("stage-img");
  const k = scale();
  const [l, tp, w, h] = [img.offsetLeft + st.crop.x * k, img.offsetTop + st.crop.y * k, st.crop.w * k, st.crop.h * k];
  const box = $("crop");
  Object.assign(box.style, { left: `${l}px`, top: `${tp}px`, width: `${w}px`, height: `${h}px` });
  // Dim what the crop leaves out: four panels over the picture around the box.
  const [il, it, iw, ih] = [img.offsetLeft, img.offsetTop, img.clientWidth, img.clientHeight];
  const panels: [number, number, number, number][] = [
    [il, it, iw, tp - it],
    [il, tp + h, iw, it + ih - tp - h],
    [il, tp, l - il, h],
    [l + w, tp, il + iw - l - w, h],
  ];
  document.querySelectorAll<HTMLElement>("#stage .dim").forEach((d, i) => {
    const [x, y, pw, ph] = panels[i];
    Object.assign(d.style, { left: `${x}px`, top: `${y}px`, width: `${Math.max(0, pw)}px`, height: `${Math.max(0, ph)}px` });
    d.hidden = false;
  });
}

/** Asks for a preview; while one is running, the latest request waits its turn. */
function schedule() {
  document.body.dataset.previewIdle = "";
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
  try {
    const p = await api.preview(st.pic.id, s.id, st.crop);
    $<HTMLImageElement>("out-img").src = `data:image/jpeg;base64,${p.jpeg}`;
    const ms = performance.now() - t0;
    $("out-facts").innerHTML =
      `<span>${t("facts.pixels")} <b>${p.width}×${p.height}</b></span>` +
      `<span>${t("facts.bytes")} <b>${kb(p.bytes)}</b></span>` +
      `<span>${t("facts.quality")} <b>${p.quality}</b> (${p.chroma})</span>` +
      `<span class="ms" data-ms="${ms.toFixed(1)}">${t("photo.previewMs")} ${ms.toFixed(0)} ms</span>` +
      p.notes.map((n) => `<div class="note">${n}</div>`).join("");
    $("checklist").innerHTML = checklist(p.report);
    document.body.dataset.lastPreviewMs = ms.toFixed(1);
    document.body.dataset.previews = String(Number(document.body.dataset.previews ?? 0) + 1);
    message("");
  } catch (e) {
    $("checklist").innerHTML = "";
    $("out-facts").innerHTML = "";
    $<HTMLImageElement>("out-img").removeAttribute("src");
    message(errText(e), "bad");
  } finally {
    st.busy = false;
    if (st.dirty) schedule();
    else document.body.dataset.previewIdle = "1";
  }
}

function minSize(): [number, number] {
  const s = spec();
  if (!s || s.upscale) return [16, 16];
  const [w, h] = exportSize(s);
  return [w, h];
}

function bindCrop() {
  const box = $("crop");
  let mode: "move" | "resize" | null = null;
  let start = { x: 0, y: 0, crop: null as Rect | null };
  box.addEventListener("pointerdown", (e) => {
    if (!st.crop) return;
    mode = (e.target as HTMLElement).classList.contains("handle") ? "resize" : "move";
    start = { x: e.clientX, y: e.clientY, crop: { ...st.crop } };
    box.setPointerCapture(e.pointerId);
    e.preventDefault();
  });
  box.addEventListener("pointermove", (e) => {
    if (!mode || !st.pic || !start.crop) return;
    const k = scale();
    const dx = (e.clientX - start.x) / k;
    const dy = (e.clientY - start.y) / k;
    const [mw, mh] = minSize();
    st.crop =
      mode === "move"
        ? clamp({ ...start.crop, x: start.crop.x + dx, y: start.crop.y + dy }, st.pic.width, st.pic.height)
        : resizeTo(start.crop, start.crop.w + dx, st.pic.width, st.pic.height, mw, mh);
    draw();
    schedule();
  });
  const end = () => (mode = null);
  box.addEventListener("pointerup", end);
  box.addEventListener("pointercancel", end);
  $("stage").addEventListener(
    "wheel",
    (e) => {
      if (!st.crop || !st.pic) return;
      e.preventDefault();
      const [mw, mh] = minSize();
      st.crop = zoom(st.crop, e.deltaY > 0 ? 1.06 : 1 / 1.06, st.pic.width, st.pic.height, mw, mh);
      draw();
      schedule();
    },
    { passive: false },
  );
  window.addEventListener("resize", draw);
}

async function rotate(turns: number) {
  if (!st.pic) return;
  try {
    const path = st.pic.path;
    const name = st.pic.name;
    st.pic = { ...(await api.rotate(st.pic.id, turns)), path, name };
    await loadImage();
    recentre();
  } catch (e) {
    message(errText(e), "bad");
  }
}

async function saveAs() {
  const s = spec();
  if (!st.pic || !s) return;
  const stem = st.pic.name.replace(/\.[^.]+$/, "");
  const dir = st.pic.path.slice(0, Math.max(st.pic.path.lastIndexOf("/"), st.pic.path.lastIndexOf("\\")) + 1);
  const path = await save({ defaultPath: `${dir}${stem}_${s.id}.jpg`, filters: [{ name: "JPEG", extensions: ["jpg", "jpeg"] }] });
  if (path) await saveTo(path);
}

/** Saves to a path (the dialog's choice, or a test's). */
export async function saveTo(path: string) {
  const s = spec();
  if (!st.pic || !s) return;
  try {
    const r = await api.save(st.pic.id, s.id, st.crop, path);
    message(`${r.passed ? t("photo.saved") : t("photo.savedFail")}${path}`, r.passed ? "ok" : "bad");
  } catch (e) {
    message(errText(e), "bad");
  }
}

export function initPhoto() {
  bindCrop();
  $("photo-open").addEventListener("click", async () => {
    const path = await open({ multiple: false, filters: [{ name: "Images", extensions: ["jpg", "jpeg", "png", "webp", "tif", "tiff", "bmp", "gif"] }] });
    if (typeof path === "string") await openPath(path);
  });
  $("photo-spec").addEventListener("change", async () => {
    showSpecInfo();
    if (st.pic) await openPath(st.pic.path);
  });
  $("photo-rotl").addEventListener("click", () => rotate(-1));
  $("photo-rotr").addEventListener("click", () => rotate(1));
  $("photo-reset").addEventListener("click", recentre);
  $("photo-save").addEventListener("click", saveAs);
}

export function refreshPhoto() {
  if (st.pic) schedule();
}

/** For tests and scripts: move the crop box to `r` (full-resolution pixels). */
export function setCrop(r: Rect) {
  if (!st.pic) return;
  st.crop = clamp(r, st.pic.width, st.pic.height);
  draw();
  schedule();
}
