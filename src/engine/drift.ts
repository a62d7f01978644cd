import { Worker } from 'node:worker_threads';
import { resolve } from 'node:path';
import { statSync } from 'node:fs';
import { KNOWN_TARGETS } from '../core/data/formats.js';
import { readHead } from '../core/data/line-stream.js';
import { isParquet } from '../core/data/parquet.js';
import { polars } from '../core/data/polars.js';
import { compareColumn, compareDatasets, type ColumnDrift, type DatasetDrift, type DriftColumn, type DriftThresholds } from '../core/drift/compare.js';
import { datasetVerdict, type VerdictBy } from '../core/drift/importance.js';
import { UserError, type InputLocation } from '../core/errors.js';
import type { PointsScale } from '../core/scoring/decision.js';
import type { RunStore } from '../core/store/run-store.js';
import type { LoadedModel } from './registry.js';
import { loadDriftTable, type DriftLoadOptions, type DriftTable } from './drift-tables.js';
import { verifyIfRegistered } from './datasets.js';
import { releaseNativeMemory } from './native-memory.js';
import { inputFile } from './project.js';
import { workerScript } from './worker-script.js';

export { loadDriftTable, type DriftLoadOptions, type DriftTable } from './drift-tables.js';

export interface DriftReport extends DatasetDrift {
  readonly reference: { readonly file: string; readonly rows: number; readonly sha256: string; readonly read: string };
  readonly current: { readonly file: string; readonly rows: number; readonly sha256: string; readonly read: string };
  readonly ignored_columns: readonly string[];
  readonly prediction: (ColumnDrift & { readonly model_version: number }) | null;
  /** Drifted columns' share of the model's permutation importance (with --model), and which share decided. */
  readonly weighted_drift_share: number | null;
  readonly verdict_by: VerdictBy;
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

function predictionSample(BatchScorer: typeof import('../core/scoring/batch-scorer.js').BatchScorer, loaded: LoadedModel, t: DriftTable, scale: PointsScale): Float64Array {
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
  for (const f of [refFile, curFile]) verifyIfRegistered(store, inputFile(f));
  const keepRaw = Boolean(opts.model);
  const refOpts = { ...opts, requireTarget: Boolean(opts.target), keepRaw };
  const curOpts = (refTarget: string | null): DriftLoadOptions => ({ ...opts, target: opts.target ?? refTarget, requireTarget: Boolean(opts.includeTarget), keepRaw });
  // With --model each side is scored as soon as it is read and its raw cells dropped, so only one file's
  // cells are ever held (a million rows are ~170 MB of them). Errors keep the order of scoring after the
  // comparison: the model's, then the reference's scoring, then the current's, each only once reached.
  let scoreSide: ((t: DriftTable) => Float64Array) | undefined;
  let loaded: LoadedModel | undefined;
  let modelError: { error: unknown } | undefined;
  if (opts.model) {
    // Models and the scorer load only for prediction drift: a plain comparison starts faster without them.
    const [{ loadRegisteredModel }, { BatchScorer }, { DEFAULT_PARAMS }] = await Promise.all([import('./registry.js'), import('../core/scoring/batch-scorer.js'), import('../core/params/params.js')]);
    try {
      const model = loadRegisteredModel(store, opts.model);
      loaded = model;
      scoreSide = (side) => predictionSample(BatchScorer, model, side, opts.scale ?? DEFAULT_PARAMS.scoring);
    } catch (e) {
      modelError = { error: e };
    }
  }
  type Scored = { p: Float64Array } | { error: unknown } | null;
  const scored = async (side: DriftTable): Promise<[DriftTable, Scored]> => {
    if (!keepRaw) return [side, null];
    let s: Scored = null;
    // Reading left the text and a typed copy of the file behind (~250 MB at 1M rows): collect them first.
    await releaseNativeMemory();
    if (scoreSide) {
      try {
        s = { p: scoreSide(side) };
      } catch (e) {
        s = { error: e };
      }
    }
    // The raw cells are garbage from here; let V8 collect them before the next file is read.
    const { raw: _raw, ...rest } = side;
    await releaseNativeMemory();
    return [{ ...rest, raw: null }, s];
  };
  const pair = keepRaw ? undefined : await loadParquetPair(refFile, curFile, refOpts, curOpts);
  const [ref, refScored] = pair ? [pair[0], null] : await scored(await loadDriftTable(refFile, refOpts));
  let cur: DriftTable | undefined = pair?.[1];
  let curScored: Scored = null;
  let aligned: ReturnType<typeof alignSchemas>;
  let result: DatasetDrift;
  try {
    if (!cur) [cur, curScored] = await scored(await loadDriftTable(curFile, curOpts(ref.target)));
    aligned = alignSchemas(ref, cur);
    if (aligned.ref.length === 0) throw new UserError('no columns to compare', { file: refFile });
    result = compareDatasets(aligned.ref, aligned.cur, t);
  } finally {
    ref.close?.();
    cur?.close?.();
  }
  let prediction: DriftReport['prediction'] = null;
  let importance: Record<string, number> | null = null;
  if (opts.model) {
    if (modelError) throw modelError.error;
    const sample = (s: Scored): Float64Array => {
      if (s && 'error' in s) throw s.error;
      return s?.p ?? new Float64Array();
    };
    const a = sample(refScored);
    const b = sample(curScored);
    const col = (name: string, v: Float64Array): DriftColumn => ({ name, kind: 'numeric', sample: v, missing: 0, total: v.length });
    prediction = { ...compareColumn(col('p_bad', a), col('p_bad', b), t), model_version: loaded!.version.version };
    importance = (await import('./importance.js')).versionImportanceIfAvailable(store, loaded!);
  }
  const verdict = datasetVerdict(result.columns, importance, t);
  result = { ...result, dataset_drift: verdict.dataset_drift };
  const runId = store.atomically(() => {
    const id = store.startRun('drift', `drift ${refFile} -> ${curFile}`);
    store.logParams(id, { reference: resolve(refFile), reference_sha256: ref.sha256, current: resolve(curFile), current_sha256: cur.sha256, thresholds: t, model: opts.model ?? '' });
    const m: Record<string, number> = { dataset_drift: result.dataset_drift ? 1 : 0, drift_share: result.drift_share, drifted_columns: result.drifted_columns, ref_rows: ref.rows, cur_rows: cur.rows };
    if (verdict.weighted_drift_share !== null) m['weighted_drift_share'] = verdict.weighted_drift_share;
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
    ...result, reference: { file: refFile, rows: ref.rows, sha256: ref.sha256, read: ref.read }, current: { file: curFile, rows: cur.rows, sha256: cur.sha256, read: cur.read },
    ignored_columns: aligned.ignored, prediction, weighted_drift_share: verdict.weighted_drift_share, verdict_by: verdict.verdict_by, run_id: runId,
  };
}

