/** Plain-text output helpers for the headless CLI (no Ink): tables, numbers, colour that honours NO_COLOR. */

export function useColor(stream: NodeJS.WriteStream = process.stdout): boolean {
  return Boolean(stream.isTTY) && !('NO_COLOR' in process.env) && process.env['TERM'] !== 'dumb';
}

const CODES = { red: 31, green: 32, yellow: 33, cyan: 36, dim: 2, bold: 1 } as const;
export type Color = keyof typeof CODES;

export function paint(text: string, color: Color, on = useColor()): string {
  return on ? `\u001b[${CODES[color]}m${text}\u001b[0m` : text;
}

export function num(x: number | null | undefined, digits = 4): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '-';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  return Number.isInteger(x) && Math.abs(x) < 1e9 ? String(x) : x.toFixed(digits);
}

/**
 * The width human output must fit: the terminal's; piped or redirected output is not cut at all unless
 * `COLUMNS` names a width (a file or another program reads every character).
 */
export function outputWidth(stream: NodeJS.WriteStream = process.stdout): number {
  const env = Number(process.env['COLUMNS']);
  if (stream.isTTY && stream.columns) return stream.columns;
  return process.env['COLUMNS'] !== undefined && Number.isInteger(env) && env >= 20 ? env : Number.POSITIVE_INFINITY;
}

/** Cuts text to `width` characters, marking the cut with an ellipsis. */
export function truncate(text: string, width: number): string {
  return [...text].length <= width ? text : `${[...text].slice(0, Math.max(0, width - 1)).join('')}…`;
}

const plain = (s: string): string => s.replace(/\u001b\[[0-9;]*m/g, '');
const visible = (s: string): number => [...plain(s)].length;

/** A cell made of figures (`0.7870 ± 0.0123`, `[0.080, 0.121]`, `12.5→3.1%`, a date): it is never cut. */
export function isFigure(cell: string): boolean {
  const s = plain(cell).trim();
  return s === '-' || s === 'inf' || s === '-inf' || (/\d/.test(s) && /^[\d\s.,:;%±+\-−–→<>=≤≥[\]()/×|eE]*$/.test(s));
}

/**
 * Left-aligned text columns, right-aligned numbers; widths from the content, then fitted to `maxWidth`
 * (the terminal's width). A figure is never cut: the widest text columns give way first (their cells end
 * in "…", never below the widest figure they hold), then whole columns are left out from the right, and a
 * last line names them. `--json` output carries the full values.
 */
export function table(header: readonly string[], rows: readonly (readonly string[])[], maxWidth = outputWidth()): string {
  const widths = header.map((h, j) => Math.max(visible(h), ...rows.map((r) => visible(r[j] ?? ''))));
  const numeric = header.map((_, j) => rows.length > 0 && rows.every((r) => /^-?[\d.]+(e[+-]?\d+)?%?$|^-$/.test(r[j] ?? '')));
  const floor = header.map((h, j) => Math.max(6, Math.min(visible(h), 12), ...rows.map((r) => (isFigure(r[j] ?? '') ? visible(r[j]!) : 0))));
  const shown = header.map(() => true);
  const total = (): number => widths.reduce((a, w, j) => a + (shown[j] ? w + 2 : 0), 0) - 2;
  while (total() > maxWidth) {
    let widest = -1;
    for (let j = 0; j < widths.length; j++) if (shown[j] && widths[j]! > floor[j]! && (widest < 0 || widths[j]! > widths[widest]!)) widest = j;
    if (widest < 0) break;
    widths[widest]!--;
  }
  // Still too wide: leave out whole columns, the last first, keeping at least the first two.
  for (let j = header.length - 1; j >= 2 && total() > maxWidth; j--) shown[j] = false;
  const fit = (c: string, j: number): string => (visible(c) > widths[j]! ? truncate(plain(c), widths[j]!) : c);
  const pad = (c: string, j: number): string => {
    const gap = ' '.repeat(Math.max(0, widths[j]! - visible(c)));
    return numeric[j] ? gap + c : c + gap;
  };
  const line = (cells: readonly string[]) => cells.map((c, j) => (shown[j] ? pad(fit(c, j), j) : null)).filter((c) => c !== null).join('  ').trimEnd();
  const lines = [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
  const hidden = header.filter((_, j) => !shown[j]);
  if (hidden.length > 0) lines.push(`(too narrow for ${hidden.join(', ')}: a wider terminal or --json shows them)`);
  return lines.join('\n');
}

const BARS = ' ▁▂▃▄▅▆▇█';
/** A one-line unicode histogram, e.g. `▁▃█▅▂`. */
export function sparkBars(counts: readonly number[]): string {
  const max = Math.max(...counts, 1);
  return counts.map((c) => BARS[Math.round((c / max) * 8)] ?? ' ').join('');
}

export function isoTime(ms: number | null): string {
  return ms === null ? '-' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}
