import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMonitorScenario } from '../../bench/monitor-scenario.js';
import { BIN, HAS_STATLOG, REPO_ROOT, runCli, STATLOG, tmpHome } from '../../test-support/helpers.js';

/** Debian's chromium (apt), driven headless by playwright-core: browsers cannot be downloaded here. */
const CHROMIUM = process.env['CREDIT_TUI_CHROMIUM'] ?? '/usr/bin/chromium';
const HAS_CHROMIUM = existsSync(CHROMIUM);
const XSS = '<img src=x onerror=alert(1)>';
const TOKEN = 's3cret-dashboard';

/** CI sets CREDIT_TUI_REQUIRE_DATA=1: there a missing browser is a failure, not a skip. */
describe.runIf(!HAS_CHROMIUM && process.env['CREDIT_TUI_REQUIRE_DATA'] === '1')('the dashboard browser tests', () => {
  it('need chromium', () => expect.fail(`no chromium at ${CHROMIUM} (apt-get install chromium, or set CREDIT_TUI_CHROMIUM)`));
});

/** Starts a credit-tui server process and waits for the line that names its URL. */
async function start(args: readonly string[], pattern: RegExp): Promise<{ url: string; proc: ChildProcess }> {
  const proc = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1' } });
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const t0 = Date.now();
  while (!pattern.test(stderr) && Date.now() - t0 < 20_000) await new Promise((r) => setTimeout(r, 50));
  const m = pattern.exec(stderr);
  if (!m) throw new Error(`server did not start: ${stderr}`);
  return { url: m[1]!, proc };
}

interface ChartShape {
  readonly series: { readonly name: string; readonly points: number }[];
  readonly marker: { readonly value: number; readonly x: number } | null;
  readonly plot: { readonly xMin: number; readonly xMax: number; readonly left: number; readonly width: number } | null;
}

/** What a chart drew: per series the number of points of its polylines (or its bars), and its marker. */
async function chartShape(page: Page, id: string): Promise<ChartShape> {
  // A string, evaluated in the page: this project compiles without the DOM's types.
  return page.evaluate<ChartShape>(`(() => {
    const fig = document.getElementById(${JSON.stringify(id)});
    if (!fig) throw new Error('no chart #' + ${JSON.stringify(id)});
    const series = [...fig.querySelectorAll('g.series')].map((g) => {
      const lines = [...g.querySelectorAll('polyline')];
      const points = lines.length ? lines.reduce((n, l) => n + (l.getAttribute('points') || '').trim().split(/\\s+/).filter(Boolean).length, 0) : g.querySelectorAll('rect').length;
      return { name: g.getAttribute('data-name') || '', points };
    });
    const m = fig.querySelector('g.marker');
    const plot = fig.querySelector('g.plot');
    return {
      series,
      marker: m ? { value: Number(m.getAttribute('data-value')), x: Number(m.querySelector('line').getAttribute('x1')) } : null,
      plot: plot && plot.hasAttribute('data-x-min') ? { xMin: Number(plot.getAttribute('data-x-min')), xMax: Number(plot.getAttribute('data-x-max')), left: Number(plot.getAttribute('data-left')), width: Number(plot.getAttribute('data-width')) } : null,
    };
  })()`);
}

