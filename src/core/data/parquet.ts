import { UserError } from '../errors.js';
import { polars } from './polars.js';
import type { ColumnSchema, Dataset, FeatureColumn } from './dataset.js';
import type { RawTable } from './formats.js';

/**
 * A text column as polars builds it from its distinct values and each row's index among them (null as the
 * last one): the same Utf8 series as one made from the JS strings, without handing polars a string per row.
 * `index` is scratch space of one slot per row, shared by the columns.
 */
function textSeries(name: string, values: ArrayLike<string | null>, index: number[]): ReturnType<ReturnType<typeof polars>['Series']> {
  const distinct = new Map<string | null, number>();
  for (let i = 0; i < values.length; i++) {
    const v = values[i] ?? null;
    let k = distinct.get(v);
    if (k === undefined) distinct.set(v, (k = distinct.size));
    index[i] = k;
  }
  return polars().Series(name, [...distinct.keys()], polars().Utf8).gather(index);
}

function hasNaN(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) if (values[i] !== values[i]) return true;
  return false;
}

/** Writes features (numeric as Float64 with nulls, categorical as Utf8) and the target as 'good'/'bad'. */
export function writeDatasetParquet(ds: Dataset, path: string): void {
  const pl = polars();
  const index = new Array<number>(ds.rows).fill(0);
  const series = ds.features.map((c) => (c.kind === 'numeric' ? pl.Series(c.name, c.values) : textSeries(c.name, c.values, index)));
  for (let i = 0; i < ds.rows; i++) index[i] = ds.target[i] === 1 ? 1 : 0;
  series.push(pl.Series(ds.targetName, ['good', 'bad'], pl.Utf8).gather(index));
  // NaN marks a missing number in memory, null in the file.
  const nanToNull = ds.features.filter((c) => c.kind === 'numeric' && hasNaN(c.values)).map((c) => pl.when(pl.col(c.name).isNan()).then(pl.lit(null)).otherwise(pl.col(c.name)).alias(c.name));
  const df = pl.DataFrame(series);
  (nanToNull.length > 0 ? df.withColumns(...nanToNull) : df).writeParquet(path, { compression: 'zstd' });
}

export function isParquet(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && bytes[0] === 0x50 && bytes[1] === 0x41 && bytes[2] === 0x52 && bytes[3] === 0x31;
}

type PolarsFrame = ReturnType<ReturnType<typeof polars>['readParquet']>;
type PolarsSeries = ReturnType<PolarsFrame['getColumn']>;

function readFrame(path: string, file: string): PolarsFrame {
  try {
    return polars().readParquet(path);
  } catch (e) {
    throw new UserError(`not a readable Parquet file: ${String((e as Error).message).split('\n')[0]}`, { file });
  }
}

const isTextType = (s: PolarsSeries): boolean => /String|Utf8|Categorical|Bool/.test(String(s.dtype));

/** Rows per slice a column crosses into JavaScript: a slice's values die young instead of a million at once. */
const SLICE_ROWS = 1 << 16;

/**
 * Calls `each(i, cell)` for every row of a column, the cell as a raw table holds it: null, a string (text
 * columns; equal strings share one, up to 65,536 distinct) or a number (bigint as Number).
 */
function eachCell(s: PolarsSeries, each: (i: number, cell: string | number | null) => void): void {
  const text = isTextType(s);
  let seen: Map<string, string> | null = text ? new Map() : null;
  const n = s.length;
  for (let o = 0; o < n; o += SLICE_ROWS) {
    const vals = s.slice(o, Math.min(SLICE_ROWS, n - o)).toArray() as unknown[];
    for (let k = 0; k < vals.length; k++) {
      const v = vals[k];
      if (v === null || v === undefined) each(o + k, null);
      else if (!text) each(o + k, typeof v === 'bigint' ? Number(v) : (v as number));
      else {
        let str = String(v);
        if (seen) {
          const known = seen.get(str);
          if (known !== undefined) str = known;
          else if (seen.size < 1 << 16) seen.set(str, str);
          else seen = null;
        }
        each(o + k, str);
      }
    }
  }
}

