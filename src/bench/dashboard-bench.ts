import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, projectAt, type StoreSetting } from '../engine/project.js';
import { buildDashboardServer } from '../serve/dashboard/app.js';
import { privatePostgres } from './store-bench.js';

const RUNS = 1000;
const TARGET_MS = 300;

/** A project whose store holds `RUNS` top-level runs: every fifth a search with 20 candidates, the rest ingest, score and drift runs. */
function seed(home: string, setting: StoreSetting): void {
  const store = openStore(projectAt(home), setting);
  const ds = store.addDataset({ name: 'statlog_german', digest: 'd'.repeat(64), source: 'bench', format: 'csv', path: join(home, 'x.parquet'), raw_path: join(home, 'x.csv'), rows: 1000, schema: [], roles: {} }, 1);
  store.atomically(() => {
    for (let i = 0; i < RUNS; i++) {
      const kind = i % 5 === 0 ? 'train' : (['ingest', 'score', 'drift', 'eda'] as const)[i % 4]!;
      const id = store.startRun(kind, `${kind} bench ${i}`);
      store.logInput(id, ds.dataset_id);
      if (kind === 'train') {
        store.logParams(id, { dataset: 'statlog_german@1', families: 'logreg,forest', seed: 42 });
        store.logMetrics(id, { test_roc_auc: 0.75 + (i % 7) / 100, cv_auc_mean: 0.76, test_ks: 0.4, test_brier: 0.17, test_cost_at_optimal: 0.5, candidates: 20, wall_seconds: 12 });
        for (let c = 0; c < 20; c++) {
          const child = store.startRun('train', `logreg C=${c}`, id);
          store.logParams(child, { family: c % 2 ? 'logreg' : 'forest', C: c });
          store.logMetrics(child, { cv_auc_mean: 0.7 + c / 200, cv_auc_std: 0.02, selection: 0.7 + c / 200, train_auc: 0.8 });
          store.endRun(child, 'FINISHED');
        }
      } else store.logMetrics(id, kind === 'drift' ? { drift_share: 0.1, drifted_columns: 2 } : { rows: 1000, bad_rate: 0.3 });
      store.endRun(id, i % 50 === 7 ? 'FAILED' : 'FINISHED', i % 50 === 7 ? 'bench failure' : undefined);
    }
  });
  store.close();
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * `npm run bench -- dashboard`: the runs page of a project with 1,000 runs, over real HTTP, median of 15
 * requests; on runs.db, then on a private PostgreSQL 15 when one is installed (the same page, the same contract).
 */
export async function benchDashboard(): Promise<void> {
  await benchDashboardOn('runs.db', {});
  const server = await privatePostgres();
  if (!server) return;
  try {
    await benchDashboardOn('postgresql', { flag: server.url });
  } finally {
    server.stop();
  }
}

async function benchDashboardOn(label: string, setting: StoreSetting): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), 'credit-tui-dash-bench-'));
  try {
    seed(home, setting);
    const app = await buildDashboardServer({ project: projectAt(home), store: setting });
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    console.log(`\n== dashboard on ${label}: /dashboard with ${RUNS} runs (${RUNS / 5} searches of 20 candidates) ==`);
    // Server and client share this process: CPU is what one request costs, wall what it took on this machine now.
    console.log(`  load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`);
    for (const path of ['/dashboard', '/dashboard.json', '/dashboard?experiment=train&family=logreg']) {
      let bytes = 0;
      let shown = '';
      const times: number[] = [];
      const cpu: number[] = [];
      for (let i = 0; i < 17; i++) {
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        const r = await fetch(`${base}${path}`);
        const body = await r.text();
        const ms = performance.now() - t0;
        const c = process.cpuUsage(c0);
        if (r.status !== 200) throw new Error(`${path}: HTTP ${r.status}`);
        bytes = body.length;
        shown = /(\d+) runs?, newest first/.exec(body)?.[1] ?? String((JSON.parse(body) as { runs: unknown[] }).runs.length);
        // The first two warm the statement cache and the JIT.
        if (i >= 2) {
          times.push(ms);
          cpu.push((c.user + c.system) / 1000);
        }
      }
      const m = median(times);
      console.log(`  ${path.padEnd(44)} ${shown.padStart(5)} runs  ${(bytes / 1024).toFixed(0).padStart(5)} KiB  median ${m.toFixed(1)} ms (CPU ${median(cpu).toFixed(1)} ms), max ${Math.max(...times).toFixed(1)} ms  ${m < TARGET_MS ? `(target < ${TARGET_MS} ms: met)` : `(target < ${TARGET_MS} ms: MISSED)`}`);
    }
    await app.close();
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
