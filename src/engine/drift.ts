import { createHash } from 'node:crypto';
import { polars } from '../core/data/polars.js';
import { createReadStream, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Dataset } from '../core/data/dataset.js';
import { datasetFromRaw, detectTextFormat, isIdColumn, isMissing, KNOWN_TARGETS, knownSpecsFor, parseNumber, rawTableFromText, type RawTable } from '../core/data/formats.js';
import { readHead } from '../core/data/line-stream.js';
import { isParquet, readParquetRaw } from '../core/data/parquet.js';
import { compareColumn, compareDatasets, type ColumnDrift, type DatasetDrift, type DriftColumn, type DriftThresholds } from '../core/drift/compare.js';
import { inputFile } from './project.js';
import { UserError, type InputLocation } from '../core/errors.js';
import { Worker } from 'node:worker_threads';
import { workerScript } from './pool.js';
import type { RunStore } from '../core/store/run-store.js';
import { readFileSync, statSync } from 'node:fs';
import { runsOf } from '../core/drift/runs.js';
import { streamDriftTable } from './drift-stream.js';
import { loadRegisteredModel } from './registry.js';
import { BatchScorer } from '../core/scoring/batch-scorer.js';
import type { PointsScale } from '../core/scoring/decision.js';
import { DEFAULT_PARAMS } from '../core/params/params.js';

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

/**
 * Parquet side, reduced inside polars: sorting, null counts and category counts run in Rust, and only
 * sorted numbers and counts cross into JavaScript (a million-row file never becomes JS objects).
 */
/** The array without NaNs, in place order. A loop: TypedArray#filter took 0.3 s per 1M-row column here. */
function withoutNaN(a: Float64Array): Float64Array {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === a[i]) a[n++] = a[i]!;
  return n === a.length ? a : a.subarray(0, n);
}

function lazyDriftTable(scan: () => LazyFrame, kind: string, file: string, sha: string, opts: { target?: string | null; includeTarget?: boolean; requireTarget?: boolean }): DriftTable {
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
  }
  return { file, columns, target, rows: df.height, sha256: sha, raw: null };
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
    raw = readParquetRaw(path, file);
  } else {
    const headText = bytes.toString('utf8').replace(/^\ufeff/, '');
    if (!opts.keepRaw && statSync(path).size >= streamCsvBytes() && detectTextFormat(headText) === 'csv') {
      // A large delimited file is never held in memory: one pass reduces it to per-column token counts.
      const t = await streamDriftTable(path, file, opts);
      return { file, columns: t.columns, target: t.target, rows: t.rows, sha256: t.sha256, raw: null, close: t.close };
    }
    sha = await sha256File(path);
    const text = readFileSync(path, 'utf8');
    if (text.includes('\u0000')) throw new UserError('binary content: not a CSV, UCI text or Parquet file', { file });
    const format = detectTextFormat(text);
    raw = rawTableFromText(text, file, format);
    // Known layouts (also as CSV with their column names) are decoded with their codebook.
    if (format !== 'csv' || knownSpecsFor(raw.header.filter((h) => h !== '' && !/^Unnamed: ?0$/.test(h)))) {
      const ds = datasetFromRaw(raw, format, { name: 'drift' });
      return { file, columns: fromDataset(ds, Boolean(opts.includeTarget)), target: ds.targetName, rows: ds.rows, sha256: sha, raw };
    }
  }
  if (raw.rows === 0) throw new UserError('no data rows', { file });
  const target = opts.target ?? KNOWN_TARGETS.find((k) => raw.header.includes(k)) ?? null;
  if (opts.requireTarget && opts.target && !raw.header.includes(opts.target)) throw new UserError(`missing target column '${opts.target}'`, { file, column: opts.target });
  return { file, columns: fromRaw(raw, opts.includeTarget ? null : target), target, rows: raw.rows, sha256: sha, raw };
}

export interface DriftReport extends DatasetDrift {
  readonly reference: { readonly file: string; readonly rows: number; readonly sha256: string };
  readonly current: { readonly file: string; readonly rows: number; readonly sha256: string };
  readonly ignored_columns: readonly string[];
  readonly prediction: (ColumnDrift & { readonly model_version: number }) | null;
  readonly run_id: string;
}

