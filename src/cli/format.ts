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

/** Left-aligned text columns, right-aligned numbers; widths from the content. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => (r[j] ?? '').length)));
  const numeric = header.map((_, j) => rows.length > 0 && rows.every((r) => /^-?[\d.]+(e[+-]?\d+)?%?$|^-$/.test(r[j] ?? '')));
  const line = (cells: readonly string[]) =>
    cells.map((c, j) => (numeric[j] ? c.padStart(widths[j]!) : c.padEnd(widths[j]!))).join('  ').trimEnd();
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
