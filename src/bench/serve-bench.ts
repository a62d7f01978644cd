import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { STATLOG_COLUMNS } from '../core/data/codebooks.js';
import { DEFAULT_PARAMS } from '../core/params/params.js';
import { ingest } from '../engine/ingest.js';
import { openStore, projectAt } from '../engine/project.js';
import { train } from '../engine/train.js';
import { PYTHON } from './python-reference.js';

const BIN = resolve('bin', 'credit-tui');
const PORT_OURS = 18_431;
const PORT_REF = 18_432;
const CONNECTIONS = 16;
const SECONDS = Number(process.env['CREDIT_TUI_BENCH_SERVE_SECONDS'] ?? 10);

interface Load {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
  readonly total: number;
}

async function waitUp(url: string, proc: ChildProcess): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    if (proc.exitCode !== null || Date.now() - t0 > 60_000) throw new Error(`${url} did not come up`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function load(url: string, body: string): Promise<Load> {
  const { default: autocannon } = await import('autocannon');
  const r = await autocannon({ url, method: 'POST', connections: CONNECTIONS, duration: SECONDS, headers: { 'content-type': 'application/json' }, body });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.timeouts + r.non2xx, total: r.requests.total };
}

async function stop(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  await exited;
}

/** The service under load: one applicant per request, 16 keep-alive connections, against FastAPI + uvicorn. */
export async function benchServe(dataDir: string): Promise<void> {
  console.log(`\n== serving: one applicant per request, ${CONNECTIONS} keep-alive connections, ${SECONDS} s (autocannon), 2 workers each ==`);
  const statlog = join(dataDir, 'statlog_german.data');
  const home = mkdtempSync(join(tmpdir(), 'credit-tui-bench-serve-'));
  const project = projectAt(home);
  const store = openStore(project);
  for await (const _ of ingest(project, store, { source: statlog })) void _;
  for await (const _ of train(project, store, DEFAULT_PARAMS, { families: ['logreg'], quick: true })) void _;
  store.close();
  const columns = STATLOG_COLUMNS.map((c) => c.name).filter((c) => c !== 'class');
  const rows = readFileSync(statlog, 'utf8').trim().split('\n').map((l) => l.trim().split(/\s+/).slice(0, 20).map((v) => (/^\d+$/.test(v) ? Number(v) : v)));
  const record = (row: readonly (string | number)[]) => Object.fromEntries(columns.map((c, j) => [c, row[j]!]));
  const one = JSON.stringify({ dataframe_records: [record(rows[0]!)] });
  const batch = JSON.stringify({ dataframe_records: rows.map(record) });

  const ours = spawn(process.execPath, [BIN, '--home', home, 'serve', '--port', String(PORT_OURS), '--workers', '2'], { stdio: 'ignore' });
  let mine: Load;
  let batchMs: number;
  try {
    await waitUp(`http://127.0.0.1:${PORT_OURS}/ping`, ours);
    await load(`http://127.0.0.1:${PORT_OURS}/invocations`, one); // warm-up (JIT), not counted
    mine = await load(`http://127.0.0.1:${PORT_OURS}/invocations`, one);
    const times: number[] = [];
    for (let i = 0; i < 21; i++) {
      const t0 = performance.now();
      const res = await fetch(`http://127.0.0.1:${PORT_OURS}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: batch });
      await res.json();
      times.push(performance.now() - t0);
    }
    batchMs = times.sort((a, b) => a - b)[10]!;
  } finally {
    await stop(ours);
  }
  console.log(`credit-tui serve: ${mine.rps.toFixed(0)} requests/s, p50 ${mine.p50} ms, p99 ${mine.p99} ms, ${mine.errors} failed of ${mine.total}`);
  console.log(`credit-tui serve: a ${rows.length}-row batch request takes ${batchMs.toFixed(1)} ms (median of 21)`);

  const hasRef = spawnSync(PYTHON, ['-c', 'import fastapi, uvicorn, sklearn, pandas'], { encoding: 'utf8' }).status === 0;
  if (!hasRef) {
    console.log('reference skipped: apt-get install python3-fastapi python3-uvicorn python3-sklearn python3-pandas');
    return;
  }
  const ref = spawn(PYTHON, ['-m', 'uvicorn', '--app-dir', resolve('scripts'), 'serve_reference:app', '--workers', '2', '--port', String(PORT_REF), '--log-level', 'warning'], {
    stdio: 'ignore', env: { ...process.env, STATLOG: statlog },
  });
  let theirs: Load;
  try {
    await waitUp(`http://127.0.0.1:${PORT_REF}/ping`, ref);
    await load(`http://127.0.0.1:${PORT_REF}/invocations`, one);
    theirs = await load(`http://127.0.0.1:${PORT_REF}/invocations`, one);
  } finally {
    await stop(ref);
  }
  console.log(`FastAPI + uvicorn + scikit-learn: ${theirs.rps.toFixed(0)} requests/s, p50 ${theirs.p50} ms, p99 ${theirs.p99} ms, ${theirs.errors} failed of ${theirs.total}`);
  console.log(`throughput ratio ${(mine.rps / theirs.rps).toFixed(1)}x (target >= 20x), p99 ${mine.p99} ms (target <= 10 ms), failed ${mine.errors} (target 0)`);
}
