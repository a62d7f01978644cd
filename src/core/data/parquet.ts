import { UserError } from '../errors.js';
import { polars } from './polars.js';
import type { ColumnSchema, Dataset, FeatureColumn } from './dataset.js';
import type { RawTable } from './formats.js';

/** Writes features (numeric as Float64 with nulls, categorical as Utf8) and the target as 'good'/'bad'. */
export function writeDatasetParquet(ds: Dataset, path: string): void {
  const series = ds.features.map((c) =>
    c.kind === 'numeric'
      ? polars().Series(c.name, Array.from(c.values, (v) => (Number.isNaN(v) ? null : v)), polars().Float64)
      : polars().Series(c.name, c.values as (string | null)[], polars().Utf8),
  );
  series.push(polars().Series(ds.targetName, Array.from(ds.target, (v) => (v === 1 ? 'bad' : 'good')), polars().Utf8));
  polars().DataFrame(series).writeParquet(path, { compression: 'zstd' });
}

export function isParquet(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && bytes[0] === 0x50 && bytes[1] === 0x41 && bytes[2] === 0x52 && bytes[3] === 0x31;
}

/** Reads a Parquet file into a raw table; a corrupt file is a one-line user error. */
export function readParquetRaw(path: string, file = path): RawTable {
  let df: ReturnType<ReturnType<typeof polars>['readParquet']>;
  try {
    df = polars().readParquet(path);
  } catch (e) {
    throw new UserError(`not a readable Parquet file: ${String((e as Error).message).split('\n')[0]}`, { file });
  }
  const header = df.columns;
  const dtypes = df.dtypes.map((d) => (/String|Utf8|Categorical|Bool/.test(String(d)) ? 'str' : 'num') as 'num' | 'str');
  const cells = header.map((h, j) => {
    const arr = df.getColumn(h).toArray() as unknown[];
    return arr.map((v) => (v === null || v === undefined ? null : dtypes[j] === 'str' ? String(v) : typeof v === 'bigint' ? Number(v) : (v as number)));
  });
  // Numbered as the same table written as CSV (header = row 1), the convention of every message (README, "Row numbers").
  return { file, header, cells, rows: df.height, rowLabel: (i) => i + 2, dtypes };
}

/** Loads a processed Parquet file with its recorded schema (roles and level order survive the round trip). */
export function datasetFromParquet(path: string, schema: readonly ColumnSchema[], name: string): Dataset {
  const raw = readParquetRaw(path);
  const col = (n: string) => {
    const j = raw.header.indexOf(n);
    if (j < 0) throw new UserError(`missing column '${n}' in processed data`, { file: path, column: n }, 're-ingest the source');
    return raw.cells[j]!;
  };
  const features: FeatureColumn[] = [];
  let target: Uint8Array | undefined;
  let targetName = '';
  for (const s of schema) {
    const cells = col(s.name);
    if (s.role === 'target') {
      target = Uint8Array.from(cells, (v) => (v === 'bad' ? 1 : 0));
      targetName = s.name;
    } else if (s.role === 'numeric') {
      features.push({ name: s.name, kind: 'numeric', values: Float64Array.from(cells, (v) => (v === null ? NaN : Number(v))) });
    } else {
      features.push({ name: s.name, kind: 'categorical', ordinal: s.role === 'ordinal', values: cells.map((v) => (v === null ? null : String(v))), levels: s.levels ?? [] });
    }
  }
  if (!target) throw new UserError('processed data has no target column', { file: path });
  return { name, features, target, targetName, rows: raw.rows };
}
