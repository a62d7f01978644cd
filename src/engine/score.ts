import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { gzipSync } from 'node:zlib';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { STATLOG_COLUMNS } from '../core/data/codebooks.js';
import { sniffHeader, type Delimiter } from '../core/data/delimited.js';
import { detectTextFormat, isIdColumn } from '../core/data/formats.js';
import { BufferPool } from '../core/data/buffer-pool.js';
import { LineChunks, readHead } from '../core/data/line-stream.js';
import { isParquet } from '../core/data/parquet.js';
import { polars } from '../core/data/polars.js';
import { CancelledError, UserError } from '../core/errors.js';
import { ParquetStreamWriter, type ParquetColumnSpec } from '../core/data/parquet-writer.js';
import { BatchScorer, emptyChunkResult, SCORED_COLUMNS, type ChunkResult, type ScoredRow, type ScorerConfig } from '../core/scoring/batch-scorer.js';
import { quantileRuns } from '../core/drift/runs.js';
import type { PointsScale } from '../core/scoring/decision.js';
import type { RunStore } from '../core/store/run-store.js';
import { cleanStalePartials, commitPartial, inputFile, partialPath, refuseProjectFiles, type Project } from './project.js';
import { crashPoint } from './crash-points.js';
import { PredictionLog } from './prediction-log.js';
import { loadRegisteredModel } from './registry.js';
import { inProcessScorer, threadScorer, type ChunkScorer } from './score-threads.js';

export type { ScoredRow } from '../core/scoring/batch-scorer.js';

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

  add(points: number, count = 1): void {
    this.counts.set(points, (this.counts.get(points) ?? 0) + count);
    this.n += count;
    this.sum += points * count;
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

  /** Linear-interpolation quantile, the same as `quantileSorted` on the full sorted array. */
  quantile(q: number): number {
    const sorted = this.entries();
    return quantileRuns({ values: Float64Array.from(sorted, (e) => e[0]), counts: Float64Array.from(sorted, (e) => e[1]), n: this.n }, q);
  }
}

/** Where scored rows go when no output is named: the project's outputs/ folder, named after the input. */
export function defaultScoreOutput(outputsDir: string, input: string): string {
  const stem = basename(input).replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9_.-]+/g, '_') || 'applicants';
  return join(outputsDir, `${stem}.scored.csv`);
}

/** Exit code of `score` when some rows were rejected but the rest were scored. */
export { EXIT_SOME_REJECTED } from '../core/errors.js';

/** Below this size a file is scored on the main thread: starting workers would cost more than it saves. */
const THREADED_FROM_BYTES = 8 << 20;

/** An input file of any format `ingest` understands: CSV/TSV (header), UCI Statlog text (no header), Parquet. */
type ScoreInput =
  | { readonly kind: 'text'; readonly header: readonly string[]; readonly delimiter: Delimiter; readonly skipHeader: boolean }
  | { readonly kind: 'parquet'; readonly header: readonly string[] };

function openInput(path: string, file: string): ScoreInput {
  const head = readHead(path);
  if (head.length === 0) throw new UserError('empty file (0 bytes)', { file });
  if (isParquet(head)) return { kind: 'parquet', header: polars().scanParquet(path).columns };
  const text = head.toString('utf8').replace(/^\ufeff/, '');
  if (text.includes('\u0000')) throw new UserError('binary content: not a CSV, UCI text or Parquet file', { file });
  if (detectTextFormat(text) === 'statlog') return { kind: 'text', header: STATLOG_COLUMNS.map((c) => c.name), delimiter: 'whitespace', skipHeader: false };
  return { kind: 'text', ...sniffHeader(text, file), skipHeader: true };
}

/** A Parquet file in slices of rows, each scored on this thread as one chunk. */
async function* parquetChunks(path: string, header: readonly string[], scorer: BatchScorer): AsyncGenerator<ChunkResult> {
  const total = (polars().scanParquet(path).select(polars().len()).collectSync().getColumn('len').toArray()[0] as number) ?? 0;
  const cells: (string | number | null)[] = new Array(header.length);
  for (let off = 0; off < total; off += 65536) {
    const df = polars().scanParquet(path).slice(off, 65536).collectSync();
    const cols = header.map((h) => df.getColumn(h).toArray() as unknown[]);
    for (let i = 0; i < df.height; i++) {
      for (let j = 0; j < cols.length; j++) {
        const v = cols[j]![i];
        cells[j] = v === null || v === undefined ? null : typeof v === 'number' ? v : String(v);
      }
      scorer.add(cells, off + i + 2); // numbered as the same table written as CSV: the header is row 1
    }
    yield scorer.take();
  }
}

