import { takeMatrixRows, type Matrix } from '../matrix.js';
import { Rng } from '../random.js';

export interface SmoteOptions {
  readonly k: number;
  readonly seed: number;
  /** [start, end) column ranges of one-hot blocks. */
  readonly oneHotGroups?: readonly (readonly [number, number])[];
  /** Where the resampled matrix is allocated (e.g. shared memory the worker threads read); a plain array by default. */
  readonly allocate?: (length: number) => Float64Array;
}

/** The rows of the minority class (the smaller, ties: the bad class 1), in index order. */
export function minorityRows(y: Uint8Array): number[] {
  let pos = 0;
  for (const v of y) pos += v;
  const minority = pos * 2 <= y.length ? 1 : 0;
  const rows: number[] = [];
  for (let i = 0; i < y.length; i++) if (y[i] === minority) rows.push(i);
  return rows;
}

/**
 * For the query rows `from`..`to` of `M` (the minority rows, one per matrix row), the indices of their k
 * nearest other rows of `M` (Euclidean), nearest first, ties by index. A running top-k (insertion into k
 * slots) replaces sorting all m distances per row. Ranges are independent, so a pool can split one search
 * over its workers and the joined table is the same as one call over every row.
 */
export function nearestNeighbours(M: Matrix, k: number, from = 0, to = M.rows): Int32Array {
  const m = M.rows;
  const p = M.cols;
  const out = new Int32Array((to - from) * k);
  const bestD = new Float64Array(k);
  const bestI = new Int32Array(k);
  const data = M.data;
  for (let a = from; a < to; a++) {
    const oa = a * p;
    bestD.fill(Infinity);
    bestI.fill(-1);
    for (let b = 0; b < m; b++) {
      if (b === a) continue;
      const ob = b * p;
      // A sum of squares only grows: once a partial sum reaches the k-th best, the row cannot enter the list,
      // so the scan stops there (checked every 8 columns). The distances that are completed are the same
      // sums in the same order as a full scan, so the neighbours are bit for bit those of the full scan.
      const bound = bestI[k - 1] === -1 ? Infinity : bestD[k - 1]!;
      let s = 0;
      let j = 0;
      while (j < p) {
        const end = Math.min(p, j + 8);
        for (; j < end; j++) {
          const d = data[oa + j]! - data[ob + j]!;
          s += d * d;
        }
        if (s >= bound) break;
      }
      // Rows come in index order, so an equal distance never displaces an earlier row (the sort's tie-break).
      if (!(s < bound)) continue;
      let t = k - 1;
      while (t > 0 && (bestI[t - 1] === -1 || bestD[t - 1]! > s)) {
        bestD[t] = bestD[t - 1]!;
        bestI[t] = bestI[t - 1]!;
        t--;
      }
      bestD[t] = s;
      bestI[t] = b;
    }
    out.set(bestI, (a - from) * k);
  }
  return out;
}

/** SMOTE's neighbour count for `minority` rows: k, or fewer when there are not k other rows. */
export function smoteK(k: number, minority: number): number {
  return Math.min(k, minority - 1);
}

/**
 * SMOTE (Chawla et al. 2002, as imbalanced-learn): adds minority rows until both classes are equal, each on the
 * segment between a minority row and one of its k nearest minority neighbours. One-hot blocks are not
 * interpolated (that would invent half-categories): a synthetic row takes the whole block from whichever end
 * of the segment it lies nearer to. Call it on training rows only; validation and test rows never see it.
 * `neighbours` is the table of `nearestNeighbours` over the minority rows when it was computed elsewhere
 * (split over a pool's workers).
 */
export function smote(X: Matrix, y: Uint8Array, opts: SmoteOptions, neighbours?: Int32Array): { X: Matrix; y: Uint8Array } {
  const rows = minorityRows(y);
  const minority = y[rows[0] ?? 0]!;
  const need = y.length - 2 * rows.length;
  if (need <= 0 || rows.length < 2) return { X, y };
  const k = smoteK(opts.k, rows.length);
  const nn = neighbours ?? nearestNeighbours(takeMatrixRows(X, rows), k);
  const p = X.cols;
  const inGroup = new Int32Array(p).fill(-1);
  (opts.oneHotGroups ?? []).forEach(([s, e], g) => {
    for (let j = s; j < e; j++) inGroup[j] = g;
  });
  const rng = Rng.derive(opts.seed, 'smote');
  const data = opts.allocate ? opts.allocate((y.length + need) * p) : new Float64Array((y.length + need) * p);
  data.set(X.data);
  const labels = new Uint8Array(y.length + need);
  labels.set(y);
  for (let s = 0; s < need; s++) {
    const a = rng.int(rows.length);
    const b = nn[a * k + rng.int(k)]!;
    const gap = rng.next();
    const oa = rows[a]! * p;
    const ob = rows[b]! * p;
    const o = (y.length + s) * p;
    for (let j = 0; j < p; j++) {
      const xa = X.data[oa + j]!;
      const xb = X.data[ob + j]!;
      data[o + j] = inGroup[j]! >= 0 ? (gap < 0.5 ? xa : xb) : xa + gap * (xb - xa);
    }
    labels[y.length + s] = minority;
  }
  return { X: { rows: y.length + need, cols: p, data }, y: labels };
}
