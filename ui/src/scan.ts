// The scans screen: pages (ID card sides, a diploma's pages) opened, ordered, turned, merged into
// one image per the spec, previewed with the checklist, saved.
import { invoke } from "@tauri-apps/api/core";
import { open, save } from "@tauri-apps/plugin-dialog";
import { api, errText, type Opened, type Preview, type Spec } from "./api";
import { getLang, kb, t } from "./i18n";
import { checklist, esc } from "./report";
import { badge, rules } from "./specinfo";
import { $, showMessage } from "./dom";

let pages: Opened[] = [];
let specs: Spec[] = [];
let seq = 0;

function spec(): Spec | undefined {
  return specs.find((s) => s.id === $<HTMLSelectElement>("scan-spec").value);
}

function message(text: string, kind: "ok" | "bad" = "bad") {
  showMessage("scan-msg", text, kind);
}

export function setScanSpecs(list: Spec[]) {
  specs = list.filter((s) => s.kind === "document");
  const s = spec();
  if (s) $("scan-spec-info").innerHTML = `${badge(s)} <b>${rules(s)}</b> <span class="src">[${s.provenance.region}] ${esc(s.provenance.source)}</span>`;
}

function renderPages() {
  $("scan-pages").innerHTML = pages
    .map(
      (p, i) =>
        `<li><span class="name" title="${esc(p.path)}">${esc(p.name)} <small>${p.width}×${p.height}</small></span>` +
        `<button data-act="rotl" data-i="${i}">⟲</button><button data-act="rotr" data-i="${i}">⟳</button>` +
        `<button data-act="up" data-i="${i}" title="${t("scan.up")}">↑</button><button data-act="down" data-i="${i}" title="${t("scan.down")}">↓</button>` +
        `<button data-act="del" data-i="${i}" title="${t("scan.remove")}">✕</button></li>`,
    )
    .join("");
  $<HTMLButtonElement>("scan-save").disabled = pages.length === 0;
}

/** Merges the pages and shows the result (and saves it when `path` is given). */
export async function mergePages(path?: string): Promise<Preview | null> {
  const s = spec();
  const my = ++seq;
  if (!s || !pages.length) {
    $("scan-checklist").innerHTML = "";
    $("scan-facts").innerHTML = "";
    $<HTMLImageElement>("scan-out").removeAttribute("src");
    return null;
  }
  $("scan-facts").textContent = t("scan.working");
  try {
    const p = await invoke<Preview>("scan_merge", { ids: pages.map((x) => x.id), spec: s.id, save: path ?? null, lang: getLang() });
    if (my !== seq) return p; // a newer merge is on its way
    $<HTMLImageElement>("scan-out").src = `data:image/jpeg;base64,${p.jpeg}`;
    $("scan-facts").innerHTML =
      `<span>${t("facts.pixels")} <b>${p.width}×${p.height}</b></span><span>${t("facts.bytes")} <b>${kb(p.bytes)}</b></span>` +
      `<span>${t("facts.quality")} <b>${p.quality}</b> (${p.chroma})</span>` +
      p.notes.map((n) => `<div class="note">${esc(n)}</div>`).join("");
    $("scan-checklist").innerHTML = checklist(p.report);
    message(path ? `${p.report.passed ? t("photo.saved") : t("photo.savedFail")}${path}` : "", p.report.passed ? "ok" : "bad");
    document.body.dataset.scanMerges = String(Number(document.body.dataset.scanMerges ?? 0) + 1);
    return p;
  } catch (e) {
    $("scan-facts").innerHTML = "";
    $("scan-checklist").innerHTML = "";
    message(errText(e));
    document.body.dataset.scanMerges = String(Number(document.body.dataset.scanMerges ?? 0) + 1);
    return null;
  }
}

/** Adds pages by path (the dialog's choice, a drop, or a test's). */
export async function addPages(paths: string[]) {
  const s = spec();
  if (!s) return;
  message("");
  for (const path of paths) {
    try {
      pages.push(await api.open(path, s.id));
    } catch (e) {
      message(errText(e));
    }
  }
  renderPages();
  await mergePages();
}

async function act(a: string, i: number) {
  const p = pages[i];
  if (a === "rotl" || a === "rotr") {
    try {
      pages[i] = { ...(await api.rotate(p.id, a === "rotl" ? -1 : 1)), path: p.path, name: p.name };
    } catch (e) {
      message(errText(e));
    }
  } else if (a === "up" && i > 0) [pages[i - 1], pages[i]] = [pages[i], pages[i - 1]];
  else if (a === "down" && i < pages.length - 1) [pages[i + 1], pages[i]] = [pages[i], pages[i + 1]];
  else if (a === "del") {
    await api.close(p.id);
    pages.splice(i, 1);
  }
  renderPages();
  await mergePages();
}

export function initScan() {
  $("scan-add").addEventListener("click", async () => {
    const picked = await open({ multiple: true, filters: [{ name: "Images", extensions: ["jpg", "jpeg", "png", "webp", "tif", "tiff", "bmp", "gif"] }] });
    if (Array.isArray(picked)) await addPages(picked);
    else if (typeof picked === "string") await addPages([picked]);
  });
  $("scan-pages").addEventListener("click", (e) => {
    const b = (e.target as HTMLElement).closest("button");
    if (b) void act(b.dataset.act!, Number(b.dataset.i));
  });
  $("scan-spec").addEventListener("change", () => {
    setScanSpecs(specs);
    void mergePages();
  });
  $("scan-save").addEventListener("click", async () => {
    const s = spec();
    if (!s || !pages.length) return;
    const first = pages[0];
    const dir = first.path.slice(0, Math.max(first.path.lastIndexOf("/"), first.path.lastIndexOf("\\")) + 1);
    const path = await save({ defaultPath: `${dir}${s.id}.jpg`, filters: [{ name: "JPEG", extensions: ["jpg", "jpeg"] }] });
    if (path) await mergePages(path);
  });
}

export function refreshScan() {
  setScanSpecs(specs);
  renderPages();
  if (pages.length) void mergePages();
}
