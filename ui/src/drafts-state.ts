// The drafts as every screen sees them, in one place: the list (the drafts store's rows) and the
// draft open in the editor. Whoever learns that drafts changed updates it here: sync.ts when the
// background worker or a command of its own changed some, the filing and unit screens after
// theirs. The screens subscribe and redraw from it (filing.ts draws the list and the editor, the
// unit screen its staff's drafts). This module reads the drafts store and touches no page.
import { filingApi, type Checked, type Row } from "./filing-api";

/** What changed: the list, or the draft open in the editor. */
export type Change = "list" | "open";
type Listener = (change: Change) => void | Promise<void>;

let rows: Row[] = [];
let open: Checked | null = null;
const listeners: Listener[] = [];

/** The editor's unsaved work: a save in flight, and a change made meanwhile waiting for it
 * (set by the editor; while either holds, nothing replaces the open draft from outside). */
export const editing = { saving: false, dirty: false };

/** The list's rows, newest first. */
export const listed = (): Row[] => rows;
/** The draft open in the editor, as the store last answered for it. */
export const opened = (): Checked | null => open;
/** Whether the open draft has changes not saved yet. */
export const busy = (): boolean => editing.saving || editing.dirty;

/** Calls `listener` after every change; the changes' callers wait for it. */
export function subscribe(listener: Listener) {
  listeners.push(listener);
}

async function notify(change: Change) {
  for (const l of listeners) await l(change);
}

/** Reads the list again from the drafts store; every subscriber has redrawn when it returns. */
export async function loadList() {
  rows = await filingApi.list();
  await notify("list");
}

/** The draft open in the editor is now `c` (or none): the editor redraws it from scratch. */
export async function setOpen(c: Checked | null) {
  open = c;
  await notify("open");
}

/** Opens a draft as the drafts store has it. */
export async function loadOpen(id: string) {
  await setOpen(await filingApi.get(id));
}

/** The store's answer to the editor's own save: kept, with no redraw (the editor draws what
 * changed itself, leaving the fields being typed in alone). */
export function keepOpen(c: Checked) {
  open = c;
}

/** Drafts changed elsewhere (the sync worker, a send, a resolved conflict): the list again, and
 * the open draft if it is among them and not being edited. */
export async function changed(ids: string[]) {
  await loadList();
  if (open && ids.includes(open.draft.id) && !busy()) await loadOpen(open.draft.id);
}
