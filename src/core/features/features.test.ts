import { describe, expect, it } from 'vitest';
import type { Dataset } from '../data/dataset.js';
import { DEFAULT_PARAMS } from '../params/params.js';
import { fitPreprocessor, transform } from './preprocess.js';
import { smote } from './smote.js';

const ds: Dataset = {
  name: 't', targetName: 'y', rows: 5, target: Uint8Array.from([0, 1, 0, 1, 0]),
  features: [
    { name: 'amount', kind: 'numeric', values: Float64Array.from([1, 2, NaN, 4, 10]) },
    { name: 'home', kind: 'categorical', ordinal: false, values: ['rent', 'own', null, 'own', 'free'], levels: ['free', 'own', 'rent'] },
  ],
};

describe('preprocessing', () => {
  it('median imputation, standard scaling (ddof 0), most-frequent imputation, sorted one-hot', () => {
    const prep = fitPreprocessor(ds, DEFAULT_PARAMS.preprocessing);
    expect(prep.featureNames).toEqual(['amount', 'home=free', 'home=own', 'home=rent']);
    const X = transform(prep, ds);
    const filled = [1, 2, 3, 4, 10]; // median of 1,2,4,10 = 3
    const mean = 4;
    const sd = Math.sqrt(filled.reduce((a, v) => a + (v - mean) ** 2, 0) / 5);
    for (let i = 0; i < 5; i++) expect(X.data[i * 4]).toBeCloseTo((filled[i]! - mean) / sd, 12);
    // the missing 'home' takes the mode 'own'
    expect(Array.from(X.data.slice(2 * 4 + 1, 3 * 4))).toEqual([0, 1, 0]);
    expect(prep.oneHotGroups).toEqual([[1, 4]]);
  });

  it('fits on the training rows only and encodes unseen categories as all zeros', () => {
    const prep = fitPreprocessor(ds, DEFAULT_PARAMS.preprocessing);
    const other: Dataset = { ...ds, rows: 1, target: Uint8Array.from([0]), features: [
      { name: 'amount', kind: 'numeric', values: Float64Array.from([4]) },
      { name: 'home', kind: 'categorical', ordinal: false, values: ['boat'], levels: [] },
    ] };
    expect(Array.from(transform(prep, other).data)).toEqual([0, 0, 0, 0]);
  });

  it('woe encoding, min-max scaling and Yeo-Johnson are available', () => {
    const prep = fitPreprocessor(ds, { ...DEFAULT_PARAMS.preprocessing, encoding: 'woe', scaling: 'minmax', power_transform: true });
    const X = transform(prep, ds);
    expect(prep.featureNames).toEqual(['amount', 'home']);
    for (const v of X.data) expect(v).toBeGreaterThanOrEqual(-1e-12);
    expect(Math.max(...Array.from(X.data))).toBeCloseTo(1, 12);
  });
});

describe('SMOTE', () => {
  const X = { rows: 8, cols: 3, data: Float64Array.from([
    0, 1, 0, 0.1, 1, 0, 0.2, 0, 1, 0.3, 1, 0, 0.4, 0, 1, // 5 goods
    5, 1, 0, 6, 0, 1, 7, 1, 0, // 3 bads
  ]) };
  const y = Uint8Array.from([0, 0, 0, 0, 0, 1, 1, 1]);

  it('balances the classes by adding minority rows only, keeping the originals first', () => {
    const s = smote(X, y, { k: 2, seed: 1, oneHotGroups: [[1, 3]] });
    expect(s.X.rows).toBe(10);
    expect(Array.from(s.y)).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
    expect(Array.from(s.X.data.slice(0, 24))).toEqual(Array.from(X.data));
  });

  it('puts synthetic rows on segments between bads and keeps one-hot blocks one-hot', () => {
    const s = smote(X, y, { k: 2, seed: 3, oneHotGroups: [[1, 3]] });
    for (let r = 8; r < 10; r++) {
      const row = Array.from(s.X.data.slice(r * 3, r * 3 + 3));
      expect(row[0]!).toBeGreaterThanOrEqual(5);
      expect(row[0]!).toBeLessThanOrEqual(7);
      expect([row[1], row[2]].sort()).toEqual([0, 1]);
    }
  });

  it('is seeded', () => {
    const a = smote(X, y, { k: 2, seed: 9 });
    const b = smote(X, y, { k: 2, seed: 9 });
    const c = smote(X, y, { k: 2, seed: 10 });
    expect(Array.from(a.X.data)).toEqual(Array.from(b.X.data));
    expect(Array.from(a.X.data)).not.toEqual(Array.from(c.X.data));
  });
});
