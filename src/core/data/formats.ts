import { UserError } from '../errors.js';
import type { ColumnRole } from '../params/params.js';
import { KAGGLE_COLUMNS, SOUTH_GERMAN_COLUMNS, STATLOG_COLUMNS, type ColumnSpec } from './codebooks.js';
import type { CategoricalColumn, Dataset, FeatureColumn } from './dataset.js';
import { eachLine, parseDelimitedColumns, splitLine, type Delimiter } from './delimited.js';

export type SourceFormat = 'statlog' | 'south-german' | 'kaggle' | 'csv' | 'parquet';

/** A table before typing: column-wise raw cells and, per row, the number a user would look up in the file. */
export interface RawTable {
  readonly file: string;
  readonly header: readonly string[];
  readonly cells: readonly (readonly (string | number | null)[])[];
  /** `rowLabel[i]`: data row i's number in messages, the line an editor shows (CSV; a Parquet file as if written as CSV, header = row 1). */
  readonly rowLabel: (i: number) => number;
  readonly rows: number;
  /** Column storage types where the source has them (Parquet): a string column is never inferred numeric. */
  readonly dtypes?: readonly ('num' | 'str')[];
}

export interface ReadOptions {
  readonly name: string;
  readonly target?: string | null;
  readonly badValue?: string | null;
  readonly roles?: Readonly<Record<string, ColumnRole>>;
  readonly delimiter?: Delimiter;
}

const MISSING = new Set(['', 'NA', 'N/A', 'NaN', 'nan', 'null', 'NULL', '?']);
/** An applicant id column: carried through scoring, never a feature, never compared for drift. */
export const isIdColumn = (name: string): boolean => /^(id|applicant_id)$/i.test(name);

/** Target column names recognised without --target. */
export const KNOWN_TARGETS = ['class', 'credit_risk', 'Risk', 'target', 'default', 'bad'];

export function isMissing(cell: string | number | null | undefined): boolean {
  if (cell === null || cell === undefined) return true;
  if (typeof cell === 'number') return Number.isNaN(cell);
  // Hot path: every missing token is at most 4 characters once trimmed; long unpadded cells skip the trim.
  if (cell.length > 4 && cell.charCodeAt(0) > 32 && cell.charCodeAt(cell.length - 1) > 32) return false;
  return MISSING.has(cell.trim());
}

