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
  while (t.feature[node]! >= 0) {
    // Arithmetic instead of a branch on the comparison, which mispredicts often (as in `cutLeafValue`).
    const right = +!(x[offset + t.feature[node]!]! <= t.threshold[node]!);
    node = t.left[node]! + right * (t.right[node]! - t.left[node]!);
  }
  return node;
}

/** The value of the node where row x's path ends in the tree cut at `maxDepth` (null: not cut). */
export function cutLeafValue(t: TreeState, x: Float64Array, offset: number, maxDepth: number | null): number {
  let node = 0;
  for (let d = 0; t.feature[node]! >= 0 && (maxDepth === null || d < maxDepth); d++) {
    // Arithmetic instead of a branch on the comparison, which mispredicts often on the evaluation rows.
    const right = +!(x[offset + t.feature[node]!]! <= t.threshold[node]!);
    node = t.left[node]! + right * (t.right[node]! - t.left[node]!);
  }
  return t.value[node]!;
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

/**
 * An ensemble packed into flat typed arrays, one node numbering across trees, each node's two children side
 * by side (right = left + 1) so a step is an index add rather than a branch. Scoring
 * walks each row's path once per tree and reads both the leaf (for p(bad)) and the Saabas steps (for
 * reasons) from that walk; sums run in tree order, so results are bit-identical to `accumulateTree` and
 * `pathContributions`.
 */
export class PackedTrees {
  private readonly feature: Int32Array;
  private readonly threshold: Float64Array;
  private readonly left: Int32Array;
  private readonly value: Float64Array;
  private readonly roots: Int32Array;

  constructor(trees: readonly TreeState[]) {
    const total = trees.reduce((s, t) => s + t.feature.length, 0);
    this.feature = new Int32Array(total);
    this.threshold = new Float64Array(total);
    this.left = new Int32Array(total).fill(-1);
    this.value = new Float64Array(total);
    this.roots = new Int32Array(trees.length);
    let next = 0;
    trees.forEach((t, k) => {
      // Breadth-first renumbering: a split's children get the next two free slots.
      const queue = [0];
      const slot = [next++];
      this.roots[k] = slot[0]!;
      for (let q = 0; q < queue.length; q++) {
        const n = queue[q]!;
        const at = slot[q]!;
        this.feature[at] = t.feature[n]!;
        this.threshold[at] = t.threshold[n]!;
        this.value[at] = t.value[n]!;
        if (t.feature[n]! < 0) continue;
        this.left[at] = next;
        queue.push(t.left[n]!, t.right[n]!);
        slot.push(next, next + 1);
        next += 2;
      }
    });
  }

  /** sums[i] = Σ over trees of row i's leaf value. */
  leafSums(X: Matrix, sums: Float64Array): void {
    const { feature, threshold, left, value, roots } = this;
    const x = X.data;
    for (let i = 0; i < X.rows; i++) {
      const off = i * X.cols;
      let s = 0;
      for (let k = 0; k < roots.length; k++) {
        let node = roots[k]!;
        // `+!(x <= t)`: a NaN goes right as in `leafOf`, and V8 emits no branch for it (twice as fast as `? 0 : 1`).
        for (let f = feature[node]!; f >= 0; f = feature[node]!) node = left[node]! + +!(x[off + f]! <= threshold[node]!);
        s += value[node]!;
      }
      sums[i] = s;
    }
  }

  /** `leafSums`, and contribs[i·cols + f] += scale × (value after − value before) for every split on f. */
  leafSumsAndContributions(X: Matrix, sums: Float64Array, contribs: Float64Array, scale: number): void {
    const { feature, threshold, left, value, roots } = this;
    const x = X.data;
    const cols = X.cols;
    for (let i = 0; i < X.rows; i++) {
      const off = i * cols;
      let s = 0;
      for (let k = 0; k < roots.length; k++) {
        let node = roots[k]!;
        for (let f = feature[node]!; f >= 0; f = feature[node]!) {
          const next = left[node]! + +!(x[off + f]! <= threshold[node]!);
          contribs[off + f]! += scale * (value[next]! - value[node]!);
          node = next;
        }
        s += value[node]!;
      }
      sums[i] = s;
    }
  }
}
