import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { readDataset } from '../../engine/ingest.js';
import { STATLOG } from '../../test-support/helpers.js';
import { takeRows } from '../data/dataset.js';
import { fitPreprocessor, transform } from '../features/preprocess.js';
import type { Matrix } from '../matrix.js';
import type { Candidate, Family } from '../params/grids.js';
import { DEFAULT_PARAMS } from '../params/params.js';
import { Rng } from '../random.js';
import { binIndex } from '../stats.js';
import { binMatrix, writeCodes } from './binning.js';
import { ENGINES } from './engines.js';
import { sigmoid } from './model.js';
import type { TreeState } from './tree-structure.js';
import { denseKernels } from './wasm/dense.js';
import { histKernels } from './wasm/hist.js';

/**
 * The shortcuts that decide leaderboard values, each checked against the long way round on real rows:
 * a 300-tree fit answering for 100 trees, the WebAssembly dense kernels, and path attributions.
 */
const { dataset } = readDataset(readFileSync(STATLOG), 'statlog', STATLOG, { name: 'statlog_german', target: null, badValue: null, roles: {} });
const trainRows = Array.from({ length: 700 }, (_, i) => i);
const testRows = Array.from({ length: 300 }, (_, i) => 700 + i);
const prep = fitPreprocessor(takeRows(dataset, trainRows), DEFAULT_PARAMS.preprocessing);
const X = transform(prep, takeRows(dataset, trainRows));
const Xt = transform(prep, takeRows(dataset, testRows));
const y = Uint8Array.from(trainRows, (i) => dataset.target[i]!);

describe('one 300-tree fit answers for 100 trees exactly as a separate 100-tree fit', () => {
  for (const [family, base] of [
    ['forest', { max_depth: 8, max_features: 'sqrt' }],
    ['xgboost', { max_depth: 3, learning_rate: 0.1, subsample: 0.8 }],
  ] as const) {
    it(family, () => {
      const engine = ENGINES[family];
      const small = { ...base, n_estimators: 100 };
      const large = { ...base, n_estimators: 300 };
      expect(engine.shareKey(small)).toBe(engine.shareKey(large));
      const [fromGroup100, fromGroup300] = engine.fitGroup([small, large], X, y, [Xt], 5);
      const alone100 = engine.fit(small, X, y, 5).predictProba(Xt);
      const alone300 = engine.fit(large, X, y, 5).predictProba(Xt);
      expect(Array.from(fromGroup100![0]!)).toEqual(Array.from(alone100));
      expect(Array.from(fromGroup300![0]!)).toEqual(Array.from(alone300));
      // ...and the sizes differ, so the comparison could have failed.
      expect(Array.from(alone100)).not.toEqual(Array.from(alone300));
    });
  }
});

describe("one candidate's fitGroup gives the test probabilities of fit + predictProba, bit for bit", () => {
  // The non-champion refits score the test rows this way, so a forest's trees need not all be held at once.
  const one: Record<Family, Candidate> = {
    logreg: { C: 1 }, tree: { max_depth: 5 }, forest: { n_estimators: 30, max_depth: null, max_features: 'sqrt' },
    xgboost: { n_estimators: 30, max_depth: 3, learning_rate: 0.1, subsample: 0.8 }, knn: { n_neighbors: 15, weights: 'distance' },
    svm: { C: 1, gamma: 'scale' }, mlp: { hidden_layer_sizes: [8], alpha: 1e-2, max_iter: 50 }, brf: { n_estimators: 30 },
    scorecard: { C: 1, min_bin_size: 0.05, trend: 'auto', iv_threshold: 0.02 },
  };
  // 1,300 rows: more than one of the SVM's kernel blocks (1,024 evaluation rows).
  const E: Matrix = { rows: X.rows + 2 * Xt.rows, cols: X.cols, data: Float64Array.from([...X.data, ...Xt.data, ...Xt.data]) };
  it.each(Object.entries(one))('%s', (family, c) => {
    const engine = ENGINES[family as Family];
    const grouped = engine.fitGroup([c], X, y, [E], 5, { rankOnly: false })[0]![0]!;
    expect(Array.from(grouped)).toEqual(Array.from(engine.fit(c, X, y, 5).predictProba(E)));
  });
});

