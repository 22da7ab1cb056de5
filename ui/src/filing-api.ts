// The drafts store's commands (filing_*) and what they answer: the forms, drafts, the list's
// rows, a person's standing, bundles. Shared by the filing and unit screens and the drafts state.
import { invoke } from "@tauri-apps/api/core";
import type { Msg } from "./api";
import { getLang } from "./i18n";

export interface Choice { code: string; zh: string; en: string }
export interface Division { code: string; name: string; children?: Division[] }
export interface Field {
  id: string; label: Msg; type: string; required: boolean; choices?: string | null; max_len?: number | null; parent?: string | null;
  min?: number | null; max?: number | null; spec?: string | null; past: boolean; fixed: boolean; help?: Msg | null;
}
export interface Section { id: string; title: Msg; help?: Msg | null; repeat?: { min: number; max: number } | null; fields: Field[] }
export interface Form { id: string; version: number; title: Msg; help?: Msg | null; by: "person" | "unit" | "either"; person?: { name: string; id_number: string } | null; sections: Section[] }
export interface Problem { path: string; code: string; message: Msg }
export type Values = Record<string, unknown>;
/** Where a draft is on its way to the online system (the drafts store's states). */
import type { DraftState } from "./bindings/app";
export type { DraftState };
export interface Draft { id: string; form: string; title: string; state: DraftState; reason?: string | null; data: Values; revision: number; updated: number; person?: string | null; unit?: string | null; origin?: Values | null }
export interface Checked { draft: Draft; problems: Problem[] }
export interface Row { id: string; form: string; title: string; state: DraftState; state_name: Msg; reason?: string | null; updated: number; problems: number; unit?: string | null; person?: string | null }
export interface Standing { id_number: string; name: string; year: number; status: string; status_name: Msg; missing?: Msg | null; good_to?: number | null; server_good_to?: number | null; obligations: { code: string; message: Msg }[]; years_of_work?: number | null; years_at_least?: boolean; later_history?: { year: number; in_post: boolean | null; unit: string | null }[]; counted: number }
export interface Imported { id: string; title: string; outcome: string; outcome_name: Msg }
export interface LastRun { crashed: boolean; changed: string[] }

const lang = () => getLang();
export const filingApi = {
  forms: () => invoke<{ forms: Form[]; choices: Record<string, { source: string; items: Choice[] }>; divisions: Division[] }>("filing_forms"),
  list: () => invoke<Row[]>("filing_list", { lang: lang() }),
  create: (form: string, data: Values, unit: string | null) => invoke<Checked>("filing_create", { form, data, unit, lang: lang() }),
  get: (id: string) => invoke<Checked>("filing_get", { id, lang: lang() }),
  save: (id: string, data: Values) => invoke<Checked>("filing_save", { id, data, lang: lang() }),
  finalize: (id: string) => invoke<Checked>("filing_finalize", { id, lang: lang() }),
  reopen: (id: string) => invoke<Checked>("filing_reopen", { id, lang: lang() }),
  remove: (id: string) => invoke<void>("filing_delete", { id, lang: lang() }),
  change: (id: string) => invoke<Checked>("filing_change", { id, lang: lang() }),
  standing: (idNumber: string) => invoke<Standing>("filing_standing", { idNumber, lang: lang() }),
  setBaseline: (idNumber: string, year: number | null) => invoke<Standing>("filing_set_baseline", { idNumber, year }),
  exportTo: (ids: string[], path: string) => invoke<{ drafts: number; files: number; path: string }>("filing_export", { ids, path, lang: lang() }),
  importFrom: (path: string) => invoke<Imported[]>("filing_import", { path, lang: lang() }),
  lastRun: () => invoke<LastRun | null>("filing_last_run"),
  attachment: (hash: string) => invoke<ArrayBuffer>("filing_attachment", { hash, lang: lang() }),
};
