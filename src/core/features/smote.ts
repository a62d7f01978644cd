import type { Matrix } from '../matrix.js';
import { Rng } from '../random.js';

export interface SmoteOptions {
  readonly k: number;
  readonly seed: number;
  /** [start, end) column ranges of one-hot blocks. */
  readonly oneHotGroups?: readonly (readonly [number, number])[];
}

/**
 * Indices of the k nearest other minority rows for each minority row (Euclidean), nearest first, ties by
 * index. A running top-k (insertion into k slots) replaces sorting all m distances per row: the same
 * neighbours in the same order, without an m log m sort per row (at 24,000 bad rows that sort cost minutes).
 */
function nearestNeighbours(X: Matrix, rows: readonly number[], k: number): Int32Array {
  const m = rows.length;
  const p = X.cols;
  const out = new Int32Array(m * k);
  const bestD = new Float64Array(k);
  const bestI = new Int32Array(k);
  for (let a = 0; a < m; a++) {
    const oa = rows[a]! * p;
    bestD.fill(Infinity);
    bestI.fill(-1);
    for (let b = 0; b < m; b++) {
      if (b === a) continue;
      const ob = rows[b]! * p;
      let s = 0;
      for (let j = 0; j < p; j++) {
        const d = X.data[oa + j]! - X.data[ob + j]!;
        s += d * d;
      }
      // Rows come in index order, so an equal distance never displaces an earlier row (the sort's tie-break).
      if (!(s < bestD[k - 1]!) && bestI[k - 1] !== -1) continue;
      let t = k - 1;
      while (t > 0 && (bestI[t - 1] === -1 || bestD[t - 1]! > s)) {
        bestD[t] = bestD[t - 1]!;
        bestI[t] = bestI[t - 1]!;
        t--;
      }
      bestD[t] = s;
      bestI[t] = b;
    }
    for (let t = 0; t < k; t++) out[a * k + t] = bestI[t]!;
  }
  return out;
}

/**
 * SMOTE (Chawla et al. 2002, as imbalanced-learn): adds minority rows until both classes are equal, each on the
 * segment between a minority row and one of its k nearest minority neighbours. One-hot blocks are not
 * interpolated (that would invent half-categories): a synthetic row takes the whole block from whichever end
 * of the segment it lies nearer to. Call it on training rows only; validation and test rows never see it.
 */
export function smote(X: Matrix, y: Uint8Array, opts: SmoteOptions): { X: Matrix; y: Uint8Array } {
  let pos = 0;
  for (const v of y) pos += v;
  const minority = pos * 2 <= y.length ? 1 : 0;
  const rows: number[] = [];
  for (let i = 0; i < y.length; i++) if (y[i] === minority) rows.push(i);
  const need = y.length - 2 * rows.length;
  if (need <= 0 || rows.length < 2) return { X, y };
  const k = Math.min(opts.k, rows.length - 1);
  const nn = nearestNeighbours(X, rows, k);
  const p = X.cols;
  const inGroup = new Int32Array(p).fill(-1);
  (opts.oneHotGroups ?? []).forEach(([s, e], g) => {
    for (let j = s; j < e; j++) inGroup[j] = g;
  });
  const rng = Rng.derive(opts.seed, 'smote');
  const data = new Float64Array((y.length + need) * p);
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
