import { createHash } from 'node:crypto';
import { existsSync, readFileSync, unlinkSync, mkdirSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { schemaOf, badRate, type Dataset } from '../core/data/dataset.js';
import type { Delimiter } from '../core/data/delimited.js';
import { datasetFromRaw, detectTextFormat, rawTableFromText, type SourceFormat } from '../core/data/formats.js';
import { isParquet, readParquetRaw, writeDatasetParquet } from '../core/data/parquet.js';
import { UserError } from '../core/errors.js';
import type { ColumnRole } from '../core/params/params.js';
import type { DatasetRow, RunStore } from '../core/store/run-store.js';
import { crashPoint } from './crash-points.js';
import { releaseNativeMemory } from './native-memory.js';
import { cleanStalePartials, commitPartial, inputFile, partialPath, safeName, writeFileAtomic, type Project } from './project.js';
import { humanMessage } from '../core/human-errors.js';

export const STATLOG_URL = 'https://archive.ics.uci.edu/ml/machine-learning-databases/statlog/german/german.data';
export const STATLOG_SHA256 = 'b21f3d81db8071257d5ff1deaeba1fd4303b62712e6fcc9715c7a86202cb5871';

export type IngestEvent =
  | { readonly type: 'stage'; readonly stage: 'download' | 'read' | 'parse' | 'write' | 'record'; readonly message: string }
  | { readonly type: 'ingested'; readonly dataset: DatasetRow; readonly unchanged: boolean; readonly runId: string | null };

/** The UCI Statlog file shipped with the package, so that a first run needs no network (src|dist/engine -> data/samples). */
export const SAMPLE_STATLOG = fileURLToPath(new URL('../../data/samples/german.data', import.meta.url));
export const SAMPLE_NAME = 'statlog_german';

export interface IngestOptions {
  /** A file path; undefined = the built-in Statlog sample (or, with `download`, the UCI copy). */
  readonly source?: string;
  /** With no source: download the UCI Statlog file instead of reading the built-in sample. */
  readonly download?: boolean;
  readonly name?: string;
  readonly target?: string | null;
  readonly badValue?: string | null;
  readonly roles?: Readonly<Record<string, ColumnRole>>;
  readonly delimiter?: Delimiter;
  /** Download address (tests point it at a local server); defaults to the UCI address. */
  readonly url?: string;
  readonly expectedSha256?: string;
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function download(url: string, expected: string): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message;
    throw new UserError(`cannot download ${url}: ${cause} (offline?)`, {}, 'pass a local file instead: credit-tui ingest PATH, or credit-tui ingest for the built-in copy');
  }
  if (!res.ok) throw new UserError(`cannot download ${url}: HTTP ${res.status}`, {}, 'pass a local file instead: credit-tui ingest PATH');
  const bytes = new Uint8Array(await res.arrayBuffer());
  const got = sha256(bytes);
  if (got !== expected) {
    throw new UserError(`downloaded file has sha256 ${got}, expected ${expected}: refusing it`, { file: url }, 'pass a trusted local copy: credit-tui ingest PATH');
  }
  return bytes;
}

/** Reads and types a source file (any supported format) without writing anything. */
export function readDataset(bytes: Uint8Array, file: string, path: string | null, opts: Omit<IngestOptions, 'source'> & { name: string }): { dataset: Dataset; format: SourceFormat } {
  if (bytes.length === 0) throw new UserError('empty file (0 bytes)', { file });
  const readOpts = { name: opts.name, target: opts.target ?? null, badValue: opts.badValue ?? null, roles: opts.roles ?? {} };
  if (isParquet(bytes)) {
    if (!path) throw new UserError('Parquet sources must be local files', { file });
    return { dataset: datasetFromRaw(readParquetRaw(path, file), 'parquet', readOpts), format: 'parquet' };
  }
  // A view, not a copy: a million-row file is 80 MB.
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  if (text.includes('\u0000')) throw new UserError('binary content: not a CSV, UCI text or Parquet file', { file });
  const format = detectTextFormat(text);
  const raw = rawTableFromText(text, file, format, opts.delimiter);
  return { dataset: datasetFromRaw(raw, format, readOpts), format };
}

function defaultName(file: string): string {
  const stem = basename(file, extname(file)).replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^[^A-Za-z0-9]+/, '');
  return stem.length > 0 ? stem.slice(0, 100) : 'dataset';
}

/**
 * Ingests a source: validates everything first, then writes the raw copy and the typed Parquet (atomically),
 * then records dataset + run in one transaction. A failure at any point leaves data/ and runs.db as they were.
 * An identical file (same sha256) is recognised and not stored twice; a changed file becomes a new version.
 */
