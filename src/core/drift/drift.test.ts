import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS } from '../params/params.js';
import { compareColumn, compareDatasets, type DriftColumn } from './compare.js';
import { ks2samp } from './ks.js';
import { chi2Sf } from './special.js';
import { chi2Contingency, jensenShannon, numericPsi, populationStd, psiFromShares, wasserstein } from './stats.js';

interface NumericCase { name: string; ref: [number, number, string, number?, number?]; cur: [number, number, string, number?, number?]; ks_stat: number; ks_p: number; wasserstein: number; psi: number; ref_std: number }
interface TableCase { name: string; ref: number[]; cur: number[]; chi2: number; chi2_p: number; dof: number; js: number; psi: number }
const fixtures = JSON.parse(readFileSync(new URL('./fixtures/scipy.json', import.meta.url), 'utf8')) as { numeric: NumericCase[]; categorical: TableCase[] };

/** Park-Miller samples, the same generator as scripts/drift_fixtures.py. */
function sample(seed: number, n: number, kind: string, shift = 0, scale = 1): Float64Array {
  const M = 2 ** 31 - 1;
  let x = seed % M || 1;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x = (x * 48271) % M;
    const u = x / M;
    out[i] = kind === 'uniform' ? u * scale + shift : kind === 'int' ? Math.floor(u * 20) + shift : -Math.log(u) * scale + shift;
  }
  return out.sort();
}

/**
 * p-values span hundreds of orders of magnitude, so they are compared relatively (1e-6): an absolute
 * tolerance would let any value in [0, 1.3e-6] pass for p = 2.6e-7. A reference of exactly 0 (underflow)
 * must be matched by a value that also underflows below the smallest normal double.
 */
function expectSamePValue(got: number, want: number): void {
  if (want === 0) return void expect(got).toBeLessThan(2.3e-308);
  expect(Math.abs(got - want) / want).toBeLessThan(1e-6);
}

describe('numeric drift statistics match SciPy 1.10', () => {
  it.each(fixtures.numeric.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const a = sample(...(c.ref as [number, number, string, number?, number?]));
    const b = sample(...(c.cur as [number, number, string, number?, number?]));
    const ks = ks2samp(a, b);
    expect(ks.statistic).toBeCloseTo(c.ks_stat, 9);
    expectSamePValue(ks.pvalue, c.ks_p);
    expect(wasserstein(a, b)).toBeCloseTo(c.wasserstein, 9);
    expect(numericPsi(a, b, 10)).toBeCloseTo(c.psi, 9);
    expect(populationStd(a)).toBeCloseTo(c.ref_std, 9);
  });
});

describe('categorical drift statistics match SciPy 1.10', () => {
  it.each(fixtures.categorical.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const chi = chi2Contingency(c.ref, c.cur);
    expect(chi.statistic).toBeCloseTo(c.chi2, 9);
    expectSamePValue(chi.pvalue, c.chi2_p);
    expect(chi.dof).toBe(c.dof);
    expect(jensenShannon(c.ref, c.cur)).toBeCloseTo(c.js, 9);
    const sr = c.ref.reduce((a, b) => a + b, 0);
    const sc = c.cur.reduce((a, b) => a + b, 0);
    expect(psiFromShares(c.ref.map((v) => v / sr), c.cur.map((v) => v / sc))).toBeCloseTo(c.psi, 9);
  });
});

