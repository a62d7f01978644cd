import { createHash } from 'node:crypto';
import { polars } from '../core/data/polars.js';
import { closeSync, createWriteStream, existsSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, fsyncSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { STATLOG_COLUMNS } from '../core/data/codebooks.js';
import type { Dataset, FeatureColumn } from '../core/data/dataset.js';
import { csvCell, detectDelimiter, splitLine, type Delimiter } from '../core/data/delimited.js';
import { detectTextFormat } from '../core/data/formats.js';
import { LineStream, readHead } from '../core/data/line-stream.js';
import { isParquet } from '../core/data/parquet.js';
import { CancelledError, UserError } from '../core/errors.js';
import { transform } from '../core/features/preprocess.js';
import type { ModelBundle } from '../core/registry/bundle.js';
import { points, ReasonIndex, type PointsScale, type Reason } from '../core/scoring/decision.js';
import { RowValidator, type ApplicantValues, type RowReject } from '../core/scoring/validate.js';
import type { RunStore } from '../core/store/run-store.js';
import { cleanStalePartials, isInside, partialPath, type Project } from './project.js';
import { loadRegisteredModel, type LoadedModel } from './registry.js';

export interface ScoredRow {
  readonly id: string;
  readonly p_bad: number;
  readonly decision: 'approve' | 'decline';
  readonly score: number;
  readonly reasons: readonly Reason[];
}

export interface ScoreSummary {
  readonly run_id: string;
  readonly model_version: number;
  readonly input: string;
  readonly input_sha256: string;
  readonly output: string | null;
  readonly rejects_file: string | null;
  readonly rows_read: number;
  readonly scored: number;
  readonly rejected: number;
  readonly approve: number;
  readonly decline: number;
  readonly threshold: number;
  readonly score_distribution: { readonly min: number; readonly p10: number; readonly p50: number; readonly p90: number; readonly max: number; readonly mean: number; readonly histogram: readonly { readonly from: number; readonly to: number; readonly count: number }[] };
  readonly p_bad_mean: number;
}

export type ScoreEvent =
  | { readonly type: 'started'; readonly runId: string; readonly model: number; readonly family: string; readonly input: string }
  | { readonly type: 'progress'; readonly rows: number; readonly scored: number; readonly rejected: number; readonly elapsed: number }
  | { readonly type: 'finished'; readonly summary: ScoreSummary };

/**
 * Counts of integer points scores: the summary's quantiles and histogram in memory that does not grow with
 * the number of rows (a 2 GB file has ~23M scores but a few hundred distinct values).
 */
export class PointsTally {
  private readonly counts = new Map<number, number>();
  private n = 0;
  private sum = 0;

  add(points: number): void {
    this.counts.set(points, (this.counts.get(points) ?? 0) + 1);
    this.n++;
    this.sum += points;
  }

  entries(): [number, number][] {
    return [...this.counts].sort((a, b) => a[0] - b[0]);
  }

  min(): number {
    return this.entries()[0]?.[0] ?? NaN;
  }

  max(): number {
    return this.entries().at(-1)?.[0] ?? NaN;
  }

  mean(): number {
    return this.sum / this.n;
  }

  /** The value at sorted position i (0-based), as if all scores were in one sorted array. */
  private at(i: number, sorted: [number, number][]): number {
    let seen = 0;
    for (const [v, c] of sorted) {
      seen += c;
      if (i < seen) return v;
    }
    return sorted.at(-1)?.[0] ?? NaN;
  }

  /** Linear-interpolation quantile, the same as `quantileSorted` on the full sorted array. */
  quantile(q: number): number {
    if (this.n === 0) return NaN;
    const sorted = this.entries();
    const pos = (this.n - 1) * q;
    const lo = Math.floor(pos);
    const a = this.at(lo, sorted);
    const b = this.at(Math.min(lo + 1, this.n - 1), sorted);
    return a + (b - a) * (pos - lo);
  }
}

/** Where scored rows go when no output is named: the project's outputs/ folder, named after the input. */
export function defaultScoreOutput(outputsDir: string, input: string): string {
  const stem = basename(input).replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9_.-]+/g, '_') || 'applicants';
  return join(outputsDir, `${stem}.scored.csv`);
}

