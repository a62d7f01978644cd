import { describe, expect, it } from 'vitest';
import { Rng } from '../random.js';
import { halvingSchedule } from './halving.js';
import { gamma, sampleTpe, sampleUniform, shouldPrune, type Dimension, type Observation, type Space } from './tpe.js';

describe('successive halving schedule', () => {
  // scikit-learn 1.2 HalvingGridSearchCV(factor=3, min_resources='exhaust', cv=5) on 800 rows: n_resources_, n_candidates_.
  it.each([
    [16, [88, 264, 792], [16, 6, 2]],
    [24, [88, 264, 792], [24, 8, 3]],
    [8, [266, 798], [8, 3]],
    [12, [88, 264, 792], [12, 4, 2]],
    [104, [20, 60, 180, 540], [104, 35, 12, 4]],
  ])('%i candidates equal scikit-learn', (n, resources, candidates) => {
    const s = halvingSchedule(n, 800, 5);
    expect(s.map((r) => r.resource)).toEqual(resources);
    expect(s.map((r) => r.candidates)).toEqual(candidates);
  });

  it('wholeLast: a last rung short of every row only by rounding takes every row; one far short stays', () => {
    expect(halvingSchedule(16, 800, 5, 3, true).map((r) => r.resource)).toEqual([88, 264, 800]);
    expect(halvingSchedule(8, 800, 5, 3, true).map((r) => r.resource)).toEqual([266, 800]);
    expect(halvingSchedule(104, 800, 5, 3, true).map((r) => r.resource)).toEqual([20, 60, 180, 540]);
    expect(halvingSchedule(16, 80_000, 5, 3, true).map((r) => r.resource)).toEqual([8888, 26664, 80_000]);
  });
});

describe('TPE (Optuna defaults)', () => {
  it('gamma is min(ceil(0.1 n), 25)', () => {
    expect([1, 10, 11, 100, 250, 400].map(gamma)).toEqual([1, 1, 2, 10, 25, 25]);
  });

  it('samples stay inside their ranges, with integers on integer dimensions', () => {
    const rng = new Rng(1);
    const space: Space = { a: { kind: 'int', low: 2, high: 9 }, b: { kind: 'float', low: 1e-3, high: 10, log: true }, c: { kind: 'categorical', choices: ['x', 'y'] } };
    const history: Observation[] = [];
    for (let i = 0; i < 60; i++) {
      const v = Object.fromEntries(Object.entries(space).map(([k, d]) => [k, sampleTpe(k, d, history, rng)]));
      expect(Number.isInteger(v['a'])).toBe(true);
      expect(v['a'] as number).toBeGreaterThanOrEqual(2);
      expect(v['a'] as number).toBeLessThanOrEqual(9);
      expect(v['b'] as number).toBeGreaterThanOrEqual(1e-3);
      expect(v['b'] as number).toBeLessThanOrEqual(10);
      expect(['x', 'y']).toContain(v['c']);
      history.push({ values: v, loss: rng.next() });
    }
  });

  it('beats random search on a seeded synthetic objective (same budget, 20 seeds)', () => {
    // A narrow optimum in log-space, an integer optimum and one good category.
    const space: Record<string, Dimension> = {
      lr: { kind: 'float', low: 1e-4, high: 1, log: true },
      depth: { kind: 'int', low: 1, high: 12 },
      kind: { kind: 'categorical', choices: ['a', 'b', 'c', 'd'] },
    };
    const loss = (v: Record<string, unknown>): number => (Math.log10(v['lr'] as number) + 2.2) ** 2 + ((v['depth'] as number) - 7) ** 2 / 10 + (v['kind'] === 'c' ? 0 : 0.6);
    const run = (seed: number, tpe: boolean): number => {
      const rng = new Rng(seed);
      const history: Observation[] = [];
      for (let t = 0; t < 40; t++) {
        const v = Object.fromEntries(Object.entries(space).map(([k, d]) => [k, tpe ? sampleTpe(k, d, history, rng) : sampleUniform(d, rng)]));
        history.push({ values: v, loss: loss(v) });
      }
      return Math.min(...history.map((h) => h.loss));
    };
    const seeds = Array.from({ length: 20 }, (_, i) => 100 + i);
    const tpe = seeds.map((s) => run(s, true));
    const random = seeds.map((s) => run(s, false));
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(tpe)).toBeLessThan(mean(random) * 0.7); // measured: 0.165 vs 0.305 (Optuna 3.1 on the same objective: 0.201)
    expect(seeds.filter((_, i) => tpe[i]! < random[i]!).length).toBeGreaterThanOrEqual(12); // measured: 13 of 20
    // Deterministic for a seed.
    expect(run(7, true)).toBe(run(7, true));
  });

  it('median pruning: after 5 finished trials, a running value below the median at the same fold stops the trial', () => {
    const finished = [[0.7, 0.72], [0.75, 0.74], [0.8, 0.79], [0.65, 0.7], [0.77, 0.76]];
    expect(shouldPrune(0, 0.74, finished)).toBe(true); // median 0.75
    expect(shouldPrune(0, 0.76, finished)).toBe(false);
    expect(shouldPrune(0, 0.1, finished.slice(0, 4))).toBe(false); // too few to judge
  });
});