/** Reads a Parquet file into a raw table; a corrupt file is a one-line user error. */
export function readParquetRaw(path: string, file = path): RawTable {
  const df = readFrame(path, file);
  const header = df.columns;
  const dtypes = header.map((h) => (isTextType(df.getColumn(h)) ? 'str' : 'num') as 'num' | 'str');
  const cells = header.map((h) => {
    const out: (string | number | null)[] = new Array(df.height);
    eachCell(df.getColumn(h), (i, v) => (out[i] = v));
    return out;
  });
  // Numbered as the same table written as CSV (header = row 1), the convention of every message (README, "Row numbers").
  return { file, header, cells, rows: df.height, rowLabel: (i) => i + 2, dtypes };
}

/**
 * `readParquetRaw`, one column at a time through a lazy scan, calling `between()` after each so that the
 * caller can let V8 free the column's native memory (nodejs-polars frees it only when its wrapper is
 * collected): a million-row file then holds one decoded column, not the whole frame. Any failure is left
 * to `readParquetRaw`, so errors read as they always did.
 */
export async function readParquetRawByColumn(path: string, file: string, between: () => Promise<void>): Promise<RawTable> {
  const pl = polars();
  let header: string[];
  let rows: number;
  const cells: (string | number | null)[][] = [];
  const dtypes: ('num' | 'str')[] = [];
  try {
    header = pl.scanParquet(path).columns;
    rows = Number(pl.scanParquet(path).select(pl.len()).collectSync().getColumn('len').toArray()[0] ?? 0);
    for (const h of header) {
      const s = pl.scanParquet(path).select(h).collectSync().getColumn(h);
      const out: (string | number | null)[] = new Array(rows);
      eachCell(s, (i, v) => (out[i] = v));
      if (s.length !== rows) throw new Error(`column ${h} has ${s.length} rows, not ${rows}`);
      cells.push(out);
      dtypes.push(isTextType(s) ? 'str' : 'num');
      await between();
    }
  } catch {
    return readParquetRaw(path, file);
  }
  return { file, header, cells, rows, rowLabel: (i) => i + 2, dtypes };
}

/**
 * Loads a processed Parquet file with its recorded schema (roles and level order survive the round trip).
 * Column by column, straight into typed columns: no table of raw cells.
 */
export function datasetFromParquet(path: string, schema: readonly ColumnSchema[], name: string): Dataset {
  const df = readFrame(path, path);
  const rows = df.height;
  const col = (n: string): PolarsSeries => {
    if (!df.columns.includes(n)) throw new UserError(`missing column '${n}' in processed data`, { file: path, column: n }, 're-ingest the source');
    return df.getColumn(n);
  };
  const features: FeatureColumn[] = [];
  let target: Uint8Array | undefined;
  let targetName = '';
  for (const s of schema) {
    const series = col(s.name);
    if (s.role === 'target') {
      const t = new Uint8Array(rows);
      eachCell(series, (i, v) => (t[i] = v === 'bad' ? 1 : 0));
      target = t;
      targetName = s.name;
    } else if (s.role === 'numeric') {
      const values = new Float64Array(rows);
      eachCell(series, (i, v) => (values[i] = v === null ? NaN : Number(v)));
      features.push({ name: s.name, kind: 'numeric', values });
    } else {
      const values: (string | null)[] = new Array(rows);
      eachCell(series, (i, v) => (values[i] = v === null ? null : String(v)));
      features.push({ name: s.name, kind: 'categorical', ordinal: s.role === 'ordinal', values, levels: s.levels ?? [] });
    }
  }
  if (!target) throw new UserError('processed data has no target column', { file: path });
  return { name, features, target, targetName, rows };
}