describe('one unlimited-depth forest fit answers for max_depth 8 exactly as a separate depth-8 fit', () => {
  for (const family of ['forest', 'brf'] as const) {
    it(family, () => {
      const engine = ENGINES[family];
      const deep = { n_estimators: 100, max_depth: null, max_features: 'sqrt' };
      const cut = { n_estimators: 100, max_depth: 8, max_features: 'sqrt' };
      const shallow = { n_estimators: 100, max_depth: 3, max_features: 'sqrt' };
      expect(engine.shareKey(deep)).toBe(engine.shareKey(cut));
      const [fromDeep, fromCut, fromShallow] = engine.fitGroup([deep, cut, shallow], X, y, [Xt], 5);
      expect(Array.from(fromCut![0]!)).toEqual(Array.from(engine.fit(cut, X, y, 5).predictProba(Xt)));
      expect(Array.from(fromShallow![0]!)).toEqual(Array.from(engine.fit(shallow, X, y, 5).predictProba(Xt)));
      expect(Array.from(fromDeep![0]!)).toEqual(Array.from(engine.fit(deep, X, y, 5).predictProba(Xt)));
      expect(Array.from(fromCut![0]!)).not.toEqual(Array.from(fromDeep![0]!));
    });
  }
});

describe('the WebAssembly dense kernels equal plain JavaScript loops in float32', () => {
  // Math.fround after every operation is float32 arithmetic exactly: a float64 sum or product of two
  // float32 values rounded once to float32 equals the float32 operation (53 >= 2 x 24 + 2 bits).
  const f = Math.fround;
  const K = denseKernels();
  const rng = new Rng(3);
  const put = (values: ArrayLike<number>): number => {
    const p = K.alloc32(values.length);
    new Float32Array(K.memory.buffer, p, values.length).set(values);
    return p;
  };
  const read = (p: number, n: number): Float32Array => Float32Array.from(new Float32Array(K.memory.buffer, p, n));
  const randoms = (n: number): Float32Array => Float32Array.from({ length: n }, () => rng.next() * 2 - 1);

  // Statlog's one-hot rows (mostly zeros, which the kernels skip) into 35 outputs: blocks of 16, a block of
  // 4 and a scalar tail all run.
  const rows = 64;
  const nIn = X.cols;
  const nOut = 35;
  const x = Float32Array.from(X.data.subarray(0, rows * nIn));
  const W = randoms(nIn * nOut);
  const b = randoms(nOut);

  it('forward (with and without ReLU) is bit-identical', () => {
    for (const relu of [false, true]) {
      K.reset();
      const out = K.alloc32(rows * nOut);
      K.forward(put(x), rows, nIn, put(W), put(b), nOut, out, relu);
      const js = new Float32Array(rows * nOut);
      for (let r = 0; r < rows; r++) {
        for (let o = 0; o < nOut; o++) {
          let s = b[o]!;
          for (let k = 0; k < nIn; k++) if (x[r * nIn + k] !== 0) s = f(s + f(x[r * nIn + k]! * W[k * nOut + o]!));
          js[r * nOut + o] = relu && s < 0 ? 0 : s;
        }
      }
      expect(Array.from(read(out, rows * nOut))).toEqual(Array.from(js));
    }
  });

  it('gradients are bit-identical; the back-propagated input agrees to float32 precision (lane sums)', () => {
    K.reset();
    const delta = randoms(rows * nOut);
    const alpha = f(0.01);
    const inv = f(1 / rows);
    const gw = K.alloc32(nIn * nOut);
    const gb = K.alloc32(nOut);
    K.gradients(put(x), put(delta), rows, nIn, nOut, put(W), alpha, gw, gb);
    const jsW = Float32Array.from(W, (w) => f(alpha * w));
    const jsB = new Float32Array(nOut);
    for (let r = 0; r < rows; r++) {
      for (let o = 0; o < nOut; o++) jsB[o] = f(jsB[o]! + delta[r * nOut + o]!);
      for (let k = 0; k < nIn; k++) {
        const a = x[r * nIn + k]!;
        if (a !== 0) for (let o = 0; o < nOut; o++) jsW[k * nOut + o] = f(jsW[k * nOut + o]! + f(a * delta[r * nOut + o]!));
      }
    }
    expect(Array.from(read(gw, nIn * nOut))).toEqual(Array.from(jsW, (v) => f(v * inv)));
    expect(Array.from(read(gb, nOut))).toEqual(Array.from(jsB, (v) => f(v * inv)));

    const prev = K.alloc32(rows * nIn);
    K.backInput(put(delta), rows, nIn, nOut, put(W), put(x), prev);
    const got = read(prev, rows * nIn);
    let checked = 0;
    for (let r = 0; r < rows; r++) {
      for (let k = 0; k < nIn; k++) {
        let s = 0;
        for (let o = 0; o < nOut; o++) s += W[k * nOut + o]! * delta[r * nOut + o]!;
        const want = x[r * nIn + k]! > 0 ? s : 0;
        expect(Math.abs(got[r * nIn + k]! - want)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(want)));
        if (want !== 0) {
          checked++;
          expect(got[r * nIn + k]).not.toBe(0);
        } else expect(got[r * nIn + k]).toBe(0);
      }
    }
    expect(checked).toBeGreaterThan(rows);
  });

  it('an Adam step is bit-identical', () => {
    K.reset();
    const n = 103; // 25 four-lane steps and a tail of 3
    const param = randoms(n);
    const g = randoms(n);
    const m = randoms(n);
    const v = Float32Array.from(randoms(n), Math.abs);
    const [pp, pm, pv] = [put(param), put(m), put(v)];
    const [lr, b1, b2, eps] = [f(0.001), f(0.9), f(0.999), f(1e-8)];
    const [c1, c2] = [f(1 - b1), f(1 - b2)];
    K.adam(pp, put(g), pm, pv, n, 0.001, 0.9, 0.999, 1e-8);
    for (let i = 0; i < n; i++) {
      const mi = f(f(b1 * m[i]!) + f(c1 * g[i]!));
      const vi = f(f(b2 * v[i]!) + f(f(c2 * g[i]!) * g[i]!));
      expect(read(pm, n)[i]).toBe(mi);
      expect(read(pv, n)[i]).toBe(vi);
      expect(read(pp, n)[i]).toBe(f(param[i]! - f(f(lr * mi) / f(f(Math.sqrt(vi)) + eps))));
    }
  });

  it('a mini-batch is gathered in the shuffled order, and the L2 sum runs in float64', () => {
    K.reset();
    const cols = 5;
    const src = randoms(7 * cols);
    const order = Int32Array.from([6, 0, 3, 3, 1, 5, 2]);
    const po = K.alloc32(order.length);
    new Int32Array(K.memory.buffer, po, order.length).set(order);
    const dst = K.alloc32(3 * cols);
    K.gatherRows(put(src), po, 2, 3, cols, dst);
    expect(Array.from(read(dst, 3 * cols))).toEqual([3, 3, 1].flatMap((r) => Array.from(src.subarray(r * cols, (r + 1) * cols))));
    const w = randoms(11);
    let want = 0.5;
    for (const v of w) want += v * v;
    expect(K.sumSquares(put(w), w.length, 0.5)).toBe(want);
  });
});

