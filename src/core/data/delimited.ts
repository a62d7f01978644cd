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

/**
 * Calls `each(line, lineNumber)` for every line `toLines` would give (BOM dropped, LF or CRLF, no trailing
 * empty line) without building the array of lines; `each` returning false stops early.
 */
export function eachLine(text: string, each: (line: string, lineNumber: number) => boolean | void): void {
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let n = 0;
  for (;;) {
    const nl = text.indexOf('\n', pos);
    if (nl < 0) {
      if (pos < text.length) each(text.slice(pos), ++n);
      return;
    }
    const end = nl > pos && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
    if (each(text.slice(pos, end), ++n) === false) return;
    pos = nl + 1;
  }
}

/**
 * The one parse behind `parseDelimited` and `parseDelimitedColumns`: header and delimiter first, then each
 * data row with its 1-based line number; ragged rows are errors naming their line.
 */
function parseRows(
  text: string,
  file: string,
  opts: { delimiter?: Delimiter; header?: readonly string[] },
  onRow: (fields: string[], lineNumber: number) => void,
  onHeader: (header: readonly string[], delimiter: Delimiter) => void,
): void {
  // The lines up to the first non-blank one are all the header and the delimiter need.
  const head: string[] = [];
  eachLine(text, (line) => {
    head.push(line);
    return line.trim().length === 0;
  });
  if (head.length === 0 || head[head.length - 1]!.trim().length === 0) throw new UserError('empty file: no header and no rows', { file });
  const delimiter = opts.delimiter ?? detectDelimiter(head, file);
  let header: readonly string[];
  let start = 1;
  if (opts.header) {
    header = opts.header;
    start = 0;
  } else {
    const h = splitLine(head[0]!, delimiter);
    if (!h) throw new UserError('unterminated quote in header', { file, row: 1 });
    header = h.map((s) => s.trim());
  }
  onHeader(header, delimiter);
  eachLine(text, (line, n) => {
    if (n <= start || line.trim().length === 0) return;
    const fields = splitLine(line, delimiter);
    if (!fields) throw new UserError('unterminated quote', { file, row: n });
    if (fields.length !== header.length) {
      const col = header[Math.min(fields.length, header.length - 1)];
      throw new UserError(
        `expected ${header.length} fields, found ${fields.length}`,
        { file, row: n, ...(col !== undefined ? { column: col } : {}) },
        fields.length === 1 ? hintForOtherDelimiter(line) : undefined,
      );
    }
    onRow(fields, n);
  });
}

/** Parses delimited text with or without a header row; ragged rows are errors naming their line. */
export function parseDelimited(
  text: string,
  file: string,
  opts: { delimiter?: Delimiter; header?: readonly string[] } = {},
): DelimitedTable {
  const rows: string[][] = [];
  const lineNumbers: number[] = [];
  let header: readonly string[] = [];
  let delimiter: Delimiter = ',';
  parseRows(text, file, opts, (fields, n) => {
    rows.push(fields);
    lineNumbers.push(n);
  }, (h, d) => {
    header = h;
    delimiter = d;
  });
  return { header, rows, lineNumbers, delimiter };
}

export interface DelimitedColumns {
  readonly header: readonly string[];
  /** `columns[j][i]`: data row i's field j, as `parseDelimited` splits it. */
  readonly columns: readonly (readonly string[])[];
  readonly lineNumbers: readonly number[];
  readonly rows: number;
  readonly delimiter: Delimiter;
}

/** Distinct values a column shares as one string each; a column with more (an id) keeps its own strings. */
const INTERN_LIMIT = 1 << 16;

/**
 * The same parse as `parseDelimited`, kept column-wise: no array per row, and equal fields of a column share
 * one string (up to INTERN_LIMIT distinct values), so a million-row file costs about 8 bytes per cell.
 */
export function parseDelimitedColumns(
  text: string,
  file: string,
  opts: { delimiter?: Delimiter; header?: readonly string[] } = {},
): DelimitedColumns {
  // Sized once for every line: arrays grown row by row would leave a copy of each column behind per growth.
  let lines = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
  lines++;
  let columns: string[][] = [];
  let seen: (Map<string, string> | null)[] = [];
  const lineNumbers: number[] = new Array(lines);
  let rows = 0;
  let header: readonly string[] = [];
  let delimiter: Delimiter = ',';
  parseRows(text, file, opts, (fields, n) => {
    for (let j = 0; j < fields.length; j++) {
      let f = fields[j]!;
      const m = seen[j];
      if (m) {
        const known = m.get(f);
        if (known !== undefined) f = known;
        else if (m.size < INTERN_LIMIT) m.set(f, f);
        else seen[j] = null;
      }
      columns[j]![rows] = f;
    }
    lineNumbers[rows++] = n;
  }, (h, d) => {
    header = h;
    delimiter = d;
    columns = h.map(() => new Array<string>(lines));
    seen = h.map(() => new Map());
  });
  for (const c of columns) c.length = rows;
  lineNumbers.length = rows;
  return { header, columns, lineNumbers, rows, delimiter };
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
