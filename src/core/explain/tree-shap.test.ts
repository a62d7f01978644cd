import { describe, expect, it } from 'vitest';
import type { TreeState } from '../models/tree-structure.js';
import { Rng } from '../random.js';
import { expectedValue, interventionalShap, pathDependentShap } from './tree-shap.js';

const M = 5;

/** A random tree of the given depth over M features, covers adding up from the leaves, repeated features allowed. */
function randomTree(rand: () => number, depth: number): TreeState {
  const t: TreeState = { feature: [], threshold: [], left: [], right: [], value: [], cover: [] };
  const grow = (d: number): number => {
    const id = t.feature.length;
    t.feature.push(-1);
    t.threshold.push(0);
    t.left.push(-1);
    t.right.push(-1);
    t.value.push(0);
    t.cover.push(0);
    if (d === depth || (d > 0 && rand() < 0.2)) {
      t.value[id] = rand() * 2 - 1;
      t.cover[id] = 1 + Math.floor(rand() * 20);
      return id;
    }
    t.feature[id] = Math.floor(rand() * M);
    t.threshold[id] = rand();
    const l = grow(d + 1);
    const r = grow(d + 1);
    t.left[id] = l;
    t.right[id] = r;
    t.cover[id] = t.cover[l]! + t.cover[r]!;
    return id;
  };
  grow(0);
  return t;
}

const leafValue = (t: TreeState, x: ArrayLike<number>): number => {
  let j = 0;
  while (t.feature[j]! >= 0) j = x[t.feature[j]!]! <= t.threshold[j]! ? t.left[j]! : t.right[j]!;
  return t.value[j]!;
};

/** Shapley values by enumerating every coalition of the M features. */
function bruteShapley(v: (inS: (f: number) => boolean) => number): Float64Array {
  const phi = new Float64Array(M);
  const fact = [1, 1, 2, 6, 24, 120, 720];
  for (let mask = 0; mask < 1 << M; mask++) {
    const size = popcount(mask);
    const base = v((f) => (mask & (1 << f)) !== 0);
    for (let i = 0; i < M; i++) {
      if (mask & (1 << i)) continue;
      const w = (fact[size]! * fact[M - size - 1]!) / fact[M]!;
      phi[i]! += w * (v((f) => ((mask | (1 << i)) & (1 << f)) !== 0) - base);
    }
  }
  return phi;
}

const popcount = (m: number): number => (m ? (m & 1) + popcount(m >> 1) : 0);

describe('TreeSHAP against brute-force Shapley enumeration', () => {
  const rng = new Rng(2024);
  const rand = (): number => rng.next();
  const trees = Array.from({ length: 40 }, (_, k) => randomTree(rand, 2 + (k % 4)));
  const row = (): number[] => Array.from({ length: M }, () => (rand() < 0.1 ? NaN : rand()));

  it('path-dependent: equal to 1e-9, adding up to f(x) − E[f]', () => {
    for (const t of trees) {
      const x = row();
      const phi = new Float64Array(M);
      pathDependentShap(t, x, phi);
      // v(S) = E[f | x_S]: features in S follow x, the others split by cover.
      const cond = (inS: (f: number) => boolean): number => {
        const walk = (j: number): number => {
          if (t.feature[j]! < 0) return t.value[j]!;
          const f = t.feature[j]!;
          if (inS(f)) return walk(x[f]! <= t.threshold[j]! ? t.left[j]! : t.right[j]!);
          return (t.cover[t.left[j]!]! * walk(t.left[j]!) + t.cover[t.right[j]!]! * walk(t.right[j]!)) / t.cover[j]!;
        };
        return walk(0);
      };
      const brute = bruteShapley(cond);
      for (let f = 0; f < M; f++) expect(Math.abs(phi[f]! - brute[f]!)).toBeLessThan(1e-9);
      expect(Math.abs(phi.reduce((a, b) => a + b, 0) - (leafValue(t, x) - expectedValue(t)))).toBeLessThan(1e-9);
    }
  });

  it('interventional: equal to 1e-9, adding up to f(x) − mean f(reference)', () => {
    for (const t of trees) {
      const x = row();
      const refs = Array.from({ length: 7 }, row);
      const phi = new Float64Array(M);
      interventionalShap(t, x, refs, phi);
      const hybrid = (inS: (f: number) => boolean): number =>
        refs.reduce((s, r) => s + leafValue(t, Array.from({ length: M }, (_, f) => (inS(f) ? x[f]! : r[f]!))), 0) / refs.length;
      const brute = bruteShapley(hybrid);
      for (let f = 0; f < M; f++) expect(Math.abs(phi[f]! - brute[f]!)).toBeLessThan(1e-9);
      const meanRef = refs.reduce((s, r) => s + leafValue(t, r), 0) / refs.length;
      expect(Math.abs(phi.reduce((a, b) => a + b, 0) - (leafValue(t, x) - meanRef))).toBeLessThan(1e-9);
    }
  });
});