/** A text file in chunks of lines, scored on worker threads (or this one), results in file order. */
async function* textChunks(lines: LineChunks, runner: ChunkScorer, inFlight: number): AsyncGenerator<ChunkResult> {
  const pending: Promise<ChunkResult>[] = [];
  for await (const chunk of lines.chunks()) {
    pending.push(runner.score(chunk));
    // Catch early so a failed chunk that is not awaited yet cannot become an unhandled rejection.
    pending.at(-1)!.catch(() => undefined);
    if (pending.length >= inFlight) yield await pending.shift()!;
  }
  while (pending.length > 0) yield await pending.shift()!;
}

export interface ScoreOptions {
  readonly input: string;
  readonly output?: string;
  readonly rejects?: string;
  readonly model?: string;
  readonly threshold?: number;
  readonly scale: PointsScale;
  readonly signal?: AbortSignal;
  /** Worker threads for text input; default one per core (at most 4) from 8 MB, else this thread. */
  readonly workers?: number;
  /** Bytes of text per chunk (tests use small chunks to cross chunk boundaries). */
  readonly chunkBytes?: number;
  /** Append every scored row to the prediction log (one batch = this run) for `monitor`. */
  readonly logPredictions?: boolean;
}

/** Output paths must not overwrite the input; a temp file + rename means no half-written output ever exists. */
function checkOutputPath(out: string, input: string, project: Project): void {
  refuseProjectFiles(out, project, [input]);
  const ext = extname(out).toLowerCase();
  if (!['.csv', '.json', '.parquet'].includes(ext)) throw new UserError(`unsupported output type '${ext || '(none)'}'`, { file: out }, 'use .csv, .json or .parquet');
}

/** The Parquet schema of a scored output: p_bad a double, score a 64-bit integer, the rest UTF-8 strings. */
const PARQUET_COLUMNS: readonly ParquetColumnSpec[] = SCORED_COLUMNS.map((name) => ({ name, type: name === 'p_bad' ? 'double' : name === 'score' ? 'int64' : 'string' }));

class AtomicWriter {
  private readonly tmp: string;
  private readonly stream: ReturnType<typeof createWriteStream>;

  constructor(readonly path: string) {
    mkdirSync(dirname(resolve(path)), { recursive: true });
    cleanStalePartials(dirname(resolve(path)));
    this.tmp = partialPath(path);
    this.stream = createWriteStream(this.tmp);
  }

  /** `written` runs once the bytes have gone to the file (their buffer may then be reused). */
  write(s: string | Uint8Array, written?: () => void): Promise<void> | void {
    const more = written ? this.stream.write(s, () => written()) : this.stream.write(s);
    if (this.stream.bytesWritten > 0) crashPoint('score:mid-output');
    if (!more) return new Promise((r) => this.stream.once('drain', () => r()));
  }

  private async close(): Promise<void> {
    await new Promise<void>((res, rej) => this.stream.end((e?: Error | null) => (e ? rej(e) : res())));
  }

  async commit(): Promise<void> {
    await this.close();
    commitPartial(this.tmp, this.path, 'score:before-commit');
  }

  abort(): void {
    this.stream.destroy();
    if (existsSync(this.tmp)) unlinkSync(this.tmp);
  }
}

/**
 * Batch scoring, streamed: the file is read in chunks of whole lines, each chunk is validated, scored and
 * formatted (on worker threads for large files), and the results are written in file order, so memory stays
 * flat whatever the file size. Bad rows go to the rejects file with row, column and reason; the batch goes on.
 */