describe('path attributions sum to the score difference they explain', () => {
  const mean = (m: Matrix): Float64Array => {
    const out = new Float64Array(m.cols);
    for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) out[j]! += m.data[i * m.cols + j]! / m.rows;
    return out;
  };
  const baseline = mean(X);
  const rootSum = (trees: readonly TreeState[]): number => trees.reduce((s, t) => s + t.value[0]!, 0);

  it('xgboost: contributions + the trees\' root values = the row\'s log-odds', () => {
    const model = ENGINES.xgboost.fit({ n_estimators: 100, max_depth: 3, learning_rate: 0.1, subsample: 0.8 }, X, y, 1);
    const trees = model.toJSON()['trees'] as TreeState[];
    const p = model.predictProba(Xt);
    for (let row = 0; row < 50; row++) {
      const c = model.contributions(Xt, row, baseline);
      const logit = Math.log(p[row]! / (1 - p[row]!));
      expect(c.reduce((a, b) => a + b, 0) + rootSum(trees)).toBeCloseTo(logit, 9);
      expect(sigmoid(c.reduce((a, b) => a + b, 0) + rootSum(trees))).toBeCloseTo(p[row]!, 12);
    }
  });

  it('forest: contributions + the mean root value = the row\'s p(bad)', () => {
    const model = ENGINES.forest.fit({ n_estimators: 100, max_depth: 8, max_features: 'sqrt' }, X, y, 1);
    const trees = model.toJSON()['trees'] as TreeState[];
    const p = model.predictProba(Xt);
    for (let row = 0; row < 50; row++) {
      const c = model.contributions(Xt, row, baseline);
      expect(c.reduce((a, b) => a + b, 0) + rootSum(trees) / trees.length).toBeCloseTo(p[row]!, 12);
    }
  });

  it('logreg: contributions sum to the row\'s log-odds minus the mean applicant\'s', () => {
    const model = ENGINES.logreg.fit({ C: 1 }, X, y, 1);
    const p = model.predictProba(Xt);
    const p0 = model.predictProba({ rows: 1, cols: X.cols, data: baseline })[0]!;
    for (let row = 0; row < 50; row++) {
      const c = model.contributions(Xt, row, baseline);
      expect(c.reduce((a, b) => a + b, 0)).toBeCloseTo(Math.log(p[row]! / (1 - p[row]!)) - Math.log(p0 / (1 - p0)), 10);
    }
  });
});

