import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readDataset } from '../../engine/ingest.js';
import { STATLOG } from '../../test-support/helpers.js';
import { synthesize } from '../data/synth.js';
import { fitPreprocessor, transform } from '../features/preprocess.js';
import { takeLabels, takeMatrixRows, type Matrix } from '../matrix.js';
import { DEFAULT_PARAMS } from '../params/params.js';
import { ENGINES } from './engines.js';

/** The definition: every distance in full, sorted by (distance, training index); then the vote. */
function knnBySort(X: Matrix, y: Uint8Array, Q: Matrix, k: number, weights: 'uniform' | 'distance'): Float64Array {
  const out = new Float64Array(Q.rows);
  for (let q = 0; q < Q.rows; q++) {
    const d: { t: number; s: number }[] = [];
    for (let t = 0; t < X.rows; t++) {
      let s = 0;
      for (let j = 0; j < X.cols; j++) s += (Q.data[q * Q.cols + j]! - X.data[t * X.cols + j]!) ** 2;
      d.push({ t, s: Math.sqrt(s) });
    }
    d.sort((a, b) => a.s - b.s || a.t - b.t);
    const top = d.slice(0, k);
    const exact = weights === 'distance' && top.some((n) => n.s === 0);
    let wb = 0;
    let wt = 0;
    for (const n of top) {
      const w = weights === 'uniform' ? 1 : exact ? (n.s === 0 ? 1 : 0) : 1 / n.s;
      wt += w;
      if (y[n.t]) wb += w;
    }
    out[q] = wt > 0 ? wb / wt : 0;
  }
  return out;
}

describe('k nearest neighbours on Statlog-shaped rows', () => {
  // Near-duplicate synth rows make ties and exact matches happen; the early exit must not change any of them.
  const statlog = readDataset(readFileSync(STATLOG), STATLOG, STATLOG, { name: 'statlog' }).dataset;
  const ds = synthesize(statlog, 3000, { seed: 11 });
  const X = transform(fitPreprocessor(ds, DEFAULT_PARAMS.preprocessing), ds);
  const train = Array.from({ length: 2400 }, (_, i) => i);
  const query = Array.from({ length: 600 }, (_, i) => 2400 + i);
  const Xt = takeMatrixRows(X, train);
  const yt = takeLabels(ds.target, train);
  // Queries include training rows themselves (distance 0) as the train score does.
  const Q = takeMatrixRows(X, [...query, ...train.slice(0, 100)]);

  it('stops distances early yet votes exactly as a full sort of every distance, for every k and weighting', () => {
    const cands = [5, 15, 31].flatMap((k) => (['uniform', 'distance'] as const).map((w) => ({ n_neighbors: k, weights: w })));
    const grouped = ENGINES.knn.fitGroup(cands, Xt, yt, [Q], 0);
    cands.forEach((c, i) => expect(Array.from(grouped[i]![0]!)).toEqual(Array.from(knnBySort(Xt, yt, Q, c.n_neighbors, c.weights))));
  });
});
