import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { knownSpecsFor } from '../core/data/formats.js';
import { csvCell } from '../core/data/delimited.js';
import type { Dataset } from '../core/data/dataset.js';
import { synthesize } from '../core/data/synth.js';
import { UserError } from '../core/errors.js';
import type { RunStore } from '../core/store/run-store.js';
import { loadStoredDataset } from './datasets.js';
import { readDataset, SAMPLE_STATLOG } from './ingest.js';
import { cleanStalePartials, inputFile, partialPath, refuseProjectFiles, type Project } from './project.js';

export interface SynthFileOptions {
  readonly rows: number;
  readonly output: string;
  readonly seed: number;
  /** An ingested dataset (name or name@version) to build from; default the shipped Statlog sample. */
  readonly dataset?: string | null;
}

export interface SynthResult {
  readonly source: string;
  readonly rows: number;
  readonly bad: number;
  readonly output: string;
}

/** Rows per write: a million rows never sit in memory as one string (V8 caps strings near 512 MB). */
const CHUNK_ROWS = 20_000;

/** `credit-tui synth`: builds `rows` applicants from the source's rows and writes them as CSV, atomically. */
export function synthFile(project: Project, store: RunStore | null, opts: SynthFileOptions): SynthResult {
  if (!opts.output.toLowerCase().endsWith('.csv')) throw new UserError('the output must be a .csv file', { file: opts.output });
  refuseProjectFiles(opts.output, project);
  const { real, source } = readSource(store, opts.dataset ?? null);
  const synth = synthesize(real, opts.rows, { seed: opts.seed });
  writeCsvAtomic(opts.output, synth);
  let bad = 0;
  for (const v of synth.target) bad += v;
  return { source, rows: synth.rows, bad, output: opts.output };
}

function readSource(store: RunStore | null, dataset: string | null): { real: Dataset; source: string } {
  if (dataset !== null) {
    if (!store) throw new Error('a store is needed to read an ingested dataset');
    const row = store.resolveDataset(dataset);
    return { real: loadStoredDataset(row), source: `${row.name}@${row.version}` };
  }
  const bytes = readFileSync(inputFile(SAMPLE_STATLOG));
  return { real: readDataset(bytes, SAMPLE_STATLOG, SAMPLE_STATLOG, { name: 'statlog_german' }).dataset, source: 'the built-in UCI Statlog sample' };
}

/**
 * The data set as CSV with a header. Columns of a known codebook (Statlog, South German, Kaggle) are written
 * as its codes, so the file reads like the source format (and is a third of the size of the labels);
 * `ingest` decodes them again.
 */
export function csvChunks(ds: Dataset): Generator<string> {
  const specs = knownSpecsFor([...ds.features.map((c) => c.name), ds.targetName]);
  const codeOf = (name: string): Map<string, string> | null => {
    const codes = specs?.find((s) => s.name === name)?.codes;
    return codes ? new Map(Object.entries(codes).map(([code, label]) => [label, code])) : null;
  };
  const encoders = ds.features.map((c) => (c.kind === 'categorical' ? codeOf(c.name) : null));
  const targetCodes = codeOf(ds.targetName);
  const good = targetCodes?.get('good') ?? 'good';
  const bad = targetCodes?.get('bad') ?? 'bad';
  return (function* () {
    yield `${[...ds.features.map((c) => c.name), ds.targetName].map(csvCell).join(',')}\n`;
    for (let start = 0; start < ds.rows; start += CHUNK_ROWS) {
      const lines: string[] = [];
      for (let i = start; i < Math.min(ds.rows, start + CHUNK_ROWS); i++) {
        const cells = ds.features.map((c, j) => {
          if (c.kind === 'numeric') return Number.isNaN(c.values[i]!) ? '' : String(c.values[i]);
          const v = c.values[i] ?? null;
          return v === null ? '' : csvCell(encoders[j]?.get(v) ?? v);
        });
        cells.push(ds.target[i] === 1 ? bad : good);
        lines.push(cells.join(','));
      }
      yield `${lines.join('\n')}\n`;
    }
  })();
}

/** Written to a hidden partial file, synced, then renamed: a reader sees no file or the whole file. */
function writeCsvAtomic(path: string, ds: Dataset): void {
  mkdirSync(dirname(resolve(path)), { recursive: true });
  cleanStalePartials(dirname(resolve(path)));
  const tmp = partialPath(path);
  const fd = openSync(tmp, 'w');
  try {
    for (const chunk of csvChunks(ds)) writeSync(fd, chunk);
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, path);
  } catch (e) {
    try {
      closeSync(fd);
    } catch {
      /* already closed */
    }
    try {
      unlinkSync(tmp);
    } catch {
      /* nothing to clean up */
    }
    throw e;
  }
}
