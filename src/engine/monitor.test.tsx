import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import React from 'react';
import { beforeAll, describe, expect, it } from 'vitest';
import { MonitorScreen } from '../ui/screens/monitor.js';
import { buildMonitorScenario } from '../bench/monitor-scenario.js';
import { bandsFromChunks, alertsOf, parsePeriodBy, periodOf, type PeriodMetrics } from '../core/monitor/periods.js';
import { expectedScores, NumberTally, observedScores, weightedAuc } from '../core/monitor/tallies.js';
import { HAS_STATLOG, runCli, STATLOG, tmpHome } from '../test-support/helpers.js';
import { loadParams, openStore, projectAt } from './project.js';
import { runMonitor } from './monitor.js';

const fixture = JSON.parse(readFileSync(new URL('../core/monitor/fixtures/auc.json', import.meta.url), 'utf8')) as { periods: { rows: number; auc: number }[] };

describe('monitoring figures', () => {
  it('AUC from tallies equals the pairwise definition; CBPE on certain predictions equals the realised AUC', () => {
    const bad = new Map([[0.9, 2], [0.4, 1]]);
    const good = new Map([[0.4, 1], [0.1, 3]]);
    // pairs bad>good: 0.9 beats all 4 goods (x2 = 8), 0.4 beats 3 goods + ties 1 (3.5) -> 11.5 / 12
    expect(weightedAuc(observedScores(bad, good))).toBeCloseTo(11.5 / 12, 12);
    const sure = new NumberTally();
    sure.add(1, 3);
    sure.add(0, 5);
    expect(weightedAuc(expectedScores(sure))).toBe(1);
  });

  it('periods: calendar units in UTC, ISO weeks from Monday, N-row chunks; bad --by is one line', () => {
    expect(periodOf({ kind: 'day' }, { ts: '2026-12-02T23:59:59Z', batch: 'b' }, 0)).toBe('2026-12-02');
    expect(periodOf({ kind: 'week' }, { ts: '2026-12-06T10:00:00Z', batch: 'b' }, 0)).toBe('week of 2026-11-30');
    expect(periodOf({ kind: 'month' }, { ts: '2026-12-06T10:00:00Z', batch: 'b' }, 0)).toBe('2026-12');
    expect(periodOf(parsePeriodBy('500 rows'), { ts: '', batch: 'b' }, 1234)).toBe('rows 1001-1500');
    expect(() => parsePeriodBy('fortnight')).toThrow(/invalid --by "fortnight"/);
  });

  it('bands are mean ± 3 sd of the reference chunks and alert on the side that matters', () => {
    const chunk = (approval_rate: number, auc: number): PeriodMetrics => ({ period: 'c', from: '', to: '', rows: 100, approval_rate, mean_p_bad: 0.3, score_psi: 0.05, drift_share: 0, drifted_columns: [], labeled: 100, auc, gini: null, ks: null, bad_rate: 0.3, bad_rate_approved: null, expected_cost: null, estimated_auc: 0.78, estimated_auc_lower: 0.7, estimated_auc_upper: 0.86, estimated_bad_rate_approved: 0.2, estimated_bad_rate: 0.3 });
    const bands = bandsFromChunks([chunk(0.6, 0.8), chunk(0.7, 0.76)], 20);
    const approval = bands.find((b) => b.metric === 'approval_rate')!;
    expect(approval.lower).toBeCloseTo(0.65 - 3 * 0.05, 12);
    expect(approval.upper).toBeCloseTo(0.65 + 3 * 0.05, 12);
    expect(bands.find((b) => b.metric === 'drift_share')!.upper).toBe(1 / 20);
    expect(alertsOf(chunk(0.4, 0.9), bands)).toEqual(['approval_rate']);
    expect(alertsOf(chunk(0.65, 0.5), bands)).toEqual(['auc']);
  });
});

