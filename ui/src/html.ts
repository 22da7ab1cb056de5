// Markup that escapes by default. Screens draw with a tagged template and one helper:
//
//   render(el, html`<li data-id="${d.id}">${d.title}</li>`);
//
// Every value put into an `html` template is escaped (& < > " ' become entities), in text and
// in attribute values alike, unless it is itself the result of `html` (or of `trusted`, for
// constant markup only). Arrays are joined (`${rows.map((r) => html`...`)}`); null, undefined
// and false leave nothing. Attribute values must be quoted ("..."): a frontend test rejects an
// interpolation right after `=`. This file holds the UI's only raw innerHTML writes (a frontend test checks that
// no other file under src/ does), so forgetting to escape something cannot happen elsewhere.

/** Markup made by `html` or `trusted`: the only thing `render` and `replace` accept. */
class Markup {
  readonly #text: string;
  constructor(text: string) {
    this.#text = text;
  }
  get text(): string {
    return this.#text;
  }
  /** Joined into a plain string it stays markup text: put into `html` again it is escaped. */
  toString(): string {
    return this.#text;
  }
}
export type Html = Markup;

const entities: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** A text made safe for HTML text and for a quoted attribute value. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => entities[c]);
}

function part(v: unknown): string {
  if (v instanceof Markup) return v.text;
  if (Array.isArray(v)) return v.map(part).join("");
  if (v === null || v === undefined || v === false) return "";
  return escapeHtml(String(v));
}

/** The tagged template: the literal parts are kept, every value is escaped unless it is markup. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += part(values[i]) + strings[i + 1];
  return new Markup(out);
}

/** Constant markup written in the source (never data): kept as it is. Greppable on purpose. */
export function trusted(constant: string): Html {
  return new Markup(constant);
}

function markupOf(content: Html): string {
  // A string cast to Html (through `any`) is refused rather than written raw.
  if (!(content instanceof Markup)) throw new TypeError("render() takes html`...` markup only");
  return content.text;
}

/** Replaces what `el` holds by `content`. */
export function render(el: Element, content: Html): void {
  el.innerHTML = markupOf(content);
}

/** Replaces `el` itself by `content` (one or more nodes). */
export function replace(el: Element, content: Html): void {
  const t = document.createElement("template");
  t.innerHTML = markupOf(content);
  el.replaceWith(t.content);
}
