// Small DOM helpers shared by the screens.
export const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** Shows (or, with an empty text, hides) a screen's message line. */
export function showMessage(id: string, text: string, kind: "ok" | "bad" | "info" = "info") {
  const m = $(id);
  m.textContent = text;
  m.className = `msg ${kind}`;
  m.hidden = !text;
}
