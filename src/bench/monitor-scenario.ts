import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STATLOG_COLUMNS } from '../core/data/codebooks.js';

const BIN = fileURLToPath(new URL('../../bin/credit-tui', import.meta.url));
export const BATCHES = 10;
export const BATCH_ROWS = 100;

function cli(home: string, args: readonly string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1' };
  delete env['CREDIT_TUI_HOME'];
  const r = spawnSync(process.execPath, [BIN, '--home', home, ...args], { encoding: 'utf8', cwd, env });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * The seeded monitoring scenario: a champion trained on Statlog, then 10 batches of 100 real rows scored with
 * --log-predictions; batches 1-5 as they are, batches 6-10 drifting progressively (`credit-tui shift`
 * scales credit_amount and duration by 1.25, 1.5, … 2.25), and every outcome imported. Ids are the rows'
 * positions in the Statlog file (shift keeps row order when it only scales).
 * Used by src/engine/monitor.test.ts and by scripts/monitor_fixtures.py (which regenerates the AUC fixture).
 */
export function buildMonitorScenario(statlog: string, home: string): void {
  const columns = [...STATLOG_COLUMNS.map((c) => c.name)];
  const lines = readFileSync(statlog, 'utf8').trim().split('\n').map((l) => l.trim().split(/\s+/));
  const must = (r: { status: number | null; stderr: string }, ok: readonly number[] = [0]): void => {
    if (!ok.includes(r.status ?? -1)) throw new Error(r.stderr);
  };
  must(cli(home, ['ingest', statlog], home));
  must(cli(home, ['train', '--headless', '--quick', '--families', 'logreg'], home));
  for (let b = 0; b < BATCHES; b++) {
    const raw = join(home, `batch${b}.csv`);
    writeFileSync(raw, `${columns.join(',')}\n${lines.slice(b * BATCH_ROWS, (b + 1) * BATCH_ROWS).map((l) => l.join(',')).join('\n')}\n`);
    const factor = b < 5 ? 1 : 1 + 0.25 * (b - 4);
    const shifted = join(home, `shifted${b}.csv`);
    must(cli(home, ['shift', raw, shifted, '--scale', `credit_amount=${factor}`, '--scale', `duration=${factor}`, '--seed', String(b)], home));
    const [header, ...rows] = readFileSync(shifted, 'utf8').trim().split('\n');
    const withIds = join(home, `applicants${b}.csv`);
    writeFileSync(withIds, `id,${header}\n${rows.map((r, i) => `${b * BATCH_ROWS + i},${r}`).join('\n')}\n`);
    // Exit 4: a row or two beyond what the model accepts is refused; the rest are scored and logged.
    must(cli(home, ['score', withIds, '--log-predictions'], home), [0, 4]);
  }
  writeFileSync(join(home, 'outcomes.csv'), `id,class\n${lines.map((l, i) => `${i},${l.at(-1)}`).join('\n')}\n`);
  must(cli(home, ['outcomes', join(home, 'outcomes.csv')], home));
}

// `node dist/bench/monitor-scenario.js STATLOG HOME` builds it for the fixture script.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) buildMonitorScenario(process.argv[2]!, process.argv[3]!);
