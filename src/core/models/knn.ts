import type { Matrix } from '../matrix.js';
import type { Candidate } from '../params/grids.js';
import { type FamilyEngine, type Model, type ModelState, num, str } from './model.js';

interface Neighbours {
  /** For each query row, the indices and distances of its `k` nearest training rows, nearest first. */
  readonly idx: Int32Array;
  readonly dist: Float64Array;
  readonly k: number;
}

function nearest(train: Matrix, query: Matrix, k: number): Neighbours {
  const kk = Math.min(k, train.rows);
  const idx = new Int32Array(query.rows * kk);
  const dist = new Float64Array(query.rows * kk);
  const p = train.cols;
  const bestD = new Float64Array(kk);
  const bestI = new Int32Array(kk);
  for (let q = 0; q < query.rows; q++) {
    bestD.fill(Infinity);
    bestI.fill(-1);
    const oq = q * p;
    for (let t = 0; t < train.rows; t++) {
      const ot = t * p;
      // As in SMOTE's search: a partial sum of squares that reaches the k-th best cannot enter the list, so
      // the scan stops there (checked every 8 columns); completed distances are the full scan's sums in the
      // same order, so the neighbours and their distances are bit for bit the full scan's.
      const bound = bestD[kk - 1]!;
      let s = 0;
      let j = 0;
      while (j < p) {
        const end = Math.min(p, j + 8);
        for (; j < end; j++) {
          const d = query.data[oq + j]! - train.data[ot + j]!;
          s += d * d;
        }
        if (s >= bound) break;
      }
      if (s >= bound) continue;
      // Insertion into the sorted top-k; equal distances keep training order (scikit-learn's brute force).
      let pos = kk - 1;
      while (pos > 0 && bestD[pos - 1]! > s) {
        bestD[pos] = bestD[pos - 1]!;
        bestI[pos] = bestI[pos - 1]!;
        pos--;
      }
      bestD[pos] = s;
      bestI[pos] = t;
    }
    for (let r = 0; r < kk; r++) {
      idx[q * kk + r] = bestI[r]!;
      dist[q * kk + r] = Math.sqrt(bestD[r]!);
    }
  }
  return { idx, dist, k: kk };
}

/** p(bad) from the first `k` neighbours; 'distance' weights 1/d, and exact matches take all the weight. */
function vote(nb: Neighbours, y: Uint8Array, k: number, weights: string, rows: number): Float64Array {
  const kk = Math.min(k, nb.k);
  const out = new Float64Array(rows);
  for (let q = 0; q < rows; q++) {
    let wb = 0;
    let wt = 0;
    const o = q * nb.k;
    let exact = false;
    if (weights === 'distance') for (let r = 0; r < kk; r++) if (nb.dist[o + r] === 0) exact = true;
    for (let r = 0; r < kk; r++) {
      const d = nb.dist[o + r]!;
      const w = weights === 'uniform' ? 1 : exact ? (d === 0 ? 1 : 0) : 1 / d;
      wt += w;
      if (y[nb.idx[o + r]!]) wb += w;
    }
    out[q] = wt > 0 ? wb / wt : 0;
  }
  return out;
}

class KnnModel implements Model {
  readonly family = 'knn' as const;
  constructor(private readonly X: Matrix, private readonly y: Uint8Array, private readonly k: number, private readonly weights: string) {}

  predictProba(Q: Matrix): Float64Array {
    return vote(nearest(this.X, Q, this.k), this.y, this.k, this.weights, Q.rows);
  }

  /**
   * Model-agnostic occlusion: the drop in p(bad) when a feature is set to the training mean.
   * Documented in the README as the KNN/SVM/MLP reason-code method.
   */
  contributions(Q: Matrix, row: number, baseline: ArrayLike<number>): Float64Array {
    return occlusion(this, Q, row, baseline);
  }

  toJSON(): ModelState {
    return { family: 'knn', k: this.k, weights: this.weights, rows: this.X.rows, cols: this.X.cols, X: Array.from(this.X.data), y: Array.from(this.y) };
  }
}

/** Contribution of each feature = p(row) − p(row with that feature set to the training mean). */
export function occlusion(m: Pick<Model, 'predictProba'>, Q: Matrix, row: number, baseline: ArrayLike<number>): Float64Array {
  const p = Q.cols;
  const base = Q.data.slice(row * p, (row + 1) * p);
  const variants = new Float64Array((p + 1) * p);
  for (let v = 0; v <= p; v++) {
    variants.set(base, v * p);
    if (v < p) variants[v * p + v] = baseline[v]!;
  }
  const probs = m.predictProba({ rows: p + 1, cols: p, data: variants });
  return Float64Array.from({ length: p }, (_, j) => probs[p]! - probs[j]!);
}

export const knnEngine: FamilyEngine = {
  family: 'knn',
  shareKey: () => 'all',
  fit(c, X, y) {
    return new KnnModel(X, y, num(c, 'n_neighbors', 5), str(c, 'weights', 'uniform'));
  },
  fitGroup(cands: readonly Candidate[], X, y, evals) {
    const kMax = Math.max(...cands.map((c) => num(c, 'n_neighbors', 5)));
    const nbs = evals.map((e) => nearest(X, e, kMax));
    return cands.map((c) => evals.map((e, j) => vote(nbs[j]!, y, num(c, 'n_neighbors', 5), str(c, 'weights', 'uniform'), e.rows)));
  },
  load: (s) => new KnnModel({ rows: s['rows'] as number, cols: s['cols'] as number, data: Float64Array.from(s['X'] as number[]) }, Uint8Array.from(s['y'] as number[]), s['k'] as number, s['weights'] as string),
};
