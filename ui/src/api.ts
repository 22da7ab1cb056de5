// Typed wrappers over the backend commands.
import { invoke } from "@tauri-apps/api/core";
import { getLang, pick } from "./i18n";

import type { ErrorBody, Msg } from "./bindings/protocol";
export type { Msg };
export interface Rect { x: number; y: number; w: number; h: number }
export interface Rule { id: string; level: "error" | "warning"; passed: boolean; measured: string; expected: string; message: Msg }
export interface Report { spec_id: string; passed: boolean; facts: { width: number; height: number; bytes: number }; rules: Rule[] }
export interface Spec {
  schema: number; id: string; version: number; kind: "photo" | "document"; title: Msg; formats: string[];
  pixels: { rule: "exact" | "min" | "any"; width?: number | null; height?: number | null; export?: [number, number] | null; downscale?: boolean; legible_long_side?: number | null };
  bytes: { min?: number | null; max?: number | null };
  dpi?: number | null; colour: "colour" | "grey" | "either"; background: string[]; upscale: boolean;
  head?: HeadRules | null;
  pages?: { min: number; max: number; layout: "stacked" | "side_by_side"; page_orientation: string } | null;
  provenance: { source: string; region: string; confidence: "confirmed" | "third-party" | "unconfirmed"; date: string; notes?: Msg | null };
}
export interface HeadRules { height: [number, number]; top: [number, number]; centre: number; roll: number }
export interface Face { score: number; x: number; y: number; w: number; h: number; eye_l: [number, number]; eye_r: [number, number]; nose: [number, number]; mouth_l: [number, number]; mouth_r: [number, number] }
/** A head measured on the picture (full-resolution upright pixels). */
export interface Head { face: Face; faces: number; crown: number; chin: number; centre_x: number; eye_y: number; roll: number; crown_from_background: boolean; roll_from_symmetry?: boolean }
export interface Framed { crop: Rect; head: Head }
export interface Whitened { found: [number, number, number]; target: [number, number, number]; replaced: number }
/** How the output is made: the crop, the head found on opening, background replacement. */
export interface PhotoEdits { crop: Rect | null; head: Head | null; whiten: boolean }
export interface SpecEntry { spec: Spec; origin: { origin: "builtin" | "user"; path?: string }; overrides_builtin: boolean }
export interface SpecProblem { file: string; line: number; key?: string | null; detail: Msg }
export interface SpecsView { entries: SpecEntry[]; problems: SpecProblem[]; dir: string }
export interface Settings { lang: "zh" | "en"; outputDir: string | null; threads: number }
export interface SettingsView { settings: Settings; dataDir: string; specsDir: string; logDir: string; portable: boolean; cores: number; problem?: string | null }
/** An open picture; `page` (from 1) when it is a page of a PDF. */
export interface Opened { id: number; name: string; path: string; width: number; height: number; format: string; page?: number | null }
/** Where the paper is in a picture (full-resolution pixels, clockwise from top-left); `whole`:
 * the picture is the page already (a scan). */
export interface Found { corners: [number, number][]; whole: boolean }
/** How a photographed paper is taken by a merge: found by it, kept as photographed, or these
 * corners. */
export type PageMode = "auto" | "off" | { corners: [number, number][] };
export interface Preview { jpeg: string; width: number; height: number; bytes: number; quality: number; chroma: string; crop?: Rect; notes: string[]; report: Report; before?: string | null; background?: Whitened | null; millis: number }
/** What a command fails with: a code to act on, the message in both languages (a plain string
 * from a backend not yet on this contract is still accepted), and details for some codes. */
export type AppError = ErrorBody;

const lang = () => getLang();

export const api = {
  specs: () => invoke<SpecsView>("specs_view"),
  validateSpec: (spec: Spec) => invoke<SpecProblem | null>("specs_validate", { spec }),
  saveSpec: (spec: Spec) => invoke<SpecsView>("specs_save", { spec, lang: lang() }),
  deleteSpec: (id: string) => invoke<SpecsView>("specs_delete", { id, lang: lang() }),
  importSpec: (path: string) => invoke<SpecsView>("specs_import", { path, lang: lang() }),
  exportSpec: (id: string, path: string) => invoke<void>("specs_export", { id, path, lang: lang() }),
  settings: () => invoke<SettingsView>("settings_get"),
  setSettings: (settings: Settings) => invoke<Settings>("settings_set", { settings, lang: lang() }),
  pending: () => invoke<string[]>("app_take_pending"),
  open: (path: string, spec: string) => invoke<Opened>("photo_open", { path, spec, lang: lang() }),
  /** Every page of a file (a PDF's pages; one for a picture). */
  openPages: (path: string, spec: string) => invoke<Opened[]>("scan_open", { path, spec, lang: lang() }),
  rotate: (id: number, turns: number) => invoke<Opened>("photo_rotate", { id, turns, lang: lang() }),
  close: (id: number) => invoke<void>("photo_close", { id }),
  /** Where the paper is in an open picture (`null`: none found). */
  find: (id: number) => invoke<Found | null>("scan_find", { id, lang: lang() }),
  /** The paper between these corners, flattened and cleaned, as JPEG bytes. */
  flat: (id: number, corners: [number, number][], max: number) => invoke<ArrayBuffer>("scan_flat", { id, corners, max, lang: lang() }),
  image: (id: number, max: number) => invoke<ArrayBuffer>("photo_image", { id, max, lang: lang() }),
  frame: (id: number, spec: string) => invoke<Framed>("photo_frame", { id, spec, lang: lang() }),
  preview: (id: number, spec: string, edits: PhotoEdits) => invoke<Preview>("photo_preview", { id, spec, edits, lang: lang() }),
  save: (id: number, spec: string, edits: PhotoEdits, path: string) => invoke<Report>("photo_save", { id, spec, edits, path, lang: lang() }),
  check: (path: string, spec: string) => invoke<Report>("check_file", { path, spec, lang: lang() }),
};

const isMsg = (m: unknown): m is Msg => !!m && typeof m === "object" && typeof (m as Msg).zh === "string" && typeof (m as Msg).en === "string";

/** A message given in both languages, or as one plain string (the same in both). */
export function msgOf(m: unknown): Msg {
  return isMsg(m) ? { zh: m.zh, en: m.en } : { zh: String(m), en: String(m) };
}

/** An error's message in both languages: an AppError's, a thrown Error's, or the value itself. */
export function errMsg(e: unknown): Msg {
  return msgOf(e && typeof e === "object" && "message" in e ? (e as AppError).message : e);
}

/** An error's stable code (`too_small`, `cannot_fit`…), or "" for anything else. */
export function errCode(e: unknown): string {
  return e && typeof e === "object" && "code" in e ? String((e as { code: unknown }).code) : "";
}

/** An error's message in the current language. */
export function errText(e: unknown): string {
  return pick(errMsg(e));
}
