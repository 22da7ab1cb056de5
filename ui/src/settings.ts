// Settings: language, default output folder, threads; where the app keeps its data. Saved by
// the backend in the data folder (beside the program in portable mode).
import { invoke } from "@tauri-apps/api/core";
import { pickFolder } from "./pick";
import { api, errText, type Settings, type SettingsView } from "./api";
import { getLang, setLang, t, type Key } from "./i18n";
import { $, showMessage } from "./dom";
import { html, render } from "./html";

let view: SettingsView | null = null;

export function current(): Settings {
  return view?.settings ?? { lang: getLang(), outputDir: null, threads: 0 };
}

/** The folder a save dialog starts in: the default output folder, else the source's. */
export function saveDir(source: string): string {
  const out = current().outputDir;
  if (out) return out.endsWith("/") || out.endsWith("\\") ? out : `${out}${out.includes("\\") ? "\\" : "/"}`;
  return source.slice(0, Math.max(source.lastIndexOf("/"), source.lastIndexOf("\\")) + 1);
}

/** Loads the saved settings and applies the language (before anything is drawn). */
export async function loadSettings() {
  try {
    view = await api.settings();
    setLang(view.settings.lang);
    const problem = view.problem;
    if (problem) showMessage("settings-msg", () => `${t("settings.unreadable")} ${problem}`, "bad");
  } catch {
    view = null;
  }
  draw();
}

function draw() {
  const s = current();
  $<HTMLSelectElement>("set-lang").value = s.lang;
  $("set-out").textContent = s.outputDir ?? t("settings.besideSource");
  $<HTMLButtonElement>("set-out-clear").disabled = !s.outputDir;
  $<HTMLInputElement>("set-threads").value = String(s.threads);
  $("set-threads-hint").textContent = t("settings.threadsHint").replace("{n}", String(view?.cores ?? "?"));
  const rows: [Key, string, string][] = view
    ? [
        ["settings.mode", view.portable ? t("settings.portable") : t("settings.installed"), ""],
        ["settings.dataDir", view.dataDir, "data"],
        ["settings.specsDir", view.specsDir, "specs"],
        ["settings.logDir", view.logDir, "logs"],
      ]
    : [];
  const openBtn = (dir: string) => dir && html` <button type="button" data-open-dir="${dir}">${t("settings.openDir")}</button>`;
  render($("set-where"), html`${rows.map(([k, v, dir]) => html`<dt>${t(k)}</dt><dd>${dir ? html`<code>${v}</code>` : v}${openBtn(dir)}</dd>`)}`);
}

/** Saves new settings; on error the old ones stay and the reason is shown. */
export async function saveSettings(next: Settings): Promise<boolean> {
  try {
    const saved = await api.setSettings(next);
    if (view) view.settings = saved;
    else view = { settings: saved, dataDir: "", specsDir: "", logDir: "", portable: false, cores: 0 };
    return true;
  } catch (e) {
    showMessage("settings-msg", () => errText(e), "bad");
    return false;
  }
}

export function initSettings(onLang: () => void) {
  $("set-where").addEventListener("click", (e) => {
    const dir = (e.target as HTMLElement).dataset.openDir;
    if (dir) void invoke("settings_open_dir", { which: dir }).catch((err) => showMessage("settings-msg", () => errText(err), "bad"));
  });
  $("set-out-pick").addEventListener("click", async () => {
    const d = await pickFolder(true);
    if (typeof d === "string" && (await saveSettings({ ...current(), outputDir: d }))) done();
  });
  $("set-out-clear").addEventListener("click", async () => {
    if (await saveSettings({ ...current(), outputDir: null })) done();
  });
  $("set-lang").addEventListener("change", async () => {
    const lang = $<HTMLSelectElement>("set-lang").value as Settings["lang"];
    if (await saveSettings({ ...current(), lang })) {
      setLang(lang);
      onLang();
      done();
    }
  });
  $("set-threads").addEventListener("change", async () => {
    const n = Number($<HTMLInputElement>("set-threads").value);
    if (!Number.isInteger(n) || n < 0 || n > 256) {
      showMessage("settings-msg", () => t("settings.badThreads"), "bad");
      return;
    }
    if (await saveSettings({ ...current(), threads: n })) done();
  });
}

function done() {
  draw();
  showMessage("settings-msg", () => t("settings.saved"), "ok");
}

export function refreshSettings() {
  draw();
}
