import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { STATLOG_COLUMNS } from '../core/data/codebooks.js';
import { DEFAULT_PARAMS } from '../core/params/params.js';
import { ingest } from '../engine/ingest.js';
import { openStore, projectAt } from '../engine/project.js';
import { loadRegisteredModel } from '../engine/registry.js';
import { train } from '../engine/train.js';
import { hasPythonReference, PYTHON } from './python-reference.js';

const BIN = resolve('bin', 'credit-tui');
const ROWS = Number(process.env['CREDIT_TUI_BENCH_ROWS'] ?? 1_000_000);

/** Runs a command under /usr/bin/time and returns wall seconds and peak RSS (MB). */
export function timed(cmd: string, args: readonly string[]): { seconds: number; rssMb: number; stdout: string; status: number | null } {
  const r = spawnSync('/usr/bin/time', ['-f', '__TIME__ %e %M', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const m = /__TIME__ ([\d.]+) (\d+)/.exec(r.stderr);
  return { seconds: Number(m?.[1] ?? NaN), rssMb: Number(m?.[2] ?? NaN) / 1024, stdout: r.stdout, status: r.status };
}

/** A large CSV built by cycling the real Statlog rows (raw codes), with an id column. */
export async function bigStatlogCsv(statlog: string, path: string, rows: number, shift = false): Promise<void> {
  const lines = readFileSync(statlog, 'utf8').trim().split('\n').map((l) => l.trim().split(/\s+/));
  const out = createWriteStream(path);
  const write = (s: string): Promise<void> | void => (out.write(s) ? undefined : new Promise((r) => out.once('drain', () => r())));
  await write(`id,${STATLOG_COLUMNS.map((c) => c.name).join(',')}\n`);
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    const t = [...lines[i % lines.length]!];
    if (shift) {
      t[4] = String(Math.round(Number(t[4]) * 1.15)); // credit amount up 15%
      if (i % 7 === 0) t[12] = ''; // some ages missing
    }
    chunk += `${i + 1},${t.join(',')}\n`;
    if (chunk.length > 1 << 20) {
      await write(chunk);
      chunk = '';
    }
  }
  await write(chunk);
  await new Promise<void>((r) => out.end(() => r()));
}

/** Targets from issue #15: throughput ratio against pandas + the reference library, by champion family. */
const SCORING_TARGETS: Readonly<Record<string, number>> = { logreg: 2.5, xgboost: 1.5 };

/**
 * Scoring 1M rows with a logreg champion and with an xgboost champion (100 trees), whole process, reasons
 * included, against pandas + scikit-learn / XGBoost `predict_proba` (which computes no reasons) in the same run.
 */
export async function benchScoring(dataDir: string): Promise<void> {
  console.log(`\n== scoring: ${ROWS.toLocaleString('en')} rows (real Statlog rows, cycled), one champion per family ==`);
  const statlog = join(dataDir, 'statlog_german.data');
  const shared = mkdtempSync(join(tmpdir(), 'credit-tui-bench-'));
  const big = join(shared, 'applicants.csv');
  await bigStatlogCsv(statlog, big, ROWS);
  console.log(`input: ${(statSync(big).size / 1e6).toFixed(0)} MB CSV`);
  for (const family of ['logreg', 'xgboost'] as const) {
    const h = mkdtempSync(join(tmpdir(), `credit-tui-bench-${family}-`));
    const project = projectAt(h);
    const store = openStore(project);
    for await (const _ of ingest(project, store, { source: statlog })) void _;
    for await (const _ of train(project, store, DEFAULT_PARAMS, { families: [family], quick: true })) void _;
    const champion = loadRegisteredModel(store);
    store.close();
    console.log(`-- ${family} champion ${JSON.stringify(champion.bundle.candidate)}`);
    // Whole process (start-up, model check, reason codes, writing the output), default threads and one thread.
    const ours = timed(process.execPath, [BIN, '--home', h, 'score', big, '-o', join(h, 'scored.csv')]);
    const single = timed(process.execPath, [BIN, '--home', h, 'score', big, '-o', join(h, 'scored-1.csv'), '--workers', '1']);
    for (const [label, t] of [[`default (${Math.min(4, availableParallelism())} worker threads)`, ours], ['--workers 1', single]] as const) {
      console.log(`credit-tui ${label}: ${t.seconds.toFixed(1)} s, ${(ROWS / t.seconds).toFixed(0)} rows/s (whole process, incl. reason codes and writing the output), peak RSS ${t.rssMb.toFixed(0)} MB (exit ${t.status})`);
    }
    if (!hasPythonReference()) {
      console.log('reference: not installed; no ratio');
      continue;
    }
    const ref = timed(PYTHON, [resolve('scripts', 'score_reference.py'), statlog, big, family, JSON.stringify(champion.bundle.candidate)]);
    const r = JSON.parse(ref.stdout.trim().split('\n').at(-1)!) as { seconds: number };
    const lib = family === 'xgboost' ? 'pandas + XGBoost' : 'pandas + scikit-learn';
    console.log(`${lib}: ${r.seconds.toFixed(1)} s, ${(ROWS / r.seconds).toFixed(0)} rows/s (read_csv + transform + predict_proba only, no reasons, one thread), peak RSS ${ref.rssMb.toFixed(0)} MB`);
    const ratio = r.seconds / ours.seconds;
    const target = SCORING_TARGETS[family]!;
    console.log(`throughput ratio credit-tui / ${lib}: ${ratio.toFixed(2)} default (target >= ${target}: ${ratio >= target ? 'met' : 'MISSED'}), ${(r.seconds / single.seconds).toFixed(2)} with one thread; peak RSS ${ours.rssMb.toFixed(0)} MB (target < 1024: ${ours.rssMb < 1024 ? 'met' : 'MISSED'})`);
    rmSync(h, { recursive: true, force: true });
  }
  rmSync(shared, { recursive: true, force: true });
}

export async function benchDrift(dataDir: string): Promise<void> {
  console.log(`\n== drift: ${ROWS.toLocaleString('en')} vs ${ROWS.toLocaleString('en')} rows, 20 Statlog features ==`);
  const statlog = join(dataDir, 'statlog_german.data');
  const h = mkdtempSync(join(tmpdir(), 'credit-tui-bench-'));
  const refCsv = join(h, 'ref.csv');
  const curCsv = join(h, 'cur.csv');
  await bigStatlogCsv(statlog, refCsv, ROWS);
  await bigStatlogCsv(statlog, curCsv, ROWS, true);
  const pl = (await import('nodejs-polars')).default;
  for (const [csv, pq] of [[refCsv, join(h, 'ref.parquet')], [curCsv, join(h, 'cur.parquet')]] as const) {
    pl.readCSV(csv, { inferSchemaLength: 10_000 }).drop('id').writeParquet(pq);
  }
  const ours = timed(process.execPath, [BIN, '--home', h, 'drift', join(h, 'ref.parquet'), join(h, 'cur.parquet'), '--json']);
  const verdict = JSON.parse(ours.stdout) as { dataset_drift: boolean; drifted_columns: number };
  console.log(`credit-tui (Parquet): ${ours.seconds.toFixed(1)} s wall incl. start-up and reading, peak RSS ${ours.rssMb.toFixed(0)} MB; ${verdict.drifted_columns} columns drifted`);
  if (!hasPythonReference(['scipy', 'pandas'])) return console.log('SciPy reference: not installed; no ratio');
  const ref = timed(PYTHON, [resolve('scripts', 'drift_reference.py'), refCsv, curCsv, 'class']);
  const r = JSON.parse(ref.stdout.trim().split('\n').at(-1)!) as { read_seconds: number; stats_seconds: number; total_seconds: number };
  console.log(`SciPy (CSV via pandas): ${r.total_seconds.toFixed(1)} s (read ${r.read_seconds.toFixed(1)} s + statistics ${r.stats_seconds.toFixed(1)} s), peak RSS ${ref.rssMb.toFixed(0)} MB`);
  console.log(`ratio credit-tui / SciPy (total): ${(ours.seconds / r.total_seconds).toFixed(2)}`);
}

/**
 * Memory on a ~2 GB input (`npm run bench -- big`): score and drift a generated CSV of about 23M real rows.
 * No reference run: pandas would need many times the file size in memory.
 */
export async function benchBig(dataDir: string): Promise<void> {
  const rows = Number(process.env['CREDIT_TUI_BIG_ROWS'] ?? 23_000_000);
  console.log(`\n== resources: ${rows.toLocaleString('en')}-row CSV (~2 GB) ==`);
  const statlog = join(dataDir, 'statlog_german.data');
  const h = mkdtempSync(join(tmpdir(), 'credit-tui-big-'));
  const project = projectAt(h);
  const store = openStore(project);
  for await (const _ of ingest(project, store, { source: statlog })) void _;
  for await (const _ of train(project, store, DEFAULT_PARAMS, { families: ['logreg', 'xgboost'], quick: true })) void _;
  store.close();
  const big = join(h, 'big.csv');
  await bigStatlogCsv(statlog, big, rows);
  console.log(`input ${(statSync(big).size / 1e9).toFixed(2)} GB`);
  const score = timed(process.execPath, [BIN, '--home', h, 'score', big, '-o', join(h, 'scored.csv')]);
  console.log(`score: ${score.seconds.toFixed(0)} s, ${(rows / score.seconds).toFixed(0)} rows/s, peak RSS ${score.rssMb.toFixed(0)} MB (exit ${score.status})`);
  // Drift streams both CSVs into per-column counts; CREDIT_TUI_BIG_DRIFT=0 skips it (another 2 GB to write).
  if (process.env['CREDIT_TUI_BIG_DRIFT'] !== '0') {
    const cur = join(h, 'big-cur.csv');
    await bigStatlogCsv(statlog, cur, rows, true);
    const drift = timed(process.execPath, [BIN, '--home', h, 'drift', big, cur, '--json']);
    console.log(`drift (CSV vs CSV, ${(2 * rows).toLocaleString('en')} rows): ${drift.seconds.toFixed(0)} s, peak RSS ${drift.rssMb.toFixed(0)} MB (exit ${drift.status})`);
  }
  rmSync(h, { recursive: true, force: true });
}