export async function* scoreFile(project: Project, store: RunStore, opts: ScoreOptions): AsyncGenerator<ScoreEvent, ScoreSummary> {
  const file = opts.input;
  const path = inputFile(file);
  const loaded = loadRegisteredModel(store, opts.model ?? 'champion');
  const { bundle } = loaded;
  const threshold = opts.threshold ?? bundle.threshold;
  const input = openInput(path, file);
  const output = opts.output ?? null;
  const outExt = output ? extname(output).toLowerCase() : '';
  const config: ScorerConfig = {
    header: input.header, delimiter: input.kind === 'text' ? input.delimiter : ',', idColumn: input.header.findIndex(isIdColumn),
    // Parquet: each chunk's rows come back as columns and are written as one row group, so memory stays flat.
    threshold, scale: opts.scale, format: outExt === '.json' ? 'json' : outExt === '.parquet' ? 'columns' : 'csv',
  };
  const scorer = new BatchScorer(bundle, loaded.model, config);
  const missing = scorer.missingColumns();
  if (missing.length > 0) {
    throw new UserError(`the file lacks column${missing.length > 1 ? 's' : ''} the model needs: ${missing.join(', ')}`, { file, row: 1, column: missing[0]! }, `model v${loaded.version.version} expects ${bundle.input.columns.map((c) => c.name).join(', ')}`);
  }
  if (output) checkOutputPath(output, path, project);
  const rejectsPath = opts.rejects ?? (output ? output.replace(/(\.[^.]+)?$/, '.rejects.csv') : null);
  if (rejectsPath) checkOutputPath(rejectsPath, path, project);

  const runId = store.startRun('score', `score ${file}`);
  store.logParams(runId, { input: path, model_version: loaded.version.version, model_sha256: loaded.version.sha256, threshold, output: output ?? '' });
  yield { type: 'started', runId, model: loaded.version.version, family: bundle.family, input: file };
  const t0 = performance.now();
  const writer = output ? new AtomicWriter(output) : null;
  const parquet = outExt === '.parquet' ? new ParquetStreamWriter(PARQUET_COLUMNS, { id: 2, compress: (page) => gzipSync(page, { level: 1 }) }) : null;
  const rejectWriter = rejectsPath ? new AtomicWriter(rejectsPath) : null;
  const total = emptyChunkResult(config.format);
  const scores = new PointsTally();
  const workers = input.kind === 'text' ? (opts.workers ?? (statSync(path).size >= THREADED_FROM_BYTES ? Math.min(4, availableParallelism()) : 1)) : 1;
  const runConfig: ScorerConfig = opts.logPredictions ? { ...config, log: { batch: `${basename(file)} ${runId.slice(0, 8)}`, model_version: loaded.version.version } } : config;
  const runScorer = opts.logPredictions ? new BatchScorer(bundle, loaded.model, runConfig) : scorer;
  const log = opts.logPredictions ? new PredictionLog(project, { flushMs: 3_600_000, store }) : null;
  const inputs = new BufferPool(2 * workers + 2);
  const runner = input.kind === 'text' ? (workers > 1 ? threadScorer(workers, bundle, runConfig, inputs) : inProcessScorer(runScorer, inputs)) : null;
  const lines = input.kind === 'text' ? new LineChunks(path, { skipHeader: input.skipHeader, pool: inputs, ...(opts.chunkBytes ? { chunkBytes: opts.chunkBytes } : {}) }) : null;
  let lastProgress = 0;
  let wroteRows = false;
  try {
    if (writer && outExt === '.csv') await writer.write(`${SCORED_COLUMNS.join(',')}\n`);
    if (writer && parquet) await writer.write(parquet.start());
    if (writer && outExt === '.json') await writer.write('[\n');
    if (rejectWriter) await rejectWriter.write('row,column,reason\n');
    const chunks = lines && runner ? textChunks(lines, runner, workers * 2) : parquetChunks(path, input.header, runScorer);
    for await (const r of chunks) {
      if (opts.signal?.aborted) throw new CancelledError('scoring stopped');
      if (writer && r.out.length > 0) {
        if (outExt === '.json' && wroteRows) await writer.write(',\n');
        const out = r.out;
        await writer.write(out, () => runner?.recycle(out));
      }
      if (writer && parquet && r.columns && r.columns[0]!.length > 0) for (const part of parquet.rowGroup(r.columns)) await writer.write(part);
      wroteRows ||= r.out.length > 0;
      if (rejectWriter && r.rejects) await rejectWriter.write(r.rejects);
      log?.appendLines(r.logged);
      total.rowsRead += r.rowsRead;
      total.rejected += r.rejected;
      total.approve += r.approve;
      total.decline += r.decline;
      total.pSum += r.pSum;
      for (let k = 0; k < r.points.length; k += 2) scores.add(r.points[k]!, r.points[k + 1]!);
      const now = performance.now();
      if (now - lastProgress > 250) {
        lastProgress = now;
        yield { type: 'progress', rows: total.rowsRead, scored: total.rowsRead - total.rejected, rejected: total.rejected, elapsed: (now - t0) / 1000 };
      }
    }
    const { rowsRead, rejected, approve, decline } = total;
    const scoredN = rowsRead - rejected;
    if (scoredN === 0) throw new UserError(rowsRead === 0 ? 'no data rows' : `no usable rows: all ${rowsRead} rows were rejected`, { file }, rejectsPath ? `see ${rejectsPath}` : 'pass -o OUT to get a rejects file');
    if (writer && outExt === '.json') await writer.write('\n]\n');
    if (opts.signal?.aborted) throw new CancelledError('scoring stopped');
    if (writer && parquet) await writer.write(parquet.finish('credit-tui'));
    await writer?.commit();
    if (rejected > 0) await rejectWriter?.commit();
    else if (rejectWriter && rejectsPath) {
      // Nothing rejected: no header-only file, and an earlier run's rejects at this path would mislead.
      rejectWriter.abort();
      if (existsSync(rejectsPath) && readFileSync(rejectsPath, 'utf8').startsWith('row,column,reason\n')) unlinkSync(rejectsPath);
    }
    log?.close();
    const lo = scores.min();
    const hi = scores.max();
    const width = Math.max(1, Math.ceil((hi - lo + 1) / 10));
    const histogram = Array.from({ length: 10 }, (_, b) => ({ from: lo + b * width, to: lo + (b + 1) * width, count: 0 }));
    for (const [v, c] of scores.entries()) histogram[Math.min(9, Math.floor((v - lo) / width))]!.count += c;
    const sha = lines ? lines.sha256 : createHash('sha256').update(readFileSync(path)).digest('hex');
    const summary: ScoreSummary = {
      run_id: runId, model_version: loaded.version.version, input: path, input_sha256: sha, output, rejects_file: rejected > 0 ? rejectsPath : null,
      rows_read: rowsRead, scored: scoredN, rejected, approve, decline, threshold, p_bad_mean: total.pSum / scoredN,
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
    log?.discard();
    const cancelled = e instanceof CancelledError || opts.signal?.aborted;
    store.endRun(runId, cancelled ? 'KILLED' : 'FAILED', (e as Error).message);
    throw cancelled && !(e instanceof CancelledError) ? new CancelledError('scoring stopped') : e;
  } finally {
    await runner?.close();
  }
}

/** Values of a JSON record or `--set` pairs as cells, in the record's key order. */
function recordCells(record: Readonly<Record<string, unknown>>): (string | number | null)[] {
  return Object.values(record).map((x) => (x === null || x === undefined ? null : typeof x === 'number' ? x : String(x)));
}

/** One applicant from a JSON object or key=value pairs, validated and scored like a file row. */
export function scoreApplicant(store: RunStore, record: Readonly<Record<string, unknown>>, opts: { model?: string; threshold?: number; scale: PointsScale }): ScoredRow & { model_version: number; family: string } {
  const loaded = loadRegisteredModel(store, opts.model ?? 'champion');
  const scorer = new BatchScorer(loaded.bundle, loaded.model, { header: Object.keys(record), delimiter: ',', idColumn: -1, threshold: opts.threshold ?? loaded.bundle.threshold, scale: opts.scale, format: 'rows' });
  const missing = scorer.missingColumns();
  if (missing.length > 0) throw new UserError(`missing field${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`, { column: missing[0]! }, `the model needs ${loaded.bundle.input.columns.map((c) => c.name).join(', ')}`);
  scorer.add(recordCells(record), 1);
  const r = scorer.take();
  const s = r.rows[0];
  if (!s) throw new UserError(r.firstReject!.reason, { column: r.firstReject!.column });
  return { ...s, id: String(record['id'] ?? 'applicant'), model_version: loaded.version.version, family: loaded.bundle.family };
}
