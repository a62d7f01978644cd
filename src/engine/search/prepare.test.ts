import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { synthesize } from '../../core/data/synth.js';
import { fitPreprocessor, transform } from '../../core/features/preprocess.js';
import { minorityRows, nearestNeighbours, smote } from '../../core/features/smote.js';
import { takeMatrixRows, type Matrix } from '../../core/matrix.js';
import { DEFAULT_PARAMS } from '../../core/params/params.js';
import { prepareFolds } from '../../core/search/folds.js';
import { STATLOG } from '../../test-support/helpers.js';
import { readDataset } from '../ingest.js';
import { TaskPool } from '../pool.js';
import { prepareFoldsOnPool, smoteOnPool } from './prepare.js';

const statlog = readDataset(readFileSync(STATLOG), STATLOG, STATLOG, { name: 'statlog' }).dataset;

/** The definition: every distance in full, sorted by (distance, index). */
function neighboursBySort(M: Matrix, k: number): Int32Array {
  const out = new Int32Array(M.rows * k);
  for (let a = 0; a < M.rows; a++) {
    const d: { b: number; s: number }[] = [];
    for (let b = 0; b < M.rows; b++) {
      if (b === a) continue;
      let s = 0;
      for (let j = 0; j < M.cols; j++) s += (M.data[a * M.cols + j]! - M.data[b * M.cols + j]!) ** 2;
      d.push({ b, s });
    }
    d.sort((x, y) => x.s - y.s || x.b - y.b);
    for (let t = 0; t < k; t++) out[a * k + t] = d[t]!.b;
  }
  return out;
}

describe("SMOTE's neighbour search", () => {
  const pool = new TaskPool(2);
  afterAll(() => pool.close());
  // 6,000 Statlog-shaped applicants: many near-duplicate rows, so ties and early exits both happen.
  const ds = synthesize(statlog, 6000, { seed: 7 });
  const prep = fitPreprocessor(ds, DEFAULT_PARAMS.preprocessing);
  const X = transform(prep, ds);
  const M = takeMatrixRows(X, minorityRows(ds.target));

  it('stops each distance early yet finds exactly the neighbours a full sort finds, ties by index', () => {
    expect(M.rows).toBeGreaterThan(1500);
    expect(Array.from(nearestNeighbours(M, 5))).toEqual(Array.from(neighboursBySort(M, 5)));
  });

  it('split into slices on worker threads, gives the rows one call gives, bit for bit', async () => {
    const opts = { k: 5, seed: 42, oneHotGroups: prep.oneHotGroups };
    const one = smote(X, ds.target, opts);
    let id = 0;
    const split = await smoteOnPool(pool, X, ds.target, opts, () => id++, 333);
    expect(id).toBe(Math.ceil(M.rows / 333));
    expect(split.X.rows).toBe(one.X.rows);
    expect(Buffer.from(split.X.data.buffer).equals(Buffer.from(one.X.data.buffer))).toBe(true);
    expect(Array.from(split.y)).toEqual(Array.from(one.y));
  });
});

describe('prepared folds on the pool', () => {
  const pool = new TaskPool(2);
  afterAll(() => pool.close());
  const ds = synthesize(statlog, 3000, { seed: 5 });
  const folds = [0, 1, 2].map((k) => Array.from({ length: 1000 }, (_, i) => i * 3 + k));

  it('are built in shared memory from the start, byte for byte the folds prepareFolds gives', async () => {
    const plain = prepareFolds(ds, folds, DEFAULT_PARAMS.preprocessing, true, 5, 42);
    let id = 0;
    const pooled = await prepareFoldsOnPool(pool, ds, folds, DEFAULT_PARAMS.preprocessing, true, 5, 42, () => id++);
    const bytes = (m: Matrix) => Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength);
    pooled.forEach((f, k) => {
      const p = plain[k]!;
      for (const [a, b] of [[f.X, p.X], [f.Xval, p.Xval], [f.smoted!.X, p.smoted!.X]] as const) {
        // Workers read these without a copy.
        expect(a.data.buffer).toBeInstanceOf(SharedArrayBuffer);
        expect(a.data.byteLength).toBe(a.rows * a.cols * 8);
        expect(bytes(a).equals(bytes(b))).toBe(true);
      }
      expect(Array.from(f.smoted!.y)).toEqual(Array.from(p.smoted!.y));
    });
  });
});
