import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_PARAMS } from '../core/params/params.js';
import { ingest } from '../engine/ingest.js';
import { openStore, projectAt } from '../engine/project.js';
import { train } from '../engine/train.js';
import { bigStatlogCsv, timed } from './io-bench.js';

const BIN = resolve('bin', 'credit-tui');
const ROWS = Number(process.env['CREDIT_TUI_BENCH_MONITOR_ROWS'] ?? 10_000_000);

/** Memory of `monitor` on a large prediction log: it should follow periods and distinct values, not rows. */
export async function benchMonitor(dataDir: string): Promise<void> {
  console.log(`\n== monitoring: ${ROWS.toLocaleString('en')} logged predictions (real Statlog rows, cycled), periods of 1M rows ==`);
  const home = mkdtempSync(join(tmpdir(), 'credit-tui-bench-monitor-'));
  const project = projectAt(home);
  const store = openStore(project);
  const statlog = join(dataDir, 'statlog_german.data');
  for await (const _ of ingest(project, store, { source: statlog })) void _;
  for await (const _ of train(project, store, DEFAULT_PARAMS, { families: ['logreg'], quick: true })) void _;
  store.close();
  const csv = join(home, 'applicants.csv');
  await bigStatlogCsv(statlog, csv, ROWS);
  const scored = timed(process.execPath, [BIN, '--home', home, 'score', csv, '-o', join(home, 'outputs', 'scored.csv'), '--log-predictions']);
  rmSync(csv);
  console.log(`score --log-predictions: ${scored.seconds.toFixed(1)} s, peak RSS ${scored.rssMb.toFixed(0)} MB`);
  const monitored = timed(process.execPath, [BIN, '--home', home, 'monitor', '--by', '1000000 rows', '--json']);
  const periods = monitored.status === 0 || monitored.status === 3 ? (JSON.parse(monitored.stdout) as { periods: unknown[] }).periods.length : 0;
  console.log(`monitor over ${ROWS.toLocaleString('en')} logged rows (${periods} periods): ${monitored.seconds.toFixed(1)} s, peak RSS ${monitored.rssMb.toFixed(0)} MB`);
  rmSync(home, { recursive: true, force: true });
}
