import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HAS_REAL_DATA, KAGGLE, STATLOG } from '../../test-support/helpers.js';
import type { Dataset } from './dataset.js';
import { profileDataset, woeBins } from './eda.js';
import { datasetFromRaw, detectTextFormat, rawTableFromText } from './formats.js';

function load(file: string): Dataset {
  const text = readFileSync(file, 'utf8');
  const format = detectTextFormat(text);
  return datasetFromRaw(rawTableFromText(text, file, format), format, { name: 'x' });
}

describe('weight of evidence', () => {
  it('matches a hand-worked table', () => {
    // 2 levels; goods 60/40 of 100, bads 10/30 of 40
    const { bins, iv } = woeBins(['a', 'b'], [70, 70], [10, 30], 40, 100);
    expect(bins[0]!.woe).toBeCloseTo(Math.log(0.6 / 0.25), 12);
    expect(bins[1]!.woe).toBeCloseTo(Math.log(0.4 / 0.75), 12);
    expect(iv).toBeCloseTo((0.6 - 0.25) * Math.log(0.6 / 0.25) + (0.4 - 0.75) * Math.log(0.4 / 0.75), 12);
  });
});

describe.skipIf(!HAS_REAL_DATA)('EDA on the real files, checked against independently computed values', () => {
  it('Statlog: credit amount summary equals a direct computation from the raw file', () => {
    const report = profileDataset(load(STATLOG));
    const raw = readFileSync(STATLOG, 'utf8').trim().split('\n').map((l) => Number(l.trim().split(/\s+/)[4]));
    const n = raw.length;
    const m = raw.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(raw.reduce((a, b) => a + (b - m) ** 2, 0) / (n - 1));
    const c = report.columns.find((x) => x.name === 'credit_amount')!;
    expect(report.rows).toBe(1000);
    expect(report.bad_rate).toBe(0.3);
    expect(c.numeric!.mean).toBeCloseTo(3271.258, 9);
    expect(c.numeric!.mean).toBeCloseTo(m, 9);
    expect(c.numeric!.std).toBeCloseTo(sd, 9);
    // pandas describe(): 25% 1365.5, 50% 2319.5, 75% 3972.25, min 250, max 18424
    expect([c.numeric!.min, c.numeric!.q25, c.numeric!.median, c.numeric!.q75, c.numeric!.max]).toEqual([250, 1365.5, 2319.5, 3972.25, 18424]);
    expect(c.numeric!.histogram.counts.reduce((a, b) => a + b, 0)).toBe(1000);
  });

  it('Statlog: checking-status bad rates and IV from raw counts', () => {
    const report = profileDataset(load(STATLOG));
    const lines = readFileSync(STATLOG, 'utf8').trim().split('\n').map((l) => l.trim().split(/\s+/));
    const byCode = new Map<string, { n: number; bad: number }>();
    for (const t of lines) {
      const e = byCode.get(t[0]!) ?? { n: 0, bad: 0 };
      e.n++;
      if (t[20] === '2') e.bad++;
      byCode.set(t[0]!, e);
    }
    let iv = 0;
    for (const { n, bad } of byCode.values()) {
      const pg = (n - bad) / 700;
      const pb = bad / 300;
      iv += (pg - pb) * Math.log(pg / pb);
    }
    const c = report.columns.find((x) => x.name === 'checking_status')!;
    expect(c.iv).toBeCloseTo(iv, 12);
    expect(c.levels!.find((l) => l.label === '< 0 DM')).toMatchObject({ count: byCode.get('A11')!.n, bad: byCode.get('A11')!.bad });
    expect(report.iv_ranking[0]!.name).toBe('checking_status');
  });

  it('Kaggle: missing counts 183 and 394, with missing as its own WoE bin', () => {
    const report = profileDataset(load(KAGGLE));
    const col = (n: string) => report.columns.find((c) => c.name === n)!;
    expect(col('Saving accounts').missing).toBe(183);
    expect(col('Checking account').missing).toBe(394);
    expect(col('Checking account').missing_share).toBeCloseTo(0.394, 12);
    expect(col('Checking account').woe_bins.at(-1)).toMatchObject({ label: '(missing)', count: 394 });
    expect(col('Job').role).toBe('numeric');
    // correlation of Credit amount and Duration in the Kaggle file (pandas .corr(): 0.6249842)
    const cols = report.correlations.columns;
    const r = report.correlations.matrix[cols.indexOf('Credit amount')]![cols.indexOf('Duration')]!;
    expect(r).toBeCloseTo(0.6249842, 6);
  });
});
