import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunStoreContract } from '../core/store/contract.js';
import { PgRunStore } from '../core/store/pg-run-store.js';
import { SqliteRunStore } from '../core/store/run-store.js';

const N = Number(process.env['CREDIT_TUI_BENCH_STORE_OPS'] ?? 200);
const PG_BIN = process.env['CREDIT_TUI_PG_BIN'] ?? '/usr/lib/postgresql/15/bin';

const quantile = (xs: readonly number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

/** A PostgreSQL binary, as the `postgres` user when we are root (initdb refuses root). */
function pgRun(bin: string, args: readonly string[]): void {
  const root = process.getuid?.() === 0;
  const r = spawnSync(root ? 'runuser' : join(PG_BIN, bin), root ? ['-u', 'postgres', '--', join(PG_BIN, bin), ...args] : [...args], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`${bin} failed: ${r.stderr || r.stdout}`);
}

/** A private PostgreSQL 15 on 127.0.0.1 and a free port (as the tests start one); null when not installed. */
async function privatePostgres(): Promise<{ url: string; stop(): void } | null> {
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

/** `npm run bench -- store`: register, list, alias and log-metric latency on runs.db and on a private PostgreSQL. */
export async function benchStore(): Promise<void> {
  console.log(`\n== store: milliseconds per operation, ${N} operations each, one process ==`);
  const dir = mkdtempSync(join(tmpdir(), 'credit-tui-bench-store-'));
  const sqlite = SqliteRunStore.open(join(dir, 'runs.db'));
  const lite = measure(sqlite);
  sqlite.close();
  rmSync(dir, { recursive: true, force: true });
  const server = await privatePostgres();
  let pgTimes: Record<Op, number[]> | null = null;
  if (server) {
    try {
      const store = PgRunStore.open(server.url);
      pgTimes = measure(store);
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
  console.log(server ? 'postgresql: a private PostgreSQL 15 on 127.0.0.1 (fsync on), reached through the blocking worker bridge' : `postgresql: not measured (no ${join(PG_BIN, 'initdb')})`);
}
