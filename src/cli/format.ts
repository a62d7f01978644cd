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

/** The width human output must fit: the terminal's, else `COLUMNS`, else 80 (pipes, files, CI). */
export function outputWidth(stream: NodeJS.WriteStream = process.stdout): number {
  const env = Number(process.env['COLUMNS']);
  return stream.isTTY && stream.columns ? stream.columns : Number.isInteger(env) && env >= 20 ? env : 80;
}

/** Cuts text to `width` characters, marking the cut with an ellipsis. */
export function truncate(text: string, width: number): string {
  return [...text].length <= width ? text : `${[...text].slice(0, Math.max(0, width - 1)).join('')}…`;
}

const visible = (s: string): number => [...s.replace(/\u001b\[[0-9;]*m/g, '')].length;

/**
 * Left-aligned text columns, right-aligned numbers; widths from the content, then fitted to `maxWidth`
 * (the terminal's width): the widest text columns give way first and their cells end in "…". Numbers are
 * never cut; `--json` output carries the full values.
 */
export function table(header: readonly string[], rows: readonly (readonly string[])[], maxWidth = outputWidth()): string {
  const widths = header.map((h, j) => Math.max(visible(h), ...rows.map((r) => visible(r[j] ?? ''))));
  const numeric = header.map((_, j) => rows.length > 0 && rows.every((r) => /^-?[\d.]+(e[+-]?\d+)?%?$|^-$/.test(r[j] ?? '')));
  const total = (): number => widths.reduce((a, w) => a + w, 0) + 2 * (widths.length - 1);
  const floor = header.map((h) => Math.max(6, Math.min(visible(h), 12)));
  while (total() > maxWidth) {
    let widest = -1;
    for (let j = 0; j < widths.length; j++) if (!numeric[j] && widths[j]! > floor[j]! && (widest < 0 || widths[j]! > widths[widest]!)) widest = j;
    if (widest < 0) break;
    widths[widest]!--;
  }
  const fit = (c: string, j: number): string => (visible(c) > widths[j]! ? truncate(c.replace(/\u001b\[[0-9;]*m/g, ''), widths[j]!) : c);
  const pad = (c: string, j: number): string => {
    const gap = ' '.repeat(Math.max(0, widths[j]! - visible(c)));
    return numeric[j] ? gap + c : c + gap;
  };
  const line = (cells: readonly string[]) => cells.map((c, j) => pad(fit(c, j), j)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
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