/** Matching schemas or a clear error: a missing column or a type mismatch names the column and both files. */
export function alignSchemas(ref: DriftTable, cur: DriftTable): { ref: DriftColumn[]; cur: DriftColumn[]; ignored: string[] } {
  const curBy = new Map(cur.columns.map((c) => [c.name, c]));
  const out: DriftColumn[] = [];
  for (const r of ref.columns) {
    const c = curBy.get(r.name);
    if (!c) throw new UserError(`missing column '${r.name}' (present in ${ref.file})`, { file: cur.file, column: r.name }, 'both files must have the same columns');
    if (c.kind !== r.kind) {
      // A numeric column read as text in one file (e.g. a stray word) is a type mismatch, not drift.
      throw new UserError(`column '${r.name}' is ${r.kind} in ${ref.file} but ${c.kind} in ${cur.file}`, { file: cur.file, column: r.name });
    }
    out.push(c);
  }
  const names = new Set(ref.columns.map((c) => c.name));
  return { ref: [...ref.columns], cur: out, ignored: cur.columns.filter((c) => !names.has(c.name)).map((c) => c.name) };
}

function predictionSample(loaded: ReturnType<typeof loadRegisteredModel>, t: DriftTable, scale: PointsScale): Float64Array {
  const raw = t.raw;
  if (!raw) return new Float64Array();
  const scorer = new BatchScorer(loaded.bundle, loaded.model, { header: raw.header, delimiter: ',', idColumn: -1, threshold: loaded.bundle.threshold, scale, format: 'rows', reasons: false });
  const missing = scorer.missingColumns();
  if (missing.length) throw new UserError(`cannot score for prediction drift: missing column '${missing[0]}'`, { file: t.file, column: missing[0]! });
  const p: number[] = [];
  const cells: (string | number | null)[] = new Array(raw.header.length);
  for (let i = 0; i < raw.rows; i++) {
    for (let j = 0; j < cells.length; j++) cells[j] = raw.cells[j]![i] ?? null;
    scorer.add(cells, i + 1);
    if ((i + 1) % 8192 === 0) for (const r of scorer.take().rows) p.push(r.p_bad);
  }
  for (const r of scorer.take().rows) p.push(r.p_bad);
  return Float64Array.from(p).sort();
}

/** Parquet files at least this large are read on two threads at once, one per file (override: CREDIT_TUI_PARALLEL_PARQUET_BYTES). */
const parallelParquetBytes = (): number => Number(process.env['CREDIT_TUI_PARALLEL_PARQUET_BYTES'] ?? 4 * 1024 * 1024);

/**
 * Both sides of a comparison of two large Parquet files, the reference read on a worker thread while this
 * thread reads the current file: decoding is most of drift's time and runs on one core per file. Errors are
 * reported as the sequential path would: the reference's first. Undefined when the pair does not qualify.
 */
async function loadParquetPair(refFile: string, curFile: string, refOpts: DriftLoadOptions, curOpts: (refTarget: string | null) => DriftLoadOptions): Promise<[DriftTable, DriftTable] | undefined> {
  const big = (f: string): boolean => {
    try {
      const path = inputFile(f);
      return statSync(path).size >= parallelParquetBytes() && isParquet(readHead(path, 4));
    } catch {
      return false; // the sequential path reports a missing or unreadable file
    }
  };
  if (!big(refFile) || !big(curFile)) return undefined;
  let refTarget: string | null;
  try {
    const names = polars().scanParquet(inputFile(refFile)).columns;
    refTarget = refOpts.target ?? KNOWN_TARGETS.find((k) => names.includes(k)) ?? null;
  } catch {
    return undefined;
  }
  const worker = new Worker(workerScript('drift-worker'), { workerData: { file: refFile, opts: refOpts } });
  const refTable = new Promise<DriftTable>((resolveRef, reject) => {
    worker.once('message', (m: { ok: true; table: DriftTable } | { ok: false; user?: { message: string; location: InputLocation; hint?: string; exitCode: number }; error?: string }) => {
      if (m.ok) return resolveRef(m.table);
      if (m.user) {
        const e = new UserError('', m.user.location, m.user.hint, m.user.exitCode);
        e.message = m.user.message;
        return reject(e);
      }
      reject(new Error(`drift worker: ${m.error}`));
    });
    worker.once('error', reject);
  });
  const [ref, cur] = await Promise.allSettled([refTable, loadDriftTable(curFile, curOpts(refTarget))]);
  void worker.terminate();
  if (ref.status === 'rejected') {
    if (cur.status === 'fulfilled') cur.value.close?.();
    throw ref.reason;
  }
  if (cur.status === 'rejected') throw cur.reason;
  return [ref.value, cur.value];
}