describe('hand-worked cases', () => {
  it('KS of two tiny samples and its exact p-value', () => {
    // F_a - F_b is largest after 2: a has 2/3, b has 0 -> D = 2/3.
    const r = ks2samp(Float64Array.from([1, 2, 5]), Float64Array.from([3, 4, 6]));
    expect(r.statistic).toBeCloseTo(2 / 3, 15);
    // paths of the 3x3 lattice reaching |x - y| >= 2: P = 2*(C(6,1) - C(6,-1)) / C(6,3) = 12/20
    expect(r.pvalue).toBeCloseTo(0.6, 15);
  });

  it('Wasserstein of point masses is the distance moved', () => {
    expect(wasserstein(Float64Array.from([0, 0]), Float64Array.from([3, 3]))).toBe(3);
    expect(wasserstein(Float64Array.from([0, 1]), Float64Array.from([0, 2]))).toBeCloseTo(0.5, 15);
  });

  it('chi-squared survival at known quantiles', () => {
    expect(chi2Sf(3.841458820694124, 1)).toBeCloseTo(0.05, 12);
    expect(chi2Sf(5.991464547107979, 2)).toBeCloseTo(0.05, 12);
  });

  it('PSI floors empty bins at 1e-4', () => {
    expect(psiFromShares([0.5, 0.5, 0], [0.5, 0.4, 0.1])).toBeCloseTo(-0.1 * Math.log(0.4 / 0.5) + (0.1 - 1e-4) * Math.log(0.1 / 1e-4), 15);
  });
});

describe('column and dataset verdicts', () => {
  const T = DEFAULT_PARAMS.drift;
  const num = (name: string, v: Float64Array, missing = 0): DriftColumn => ({ name, kind: 'numeric', sample: v, missing, total: v.length + missing });
  const cat = (name: string, counts: Record<string, number>, missing = 0): DriftColumn => {
    const m = new Map(Object.entries(counts));
    return { name, kind: 'categorical', counts: m, missing, total: [...m.values()].reduce((a, b) => a + b, 0) + missing };
  };

  it('identical inputs never drift', () => {
    const a = sample(21, 800, 'exp');
    const r = compareDatasets([num('x', a), cat('c', { a: 10, b: 20 })], [num('x', a), cat('c', { a: 10, b: 20 })], T);
    expect(r.dataset_drift).toBe(false);
    expect(r.columns.map((c) => [c.drifted, c.psi])).toEqual([[false, 0], [false, 0]]);
    expect(r.columns[0]!.ks_p).toBe(1);
  });

  it('small samples use KS / chi-squared at p < 0.05; large ones Wasserstein / Jensen-Shannon at 0.1', () => {
    const small = compareColumn(num('x', sample(22, 900, 'exp')), num('x', sample(23, 900, 'exp', 0.3)), T);
    expect(small.test).toBe('ks');
    expect(small.drifted).toBe(true);
    const large = compareColumn(num('x', sample(24, 5000, 'exp')), num('x', sample(25, 5000, 'exp', 0.05)), T);
    expect(large.test).toBe('wasserstein');
    expect(large.ks_p!).toBeLessThan(0.05); // significant, yet small in size:
    expect(large.drifted).toBe(false);
    const fewValues = compareColumn(num('n', Float64Array.from([1, 1, 2, 2, 3, 3, 4])), num('n', Float64Array.from([1, 2, 2, 3, 4, 4, 4])), T);
    expect(fewValues.kind).toBe('categorical');
    expect(fewValues.test).toBe('chi2');
  });

  it('a category reweighting drifts; more missing values flag a column on their own', () => {
    const rew = compareColumn(cat('c', { a: 300, b: 300, c: 400 }), cat('c', { a: 500, b: 250, c: 250 }), T);
    expect(rew.drifted).toBe(true);
    expect(rew.reason).toMatch(/chi-squared p=/);
    const miss = compareColumn(cat('c', { a: 500, b: 500 }), cat('c', { a: 400, b: 400 }, 200), T);
    expect(miss.chi2_p).toBe(1);
    expect(miss.drifted).toBe(true);
    expect(miss.reason).toBe('missing share 0.0% -> 20.0%');
  });

  it('the dataset drifts when at least half of the columns drift', () => {
    const a = sample(26, 500, 'uniform');
    const b = sample(27, 500, 'uniform', 0.5);
    const r = compareDatasets([num('x', a), num('y', a)], [num('x', b), num('y', a)], T);
    expect(r.drift_share).toBe(0.5);
    expect(r.dataset_drift).toBe(true);
    expect(compareDatasets([num('x', a), num('y', a), num('z', a)], [num('x', b), num('y', a), num('z', a)], T).dataset_drift).toBe(false);
  });
});