/** Exit code of `score` when some rows were rejected but the rest were scored. */
export const EXIT_SOME_REJECTED = 4;

const BATCH = 8192;

/** A batch of validated applicants as a dataset the bundle's preprocessor can transform. */
function toDataset(bundle: ModelBundle, rows: readonly ApplicantValues[]): Dataset {
  const features: FeatureColumn[] = bundle.input.columns.map((c, j) =>
    c.kind === 'numeric'
      ? { name: c.name, kind: 'numeric', values: Float64Array.from(rows, (r) => r[j] as number) }
      : { name: c.name, kind: 'categorical', ordinal: false, values: rows.map((r) => r[j] as string | null), levels: c.levels },
  );
  return { name: 'score', features, target: new Uint8Array(rows.length), targetName: bundle.input.target, rows: rows.length };
}

const reasonIndexes = new WeakMap<LoadedModel, ReasonIndex>();
function reasonIndex(loaded: LoadedModel): ReasonIndex {
  let r = reasonIndexes.get(loaded);
  if (!r) {
    r = new ReasonIndex(loaded.bundle.preprocessor);
    reasonIndexes.set(loaded, r);
  }
  return r;
}

/** Scores validated applicants: p(bad), decision at the threshold, points, top-3 reasons. */
export function scoreBatch(loaded: LoadedModel, rows: readonly ApplicantValues[], threshold: number, scale: PointsScale): Omit<ScoredRow, 'id'>[] {
  const { bundle, model } = loaded;
  const X = transform(bundle.preprocessor, toDataset(bundle, rows));
  const p = model.predictProba(X);
  const baseline = bundle.input.feature_means;
  const reasons = reasonIndex(loaded);
  const position = new Map(bundle.input.columns.map((c, j) => [c.name, j]));
  return rows.map((r, i) => {
    const pb = p[i]!;
    const valueOf = (column: string): string => {
      const v = r[position.get(column)!];
      return v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v)) ? 'missing' : String(v);
    };
    return {
      p_bad: pb,
      decision: pb >= threshold ? 'decline' : 'approve',
      score: points(pb, scale),
      reasons: reasons.top(model.contributions(X, i, baseline), valueOf),
    };
  });
}

interface InputReader {
  readonly header: readonly string[];
  readonly rows: AsyncGenerator<{ cells: readonly (string | number | null)[]; line: number } | { ragged: number; line: number; fields: number }>;
  readonly sha256: () => string;
}

/** Streams rows of any format `ingest` understands: CSV/TSV (header), UCI Statlog text (no header), Parquet (in slices). */
function openInput(path: string, file: string): InputReader {
  const head = readHead(path);
  if (head.length === 0) throw new UserError('empty file (0 bytes)', { file });
  if (isParquet(head)) {
    const df0 = polars().scanParquet(path);
    const header = df0.columns;
    const sha = createHash('sha256').update(readFileSync(path)).digest('hex');
    async function* rows() {
      const total = (df0.select(polars().len()).collectSync().getColumn('len').toArray()[0] as number) ?? 0;
      for (let off = 0; off < total; off += 65536) {
        const df = polars().scanParquet(path).slice(off, 65536).collectSync();
        const cols = header.map((h) => df.getColumn(h).toArray() as unknown[]);
        for (let i = 0; i < df.height; i++) {
          yield { cells: cols.map((c) => (c[i] === null || c[i] === undefined ? null : typeof c[i] === 'number' ? (c[i] as number) : String(c[i]))), line: off + i + 1 };
        }
      }
    }
    return { header, rows: rows(), sha256: () => sha };
  }
  const text = head.toString('utf8').replace(/^\ufeff/, '');
  if (text.includes('\u0000')) throw new UserError('binary content: not a CSV, UCI text or Parquet file', { file });
  const firstLines = text.split(/\r?\n/).filter((l) => l.trim().length > 0).slice(0, 5);
  if (firstLines.length === 0) throw new UserError('empty file: no header and no rows', { file });
  const statlog = detectTextFormat(text) === 'statlog';
  const delimiter: Delimiter = statlog || detectTextFormat(text) === 'south-german' ? 'whitespace' : detectDelimiter(firstLines, file);
  const header = statlog ? STATLOG_COLUMNS.map((c) => c.name) : (splitLine(firstLines[0]!, delimiter) ?? []).map((h) => h.trim());
  const stream = new LineStream(path);
  async function* rows() {
    let skippedHeader = statlog;
    for await (const { line, number } of stream.lines()) {
      if (line.trim().length === 0) continue;
      if (!skippedHeader) {
        skippedHeader = true;
        continue;
      }
      const cells = splitLine(line, delimiter);
      if (!cells || cells.length !== header.length) yield { ragged: header.length, line: number, fields: cells?.length ?? 0 };
      else yield { cells, line: number };
    }
  }
  return { header, rows: rows(), sha256: () => stream.sha256 };
}