/** Parses a numeric cell; `undefined` means "not a finite number" (the caller reports where). */
export function parseNumber(cell: string | number): number | undefined {
  if (typeof cell === 'number') return Number.isFinite(cell) ? cell : undefined;
  const t = cell.trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

/** Detects a delimited file's layout from its content (not its name). */
export function detectTextFormat(text: string): Exclude<SourceFormat, 'parquet'> {
  let first = '';
  eachLine(text, (l) => {
    if (l.trim().length === 0) return true;
    first = l;
    return false;
  });
  const ws = splitLine(first, 'whitespace') ?? [];
  if (ws.length === 21 && /^A\d{2,3}$/.test(ws[0] ?? '') && !first.includes(',')) return 'statlog';
  if (ws.includes('credit_risk') && ws.includes('status') && !first.includes(',')) return 'south-german';
  const csv = (splitLine(first, ',') ?? []).map((s) => s.trim());
  if (csv.includes('Risk') && csv.includes('Checking account')) return 'kaggle';
  return 'csv';
}

/** Reads delimited text in any supported layout into a raw table. */
export function rawTableFromText(text: string, file: string, format: Exclude<SourceFormat, 'parquet'>, delimiter?: Delimiter): RawTable {
  const header = format === 'statlog' ? STATLOG_COLUMNS.map((c) => c.name) : undefined;
  const forced: Delimiter | undefined = format === 'statlog' || format === 'south-german' ? 'whitespace' : delimiter;
  const t = parseDelimitedColumns(text, file, { ...(forced ? { delimiter: forced } : {}), ...(header ? { header } : {}) });
  return { file, header: t.header, cells: t.columns, rows: t.rows, rowLabel: (i) => t.lineNumbers[i] ?? i + 1 };
}

/** Types and decodes a raw table into a dataset, using the codebook of a known format. */
export function datasetFromRaw(raw: RawTable, format: SourceFormat, opts: ReadOptions): Dataset {
  const table = dropIndexColumn(raw);
  if (table.rows === 0) throw new UserError('no data rows', { file: table.file });
  switch (format) {
    case 'statlog':
      return fromSpecs(table, STATLOG_COLUMNS, opts);
    case 'south-german':
      return fromSpecs(table, SOUTH_GERMAN_COLUMNS, opts);
    case 'kaggle':
      return fromSpecs(table, KAGGLE_COLUMNS, opts);
    case 'csv':
    case 'parquet':
      return knownSpecsFor(table.header) ? fromSpecs(table, knownSpecsFor(table.header)!, opts) : fromInferred(table, opts);
  }
}

/** A processed file written by ingest carries the same column names as a known format; reuse its codebook. */
export function knownSpecsFor(header: readonly string[]): readonly ColumnSpec[] | undefined {
  for (const specs of [STATLOG_COLUMNS, SOUTH_GERMAN_COLUMNS, KAGGLE_COLUMNS]) {
    if (specs.every((s) => header.includes(s.name))) return specs;
  }
  return undefined;
}

function dropIndexColumn(t: RawTable): RawTable {
  const h0 = t.header[0];
  if (h0 === undefined || !(h0 === '' || /^Unnamed: ?0$/.test(h0) || h0 === '__index_level_0__')) return t;
  return { ...t, header: t.header.slice(1), cells: t.cells.slice(1), ...(t.dtypes ? { dtypes: t.dtypes.slice(1) } : {}) };
}

function columnIndex(t: RawTable, name: string): number {
  const j = t.header.indexOf(name);
  if (j < 0) throw new UserError(`missing column '${name}'`, { file: t.file, column: name }, `the file has: ${t.header.join(', ')}`);
  return j;
}

function checkDuplicateHeaders(t: RawTable): void {
  const seen = new Set<string>();
  for (const h of t.header) {
    if (seen.has(h)) throw new UserError('duplicate column name', { file: t.file, row: 1, column: h });
    seen.add(h);
  }
}

function numericColumn(t: RawTable, j: number, name: string): FeatureColumn {
  const cells = t.cells[j]!;
  const values = new Float64Array(t.rows);
  for (let i = 0; i < t.rows; i++) {
    const c = cells[i];
    if (isMissing(c)) values[i] = NaN;
    else {
      const n = parseNumber(c as string | number);
      if (n === undefined) {
        throw new UserError(`non-numeric value ${JSON.stringify(String(c))} in numeric column`, { file: t.file, row: t.rowLabel(i), column: name });
      }
      values[i] = n;
    }
  }
  return { name, kind: 'numeric', values };
}

function categoricalColumn(t: RawTable, j: number, name: string, ordinal: boolean, codes?: Readonly<Record<string, string>>): CategoricalColumn {
  const cells = t.cells[j]!;
  const labels = codes ? new Set(Object.values(codes)) : undefined;
  const values: (string | null)[] = new Array(t.rows);
  for (let i = 0; i < t.rows; i++) {
    const c = cells[i];
    if (isMissing(c)) {
      values[i] = null;
      continue;
    }
    const s = String(c).trim();
    if (codes) {
      const label = codes[s] ?? (labels!.has(s) ? s : undefined);
      if (label === undefined) {
        throw new UserError(`unknown code ${JSON.stringify(s)}`, { file: t.file, row: t.rowLabel(i), column: name }, `expected one of ${Object.keys(codes).join(', ')}`);
      }
      values[i] = label;
    } else values[i] = s;
  }
  const levels = codes ? Object.values(codes) : [...new Set(values.filter((v): v is string => v !== null))].sort(naturalCompare);
  return { name, kind: 'categorical', ordinal, values, levels };
}

function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

function targetColumn(t: RawTable, j: number, name: string, toBad: (s: string) => 0 | 1 | undefined, expected: string): Uint8Array {
  const cells = t.cells[j]!;
  const y = new Uint8Array(t.rows);
  for (let i = 0; i < t.rows; i++) {
    const c = cells[i];
    if (isMissing(c)) throw new UserError('missing target value', { file: t.file, row: t.rowLabel(i), column: name });
    const v = toBad(String(c).trim());
    if (v === undefined) throw new UserError(`unexpected target value ${JSON.stringify(String(c))}`, { file: t.file, row: t.rowLabel(i), column: name }, `expected ${expected}`);
    y[i] = v;
  }
  return y;
}

function checkBothClasses(y: Uint8Array, file: string, column: string): void {
  let bad = 0;
  for (const v of y) bad += v;
  if (bad === 0 || bad === y.length) {
    throw new UserError(`target has a single class (${bad === 0 ? 'no bad' : 'no good'} rows); need both good and bad`, { file, column });
  }
}

function fromSpecs(t: RawTable, specs: readonly ColumnSpec[], opts: ReadOptions): Dataset {
  checkDuplicateHeaders(t);
  const features: FeatureColumn[] = [];
  let target: Uint8Array | undefined;
  let targetName = '';
  for (const spec of specs) {
    const j = columnIndex(t, spec.name);
    const override = opts.roles?.[spec.name];
    if (override === 'ignore') continue;
    if (spec.role === 'target') {
      const codes = spec.codes ?? { good: 'good', bad: 'bad' };
      const map = new Map<string, 0 | 1>();
      for (const [code, label] of Object.entries(codes)) {
        map.set(code, label === 'bad' ? 1 : 0);
        map.set(label, label === 'bad' ? 1 : 0);
      }
      target = targetColumn(t, j, spec.name, (s) => map.get(s), [...map.keys()].join(', '));
      targetName = spec.name;
      continue;
    }
    const role = override ?? spec.role;
    features.push(role === 'numeric' ? numericColumn(t, j, spec.name) : categoricalColumn(t, j, spec.name, role === 'ordinal', spec.codes));
  }
  checkBothClasses(target!, t.file, targetName);
  return { name: opts.name, features, target: target!, targetName, rows: t.rows };
}

function fromInferred(t: RawTable, opts: ReadOptions): Dataset {
  checkDuplicateHeaders(t);
  t.header.forEach((h, j) => {
    if (h.trim().length === 0) throw new UserError(`column ${j + 1} has an empty name`, { file: t.file, row: 1 });
  });
  const targetName = opts.target ?? KNOWN_TARGETS.find((k) => t.header.includes(k));
  if (!targetName) {
    throw new UserError('no target column found', { file: t.file }, 'pass --target COL --bad VALUE (or set data.target in params.yaml)');
  }
  const tj = columnIndex(t, targetName);
  const distinct = [...new Set(t.cells[tj]!.filter((c) => !isMissing(c)).map((c) => String(c).trim()))].sort(naturalCompare);
  if (distinct.length !== 2) {
    throw new UserError(
      `target has ${distinct.length} distinct value${distinct.length === 1 ? '' : 's'} (${distinct.slice(0, 5).join(', ')}${distinct.length > 5 ? ', ...' : ''}); expected exactly two`,
      { file: t.file, column: targetName },
    );
  }
  const bad = opts.badValue ?? inferBadValue(distinct);
  if (bad === undefined || !distinct.includes(bad)) {
    throw new UserError(
      bad === undefined ? 'cannot tell which target value means bad' : `bad value ${JSON.stringify(bad)} does not occur in the target`,
      { file: t.file, column: targetName },
      `pass --bad VALUE with one of: ${distinct.join(', ')}`,
    );
  }
  const target = targetColumn(t, tj, targetName, (s) => (s === bad ? 1 : distinct.includes(s) ? 0 : undefined), distinct.join(' or '));
  const features: FeatureColumn[] = [];
  t.header.forEach((name, j) => {
    if (j === tj) return;
    const role = opts.roles?.[name] ?? inferRole(t, j, name);
    if (role === 'ignore') return;
    features.push(role === 'numeric' ? numericColumn(t, j, name) : categoricalColumn(t, j, name, role === 'ordinal'));
  });
  if (features.length === 0) throw new UserError('no feature columns besides the target', { file: t.file });
  return { name: opts.name, features, target, targetName, rows: t.rows };
}

function inferBadValue(distinct: readonly string[]): string | undefined {
  for (const b of ['bad', 'Bad', 'BAD', 'yes', 'Yes', 'default', '1', 'true', 'True']) if (distinct.includes(b)) return b;
  return undefined;
}

/**
 * Numeric when every present cell is a number. A column that is almost all numbers (>= 90%) with a few
 * stray words is a typo, not a category: report the first stray cell rather than silently one-hot it.
 */
function inferRole(t: RawTable, j: number, name: string): ColumnRole {
  if (t.dtypes?.[j] === 'str') return 'categorical';
  const cells = t.cells[j]!;
  let present = 0;
  let numeric = 0;
  let firstBad = -1;
  for (let i = 0; i < t.rows; i++) {
    const c = cells[i];
    if (isMissing(c)) continue;
    present++;
    if (parseNumber(c as string | number) !== undefined) numeric++;
    else if (firstBad < 0) firstBad = i;
  }
  if (present > 0 && numeric === present) return 'numeric';
  if (present >= 10 && numeric / present >= 0.9) {
    throw new UserError(
      `non-numeric value ${JSON.stringify(String(cells[firstBad]))} in numeric column`,
      { file: t.file, row: t.rowLabel(firstBad), column: name },
      `set data.roles.${name}: categorical in params.yaml if the column is categorical`,
    );
  }
  return 'categorical';
}
