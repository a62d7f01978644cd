import { createHash } from 'node:crypto';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import type { Dataset } from '../core/data/dataset.js';
import { datasetFromRaw, detectTextFormat, isIdColumn, isMissing, KNOWN_TARGETS, knownSpecsFor, parseNumber, rawTableFromText, type RawTable } from '../core/data/formats.js';
import { readHead } from '../core/data/line-stream.js';
import { isParquet, readParquetRawByColumn } from '../core/data/parquet.js';
import { polars } from '../core/data/polars.js';
import type { DriftColumn } from '../core/drift/compare.js';
import { runsOf } from '../core/drift/runs.js';
import { UserError } from '../core/errors.js';
import { streamDriftTable } from './drift-stream.js';
import { releaseNativeMemory } from './native-memory.js';
import { inputFile } from './project.js';

// One side of a drift comparison read into drift columns. Kept apart from drift.ts (models, scoring) so a
// worker thread that reads one file loads only this.

/** Delimited files at least this large are streamed, never read whole (override: CREDIT_TUI_STREAM_CSV_BYTES). */
const streamCsvBytes = (): number => Number(process.env['CREDIT_TUI_STREAM_CSV_BYTES'] ?? 32 * 1024 * 1024);

type LazyFrame = ReturnType<ReturnType<typeof polars>['scanParquet']>;


/** A file reduced to drift columns, plus the raw cells (for prediction drift) where cheap to keep. */
export interface DriftTable {
  readonly file: string;
  readonly columns: readonly DriftColumn[];
  readonly target: string | null;
  readonly rows: number;
  readonly sha256: string;
  /** How the file was read: `in memory`, `lazily (Parquet)`, or `streamed` with the columns that spilled to disk. */
  readonly read: string;
  /** Header and column-wise cells, for scoring both files with a model. */
  readonly raw: RawTable | null;
  /** Releases temp files of a streamed table. */
  readonly close?: () => void;
}

function sha256File(path: string): Promise<string> {
  return new Promise((res, rej) => {
    const h = createHash('sha256');
    createReadStream(path).on('data', (c) => h.update(c)).on('end', () => res(h.digest('hex'))).on('error', rej);
  });
}

function fromDataset(ds: Dataset, includeTarget: boolean): DriftColumn[] {
  const cols: DriftColumn[] = ds.features.map((c) => {
    if (c.kind === 'numeric') {
      const present = c.values.filter((v) => !Number.isNaN(v)).sort();
      return { name: c.name, kind: 'numeric', sample: runsOf(present), missing: c.values.length - present.length, total: c.values.length };
    }
    const counts = new Map<string, number>();
    let missing = 0;
    for (const v of c.values) v === null ? missing++ : counts.set(v, (counts.get(v) ?? 0) + 1);
    return { name: c.name, kind: 'categorical', counts, missing, total: c.values.length };
  });
  if (includeTarget) {
    let bad = 0;
    for (const v of ds.target) bad += v;
    cols.push({ name: ds.targetName, kind: 'categorical', counts: new Map([['bad', bad], ['good', ds.rows - bad]]), missing: 0, total: ds.rows });
  }
  return cols;
}

/** Types columns without needing a target: numeric when every present cell is a number, else categorical. */
function fromRaw(t: RawTable, skip: string | null): DriftColumn[] {
  const out: DriftColumn[] = [];
  t.header.forEach((name, j) => {
    if (name === skip || isIdColumn(name) || name === '' || /^Unnamed: ?0$/.test(name) || name === '__index_level_0__') return;
    const cells = t.cells[j]!;
    const numeric = t.dtypes ? t.dtypes[j] === 'num' : cells.every((c) => isMissing(c) || parseNumber(c as string | number) !== undefined);
    let missing = 0;
    if (numeric) {
      const vals: number[] = [];
      for (const c of cells) {
        if (isMissing(c)) missing++;
        else vals.push(parseNumber(c as string | number)!);
      }
      out.push({ name, kind: 'numeric', sample: runsOf(Float64Array.from(vals).sort()), missing, total: cells.length });
    } else {
      const counts = new Map<string, number>();
      for (const c of cells) {
        if (isMissing(c)) missing++;
        else counts.set(String(c).trim(), (counts.get(String(c).trim()) ?? 0) + 1);
      }
      out.push({ name, kind: 'categorical', counts, missing, total: cells.length });
    }
  });
  return out;
}

/** The array without NaNs, in place order. A loop: TypedArray#filter took 0.3 s per 1M-row column here. */
function withoutNaN(a: Float64Array): Float64Array {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === a[i]) a[n++] = a[i]!;
  return n === a.length ? a : a.subarray(0, n);
}

/**
 * Parquet side, reduced inside polars: sorting, null counts and category counts run in Rust, and only
 * sorted numbers and counts cross into JavaScript (a million-row file never becomes JS objects).
 */