export interface ScoreOptions {
  readonly input: string;
  readonly output?: string;
  readonly rejects?: string;
  readonly model?: string;
  readonly threshold?: number;
  readonly scale: PointsScale;
  readonly signal?: AbortSignal;
}

/** Output paths must not overwrite the input; a temp file + rename means no half-written output ever exists. */
function checkOutputPath(out: string, input: string, project: Project): void {
  if (resolve(out) === resolve(input)) throw new UserError('output would overwrite the input file', { file: out });
  if (isInside(project.home, out) && ['runs.db', 'runs.db-wal', 'runs.db-shm'].some((f) => resolve(project.home, f) === resolve(out))) {
    throw new UserError('output would overwrite the run store', { file: out });
  }
  if (isInside(project.rawDir, out) || isInside(project.processedDir, out) || isInside(project.modelsDir, out)) {
    throw new UserError("output may not be written into the project's data/ or models/ directories", { file: out });
  }
  const ext = extname(out).toLowerCase();
  if (!['.csv', '.json', '.parquet'].includes(ext)) throw new UserError(`unsupported output type '${ext || '(none)'}'`, { file: out }, 'use .csv, .json or .parquet');
}

class AtomicWriter {
  private readonly tmp: string;
  private readonly stream: ReturnType<typeof createWriteStream>;

  constructor(readonly path: string) {
    mkdirSync(dirname(resolve(path)), { recursive: true });
    cleanStalePartials(dirname(resolve(path)));
    this.tmp = partialPath(path);
    this.stream = createWriteStream(this.tmp);
  }

  write(s: string): Promise<void> | void {
    if (!this.stream.write(s)) return new Promise((r) => this.stream.once('drain', () => r()));
  }

  async commit(): Promise<void> {
    await new Promise<void>((res, rej) => this.stream.end((e?: Error | null) => (e ? rej(e) : res())));
    const fd = openSync(this.tmp, 'r');
    fsyncSync(fd);
    closeSync(fd);
    renameSync(this.tmp, this.path);
  }

  abort(): void {
    this.stream.destroy();
    if (existsSync(this.tmp)) unlinkSync(this.tmp);
  }
}

/**
 * Batch scoring, streamed: rows are read, validated, scored and written in batches, so memory stays flat
 * whatever the file size. Bad rows go to the rejects file with row, column and reason; the batch goes on.
 */