/** Compares two files column by column, optionally their model scores too, and records the run. */
export async function runDrift(store: RunStore, refFile: string, curFile: string, t: DriftThresholds, opts: { target?: string | null; includeTarget?: boolean; model?: string | null; scale?: PointsScale } = {}): Promise<DriftReport> {
  const keepRaw = Boolean(opts.model);
  const refOpts = { ...opts, requireTarget: Boolean(opts.target), keepRaw };
  const curOpts = (refTarget: string | null): DriftLoadOptions => ({ ...opts, target: opts.target ?? refTarget, requireTarget: Boolean(opts.includeTarget), keepRaw });
  const pair = keepRaw ? undefined : await loadParquetPair(refFile, curFile, refOpts, curOpts);
  const ref = pair ? pair[0] : await loadDriftTable(refFile, refOpts);
  let cur: DriftTable | undefined = pair?.[1];
  let aligned: ReturnType<typeof alignSchemas>;
  let result: DatasetDrift;
  try {
    cur ??= await loadDriftTable(curFile, curOpts(ref.target));
    aligned = alignSchemas(ref, cur);
    if (aligned.ref.length === 0) throw new UserError('no columns to compare', { file: refFile });
    result = compareDatasets(aligned.ref, aligned.cur, t);
  } finally {
    ref.close?.();
    cur?.close?.();
  }
  let prediction: DriftReport['prediction'] = null;
  if (opts.model) {
    const loaded = loadRegisteredModel(store, opts.model);
    const a = predictionSample(loaded, ref, opts.scale ?? DEFAULT_PARAMS.scoring);
    const b = predictionSample(loaded, cur, opts.scale ?? DEFAULT_PARAMS.scoring);
    const col = (name: string, v: Float64Array): DriftColumn => ({ name, kind: 'numeric', sample: v, missing: 0, total: v.length });
    prediction = { ...compareColumn(col('p_bad', a), col('p_bad', b), t), model_version: loaded.version.version };
  }
  const runId = store.atomically(() => {
    const id = store.startRun('drift', `drift ${refFile} -> ${curFile}`);
    store.logParams(id, { reference: resolve(refFile), reference_sha256: ref.sha256, current: resolve(curFile), current_sha256: cur.sha256, thresholds: t, model: opts.model ?? '' });
    const m: Record<string, number> = { dataset_drift: result.dataset_drift ? 1 : 0, drift_share: result.drift_share, drifted_columns: result.drifted_columns, ref_rows: ref.rows, cur_rows: cur.rows };
    for (const c of result.columns) {
      m[`${c.column}.psi`] = c.psi;
      m[`${c.column}.drifted`] = c.drifted ? 1 : 0;
      for (const k of ['ks_stat', 'ks_p', 'wasserstein', 'wasserstein_normed', 'chi2', 'chi2_p', 'js_distance', 'miss_ref', 'miss_cur'] as const) {
        const v = c[k];
        if (typeof v === 'number' && Number.isFinite(v)) m[`${c.column}.${k}`] = v;
      }
    }
    if (prediction) {
      m['prediction.psi'] = prediction.psi;
      if (prediction.ks_p !== null) m['prediction.ks_p'] = prediction.ks_p;
      m['prediction.drifted'] = prediction.drifted ? 1 : 0;
    }
    store.logMetrics(id, m);
    store.setTags(id, { verdict: result.dataset_drift ? 'drift' : 'no drift' });
    store.endRun(id, 'FINISHED');
    return id;
  });
  return {
    ...result, reference: { file: refFile, rows: ref.rows, sha256: ref.sha256 }, current: { file: curFile, rows: cur.rows, sha256: cur.sha256 },
    ignored_columns: aligned.ignored, prediction, run_id: runId,
  };
}