describe('batch explanations equal predictProba plus per-row contributions, bit for bit', () => {
  const baseline = Float64Array.from({ length: X.cols }, (_, j) => {
    let s = 0;
    for (let i = 0; i < X.rows; i++) s += X.data[i * X.cols + j]!;
    return s / X.rows;
  });
  for (const [family, c] of [
    ['xgboost', { n_estimators: 100, max_depth: 3, learning_rate: 0.1, subsample: 0.8 }],
    ['forest', { n_estimators: 100, max_depth: 8, max_features: 'sqrt' }],
    ['tree', { max_depth: 5, min_samples_leaf: 5 }],
    ['logreg', { C: 1 }],
  ] as const) {
    it(family, () => {
      const model = ENGINES[family].fit(c, X, y, 5);
      const contribs = new Float64Array(Xt.rows * Xt.cols);
      const p = model.explain!(Xt, baseline, contribs);
      expect(Array.from(p)).toEqual(Array.from(model.predictProba(Xt)));
      for (let i = 0; i < Xt.rows; i++) expect(Array.from(contribs.subarray(i * Xt.cols, (i + 1) * Xt.cols))).toEqual(Array.from(model.contributions(Xt, i, baseline)));
      expect(contribs.some((v) => v !== 0)).toBe(true);
    });
  }

  it('the packed trees send a missing value (NaN) right, as the tree walk does', async () => {
    const { accumulateTree, PackedTrees } = await import('./tree-structure.js');
    const trees = (ENGINES.forest.fit({ n_estimators: 30, max_depth: 6, max_features: 'sqrt' }, X, y, 5).toJSON()['trees'] as TreeState[]);
    const holed: Matrix = { rows: Xt.rows, cols: Xt.cols, data: Xt.data.map((v, k) => (k % 5 === 0 ? NaN : v)) };
    const walked = new Float64Array(holed.rows);
    for (const t of trees) accumulateTree(t, holed, walked);
    const packed = new Float64Array(holed.rows);
    new PackedTrees(trees).leafSums(holed, packed);
    expect(Array.from(packed)).toEqual(Array.from(walked));
    const clean = new Float64Array(Xt.rows);
    new PackedTrees(trees).leafSums(Xt, clean);
    expect(Array.from(clean)).not.toEqual(Array.from(packed)); // the holes changed paths: the check could fail
  });
});

