// Small DOM helpers shared by the screens.
export const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** A message's text: a function is read again in the current language on every redraw. */
export type Text = string | (() => string);
type Kind = "ok" | "bad" | "info";
/** The messages on show, by element: redrawn when the language changes. */
const shown = new Map<string, { text: () => string; kind: Kind }>();

function draw(id: string) {
  const m = $(id);
  const s = shown.get(id);
  m.textContent = s ? s.text() : "";
  m.className = `msg ${s?.kind ?? "info"}`;
  m.hidden = !s;
}

/** Shows (or, with an empty text, hides) a screen's message line. */
export function showMessage(id: string, text: Text, kind: Kind = "info") {
  const f = typeof text === "function" ? text : () => text;
  if (f()) shown.set(id, { text: f, kind });
  else shown.delete(id);
  draw(id);
}

/** Every message on show, again in the current language. */
export function relabelMessages() {
  for (const id of [...shown.keys()]) draw(id);
}
