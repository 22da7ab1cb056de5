// Small DOM helpers shared by the screens.
import { t } from "./i18n";

export const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** A message's text: a function is read again in the current language on every redraw. */
export type Text = string | (() => string);
type Kind = "ok" | "bad" | "info";
/** The messages on show, by element: redrawn when the language changes. */
const shown = new Map<string, { text: () => string; kind: Kind; topic?: string }>();

function draw(id: string) {
  const m = $(id);
  const s = shown.get(id);
  m.textContent = s ? s.text() : "";
  // “怎么办？”: the help topic of what went wrong (help.ts opens any [data-topic] clicked).
  if (s?.topic) {
    const a = document.createElement("a");
    a.href = "#";
    a.className = "help-link";
    a.dataset.topic = s.topic;
    a.textContent = t("help.how");
    m.append(" ", a);
  }
  m.className = `msg ${s?.kind ?? "info"}`;
  m.hidden = !s;
}

/** Shows (or, with an empty text, hides) a screen's message line; `topic` adds a link to the
 * help topic that says what to do. */
export function showMessage(id: string, text: Text, kind: Kind = "info", topic?: string) {
  const f = typeof text === "function" ? text : () => text;
  if (f()) shown.set(id, { text: f, kind, topic });
  else shown.delete(id);
  draw(id);
}

/** Every message on show, again in the current language. */
export function relabelMessages() {
  for (const id of [...shown.keys()]) draw(id);
}