describe('the SVM kernel sums over nonzero columns only, bit-identical to the dense loop', () => {
  it('kernel matrix on one-hot rows, and the decision values that follow', async () => {
    const { rbfKernelMatrix } = await import('./svm.js');
    const sub: Matrix = { rows: 200, cols: X.cols, data: X.data.subarray(0, 200 * X.cols) };
    const gamma = 1 / X.cols;
    const p = sub.cols;
    const sparse = rbfKernelMatrix(sub, gamma);
    for (let i = 0; i < sub.rows; i++) {
      let si = 0;
      for (let j = 0; j < p; j++) si += sub.data[i * p + j]! ** 2;
      for (let k = i + 1; k < sub.rows; k++) {
        let sk = 0;
        let dot = 0;
        for (let j = 0; j < p; j++) {
          sk += sub.data[k * p + j]! ** 2;
          dot += sub.data[i * p + j]! * sub.data[k * p + j]!;
        }
        expect(sparse[i * sub.rows + k]).toBe(Math.exp(-gamma * Math.max(0, si + sk - 2 * dot)));
      }
    }
    const model = ENGINES.svm.fit({ C: 1, gamma: 'scale' }, X, y, 5);
    const s = model.toJSON() as unknown as { gamma: number; b: number; A: number; B: number; coef: number[]; rows: number; cols: number; sv: number[] };
    const dense = Float64Array.from({ length: Xt.rows }, (_, i) => {
      // libsvm's RBF, exp(−γ (|x|² + |sv|² − 2 x·sv)), every sum a dense loop in column order.
      let f = s.b;
      let xx = 0;
      for (let j = 0; j < s.cols; j++) xx += Xt.data[i * s.cols + j]! ** 2;
      for (let k = 0; k < s.rows; k++) {
        let vv = 0;
        let dot = 0;
        for (let j = 0; j < s.cols; j++) {
          vv += s.sv[k * s.cols + j]! ** 2;
          dot += Xt.data[i * s.cols + j]! * s.sv[k * s.cols + j]!;
        }
        f += s.coef[k]! * Math.exp(-s.gamma * Math.max(0, xx + vv - 2 * dot));
      }
      return 1 / (1 + Math.exp(s.A * f + s.B));
    });
    expect(Array.from(model.predictProba(Xt))).toEqual(Array.from(dense));
  });

  it('candidates differing in C and class weight share one kernel and answer exactly as separate fits', () => {
    const engine = ENGINES.svm;
    const cands: Candidate[] = [{ C: 0.5, gamma: 'scale' }, { C: 4, gamma: 'scale' }, { C: 1, gamma: 'scale', class_weight: 'balanced' }];
    expect(new Set(cands.map((c) => engine.shareKey(c))).size).toBe(1);
    expect(engine.shareKey({ C: 1, gamma: 0.01 })).not.toBe(engine.shareKey(cands[0]!));
    for (const rankOnly of [false, true]) {
      const grouped = engine.fitGroup(cands, X, y, [Xt, X], 5, { rankOnly });
      cands.forEach((c, i) => {
        const alone = engine.fitGroup([c], X, y, [Xt, X], 5, { rankOnly })[0]!;
        expect(Array.from(grouped[i]![0]!)).toEqual(Array.from(alone[0]!));
        expect(Array.from(grouped[i]![1]!)).toEqual(Array.from(alone[1]!));
        // The evaluation-row kernel path gives exactly the saved model's predictProba.
        if (!rankOnly) expect(Array.from(grouped[i]![0]!)).toEqual(Array.from(engine.fit(c, X, y, 5).predictProba(Xt)));
      });
    }
  });
});