describe.skipIf(!HAS_STATLOG)('credit-tui monitor on the seeded scenario', () => {
  const home = tmpHome();
  beforeAll(() => buildMonitorScenario(STATLOG, home), 300_000);

  it('no alert in the five steady batches, alerts in the five drifting ones; realised AUC equals scikit-learn', () => {
    const project = projectAt(home);
    const store = openStore(project);
    const report = runMonitor(project, store, loadParams(project), { by: { kind: 'batch' } });
    store.close();
    expect(report.periods).toHaveLength(10);
    expect(report.periods.slice(0, 5).map((p) => p.alerts)).toEqual([[], [], [], [], []]);
    for (const p of report.periods.slice(5)) expect(p.alert, `${p.period}: ${JSON.stringify(p)}`).toBe(true);
    expect(report.periods.slice(6).every((p) => p.alerts.includes('drift_share'))).toBe(true);
    expect(report.periods.at(-1)!.drifted_columns).toEqual(expect.arrayContaining(['credit_amount', 'duration']));
    report.periods.forEach((p, i) => {
      expect(p.rows).toBe(fixture.periods[i]!.rows);
      expect(p.labeled).toBe(p.rows);
      expect(Math.abs(p.auc! - fixture.periods[i]!.auc)).toBeLessThanOrEqual(1e-9);
      expect(p.estimated_auc).toBeGreaterThan(0.6);
    });
    // The score distribution moves up with the shift: PSI of the last batch well above the first five.
    expect(report.periods.at(-1)!.score_psi).toBeGreaterThan(Math.max(...report.periods.slice(0, 5).map((p) => p.score_psi)));
  });

  it('the CLI prints a table, exits 3 when the latest period alerts, writes --report and --json', () => {
    const r = runCli(['monitor', '--report', join(home, 'monitoring.md')], { home });
    expect(r.status).toBe(3);
    expect(r.stdout).toMatch(/latest period .* ALERTS: /);
    const md = readFileSync(join(home, 'monitoring.md'), 'utf8');
    expect(md).toContain('| alert | period | rows |');
    const j = runCli(['monitor', '--json', '--by', '250 rows'], { home });
    const report = JSON.parse(j.stdout) as { periods: Record<string, unknown>[] };
    expect(report.periods.map((p) => p['rows'])).toHaveLength(4);
    for (const key of ['multivariate', 'weighted_drift_share', 'dataset_drift', 'fairness', 'data_quality', 'period', 'rows', 'approval_rate', 'mean_p_bad', 'score_psi', 'drift_share', 'drifted_columns', 'auc', 'estimated_auc', 'estimated_auc_lower', 'estimated_auc_upper', 'estimated_bad_rate_approved', 'bad_rate_approved', 'bad_rate', 'alert', 'alerts', 'bands']) expect(report.periods[0]).toHaveProperty(key);
    expect(md).toContain('## Multivariate drift (PCA reconstruction error)');
    expect(md).toContain('## Fairness (approval rate per protected group)');
    expect(md).toContain('## Data quality (against the training profile)');
    // drift --model: the plain and the importance-weighted share, the verdict by the weighted one.
    const d = runCli(['drift', join(home, 'batch0.csv'), join(home, 'shifted9.csv'), '--model', 'champion', '--json'], { home });
    const dj = JSON.parse(d.stdout) as { drift_share: number; weighted_drift_share: number; verdict_by: string; dataset_drift: boolean };
    expect(dj.verdict_by).toBe('weighted');
    expect(dj.weighted_drift_share).toBeGreaterThan(0);
    expect(dj.dataset_drift).toBe(dj.weighted_drift_share >= 0.25);
    expect(d.status).toBe(dj.dataset_drift ? 3 : 0);
    const since = runCli(['monitor', '--since', '2999-01-01'], { home });
    expect(since.status).toBe(1);
    expect(since.stderr).toMatch(/^error: no logged predictions since/);
  });

  it('outcomes: re-importing the same file changes nothing; unknown ids are reported and kept', () => {
    const again = runCli(['outcomes', join(home, 'outcomes.csv'), '--json'], { home });
    const s = JSON.parse(again.stdout) as { inserted: number; updated: number; unchanged: number; unknown_ids: number };
    expect(s.inserted).toBe(0);
    expect(s.updated).toBe(0);
    expect(s.unchanged).toBe(1000);
    // Every Statlog row is an outcome; the rows the model refused (out of range after the shift) were never logged.
    expect(s.unknown_ids).toBe(1000 - fixture.periods.reduce((a, p) => a + p.rows, 0));
    const bad = join(home, 'bad-outcomes.csv');
    writeFileSync(bad, 'id,outcome\n1,maybe\n');
    const r = runCli(['outcomes', bad], { home });
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(`error: ${bad}, row 2, column 'outcome': cannot read outcome "maybe" as good or bad (pass --bad VALUE)`);
  });

  it('the Monitor screen lists the periods with their alerts, charts a metric and opens a period', async () => {
    const project = projectAt(home);
    const store = openStore(project);
    const { lastFrame, stdin } = render(<MonitorScreen services={{ project, store, params: loadParams(project) }} onBack={() => undefined} />);
    // The screen says "loading…" until the engine modules have been imported (they load after the first frame).
    for (let i = 0; i < 250 && !/model v1/.test(lastFrame()!); i++) await new Promise((r) => setTimeout(r, 20));
    const f = lastFrame()!;
    expect(f).toMatch(/credit-tui › Monitor \(model v1, by batch\)/);
    expect(f).toMatch(/❯ ✓ applicants0\.csv/);
    expect(f).toContain('approval rate per period (outer lines: the alert band)');
    // Tab to the fifth chart: the CBPE estimate with its band, the realised AUC beside it (keys are read once the
    // screen has subscribed, a moment after its first frame).
    await new Promise((r) => setTimeout(r, 100));
    for (let k = 0; k < 4; k++) {
      stdin.write('\t');
      for (let i = 0; i < 250 && !lastFrame()!.includes(['score PSI', 'drift share', 'realised AUC', 'estimated AUC'][k]!); i++) await new Promise((r) => setTimeout(r, 20));
    }
    expect(lastFrame()).toContain('estimated AUC per period (with its ±3σ band, and the realised AUC where outcomes exist)');
    await new Promise((r) => setTimeout(r, 100));
    stdin.write('\r');
    for (let i = 0; i < 100 && !/rows, /.test(lastFrame()!); i++) await new Promise((r) => setTimeout(r, 20));
    expect(lastFrame()).toMatch(/100 rows, \d+\.\d% approved/);
    expect(lastFrame()).toMatch(/estimated AUC 0\.\d{3} \(±3σ 0\.\d{3}–0\.\d{3}\)/);
    expect(lastFrame()).toMatch(/multivariate drift: PCA reconstruction error \d\.\d{3}/);
    expect(lastFrame()).toMatch(/age_band: .* · AIR /);
    expect(lastFrame()).toContain('data quality: missing 0.0%');
    store.close();
  });
});
