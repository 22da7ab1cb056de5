// The file dialogs. They run in the backend, which remembers what the person picked: a command
// reads or writes only a file or folder chosen this way (or dropped on the window, or given on
// the command line), never a path the page makes up (src-tauri/src/grants.rs).
import { invoke } from "@tauri-apps/api/core";
import { getLang } from "./i18n";

/** What a dialog is for: its file filter. */
export type PickKind = "image" | "any" | "bundle" | "roster" | "spec" | "jpeg" | "table";

/** One file to open, or null when cancelled. */
export async function pickFile(kind: PickKind): Promise<string | null> {
  const picked = await invoke<string[]>("pick_open", { kind, multiple: false, lang: getLang() });
  return picked[0] ?? null;
}

/** Files to open (none when cancelled). */
export function pickFiles(kind: PickKind): Promise<string[]> {
  return invoke<string[]>("pick_open", { kind, multiple: true, lang: getLang() });
}

/** Where to save, starting at `suggested` (a folder and a name), or null when cancelled. */
export function pickSavePath(kind: PickKind, suggested: string): Promise<string | null> {
  return invoke<string | null>("pick_save", { kind, suggested, lang: getLang() });
}

/** A folder: to read from, or (`output`) to write into. Null when cancelled. */
export function pickFolder(output: boolean): Promise<string | null> {
  return invoke<string | null>("pick_folder", { output, lang: getLang() });
}
