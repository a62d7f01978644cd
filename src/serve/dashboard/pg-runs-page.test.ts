import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectAt } from '../../engine/project.js';
import { BIN, runCli, SAMPLE_STATLOG, tmpHome } from '../../test-support/helpers.js';
import { HAS_POSTGRES, startPostgres, type PgServer } from '../../test-support/postgres.js';
import { buildDashboardServer } from './app.js';

interface RunsJson {
  readonly options: { experiments: string[]; datasets: string[]; families: string[] };
  readonly runs: { run_id: string; name: string; experiment: string; families: string[]; datasets: string[]; children: number; metrics: Record<string, number>; leaderboard: { rank: number; family: string | null; selection: number | null }[] }[];
}

let pg: PgServer | undefined;
let url = '';
const home = tmpHome('credit-tui-runs-sqlite-');
const elsewhere = tmpHome('credit-tui-runs-pg-');

beforeAll(async () => {
  if (!HAS_POSTGRES) return;
  pg = await startPostgres();
  url = pg.url('runs_page');
  // Real runs in a runs.db (a search with candidates of two families, a score, a failed train), then the
  // whole store copied, ids and times kept, into PostgreSQL: both pages must say the same.
  for (const args of [['ingest', SAMPLE_STATLOG], ['train', '--headless', '--quick', '--families', 'logreg,tree'], ['score', SAMPLE_STATLOG, '-o', `${home}/scored.csv`], ['train', '--headless', '--families', 'nosuch']]) {
    const r = runCli(args, { home });
    if (!args.includes('nosuch')) expect(r.status, r.stderr).toBe(0);
  }
  const copy = runCli(['store', 'copy', '--to', url], { home });
  expect(copy.status, copy.stderr).toBe(0);
}, 120_000);
afterAll(() => pg?.stop());

const QUERIES = ['', '?family=tree', '?family=logreg', '?experiment=train', '?experiment=score', '?status=FINISHED', '?status=FAILED', '?limit=1', '?family=svm'];

describe.skipIf(!HAS_POSTGRES)('the dashboard runs page on PostgreSQL, through the store contract', () => {
  it('answers the same JSON as on runs.db for every filter, with leaderboards, metrics and filter menus', async () => {
    const lite = await buildDashboardServer({ project: projectAt(home) });
    const remote = await buildDashboardServer({ project: projectAt(elsewhere), store: { flag: url } });
    try {
      const datasets = (JSON.parse((await lite.inject({ url: '/dashboard.json' })).body) as RunsJson).options.datasets;
      expect(datasets.length).toBe(1);
      for (const q of [...QUERIES, `?dataset=${datasets[0]}`, `?dataset=${datasets[0]}@1`, `?dataset=${datasets[0]}@9`]) {
        const a = await lite.inject({ url: `/dashboard.json${q}` });
        const b = await remote.inject({ url: `/dashboard.json${q}` });
        expect(b.statusCode, `${q}: ${b.body}`).toBe(200);
        expect(JSON.parse(b.body), q).toEqual(JSON.parse(a.body));
      }
      const all = JSON.parse((await remote.inject({ url: '/dashboard.json' })).body) as RunsJson;
      expect(all.options.families).toEqual(['logreg', 'tree']);
      expect(all.options.experiments).toEqual(expect.arrayContaining(['ingest', 'score', 'train']));
      const search = all.runs.find((r) => r.experiment === 'train' && r.children > 0)!;
      expect(search.families).toEqual(['logreg', 'tree']);
      expect(search.leaderboard.length).toBeGreaterThan(1);
      expect(new Set(search.leaderboard.map((c) => c.family))).toEqual(new Set(['logreg', 'tree']));
      const sel = search.leaderboard.map((c) => c.selection!);
      expect(sel).toEqual([...sel].sort((x, y) => y - x));
      expect(search.metrics['test_roc_auc']).toBeGreaterThan(0.5);
      expect((JSON.parse((await remote.inject({ url: '/dashboard.json?family=svm' })).body) as RunsJson).runs).toEqual([]);
      const page = await remote.inject({ url: '/dashboard' });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain(search.run_id.slice(0, 8));
    } finally {
      await lite.close();
      await remote.close();
    }
  }, 60_000);

  it('`credit-tui --store URL dashboard` reads the PostgreSQL store (the real binary)', async () => {
    const proc = spawn(process.execPath, [BIN, '--home', elsewhere, '--store', url, 'dashboard', '--port', '0'], { env: { ...process.env, NO_COLOR: '1', CREDIT_TUI_TOKEN: '' } });
    try {
      let stderr = '';
      proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const t0 = Date.now();
      while (!/dashboard at (\S+)/.test(stderr)) {
        if (proc.exitCode !== null || Date.now() - t0 > 30_000) throw new Error(`dashboard did not start: ${stderr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const res = await fetch(`${/dashboard at (\S+)/.exec(stderr)![1]!}.json`);
      expect(res.status).toBe(200);
      const lite = await buildDashboardServer({ project: projectAt(home) });
      try {
        expect(await res.json()).toEqual(JSON.parse((await lite.inject({ url: '/dashboard.json' })).body));
      } finally {
        await lite.close();
      }
    } finally {
      proc.kill('SIGKILL');
    }
  }, 40_000);
});
