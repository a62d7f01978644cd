import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { takeRows, type Dataset } from '../data/dataset.js';
import { datasetFromRaw, detectTextFormat, rawTableFromText } from '../data/formats.js';
import { UserError } from '../errors.js';
import { fitPreprocessor, transform, type FittedPreprocessor } from '../features/preprocess.js';
import { rocAuc } from '../metrics/classification.js';
import type { Candidate } from '../params/grids.js';
import { DEFAULT_PARAMS, parseParams } from '../params/params.js';
import { STATLOG } from '../../test-support/helpers.js';
import { gbmEngine } from './gbm.js';
import type { Model } from './model.js';
import { bindMonotone, bindMonotoneParams } from './monotone.js';

function statlog(): Dataset {
  const text = readFileSync(STATLOG, 'utf8');
  const format = detectTextFormat(text);
  return datasetFromRaw(rawTableFromText(text, STATLOG, format), format, { name: 'statlog', target: null, badValue: null, roles: {} });
}

/**
 * p(bad) of `rows` real applicants with raw column `column` set to each of `values` in turn, all else kept:
 * out[r][v]. The sweep goes through the fitted preprocessing, as scoring does.
 */
function sweep(model: Model, prep: FittedPreprocessor, ds: Dataset, rows: number, column: string, values: readonly number[]): Float64Array[] {
  const picked = takeRows(ds, Array.from({ length: rows * values.length }, (_, k) => Math.floor(k / values.length)));
  const features = picked.features.map((f) => (f.name === column && f.kind === 'numeric' ? { ...f, values: Float64Array.from({ length: picked.rows }, (_, k) => values[k % values.length]!) } : f));
  const p = model.predictProba(transform(prep, { ...picked, features }));
  return Array.from({ length: rows }, (_, r) => p.subarray(r * values.length, (r + 1) * values.length));
}

/** Steps against `sign` along each row's sweep (a step is one pair of neighbouring values). */
function violations(curves: readonly Float64Array[], sign: number): number {
  let n = 0;
  for (const c of curves) for (let v = 1; v < c.length; v++) if (sign * (c[v]! - c[v - 1]!) < 0) n++;
  return n;
}

/** Every distinct value of a numeric column in the data, ascending (its whole observed range). */
function range(ds: Dataset, column: string): number[] {
  const f = ds.features.find((c) => c.name === column)!;
  return [...new Set(Array.from(f.values as Float64Array))].sort((a, b) => a - b);
}

describe('xgboost monotone_constraints on Statlog', () => {
  const ds = statlog();
  const train = takeRows(ds, Array.from({ length: 700 }, (_, i) => i));
  const test = takeRows(ds, Array.from({ length: 300 }, (_, i) => 700 + i));
  const prep = fitPreprocessor(train, DEFAULT_PARAMS.preprocessing);
  const X = transform(prep, train);
  // Longer loans and larger amounts carry more risk; older applicants less (their bad rates in Statlog).
  const declared = { duration: 1, credit_amount: 1, age: -1 } as const;
  const base: Candidate = { n_estimators: 150, max_depth: 4, learning_rate: 0.1, subsample: 0.8 };

  it('binds a column map to the preprocessor\'s features, and refuses what has no order', () => {
    const bound = bindMonotone(declared, train, 'onehot') as number[];
    for (const [column, sign] of Object.entries(declared)) expect(bound[prep.featureNames.indexOf(column)]).toBe(sign);
    expect(bound.filter((s) => s !== 0)).toHaveLength(3);
    // 'auto': each numeric column takes its optimal-binning trend on these rows; duration's bad rate rises.
    const auto = bindMonotone('auto', train, 'onehot') as number[];
    expect(auto[prep.featureNames.indexOf('duration')]).toBe(1);
    expect(() => bindMonotone({ purpose: 1 }, train, 'onehot')).toThrow(UserError);
    expect(() => bindMonotone({ no_such: 1 }, train, 'onehot')).toThrow(/no column 'no_such'/);
  });

  it('p(bad) never moves against a declared trend over each column\'s range, for 150 held-out applicants', () => {
    const constrained = gbmEngine.fit({ ...base, monotone_constraints: bindMonotone(declared, train, 'onehot') }, X, train.target, 7);
    const free = gbmEngine.fit(base, X, train.target, 7);
    let freeViolations = 0;
    for (const [column, sign] of Object.entries(declared)) {
      const values = range(ds, column);
      const curves = sweep(constrained, prep, test, 150, column, values);
      expect(violations(curves, sign), column).toBe(0);
      // The constraint is not idle: the sweep moves p(bad) for some applicant.
      expect(curves.some((c) => c[c.length - 1] !== c[0]), column).toBe(true);
      freeViolations += violations(sweep(free, prep, test, 150, column, values), sign);
    }
    // Without constraints the same booster on the same rows does move against them: the check can fail.
    expect(freeViolations).toBeGreaterThan(0);
    // And the constrained model still ranks held-out applicants.
    expect(rocAuc(test.target, constrained.predictProba(transform(prep, test)))).toBeGreaterThan(0.7);
  });

  it('leaves an unconstrained fit unchanged (an all-zero tuple is no constraint)', () => {
    const a = gbmEngine.fit(base, X, train.target, 3).predictProba(X);
    const b = gbmEngine.fit({ ...base, monotone_constraints: [0, 0, 0] }, X, train.target, 3).predictProba(X);
    expect(Array.from(b)).toEqual(Array.from(a));
  });

  it('params.yaml takes a column map per grid value; training binds it before the search', () => {
    const params = parseParams('search:\n  grids:\n    xgboost:\n      n_estimators: [50]\n      monotone_constraints: [{duration: 1, age: -1}]\n');
    expect(params.search.grids.xgboost['monotone_constraints']).toEqual([{ duration: 1, age: -1 }]);
    const bound = bindMonotoneParams(params, () => train).search.grids.xgboost['monotone_constraints']![0] as number[];
    expect(bound[prep.featureNames.indexOf('duration')]).toBe(1);
    expect(bound[prep.featureNames.indexOf('age')]).toBe(-1);
    expect(() => parseParams('search:\n  grids:\n    xgboost:\n      monotone_constraints: [{duration: 2}]\n')).toThrow(/monotone_constraints/);
  });
});