describe.skipIf(!HAS_STATLOG || !HAS_CHROMIUM)('the dashboard in a real browser', () => {
  const home = tmpHome('credit-tui-dash-');
  const empty = tmpHome('credit-tui-dash-empty-');
  let served = '';
  let bare = '';
  const procs: ChildProcess[] = [];
  let browser: Browser;
  const problems: string[] = [];
  let dialogs = 0;
  let page: Page;

  const json = async <T>(path: string): Promise<T> => {
    const r = await fetch(`${served}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(r.status).toBe(200);
    return (await r.json()) as T;
  };
  /** Opens a page and checks it rendered without a console error, an uncaught error or a dialog. */
  const open = async (path: string): Promise<void> => {
    problems.length = 0;
    const r = await page.goto(`${served}${path}`);
    expect(r?.status()).toBe(200);
    expect(problems.join(' | '), path).toBe('');
    expect(dialogs).toBe(0);
  };

  beforeAll(async () => {
    // A champion on Statlog, 10 logged batches (the last five drifting) with outcomes; a second version (a scorecard).
    buildMonitorScenario(STATLOG, home);
    expect(runCli(['train', '--headless', '--quick', '--families', 'scorecard'], { home }).status).toBe(0);
    // A data set whose column name is markup: it must reach every page as text.
    const rows = (shift: number) => Array.from({ length: 200 }, (_, i) => `${i},${(i % 17) + shift},${['a', 'b', 'c'][i % 3]},${i % 4 === 0 ? 'bad' : 'good'}`).join('\n');
    writeFileSync(join(home, 'ref.csv'), `id,"${XSS}",purpose,class\n${rows(0)}\n`);
    writeFileSync(join(home, 'cur.csv'), `id,"${XSS}",purpose,class\n${rows(9)}\n`);
    expect(runCli(['ingest', join(home, 'ref.csv'), '--target', 'class'], { home }).status).toBe(0);
    expect([0, 3]).toContain(runCli(['drift', join(home, 'ref.csv'), join(home, 'cur.csv'), '--target', 'class'], { home }).status);
    const s = await start(['--home', home, 'serve', '--port', '0', '--workers', '1', '--token', TOKEN], /listening on (\S+)/);
    const d = await start(['--home', empty, 'dashboard', '--port', '0'], /dashboard at (\S+)\/dashboard/);
    procs.push(s.proc, d.proc);
    served = s.url;
    bare = d.url;
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM, headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1000, height: 1000 } });
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('dialog', (dl) => {
      dialogs++;
      void dl.dismiss();
    });
  });
  afterAll(async () => {
    await browser?.close();
    for (const p of procs) p.kill('SIGTERM');
  });

  it('asks for the token as the API does; given once in the URL, the browser keeps it', async () => {
    expect((await fetch(`${served}/dashboard`)).status).toBe(401);
    expect((await fetch(`${served}/dashboard.json`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const r = await page.goto(`${served}/dashboard?token=${TOKEN}`);
    expect(r?.status()).toBe(200);
    expect(new URL(page.url()).search).toBe('');
    // The JSON twin the page links to is reached with the same cookie.
    const twin = await page.goto(`${served}/dashboard.json`);
    expect(twin?.status()).toBe(200);
  });

  it('lists the runs newest first, with filters and each search leaderboard', async () => {
    const d = await json<{ runs: { run_id: string; start_time: number; experiment: string; leaderboard: unknown[] }[] }>('/dashboard.json');
    await open('/dashboard');
    expect(await page.locator('#runs tbody tr.run-row').count()).toBe(d.runs.length);
    expect(d.runs.map((r) => r.start_time)).toEqual([...d.runs.map((r) => r.start_time)].sort((a, b) => b - a));
    expect(d.runs.filter((r) => r.experiment === 'train' && r.leaderboard.length > 0)).toHaveLength(2);
    const trains = await json<{ runs: { experiment: string }[] }>('/dashboard.json?experiment=train');
    expect(trains.runs.map((r) => r.experiment)).toEqual(['train', 'train']);
    await open('/dashboard?family=scorecard');
    expect(await page.locator('#runs tbody tr.run-row').count()).toBe(1);
  });

  it('draws a version: ROC, PR, calibration, scores, expected cost with the cut-off at the threshold, fairness', async () => {
    type F = { model: { threshold: number; version: number }; roc: { points: unknown[] }; pr: { points: unknown[] }; calibration: { before: { bins: { n: number }[] }; after: { bins: { n: number }[] } }; scores: { bins: unknown[] }; expected_cost: { points: unknown[] }; fairness: { attributes: unknown[] } };
    const f = await json<F>('/dashboard/models/1.json');
    await open('/dashboard/models/1');
    const roc = await chartShape(page, 'roc');
    expect(roc.series.map((s) => s.points)).toEqual([f.roc.points.length]);
    expect(roc.series[0]!.points).toBeGreaterThan(10);
    expect((await chartShape(page, 'pr')).series.map((s) => s.points)).toEqual([f.pr.points.length]);
    const filled = (bins: { n: number }[]) => bins.filter((b) => b.n > 0).length;
    expect((await chartShape(page, 'calibration')).series.map((s) => s.points)).toEqual([filled(f.calibration.before.bins), filled(f.calibration.after.bins)]);
    expect((await chartShape(page, 'scores')).series.map((s) => s.points)).toEqual([20, 20]);
    const cost = await chartShape(page, 'cost');
    expect(cost.series.map((s) => s.points)).toEqual([101]);
    expect(cost.marker!.value).toBeCloseTo(f.model.threshold, 12);
    const { xMin, xMax, left, width } = cost.plot!;
    expect(cost.marker!.x).toBeCloseTo(left + ((f.model.threshold - xMin) / (xMax - xMin)) * width, 6);
    expect(Number(await page.locator('#cutoff').getAttribute('data-threshold'))).toBeCloseTo(f.model.threshold, 12);
    expect(await page.locator('figure[id^="fairness-"]').count()).toBe(f.fairness.attributes.length);
    // Every chart carries its numbers as a table behind a <details>.
    expect(await page.locator('figure.chart').count()).toBe(await page.locator('figure.chart details.data table').count());
    mkdirSync(join(REPO_ROOT, 'docs'), { recursive: true });
    // Tall enough to show the expected-cost chart with its cut-off marker.
    await page.setViewportSize({ width: 1000, height: 1420 });
    await page.screenshot({ path: join(REPO_ROOT, 'docs', 'dashboard-model.png') });
    await page.setViewportSize({ width: 1000, height: 1000 });
  });

  it("shows a scorecard's points table", async () => {
    const f = await json<{ model: { family: string }; points: string[][] }>('/dashboard/models/2.json');
    expect(f.model.family).toBe('scorecard');
    await open('/dashboard/models/2');
    expect(await page.locator('#points tbody tr').count()).toBe(f.points.length);
    expect(f.points.length).toBeGreaterThan(10);
  });

  it('compares two runs: what differs, and both ROC curves overlaid', async () => {
    const d = await json<{ runs: { run_id: string; experiment: string }[] }>('/dashboard.json?experiment=train');
    await open(`/dashboard/compare?a=${d.runs[0]!.run_id}&b=${d.runs[1]!.run_id}`);
    const roc = await chartShape(page, 'roc');
    expect(roc.series).toHaveLength(2);
    expect(roc.series.every((s) => s.points > 2)).toBe(true);
    expect(await page.locator('#compare tr.differs').count()).toBeGreaterThan(0);
  });

  it('shows the last drift report; a column named with markup is text and opens no dialog', async () => {
    const d = await json<{ report: { columns: { column: string }[] } }>('/dashboard/drift.json');
    expect(d.report.columns.map((c) => c.column)).toContain(XSS);
    await open('/dashboard/drift');
    expect(await page.locator('figure.chart').count()).toBe(d.report.columns.length);
    expect(await page.locator('#drift-columns').textContent()).toContain(XSS);
    expect(await page.locator('img').count()).toBe(0);
    // Its histogram names the column in the title and the table, as text.
    const fig = page.locator('figure.chart', { hasText: XSS }).first();
    expect(await fig.locator('figcaption').textContent()).toContain(XSS);
    await open('/dashboard?dataset=ref');
    expect(await page.locator('img').count()).toBe(0);
    expect(dialogs).toBe(0);
  });

  it('monitors: realised and estimated AUC per period with bands, the PSI heat map and the alerts', async () => {
    type M = { report: { periods: { auc: number | null; alert: boolean; column_psi: Record<string, number> }[]; bands: { metric: string }[] } };
    const m = await json<M>('/dashboard/monitor.json');
    const periods = m.report.periods;
    expect(periods).toHaveLength(10);
    await open('/dashboard/monitor');
    const auc = await chartShape(page, 'auc');
    expect(auc.series[0]).toEqual({ name: 'realised AUC', points: periods.filter((p) => p.auc !== null).length });
    expect(auc.series[1]?.name).toBe('estimated AUC (CBPE)');
    expect(auc.series[1]?.points).toBe(10);
    expect(await page.locator('#auc rect.band').count()).toBeGreaterThan(0);
    // One row for the score and one per input column, one cell per period.
    const heat = await chartShape(page, 'psi');
    const columns = Object.keys(m.report.periods[0]!.column_psi);
    expect(columns).toContain('credit_amount');
    expect(heat.series.map((s) => s.name)).toEqual(['p(bad) score', ...columns]);
    expect(heat.series.every((s) => s.points === 10)).toBe(true);
    expect(await page.locator('#alerts tbody tr').count()).toBe(periods.filter((p) => p.alert).length);
    await page.screenshot({ path: join(REPO_ROOT, 'docs', 'dashboard-monitor.png') });
  });

  it('`credit-tui dashboard` serves a project without a model', async () => {
    problems.length = 0;
    for (const path of ['/dashboard', '/dashboard/models', '/dashboard/drift', '/dashboard/monitor']) {
      const r = await page.goto(`${bare}${path}`);
      expect(r?.status()).toBe(200);
    }
    expect(await page.locator('main').textContent()).toMatch(/no (registered model|logged predictions)|train one first/i);
    expect((await page.goto(`${bare}/dashboard/models/7`))?.status()).toBe(404);
    expect(problems.filter((p) => !/404/.test(p))).toEqual([]);
  });
});
