import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunStoreContract } from '../core/store/contract.js';
import { PgRunStore } from '../core/store/pg-run-store.js';
import { SqliteRunStore } from '../core/store/run-store.js';

const N = Number(process.env['CREDIT_TUI_BENCH_STORE_OPS'] ?? 200);
/** Rows of the prediction-log index, in segments of SEGMENT_ROWS (what a busy serve writes every few seconds). */
const PREDICTIONS = Number(process.env['CREDIT_TUI_BENCH_PREDICTIONS'] ?? 1_000_000);
const SEGMENT_ROWS = 5_000;
const QUERY_IDS = 10_000;
const PG_BIN = process.env['CREDIT_TUI_PG_BIN'] ?? '/usr/lib/postgresql/15/bin';

const quantile = (xs: readonly number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

/** A PostgreSQL binary, as the `postgres` user when we are root (initdb refuses root). */
function pgRun(bin: string, args: readonly string[]): void {
  const root = process.getuid?.() === 0;
  const r = spawnSync(root ? 'runuser' : join(PG_BIN, bin), root ? ['-u', 'postgres', '--', join(PG_BIN, bin), ...args] : [...args], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`${bin} failed: ${r.stderr || r.stdout}`);
}

/** A private PostgreSQL 15 on 127.0.0.1 and a free port (as the tests start one); null when not installed. */
export async function privatePostgres(): Promise<{ url: string; stop(): void } | null> {
  if (!existsSync(join(PG_BIN, 'initdb'))) return null;
  const root = mkdtempSync(join(tmpdir(), 'credit-tui-bench-pg-'));
  chmodSync(root, 0o755);
  const dir = join(root, 'data');
  mkdirSync(dir);
  if (process.getuid?.() === 0) spawnSync('chown', ['postgres', dir]);
  pgRun('initdb', ['-D', dir, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const port = await new Promise<number>((res) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => res(typeof a === 'object' && a ? a.port : 0));
    });
  });
  pgRun('pg_ctl', ['-D', dir, '-w', '-o', `-k ${dir} -p ${port} -c listen_addresses=127.0.0.1`, '-l', join(dir, 'log'), 'start']);
  pgRun('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', 'bench']);
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/bench`,
    stop: () => {
      try {
        pgRun('pg_ctl', ['-D', dir, '-m', 'fast', 'stop']);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  };
}

type Op = 'register' | 'list' | 'alias' | 'log-metric';

/** N timed calls of each operation on one store, after a warm-up; milliseconds per call. */
function measure(store: RunStoreContract): Record<Op, number[]> {
  const run = store.startRun('bench', 'store bench');
  const time = (fn: (i: number) => void): number[] => {
    for (let i = 0; i < 5; i++) fn(i);
    return Array.from({ length: N }, (_, i) => {
      const t0 = performance.now();
      fn(i);
      return performance.now() - t0;
    });
  };
  const register = (i: number): void => {
    // A path that does not exist: the registration's statements without moving bundle bytes.
    store.registerModelVersion({ name: 'bench', run_id: run, family: 'logreg', path: `/nonexistent/bench-${i}.json`, sha256: `sha-${i}`, dataset_digest: 'd', metrics: { roc_auc: 0.8, gini: 0.6 } }, ['champion']);
  };
  const out = { register: time(register) } as Record<Op, number[]>;
  const versions = store.listModelVersions('bench').length;
  out.list = time(() => store.listModelVersions('bench'));
  out.alias = time((i) => store.setAlias('bench', 'challenger', 1 + (i % versions)));
  out['log-metric'] = time((i) => store.logMetrics(run, { roc_auc: 0.8, gini: 0.6 }, i));
  store.endRun(run, 'FINISHED');
  return out;
}

interface IndexFigures {
  readonly seconds: number;
  readonly since: number[];
  readonly ids: number[];
  readonly found: number;
}

/**
 * The prediction log's index at PREDICTIONS rows over 30 days: insert throughput (segments of SEGMENT_ROWS,
 * each one transaction), then the two queries monitoring makes, 20 times each: the segments holding the last
 * day (what `monitor --since` reads), and which of QUERY_IDS outcome ids were logged (what `outcomes` reports).
 * Segment bytes are a 64-byte placeholder: the index is measured, not the upload of NDJSON.
 */
function measureIndex(store: RunStoreContract): IndexFigures {
  const start = Date.parse('2026-11-01T00:00:00Z');
  const step = (30 * 86_400_000) / PREDICTIONS;
  const iso = (i: number): string => new Date(start + i * step).toISOString();
  const t0 = performance.now();
  for (let first = 0, seg = 0; first < PREDICTIONS; first += SEGMENT_ROWS, seg++) {
    const rows = Array.from({ length: Math.min(SEGMENT_ROWS, PREDICTIONS - first) }, (_, j) => {
      const i = first + j;
      return { ts: iso(i), model_version: 1 + (i % 3), batch: `serve ${iso(i).slice(0, 10)}`, id: `app-${i}`, p_bad: (i % 997) / 997, decision: i % 4 === 0 ? 'decline' : 'approve', score: 300 + (i % 550) };
    });
    const bytes = Buffer.from(`segment ${seg}`.padEnd(64));
    store.logPredictionSegment({ host: 'bench', name: `${String(seg).padStart(6, '0')}.ndjson`, sha256: createHash('sha256').update(bytes).digest('hex'), rows: rows.length, bytes: bytes.length, first_ts: rows[0]!.ts, last_ts: rows.at(-1)!.ts }, rows, bytes);
  }
  const seconds = (performance.now() - t0) / 1000;
  const lastDay = iso(PREDICTIONS - 1).slice(0, 10);
  // Outcome ids: half logged (spread over the month), half never seen.
  const ids = Array.from({ length: QUERY_IDS }, (_, k) => (k % 2 === 0 ? `app-${Math.floor((k / QUERY_IDS) * PREDICTIONS)}` : `unknown-${k}`));
  const time = (fn: () => void): number[] => Array.from({ length: 20 }, () => {
    const t = performance.now();
    fn();
    return performance.now() - t;
  });
  let found = 0;
  return { seconds, since: time(() => store.predictionSegments(lastDay)), ids: time(() => (found = store.loggedPredictionIds(ids).size)), found };
}

/** `npm run bench -- store`: register, list, alias and log-metric latency on runs.db and on a private PostgreSQL. */
export async function benchStore(): Promise<void> {
  console.log(`\n== store: milliseconds per operation, ${N} operations each, one process ==`);
  const dir = mkdtempSync(join(tmpdir(), 'credit-tui-bench-store-'));
  const sqlite = SqliteRunStore.open(join(dir, 'runs.db'));
  const lite = measure(sqlite);
  const liteIndex = PREDICTIONS > 0 ? measureIndex(sqlite) : null;
  sqlite.close();
  rmSync(dir, { recursive: true, force: true });
  const server = await privatePostgres();
  let pgTimes: Record<Op, number[]> | null = null;
  let pgIndex: IndexFigures | null = null;
  if (server) {
    try {
      const store = PgRunStore.open(server.url);
      pgTimes = measure(store);
      pgIndex = PREDICTIONS > 0 ? measureIndex(store) : null;
      store.close();
    } finally {
      server.stop();
    }
  }
  const cells = (xs: readonly number[] | undefined): string[] => (xs ? [quantile(xs, 0.5).toFixed(2), quantile(xs, 0.95).toFixed(2)] : ['-', '-']);
  const row = (cols: readonly string[]): string => cols.map((c, i) => (i === 0 ? c.padEnd(12) : c.padStart(16))).join('');
  console.log(row(['operation', 'sqlite median', 'sqlite p95', 'pg median', 'pg p95']));
  for (const op of ['register', 'list', 'alias', 'log-metric'] as const) console.log(row([op, ...cells(lite[op]), ...cells(pgTimes?.[op])]));
  console.log(`register: one version with one alias (no bundle bytes); list: all ${N + 5} versions with aliases; alias: one move; log-metric: two metrics.`);
  if (liteIndex) {
    console.log(`\n== prediction-log index: ${PREDICTIONS.toLocaleString('en')} predictions in segments of ${SEGMENT_ROWS} ==`);
    const ix = (f: IndexFigures | null): string[] => (f ? [`${Math.round(PREDICTIONS / f.seconds).toLocaleString('en')} rows/s (${f.seconds.toFixed(1)} s)`, ...cells(f.since), ...cells(f.ids)] : ['-', '-', '-', '-', '-']);
    const wide = (cols: readonly string[]): string => cols.map((c, i) => (i === 0 ? c.padEnd(12) : i === 1 ? c.padStart(28) : c.padStart(12))).join('');
    console.log(wide(['store', 'insert', 'since med', 'since p95', 'ids med', 'ids p95']));
    console.log(wide(['sqlite', ...ix(liteIndex)]));
    console.log(wide(['postgresql', ...ix(pgIndex)]));
    console.log(`since: the segments holding the last day (monitor --since), ms; ids: which of ${QUERY_IDS.toLocaleString('en')} outcome ids were logged (outcomes), ms, ${liteIndex.found} found.`);
  }
  console.log(server ? 'postgresql: a private PostgreSQL 15 on 127.0.0.1 (fsync on), reached through the blocking worker bridge' : `postgresql: not measured (no ${join(PG_BIN, 'initdb')})`);
}