async function lazyDriftTable(scan: () => LazyFrame, kind: string, file: string, sha: string, opts: { target?: string | null; includeTarget?: boolean; requireTarget?: boolean }): Promise<DriftTable> {
  // One column at a time through a lazy scan keeps peak memory near one column, not the whole file.
  let names: string[];
  let height: number;
  try {
    names = scan().columns;
    height = Number(scan().select(polars().len()).collectSync().getColumn('len').toArray()[0] ?? 0);
  } catch (e) {
    throw new UserError(`not a readable ${kind} file: ${String((e as Error).message).split('\n')[0]}`, { file });
  }
  if (height === 0) throw new UserError('no data rows', { file });
  const target = opts.target ?? KNOWN_TARGETS.find((k) => names.includes(k)) ?? null;
  if (opts.requireTarget && opts.target && !names.includes(opts.target)) throw new UserError(`missing target column '${opts.target}'`, { file, column: opts.target });
  const columns: DriftColumn[] = [];
  const df = { height };
  // Files in a known layout are decoded with its codebook, exactly as the in-memory path does.
  const specs = knownSpecsFor(names);
  for (const name of names) {
    if ((name === target && !opts.includeTarget) || isIdColumn(name) || name === '__index_level_0__' || name === '' || /^Unnamed: ?0$/.test(name)) continue;
    const spec = specs?.find((c) => c.name === name);
    let s: ReturnType<ReturnType<LazyFrame['collectSync']>['getColumn']>;
    try {
      s = scan().select(name).collectSync().getColumn(name);
    } catch (e) {
      throw new UserError(`cannot read column: ${String((e as Error).message).split('\n')[0]}`, { file, column: name });
    }
    const text = spec ? spec.role !== 'numeric' : /String|Utf8|Categorical|Bool/.test(String(s.dtype));
    if (text) {
      const counts = new Map<string, number>();
      let missing = 0;
      for (const r of s.cast(polars().Utf8).valueCounts().toRecords() as Record<string, unknown>[]) {
        const v = r[name];
        const n = Number(r['count'] ?? r['counts']);
        if (v === null || v === undefined) missing += n;
        else {
          const token = String(v).trim();
          const label = spec?.codes?.[token] ?? token;
          counts.set(label, (counts.get(label) ?? 0) + n);
        }
      }
      columns.push({ name, kind: 'categorical', counts, missing, total: df.height });
    } else {
      const present = s.cast(polars().Float64).dropNulls();
      const sorted = withoutNaN(present.sort().toTypedArray() as Float64Array);
      columns.push({ name, kind: 'numeric', sample: runsOf(sorted), missing: df.height - sorted.length, total: df.height });
    }
    await releaseNativeMemory();
  }
  return { file, columns, target, rows: df.height, sha256: sha, read: 'column by column (Parquet)', raw: null };
}

/** Reads one side of a drift comparison: Parquet or any text layout `ingest` understands. */
export interface DriftLoadOptions {
  readonly target?: string | null;
  readonly includeTarget?: boolean;
  readonly requireTarget?: boolean;
  readonly keepRaw?: boolean;
}

export async function loadDriftTable(file: string, opts: DriftLoadOptions): Promise<DriftTable> {
  const path = inputFile(file);
  const bytes = readHead(path);
  if (bytes.length === 0) throw new UserError('empty file (0 bytes)', { file });
  let raw: RawTable;
  let sha: string;
  if (isParquet(bytes)) {
    sha = await sha256File(path);
    if (!opts.keepRaw) return lazyDriftTable(() => polars().scanParquet(path), 'Parquet', file, sha, opts);
    raw = await readParquetRawByColumn(path, file, releaseNativeMemory);
  } else {
    const headText = bytes.toString('utf8').replace(/^\ufeff/, '');
    if (!opts.keepRaw && statSync(path).size >= streamCsvBytes() && detectTextFormat(headText) === 'csv') {
      // A large delimited file is never held in memory: one pass reduces it to per-column token counts.
      const t = await streamDriftTable(path, file, opts);
      const read = t.spilled.length > 0 ? `streamed; spilled to disk: ${t.spilled.join(', ')}` : 'streamed';
      return { file, columns: t.columns, target: t.target, rows: t.rows, sha256: t.sha256, read, raw: null, close: t.close };
    }
    sha = await sha256File(path);
    const text = readFileSync(path, 'utf8');
    if (text.includes('\u0000')) throw new UserError('binary content: not a CSV, UCI text or Parquet file', { file });
    const format = detectTextFormat(text);
    raw = rawTableFromText(text, file, format);
    // Known layouts (also as CSV with their column names) are decoded with their codebook.
    if (format !== 'csv' || knownSpecsFor(raw.header.filter((h) => h !== '' && !/^Unnamed: ?0$/.test(h)))) {
      const ds = datasetFromRaw(raw, format, { name: 'drift' });
      return { file, columns: fromDataset(ds, Boolean(opts.includeTarget)), target: ds.targetName, rows: ds.rows, sha256: sha, read: 'in memory', raw };
    }
  }
  if (raw.rows === 0) throw new UserError('no data rows', { file });
  const target = opts.target ?? KNOWN_TARGETS.find((k) => raw.header.includes(k)) ?? null;
  if (opts.requireTarget && opts.target && !raw.header.includes(opts.target)) throw new UserError(`missing target column '${opts.target}'`, { file, column: opts.target });
  return { file, columns: fromRaw(raw, opts.includeTarget ? null : target), target, rows: raw.rows, sha256: sha, read: 'in memory', raw };
}

