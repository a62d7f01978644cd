import type { Matrix } from '../matrix.js';

/** A fitted binary tree in flat arrays; leaves have feature -1 and carry `value`. */
export interface TreeState {
  readonly feature: number[];
  readonly threshold: number[];
  readonly left: number[];
  readonly right: number[];
  /** Leaf output: p(bad) for classification trees, the margin increment for boosted trees. */
  readonly value: number[];
  /** Weighted training mass that reached each node (for path attributions). */
  readonly cover: number[];
}

export function emptyTree(): TreeState {
  return { feature: [], threshold: [], left: [], right: [], value: [], cover: [] };
}

export function addNode(t: TreeState, value: number, cover: number): number {
  t.feature.push(-1);
  t.threshold.push(0);
  t.left.push(-1);
  t.right.push(-1);
  t.value.push(value);
  t.cover.push(cover);
  return t.feature.length - 1;
}

export function leafOf(t: TreeState, x: Float64Array, offset: number): number {
  let node = 0;
  while (t.feature[node]! >= 0) node = x[offset + t.feature[node]!]! <= t.threshold[node]! ? t.left[node]! : t.right[node]!;
  return node;
}

/** Adds `scale * leaf value` of every row of X into `out`. */
export function accumulateTree(t: TreeState, X: Matrix, out: Float64Array, scale = 1): void {
  for (let i = 0; i < X.rows; i++) out[i]! += scale * t.value[leafOf(t, X.data, i * X.cols)]!;
}

/**
 * Per-feature contributions of one row along its decision path (Saabas): each split moves the node's value,
 * and the move is credited to the split feature. Sums to leaf value minus root value.
 */
export function pathContributions(t: TreeState, x: Float64Array, offset: number, out: Float64Array, scale = 1, nodeValue?: (n: number) => number): void {
  const { feature, threshold, left, right, value } = t;
  let node = 0;
  // Hot in scoring (rows × trees calls): the common case reads stored node values without a callback.
  while (feature[node]! >= 0) {
    const f = feature[node]!;
    const next = x[offset + f]! <= threshold[node]! ? left[node]! : right[node]!;
    out[f]! += scale * (nodeValue ? nodeValue(next) - nodeValue(node) : value[next]! - value[node]!);
    node = next;
  }
}

/**
 * Predictions of an additive tree ensemble at several sizes from one fit: `grow` adds trees one by one, the
 * sums on each eval matrix are read off whenever the count reaches a requested size, then `finish` maps them.
 */
export function prefixPredictions(sizes: readonly number[], evals: readonly Matrix[], grow: (total: number, onTree: (t: TreeState, k: number) => void) => void, finish: (sum: number, trees: number) => number): Float64Array[][] {
  const sums = evals.map((e) => new Float64Array(e.rows));
  const out: Float64Array[][] = sizes.map(() => []);
  grow(Math.max(...sizes), (t, k) => {
    evals.forEach((e, j) => accumulateTree(t, e, sums[j]!));
    sizes.forEach((s, ci) => {
      if (s === k + 1) out[ci] = sums.map((a) => a.map((v) => finish(v, s)));
    });
  });
  return out;
}
