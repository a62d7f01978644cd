import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { takeRows } from '../data/dataset.js';
import { datasetFromRaw, detectTextFormat, rawTableFromText } from '../data/formats.js';
import { fitPreprocessor, transform } from '../features/preprocess.js';
import { rocAuc } from '../metrics/classification.js';
import { DEFAULT_PARAMS } from '../params/params.js';
import { STATLOG } from '../../test-support/helpers.js';
import { characteristicColumns, fitScorecard, bestTerm } from './scorecard.js';

function statlog() {
  const text = readFileSync(STATLOG, 'utf8');
  const format = detectTextFormat(text);
  return datasetFromRaw(rawTableFromText(text, STATLOG, format), format, { name: 'statlog', target: null, badValue: null, roles: {} });
}

describe('scorecard model', () => {
  const ds = statlog();
  const train = takeRows(ds, Array.from({ length: 700 }, (_, i) => i));
  const test = takeRows(ds, Array.from({ length: 300 }, (_, i) => 700 + i));

  it('finds the one-hot blocks the preprocessor wrote, and every other column as a scalar', () => {
    const prep = fitPreprocessor(train, DEFAULT_PARAMS.preprocessing);
    const found = characteristicColumns(transform(prep, train));
    const blocks = found.filter((c) => c.kind === 'onehot').map((c) => [c.columns[0]!, c.columns.at(-1)! + 1]);
    expect(blocks).toEqual(prep.oneHotGroups.map(([a, b]) => [a, b]));
    expect(found.filter((c) => c.kind === 'scalar').length).toBe(prep.numeric.length);
  });

  it('ranks held-out applicants well, is fitted on its rows only, and its reasons are points lost against the best bin', () => {
    const prep = fitPreprocessor(train, DEFAULT_PARAMS.preprocessing);
    const X = transform(prep, train);
    const model = fitScorecard(X, train.target, { C: 1, minBinSize: 0.05, trend: 'auto', ivThreshold: 0.02 });
    const Xt = transform(prep, test);
    const auc = rocAuc(test.target, model.predictProba(Xt));
    // A logistic regression on one-hot Statlog reaches ~0.78 on held-out rows; a scorecard should be close.
    expect(auc).toBeGreaterThan(0.72);
    // Binning differs when the rows differ: it was fitted on these rows, not on all of them.
    const other = fitScorecard(transform(prep, test), test.target, { C: 1, minBinSize: 0.05, trend: 'auto', ivThreshold: 0.02 });
    expect(JSON.stringify(other.state.characteristics)).not.toBe(JSON.stringify(model.state.characteristics));
    // Contributions: ≥ 0, 0 for an applicant in every best bin, and they add up to the log-odds above the best.
    const { characteristics, selected, coef, intercept } = model.state;
    const best = intercept + selected.reduce((s, k, i) => s + bestTerm(coef[i]!, characteristics[k]!.woe), 0);
    for (let i = 0; i < 50; i++) {
      const c = model.contributions(Xt, i);
      for (const v of c) expect(v).toBeGreaterThanOrEqual(-1e-12);
      const p = model.predictProba({ rows: 1, cols: Xt.cols, data: Xt.data.subarray(i * Xt.cols, (i + 1) * Xt.cols) })[0]!;
      expect(c.reduce((a, b) => a + b, 0)).toBeCloseTo(Math.log(p / (1 - p)) - best, 9);
    }
  });

  it('keeps only characteristics at or above the IV threshold', () => {
    const prep = fitPreprocessor(train, DEFAULT_PARAMS.preprocessing);
    const X = transform(prep, train);
    const all = fitScorecard(X, train.target, { C: 1, minBinSize: 0.05, trend: 'auto', ivThreshold: 0 });
    const strict = fitScorecard(X, train.target, { C: 1, minBinSize: 0.05, trend: 'auto', ivThreshold: 0.1 });
    expect(strict.state.selected.length).toBeLessThan(all.state.selected.length);
    for (const k of strict.state.selected) expect(strict.state.characteristics[k]!.iv).toBeGreaterThanOrEqual(0.1);
  });

  it('p(bad) never moves against a declared trend: along each numeric characteristic it only rises (ascending) or only falls (descending)', () => {
    const prep = fitPreprocessor(train, DEFAULT_PARAMS.preprocessing);
    const X = transform(prep, train);
    for (const trend of ['ascending', 'descending'] as const) {
      for (const C of [0.01, 1, 100]) {
        const model = fitScorecard(X, train.target, { C, minBinSize: 0.05, trend, ivThreshold: 0 });
        expect(model.state.coef.every((b) => b < 0), `${trend} C=${C}`).toBe(true);
        let checked = 0;
        for (const k of model.state.selected) {
          const c = model.state.characteristics[k]!;
          if (c.kind !== 'scalar' || c.splits.length === 0) continue;
          expect(c.trend).toBe(trend);
          // Row 0 with this characteristic swept from below the first cut point to above the last.
          const j = c.columns[0]!;
          const lo = c.splits[0]! - 1;
          const hi = c.splits.at(-1)! + 1;
          const sweep = Array.from({ length: 41 }, (_, t) => lo + ((hi - lo) * t) / 40);
          const data = new Float64Array(sweep.length * X.cols);
          sweep.forEach((v, r) => {
            data.set(X.data.subarray(0, X.cols), r * X.cols);
            data[r * X.cols + j] = v;
          });
          const p = model.predictProba({ rows: sweep.length, cols: X.cols, data });
          for (let r = 1; r < p.length; r++) {
            if (trend === 'ascending') expect(p[r]!).toBeGreaterThanOrEqual(p[r - 1]!);
            else expect(p[r]!).toBeLessThanOrEqual(p[r - 1]!);
          }
          expect(p.at(-1)).not.toBe(p[0]);
          checked++;
        }
        expect(checked, `${trend} C=${C}`).toBeGreaterThan(0);
      }
    }
  });
});
