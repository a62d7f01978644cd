import { KAGGLE_COLUMNS, SOUTH_GERMAN_COLUMNS, STATLOG_COLUMNS, type ColumnSpec } from '../data/codebooks.js';
import { isIdColumn, isMissing, parseNumber, type RawTable, type SourceFormat } from '../data/formats.js';
import { UserError } from '../errors.js';
import { Rng } from '../random.js';

/** Ways to make a drifted copy of a dataset for demos and tests. */
export type Shift =
  | { readonly kind: 'scale'; readonly column: string; readonly factor: number }
  | { readonly kind: 'offset'; readonly column: string; readonly delta: number }
  | { readonly kind: 'reweight'; readonly column: string; readonly level: string; readonly factor: number }
  | { readonly kind: 'blank'; readonly column: string; readonly share: number };

/** One column of a table being shifted: numbers, or text as it will be written (codes decoded). */
export type ShiftColumn =
  | { readonly name: string; readonly kind: 'numeric'; readonly values: Float64Array }
  | { readonly name: string; readonly kind: 'text'; readonly values: readonly (string | null)[] };

/**
 * Every column of the input in file order: ids, targets and columns no model knows are kept, so a
 * shifted batch of applicants still joins to its outcomes and scores like the original.
 */
export interface ShiftTable {
  readonly columns: readonly ShiftColumn[];
  readonly rows: number;
}

function specsFor(format: SourceFormat, header: readonly string[]): readonly ColumnSpec[] {
  if (format === 'statlog') return STATLOG_COLUMNS;
  if (format === 'south-german') return SOUTH_GERMAN_COLUMNS;
  if (format === 'kaggle') return KAGGLE_COLUMNS;
  // A scoring input has a known format's features but no target column: its codes are decoded all the same.
  for (const specs of [STATLOG_COLUMNS, SOUTH_GERMAN_COLUMNS, KAGGLE_COLUMNS]) {
    if (specs.every((s) => s.role === 'target' || header.includes(s.name))) return specs;
  }
  return [];
}

/**
 * Types a raw table for shifting without asking for a target: columns of a known codebook are decoded and
 * typed by it, an id column stays text (leading zeros survive), any other column is numeric when every
 * present cell is a number.
 */
export function shiftTableFromRaw(raw: RawTable, format: SourceFormat): ShiftTable {
  const specs = specsFor(format, raw.header);
  const columns = raw.header.map((name, j): ShiftColumn => {
    const cells = raw.cells[j]!;
    const spec = specs.find((s) => s.name === name);
    const numeric = spec
      ? spec.role === 'numeric'
      : !isIdColumn(name) && raw.dtypes?.[j] !== 'str' && cells.some((c) => !isMissing(c)) && cells.every((c) => isMissing(c) || parseNumber(c as string | number) !== undefined);
    if (numeric) {
      return {
        name, kind: 'numeric', values: Float64Array.from(cells, (c, i) => {
          if (isMissing(c)) return NaN;
          const n = parseNumber(c as string | number);
          if (n === undefined) throw new UserError(`non-numeric value ${JSON.stringify(String(c))} in numeric column`, { file: raw.file, row: raw.rowLabel(i), column: name });
          return n;
        }),
      };
    }
    const codes = spec?.codes;
    return { name, kind: 'text', values: cells.map((c) => (isMissing(c) ? null : codes?.[String(c).trim()] ?? String(c).trim())) };
  });
  return { columns, rows: raw.rows };
}

function column(t: ShiftTable, name: string): ShiftColumn {
  const c = t.columns.find((f) => f.name === name);
  if (!c) throw new UserError(`no column '${name}'`, { column: name }, `columns: ${t.columns.map((f) => f.name).join(', ')}`);
  return c;
}

/**
 * Applies shifts in order, seeded. `reweight` resamples rows (with replacement, same row count; every
 * column moves with its row) so rows with the level are `factor` times as likely; `blank` empties a share
 * of a column's cells. Columns no shift names are copied unchanged.
 */
export function shiftTable(table: ShiftTable, shifts: readonly Shift[], seed: number): ShiftTable {
  let out = table;
  const rng = Rng.derive(seed, 'shift');
  const replace = (c: ShiftColumn, next: ShiftColumn): ShiftTable => ({ ...out, columns: out.columns.map((f) => (f === c ? next : f)) });
  for (const s of shifts) {
    const c = column(out, s.column);
    switch (s.kind) {
      case 'scale':
      case 'offset': {
        if (c.kind !== 'numeric') throw new UserError(`'${s.kind}' needs a numeric column`, { column: s.column });
        const values = c.values.map((v) => (s.kind === 'scale' ? v * s.factor : v + s.delta));
        out = replace(c, { ...c, values });
        break;
      }
      case 'blank': {
        const n = out.rows;
        const k = Math.round(n * s.share);
        const idx = rng.shuffle(Array.from({ length: n }, (_, i) => i)).slice(0, k);
        if (c.kind === 'numeric') {
          const values = Float64Array.from(c.values);
          for (const i of idx) values[i] = NaN;
          out = replace(c, { ...c, values });
        } else {
          const values = [...c.values];
          for (const i of idx) values[i] = null;
          out = replace(c, { ...c, values });
        }
        break;
      }
      case 'reweight': {
        if (c.kind !== 'text') throw new UserError("'reweight' needs a categorical column", { column: s.column });
        if (!c.values.includes(s.level)) throw new UserError(`level ${JSON.stringify(s.level)} does not occur`, { column: s.column });
        const w = c.values.map((v) => (v === s.level ? s.factor : 1));
        const cum: number[] = [];
        w.reduce((a, b, i) => (cum[i] = a + b), 0);
        const total = cum[cum.length - 1]!;
        const pick = Array.from({ length: out.rows }, () => {
          const u = rng.next() * total;
          let lo = 0;
          let hi = cum.length - 1;
          while (lo < hi) {
            const mid = (lo + hi) >> 1;
            if (cum[mid]! > u) hi = mid;
            else lo = mid + 1;
          }
          return lo;
        });
        out = {
          ...out,
          columns: out.columns.map((f): ShiftColumn => (f.kind === 'numeric' ? { ...f, values: Float64Array.from(pick, (i) => f.values[i]!) } : { ...f, values: pick.map((i) => f.values[i] ?? null) })),
        };
        break;
      }
    }
  }
  return out;
}

/** Parses `col=1.2` style flags into shifts. */
export function parseShift(kind: Shift['kind'], spec: string): Shift {
  const i = spec.indexOf('=');
  const col = spec.slice(0, i);
  const val = spec.slice(i + 1);
  const bad = (): never => {
    throw new UserError(`invalid --${kind} ${JSON.stringify(spec)}`, {}, kind === 'reweight' ? 'use COLUMN=LEVEL:FACTOR' : `use COLUMN=${kind === 'blank' ? 'SHARE' : 'NUMBER'}`);
  };
  if (i <= 0) bad();
  if (kind === 'reweight') {
    const j = val.lastIndexOf(':');
    const f = Number(val.slice(j + 1));
    if (j <= 0 || !(f >= 0) || !Number.isFinite(f)) bad();
    return { kind, column: col, level: val.slice(0, j), factor: f };
  }
  const n = Number(val);
  if (!Number.isFinite(n) || val.trim() === '') bad();
  if (kind === 'blank') {
    if (n < 0 || n > 1) bad();
    return { kind, column: col, share: n };
  }
  return kind === 'scale' ? { kind, column: col, factor: n } : { kind, column: col, delta: n };
}