export async function* scoreFile(project: Project, store: RunStore, opts: ScoreOptions): AsyncGenerator<ScoreEvent, ScoreSummary> {
  const file = opts.input;
  const path = resolve(file);
  if (!existsSync(path)) throw new UserError('file not found', { file });
  const loaded = loadRegisteredModel(store, opts.model ?? 'champion');
  const { bundle } = loaded;
  const threshold = opts.threshold ?? bundle.threshold;
  const input = openInput(path, file);
  const validator = new RowValidator(bundle.input, input.header);
  const missing = validator.missingColumns();
  if (missing.length > 0) {
    throw new UserError(`the file lacks column${missing.length > 1 ? 's' : ''} the model needs: ${missing.join(', ')}`, { file, row: 1, column: missing[0]! }, `model v${loaded.version.version} expects ${bundle.input.columns.map((c) => c.name).join(', ')}`);
  }
  const output = opts.output ?? null;
  if (output) checkOutputPath(output, path, project);
  const rejectsPath = opts.rejects ?? (output ? output.replace(/(\.[^.]+)?$/, '.rejects.csv') : null);
  if (rejectsPath) checkOutputPath(rejectsPath, path, project);
  const idCol = input.header.findIndex((h) => /^(id|applicant_id)$/i.test(h));
  const outExt = output ? extname(output).toLowerCase() : '';

  const runId = store.startRun('score', `score ${file}`);
  store.logParams(runId, { input: path, model_version: loaded.version.version, model_sha256: loaded.version.sha256, threshold, output: output ?? '' });
  yield { type: 'started', runId, model: loaded.version.version, family: bundle.family, input: file };
  const t0 = performance.now();
  const writer = output && outExt !== '.parquet' ? new AtomicWriter(output) : null;
  const rejectWriter = rejectsPath ? new AtomicWriter(rejectsPath) : null;
  const parquetCols: { id: string[]; p_bad: number[]; decision: string[]; score: number[]; r1: string[]; r2: string[]; r3: string[] } = { id: [], p_bad: [], decision: [], score: [], r1: [], r2: [], r3: [] };
  let rowsRead = 0;
  let rejected = 0;
  let approve = 0;
  let decline = 0;
  let firstJson = true;
  const scores = new PointsTally();
  let pSum = 0;
  try {
    if (writer && outExt === '.csv') await writer.write('id,p_bad,decision,score,reason_1,reason_2,reason_3\n');
    if (writer && outExt === '.json') await writer.write('[\n');
    if (rejectWriter) await rejectWriter.write('row,column,reason\n');
    let batch: ApplicantValues[] = [];
    let ids: string[] = [];
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      const scored = scoreBatch(loaded, batch, threshold, opts.scale);
      let chunk = '';
      scored.forEach((s, i) => {
        const id = ids[i]!;
        const r = [0, 1, 2].map((k) => s.reasons[k]?.text ?? '');
        if (s.decision === 'approve') approve++;
        else decline++;
        scores.add(s.score);
        pSum += s.p_bad;
        if (outExt === '.csv') chunk += `${csvCell(id)},${s.p_bad},${s.decision},${s.score},${r.map(csvCell).join(',')}\n`;
        else if (outExt === '.json') {
          chunk += `${firstJson ? '' : ',\n'}${JSON.stringify({ id, p_bad: s.p_bad, decision: s.decision, score: s.score, reason_1: r[0], reason_2: r[1], reason_3: r[2] })}`;
          firstJson = false;
        } else if (outExt === '.parquet') {
          parquetCols.id.push(id);
          parquetCols.p_bad.push(s.p_bad);
          parquetCols.decision.push(s.decision);
          parquetCols.score.push(s.score);
          parquetCols.r1.push(r[0]!);
          parquetCols.r2.push(r[1]!);
          parquetCols.r3.push(r[2]!);
        }
      });
      if (writer && chunk) await writer.write(chunk);
      batch = [];
      ids = [];
    };
    const reject = async (line: number, rj: RowReject): Promise<void> => {
      rejected++;
      if (rejectWriter) await rejectWriter.write(`${line},${csvCell(rj.column)},${csvCell(rj.reason)}\n`);
    };
    for await (const row of input.rows) {
      rowsRead++;
      if ('ragged' in row) {
        await reject(row.line, { column: '(row)', reason: `expected ${row.ragged} fields, found ${row.fields}` });
        continue;
      }
      const v = validator.validate(row.cells);
      if ('reject' in v) {
        await reject(row.line, v.reject);
        continue;
      }
      batch.push(v.values);
      ids.push(idCol >= 0 ? String(row.cells[idCol] ?? row.line) : String(row.line));
      if (batch.length >= BATCH) {
        if (opts.signal?.aborted) throw new CancelledError('scoring stopped');
        await flush();
        yield { type: 'progress', rows: rowsRead, scored: rowsRead - rejected, rejected, elapsed: (performance.now() - t0) / 1000 };
      }
    }
    await flush();
    const scoredN = rowsRead - rejected;
    if (scoredN === 0) throw new UserError(rowsRead === 0 ? 'no data rows' : `no usable rows: all ${rowsRead} rows were rejected`, { file }, rejectsPath ? `see ${rejectsPath}` : 'pass -o OUT to get a rejects file');
    if (writer && outExt === '.json') await writer.write('\n]\n');
    if (opts.signal?.aborted) throw new CancelledError('scoring stopped');
    if (output && outExt === '.parquet') {
      const tmp = partialPath(output);
      polars().DataFrame({ id: parquetCols.id, p_bad: parquetCols.p_bad, decision: parquetCols.decision, score: parquetCols.score, reason_1: parquetCols.r1, reason_2: parquetCols.r2, reason_3: parquetCols.r3 }).writeParquet(tmp);
      renameSync(tmp, output);
    }
    await writer?.commit();
    await rejectWriter?.commit();
    const lo = scores.min();
    const hi = scores.max();
    const width = Math.max(1, Math.ceil((hi - lo + 1) / 10));
    const histogram = Array.from({ length: 10 }, (_, b) => ({ from: lo + b * width, to: lo + (b + 1) * width, count: 0 }));
    for (const [v, c] of scores.entries()) histogram[Math.min(9, Math.floor((v - lo) / width))]!.count += c;
    const summary: ScoreSummary = {
      run_id: runId, model_version: loaded.version.version, input: path, input_sha256: input.sha256(), output, rejects_file: rejected > 0 ? rejectsPath : null,
      rows_read: rowsRead, scored: scoredN, rejected, approve, decline, threshold, p_bad_mean: pSum / scoredN,
      score_distribution: { min: lo, p10: scores.quantile(0.1), p50: scores.quantile(0.5), p90: scores.quantile(0.9), max: hi, mean: scores.mean(), histogram },
    };
    store.atomically(() => {
      store.logParams(runId, { input_sha256: summary.input_sha256 });
      store.logMetrics(runId, { rows_read: rowsRead, scored: scoredN, rejected, approve, decline, p_bad_mean: summary.p_bad_mean, score_mean: summary.score_distribution.mean, score_p10: summary.score_distribution.p10, score_p50: summary.score_distribution.p50, score_p90: summary.score_distribution.p90 });
      histogram.forEach((h, b) => store.logMetrics(runId, { score_hist: h.count }, b + 1));
      store.setTags(runId, { model_version: String(loaded.version.version), score_histogram: JSON.stringify(histogram) });
      store.endRun(runId, 'FINISHED');
    });
    yield { type: 'finished', summary };
    return summary;
  } catch (e) {
    writer?.abort();
    rejectWriter?.abort();
    const cancelled = e instanceof CancelledError || opts.signal?.aborted;
    store.endRun(runId, cancelled ? 'KILLED' : 'FAILED', (e as Error).message);
    throw cancelled && !(e instanceof CancelledError) ? new CancelledError('scoring stopped') : e;
  }
}

/** One applicant from a JSON object or key=value pairs, validated like a file row. */
export function scoreApplicant(store: RunStore, record: Readonly<Record<string, unknown>>, opts: { model?: string; threshold?: number; scale: PointsScale }): ScoredRow & { model_version: number; family: string } {
  const loaded = loadRegisteredModel(store, opts.model ?? 'champion');
  const header = Object.keys(record);
  const validator = new RowValidator(loaded.bundle.input, header);
  const missing = validator.missingColumns();
  if (missing.length > 0) throw new UserError(`missing field${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`, { column: missing[0]! }, `the model needs ${loaded.bundle.input.columns.map((c) => c.name).join(', ')}`);
  const v = validator.validate(header.map((h) => {
    const x = record[h];
    return x === null || x === undefined ? null : typeof x === 'number' ? x : String(x);
  }));
  if ('reject' in v) throw new UserError(v.reject.reason, { column: v.reject.column });
  const [s] = scoreBatch(loaded, [v.values], opts.threshold ?? loaded.bundle.threshold, opts.scale);
  return { id: String(record['id'] ?? 'applicant'), ...s!, model_version: loaded.version.version, family: loaded.bundle.family };
}
