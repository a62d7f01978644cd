import { UserError } from '../errors.js';

/** `'whitespace'` splits on runs of spaces/tabs (the UCI `.data`/`.asc` layout). */
export type Delimiter = ',' | ';' | '\t' | '|' | 'whitespace';
const CANDIDATES: readonly Delimiter[] = [',', ';', '\t', '|'];

/** Splits one line into fields, honouring RFC 4180 double quotes. Returns null on an unterminated quote. */
export function splitLine(line: string, delimiter: Delimiter): string[] | null {
  if (delimiter === 'whitespace') {
    const t = line.trim();
    return t.length === 0 ? [] : t.split(/[ \t]+/);
  }
  if (!line.includes('"')) return line.split(delimiter);
  const out: string[] = [];
  let field = '';
  let inQuotes = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (inQuotes) {
      if (ch === '"') {
        if (line[i + 1] === '"') {
          field += '"';
          i++;
        } else inQuotes = false;
      } else field += ch;
    } else if (ch === '"' && field.length === 0) inQuotes = true;
    else if (ch === delimiter) {
      out.push(field);
      field = '';
    } else field += ch;
  }
  if (inQuotes) return null;
  out.push(field);
  return out;
}

/** Removes a UTF-8 byte-order mark and splits on LF or CRLF. */
export function toLines(text: string): string[] {
  const t = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = t.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * Picks the delimiter from the first non-empty line (the header): the candidate giving the most fields.
 * Rows that disagree are reported later as ragged rows, naming their line and the delimiter they seem to use.
 */
export function detectDelimiter(lines: readonly string[], file: string): Delimiter {
  const first = lines.find((l) => l.trim().length > 0) ?? '';
  let best: { d: Delimiter; n: number } | null = null;
  for (const d of CANDIDATES) {
    const n = splitLine(first, d)?.length ?? 0;
    if (n > 1 && (!best || n > best.n)) best = { d, n };
  }
  if (best) return best.d;
  if ((splitLine(first, 'whitespace')?.length ?? 0) > 1) return 'whitespace';
  throw new UserError('could not find a delimiter: the first line is a single field', { file, row: lines.indexOf(first) + 1 }, 'use a comma-, semicolon-, tab- or space-separated file');
}

export function hintForOtherDelimiter(line: string): string | undefined {
  for (const d of CANDIDATES) if ((splitLine(line, d)?.length ?? 0) > 1 && d !== ',') return `the row looks '${d === '\t' ? '\\t' : d}'-separated: wrong delimiter?`;
  return undefined;
}

export interface DelimitedTable {
  readonly header: readonly string[];
  /** Data rows with their 1-based line numbers in the file. */
  readonly rows: readonly (readonly string[])[];
  readonly lineNumbers: readonly number[];
  readonly delimiter: Delimiter;
}

/** Parses delimited text with or without a header row; ragged rows are errors naming their line. */
export function parseDelimited(
  text: string,
  file: string,
  opts: { delimiter?: Delimiter; header?: readonly string[] } = {},
): DelimitedTable {
  const lines = toLines(text);
  if (lines.every((l) => l.trim().length === 0)) throw new UserError('empty file: no header and no rows', { file });
  const delimiter = opts.delimiter ?? detectDelimiter(lines, file);
  let header: readonly string[];
  let start = 0;
  if (opts.header) header = opts.header;
  else {
    const h = splitLine(lines[0]!, delimiter);
    if (!h) throw new UserError('unterminated quote in header', { file, row: 1 });
    header = h.map((s) => s.trim());
    start = 1;
  }
  const rows: string[][] = [];
  const lineNumbers: number[] = [];
  for (let i = start; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim().length === 0) continue;
    const fields = splitLine(line, delimiter);
    if (!fields) throw new UserError('unterminated quote', { file, row: i + 1 });
    if (fields.length !== header.length) {
      const col = header[Math.min(fields.length, header.length - 1)];
      throw new UserError(
        `expected ${header.length} fields, found ${fields.length}`,
        { file, row: i + 1, ...(col !== undefined ? { column: col } : {}) },
        fields.length === 1 ? hintForOtherDelimiter(line) : undefined,
      );
    }
    rows.push(fields);
    lineNumbers.push(i + 1);
  }
  return { header, rows, lineNumbers, delimiter };
}

/** One CSV field, quoted (RFC 4180) only when it must be. */
export function csvCell(s: string): string {
  return s.includes(',') || s.includes('"') || s.includes('\n') || s.includes('\r') ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The delimiter and header of a delimited file from its first bytes (BOM dropped): the first non-blank line,
 * split and trimmed. Readers that stream the rest share this so they agree on both.
 */
export function sniffHeader(headText: string, file: string): { delimiter: Delimiter; header: string[] } {
  const firstLines = headText.split(/\r?\n/).filter((l) => l.trim().length > 0).slice(0, 5);
  if (firstLines.length === 0) throw new UserError('empty file: no header and no rows', { file });
  const delimiter = detectDelimiter(firstLines, file);
  const cells = splitLine(firstLines[0]!, delimiter);
  if (!cells) throw new UserError('unterminated quote in header', { file, row: 1 });
  return { delimiter, header: cells.map((h) => h.trim()) };
}