describe('the boosting round\'s draws and the binning passes equal the one-at-a-time way', () => {
  it('Rng.fill gives the values next() would, and leaves the generator where next() would', () => {
    for (const seed of [0, 1, 42, 2 ** 31 - 1]) {
      const a = new Rng(seed);
      const b = new Rng(seed);
      const out = new Float64Array(1000);
      a.next();
      b.next();
      a.fill(out, 999);
      const ref = Array.from({ length: 999 }, () => b.next());
      expect(Array.from(out.subarray(0, 999))).toEqual(ref);
      expect(Array.from({ length: 50 }, () => a.next())).toEqual(Array.from({ length: 50 }, () => b.next()));
    }
  });

  it('binMatrix\'s codes are binIndex on its thresholds (NaN above every edge, -0 with 0)', () => {
    const rng = new Rng(7);
    const rows = 3000;
    const cols = 5;
    const data = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      data[i * cols] = Math.round(rng.next() * 1000) / 10; // many values: quantile cuts
      data[i * cols + 1] = rng.next() < 0.5 ? 0 : 1; // one edge
      data[i * cols + 2] = rng.next() < 0.1 ? NaN : Math.floor(rng.next() * 5); // few values and NaN: sorted path
      data[i * cols + 3] = rng.next() < 0.5 ? -0 : Math.floor(rng.next() * 4); // few values
      data[i * cols + 4] = 3; // one value: no edge
    }
    const M = { rows, cols, data };
    for (const maxBins of [4, 32, 256]) {
      const B = binMatrix(M, maxBins);
      for (let j = 0; j < cols; j++) {
        expect(B.bins[j]).toBe(B.thresholds[j]!.length + 1);
        for (let i = 0; i < rows; i++) expect(B.codes[j * rows + i]).toBe(binIndex(B.thresholds[j]!, data[i * cols + j]!));
      }
      const codes = new Uint8Array(rows * cols);
      writeCodes(M, B.thresholds, codes);
      expect(Array.from(codes)).toEqual(Array.from(B.codes));
    }
  });
});

describe('the boosted trees\' WebAssembly kernels equal their JavaScript loops', () => {
  it('histograms, partitions, leaf values and tree walks give the same trees and scores, bit for bit', async () => {
    const cands: Candidate[] = [
      { n_estimators: 20, max_depth: 3, learning_rate: 0.1, subsample: 0.8 },
      { n_estimators: 40, max_depth: 3, learning_rate: 0.1, subsample: 0.8 },
    ];
    expect(histKernels()).not.toBeNull(); // built by npm run build
    const withKernels = ENGINES.xgboost.fitGroup(cands, X, y, [Xt, X], 11);
    const deep = ENGINES.xgboost.fit({ n_estimators: 10, max_depth: 6, colsample_bytree: 0.5 }, X, y, 3).predictProba(Xt);
    vi.resetModules();
    vi.doMock('./wasm/hist.js', () => ({ histKernels: () => null }));
    try {
      const { gbmEngine } = await import('./gbm.js');
      const plain = gbmEngine.fitGroup(cands, X, y, [Xt, X], 11);
      expect(plain.map((c) => c.map((a) => Array.from(a)))).toEqual(withKernels.map((c) => c.map((a) => Array.from(a))));
      expect(Array.from(gbmEngine.fit({ n_estimators: 10, max_depth: 6, colsample_bytree: 0.5 }, X, y, 3).predictProba(Xt))).toEqual(Array.from(deep));
    } finally {
      vi.doUnmock('./wasm/hist.js');
      vi.resetModules();
    }
  });
});