export async function* ingest(project: Project, store: RunStore, opts: IngestOptions): AsyncGenerator<IngestEvent, DatasetRow> {
  let bytes: Uint8Array;
  let file: string;
  let path: string | null = null;
  if (opts.source === undefined && opts.download) {
    const url = opts.url ?? process.env['CREDIT_TUI_STATLOG_URL'] ?? STATLOG_URL;
    yield { type: 'stage', stage: 'download', message: `downloading ${url}` };
    bytes = await download(url, opts.expectedSha256 ?? STATLOG_SHA256);
    file = url;
  } else if (opts.source === undefined) {
    file = SAMPLE_STATLOG;
    path = SAMPLE_STATLOG;
    yield { type: 'stage', stage: 'read', message: `reading the built-in UCI Statlog sample (${SAMPLE_STATLOG})` };
    bytes = readFileSync(inputFile(SAMPLE_STATLOG));
    if (sha256(bytes) !== STATLOG_SHA256) throw new UserError(`the built-in sample's sha256 is not ${STATLOG_SHA256}: refusing it`, { file }, 'reinstall credit-tui, or ingest a trusted copy: credit-tui ingest PATH');
  } else {
    path = inputFile(opts.source);
    file = opts.source;
    yield { type: 'stage', stage: 'read', message: `reading ${file}` };
    try {
      bytes = readFileSync(path);
    } catch (e) {
      throw new UserError(`cannot read: ${humanMessage(e)}`, { file });
    }
  }
  const digest = sha256(bytes);
  const name = safeName(opts.name ?? (opts.source === undefined ? SAMPLE_NAME : defaultName(opts.source)), 'dataset name');

  yield { type: 'stage', stage: 'parse', message: 'detecting format and decoding' };
  const { dataset, format } = readDataset(bytes, file, path, { ...opts, name });
  // The text and its raw cells (~250 MB at 1M rows) are garbage now; polars' native memory for the
  // Parquet copy is not counted by V8, so ask for the collection before writing it.
  await releaseNativeMemory();

  const roles = opts.roles ?? {};
  // The same bytes under a name the user chose are that name's dataset, not one stored under another name.
  const existing = store.findDatasetByDigest(digest, roles, opts.name === undefined ? undefined : name);
  if (existing && existsSync(existing.path)) {
    yield { type: 'ingested', dataset: existing, unchanged: true, runId: null };
    return existing;
  }

  const version = store.nextDatasetVersion(name);
  mkdirSync(project.rawDir, { recursive: true });
  mkdirSync(project.processedDir, { recursive: true });
  const ext = format === 'parquet' ? '.parquet' : extname(opts.source ?? 'german.data') || '.txt';
  const rawPath = join(project.rawDir, `${name}.v${version}${ext}`);
  const outPath = join(project.processedDir, `${name}.v${version}.parquet`);
  yield { type: 'stage', stage: 'write', message: `writing ${outPath}` };
  const written: string[] = [];
  try {
    writeFileAtomic(rawPath, bytes);
    written.push(rawPath);
    cleanStalePartials(project.processedDir);
    const tmp = partialPath(outPath);
    writeDatasetParquet(dataset, tmp);
    commitPartial(tmp, outPath, 'ingest:parquet-written');
    written.push(outPath);
    yield { type: 'stage', stage: 'record', message: 'recording in runs.db' };
    const { row, runId } = store.atomically(() => {
      const row = store.addDataset(
        { name, digest, source: path ?? file, format, path: outPath, raw_path: rawPath, rows: dataset.rows, schema: schemaOf(dataset), roles },
        version,
      );
      crashPoint('ingest:mid-transaction');
      const runId = store.startRun('ingest', `ingest ${name} v${version}`);
      store.logParams(runId, { source: path ?? file, format, name, sha256: digest, roles });
      store.logMetrics(runId, { rows: dataset.rows, columns: dataset.features.length + 1, bad_rate: badRate(dataset) });
      store.logInput(runId, row.dataset_id, 'ingested');
      const stored = readFileSync(outPath);
      store.logArtifact(runId, outPath, sha256(stored), stored.length);
      store.endRun(runId, 'FINISHED');
      return { row, runId };
    });
    yield { type: 'ingested', dataset: row, unchanged: false, runId };
    return row;
  } catch (e) {
    for (const f of written) {
      try {
        unlinkSync(f);
      } catch {
        /* already gone */
      }
    }
    throw e;
  }
}
