// The filing screen's message line. A notice belongs to one draft at one moment: it goes when
// another draft is opened, at the next edit and at the next action on the draft (which may say
// its own); it is redrawn in the current language (its text is read again on every redraw).
import { showMessage, type Text } from "./dom";
import { opened } from "./drafts-state";

let owner: { draft: string | null } | null = null;

/** Shows `text` for the draft open now (or for the screen, when none is). */
export function notice(text: Text, kind: "ok" | "bad" | "info" = "info") {
  const cur = opened();
  owner = { draft: cur?.draft.id ?? null };
  showMessage("filing-msg", text, kind);
}

/** The notice goes if another draft is open now (or always: at an edit or an action). */
export function noticeCheck(now = false) {
  if (!owner) return;
  const cur = opened();
  if (now || (cur?.draft.id ?? null) !== owner.draft) {
    owner = null;
    showMessage("filing-msg", "");
  }
}
