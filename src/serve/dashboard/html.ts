/**
 * The one escaping rule of the dashboard: markup is built with the `html` tagged template, which escapes
 * every interpolated value unless it is already `Html` (the result of another `html` call). A data-derived
 * name (a dataset, column, run or level) can therefore only reach the page as text.
 */

/** Markup that is already safe: produced by `html`, never by concatenating strings. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const SPECIAL = /[&<>"']/;
const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text as HTML text or attribute value (quotes too, so it is safe inside either). */
export function escapeHtml(text: string): string {
  // Most values (numbers, ids, plain names) need nothing: test before building a new string.
  return SPECIAL.test(text) ? text.replace(/[&<>"']/g, (c) => ENTITIES[c]!) : text;
}

/** What may be interpolated: text and numbers are escaped, Html is kept, arrays are joined, null/false vanish. */
export type Interpolation = Html | string | number | boolean | null | undefined | readonly Interpolation[];

function render(v: Interpolation): string {
  if (v === null || v === undefined || v === false) return '';
  if (v instanceof Html) return v.text;
  if (Array.isArray(v)) return (v as readonly Interpolation[]).map(render).join('');
  return escapeHtml(String(v));
}

/** The tagged template: `html\`<td>${name}</td>\`` escapes `name`. */
export function html(strings: TemplateStringsArray, ...values: readonly Interpolation[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
  return new Html(out);
}

/** A URL query string from pairs, each part encoded (then escaped again by `html` where it lands). */
export function query(pairs: Readonly<Record<string, string | number | undefined>>): string {
  const parts = Object.entries(pairs).filter((e): e is [string, string | number] => e[1] !== undefined && e[1] !== '').map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  return parts.length ? `?${parts.join('&')}` : '';
}
