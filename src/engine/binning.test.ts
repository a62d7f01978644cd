import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS } from '../core/params/params.js';
import { runCli, STATLOG, tmpHome } from '../test-support/helpers.js';
import { binReportJson, runBinning } from './binning.js';
import { readDataset } from './ingest.js';

const statlog = () => readDataset(readFileSync(STATLOG), STATLOG, STATLOG, { name: 'statlog' }).dataset;

describe('optimal binning of Statlog', () => {
  it('puts every row in one bin, follows each column’s trend and adds the IV up', () => {
    const ds = statlog();
    const report = runBinning(ds, DEFAULT_PARAMS);
    expect(report.columns.length).toBe(ds.features.length);
    for (const c of report.columns) {
      expect(c.bins.reduce((s, b) => s + b.count, 0)).toBe(ds.rows);
      expect(c.bins.reduce((s, b) => s + b.iv, 0)).toBeCloseTo(c.iv, 12);
      const rates = c.bins.slice(0, -2).map((b) => b.bad_rate);
      const diffs = rates.slice(1).map((r, i) => r - rates[i]!);
      const turns = diffs.slice(1).filter((d, i) => Math.sign(d) !== Math.sign(diffs[i]!) && d !== 0).length;
      if (c.trend === 'ascending') expect(diffs.every((d) => d >= 0)).toBe(true);
      if (c.trend === 'descending') expect(diffs.every((d) => d <= 0)).toBe(true);
      if (c.trend === 'peak' || c.trend === 'valley') expect(turns).toBeLessThanOrEqual(1);
      // No pre-bin minimum is broken by the merge: each bin holds at least 5% of rows.
      for (const b of c.bins.slice(0, -2)) expect(b.count).toBeGreaterThanOrEqual(50);
    }
    const checking = report.columns.find((c) => c.column === 'checking_status')!;
    // The strongest Statlog characteristic: IV well above 0.5 (EDA's per-level IV is 0.666).
    expect(checking.iv).toBeGreaterThan(0.6);
  });

  it('a minimum bin size and a fixed trend are obeyed', () => {
    const ds = statlog();
    const params = { ...DEFAULT_PARAMS, binning: { ...DEFAULT_PARAMS.binning, min_bin_size: 0.2, trend: 'ascending' as const } };
    const [duration] = runBinning(ds, params, ['duration']).columns;
    expect(duration!.trend).toBe('ascending');
    for (const b of duration!.bins.slice(0, -2)) expect(b.count).toBeGreaterThanOrEqual(200);
  });
});

describe('credit-tui bin', () => {
  it('prints the documented JSON shape for a file and one clear line for an unknown column', () => {
    const home = tmpHome();
    const r = runCli(['bin', STATLOG, '--columns', 'duration,purpose', '--json'], { home });
    expect(r.status, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as { columns: Record<string, unknown>[] };
    expect(json.columns.map((c) => c['column'])).toEqual(['duration', 'purpose']);
    const [duration, purpose] = json.columns as [Record<string, unknown>, Record<string, unknown>];
    expect(Object.keys(duration)).toEqual(['column', 'splits', 'bins', 'iv', 'gini', 'js', 'trend']);
    expect(Object.keys(purpose)).toEqual(['column', 'bins', 'iv', 'gini', 'js', 'trend']);
    const bin = (duration['bins'] as Record<string, unknown>[])[0]!;
    expect(Object.keys(bin)).toEqual(['bin', 'lower', 'upper', 'count', 'bad', 'good', 'bad_rate', 'woe', 'iv']);
    expect(bin['lower']).toBeNull();
    expect((purpose['bins'] as Record<string, unknown>[])[0]!['levels']).toBeInstanceOf(Array);
    // Same numbers as the engine.
    const direct = binReportJson(runBinning(statlog(), DEFAULT_PARAMS, ['duration', 'purpose']));
    expect((json.columns[0] as { iv: number }).iv).toBe((direct['columns'] as { iv: number }[])[0]!.iv);

    const bad = runCli(['bin', STATLOG, '--columns', 'nope'], { home });
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain("column 'nope'");
  });
});
