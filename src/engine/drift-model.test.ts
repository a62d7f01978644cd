import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { detectTextFormat, rawTableFromText, type RawTable } from '../core/data/formats.js';
import { readParquetRaw, readParquetRawByColumn } from '../core/data/parquet.js';
import { compareColumn, type DriftColumn } from '../core/drift/compare.js';
import { BatchScorer } from '../core/scoring/batch-scorer.js';
import { SAMPLE_STATLOG } from '../test-support/helpers.js';
import { ingestedProject, runTrain } from '../test-support/train.js';
import { runDrift } from './drift.js';
import { ingest } from './ingest.js';
import { synthFile } from './synth.js';
import { loadParams, openStore, type Project } from './project.js';
import { loadRegisteredModel } from './registry.js';

// Prediction drift scores each side as soon as it is read and drops its raw cells (one file's cells in memory
// at a time, README "Memory at 1,000,000 rows"); a Parquet side is read column by column. Both must give
// what scoring every row of both files after reading them gave.

/** p(bad) of every row of a raw table, sorted: the way drift scored both sides before. */
function scoreAll(project: Project, raw: RawTable): Float64Array {
  const store = openStore(project);
  const loaded = loadRegisteredModel(store, 'champion');
  store.close();
  const scale = loadParams(project).scoring;
  const scorer = new BatchScorer(loaded.bundle, loaded.model, { header: raw.header, delimiter: ',', idColumn: -1, threshold: loaded.bundle.threshold, scale, format: 'rows', reasons: false });
  const p: number[] = [];
  const cells: (string | number | null)[] = new Array(raw.header.length);
  for (let i = 0; i < raw.rows; i++) {
    for (let j = 0; j < cells.length; j++) cells[j] = raw.cells[j]![i] ?? null;
    scorer.add(cells, i + 1);
  }
  for (const r of scorer.take().rows) p.push(r.p_bad);
  return Float64Array.from(p).sort();
}

describe('prediction drift (--model), one side at a time', () => {
  let project: Project;
  let refCsv: string;
  let curCsv: string;
  let refPq: string;
  let curPq: string;

  beforeAll(async () => {
    project = await ingestedProject(SAMPLE_STATLOG, 'statlog');
    await runTrain(project, loadParams(project), { families: ['logreg'], quick: true, workers: 1 });
    // 70,000 synthetic rows per side: more than one 65,536-row slice of a Parquet column.
    const store = openStore(project);
    refCsv = join(project.home, 'ref.csv');
    curCsv = join(project.home, 'cur.csv');
    synthFile(project, store, { rows: 70_000, seed: 1, output: refCsv });
    synthFile(project, store, { rows: 70_000, seed: 2, output: curCsv });
    for (const [source, name] of [[refCsv, 'ref'], [curCsv, 'cur']] as const) for await (const _ of ingest(project, store, { source, name })) void _;
    store.close();
    refPq = join(project.home, 'data', 'processed', 'ref.v1.parquet');
    curPq = join(project.home, 'data', 'processed', 'cur.v1.parquet');
  }, 120_000);

  it('reads a Parquet file column by column into the same raw table', async () => {
    let calls = 0;
    const byColumn = await readParquetRawByColumn(refPq, refPq, async () => void calls++);
    const whole = readParquetRaw(refPq);
    expect(calls).toBe(whole.header.length);
    expect({ ...byColumn, rowLabel: null }).toEqual({ ...whole, rowLabel: null });
    // A broken file is the one-line error readParquetRaw gives.
    const broken = join(project.home, 'broken.parquet');
    writeFileSync(broken, readFileSync(refPq).subarray(0, 500));
    await expect(readParquetRawByColumn(broken, 'broken.parquet', async () => undefined)).rejects.toThrow(/broken\.parquet: not a readable Parquet file/);
  });

  it('equals scoring both whole files, CSV and Parquet', async () => {
    const t = loadParams(project).drift;
    const col = (v: Float64Array): DriftColumn => ({ name: 'p_bad', kind: 'numeric', sample: v, missing: 0, total: v.length });
    const raw = (f: string): RawTable => (f.endsWith('.parquet') ? readParquetRaw(f) : (() => {
      const text = readFileSync(f, 'utf8');
      return rawTableFromText(text, f, detectTextFormat(text));
    })());
    for (const [ref, cur] of [[refCsv, curCsv], [refPq, curPq]] as const) {
      const store = openStore(project);
      const report = await runDrift(store, ref, cur, t, { model: 'champion' });
      store.close();
      const expected = compareColumn(col(scoreAll(project, raw(ref))), col(scoreAll(project, raw(cur))), t);
      expect(report.prediction).toEqual({ ...expected, model_version: 1 });
    }
  }, 120_000);

  it('reports a file error before a model error, and a model error after the comparison', async () => {
    const t = loadParams(project).drift;
    const store = openStore(project);
    try {
      await expect(runDrift(store, refCsv, join(project.home, 'missing.csv'), t, { model: 'nope' })).rejects.toThrow(/missing\.csv: file not found/);
      const lines = readFileSync(refCsv, 'utf8').split('\n');
      const narrow = join(project.home, 'narrow.csv');
      writeFileSync(narrow, lines.map((l) => l.split(',').slice(1).join(',')).join('\n'));
      await expect(runDrift(store, refCsv, narrow, t, { model: 'nope' })).rejects.toThrow(/missing column 'checking_status'/);
      await expect(runDrift(store, refCsv, curCsv, t, { model: 'nope' })).rejects.toThrow(/nope/);
    } finally {
      store.close();
    }
  }, 120_000);
});
