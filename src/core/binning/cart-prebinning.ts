/**
 * Pre-binning with a one-feature classification tree, grown best-first as scikit-learn's
 * DecisionTreeClassifier(max_leaf_nodes, min_samples_leaf) does (what optbinning calls `prebinning_method="cart"`).
 * The tree sees the values as float32 and places each threshold at the midpoint of two neighbouring float32
 * values, computed in float64 — exactly scikit-learn's rule — so the pre-bins, and through them the optimal
 * bins, match optbinning's split for split.
 */
export interface CartPrebinningOptions {
  /** Most leaves (pre-bins). @default 20 */
  readonly maxBins?: number;
  /** Fewest rows in a leaf. @default 1 */
  readonly minBinCount?: number;
}

/** scikit-learn's FEATURE_THRESHOLD: values closer than this are not split apart. */
const FEATURE_THRESHOLD = 1e-7;
const EPSILON = 2.220446049250313e-16;

interface NodeSplit {
  /** First distinct value of the right child. */
  readonly pos: number;
  readonly improvement: number;
  readonly threshold: number;
}

interface Frontier {
  readonly lo: number;
  readonly hi: number;
  readonly split: NodeSplit | null;
}

/**
 * Sorted split points of the tree grown on the present (non-NaN) `x` against 0/1 `y`; x < split goes left
 * of it, x ≥ split right (numpy.digitize, as optbinning bins with).
 */
export function cartPrebinning(x: Float64Array, y: Uint8Array, options: CartPrebinningOptions = {}): number[] {
  const { maxBins = 20, minBinCount = 1 } = options;
  if (x.length !== y.length) throw new Error('cartPrebinning: x and y differ in length');
  // Distinct float32 values with their class counts; a split can only fall between two of them.
  const order = Array.from(x.keys()).sort((a, b) => Math.fround(x[a]!) - Math.fround(x[b]!));
  const values: number[] = [];
  const n0: number[] = [];
  const n1: number[] = [];
  for (const i of order) {
    const v = Math.fround(x[i]!);
    if (values.length === 0 || values[values.length - 1] !== v) {
      values.push(v);
      n0.push(0);
      n1.push(0);
    }
    if (y[i] === 1) n1[n1.length - 1]!++;
    else n0[n0.length - 1]!++;
  }
  const m = values.length;
  const c0 = new Float64Array(m + 1);
  const c1 = new Float64Array(m + 1);
  for (let k = 0; k < m; k++) {
    c0[k + 1] = c0[k]! + n0[k]!;
    c1[k + 1] = c1[k]! + n1[k]!;
  }
  const total = c0[m]! + c1[m]!;
  const gini = (a: number, b: number): number => {
    const w = a + b;
    return 1 - (a * a + b * b) / (w * w);
  };

  const bestSplit = (lo: number, hi: number): NodeSplit | null => {
    const a = c0[hi]! - c0[lo]!;
    const b = c1[hi]! - c1[lo]!;
    const w = a + b;
    const impurity = gini(a, b);
    if (w < 2 || w < 2 * minBinCount || impurity <= EPSILON) return null;
    let best: { pos: number; proxy: number } | null = null;
    for (let k = lo + 1; k < hi; k++) {
      if (values[k]! <= values[k - 1]! + FEATURE_THRESHOLD) continue;
      const la = c0[k]! - c0[lo]!;
      const lb = c1[k]! - c1[lo]!;
      const wl = la + lb;
      const wr = w - wl;
      if (wl < minBinCount || wr < minBinCount) continue;
      // scikit-learn's proxy improvement; the first best position wins ties, as there.
      const proxy = -wr * gini(a - la, b - lb) - wl * gini(la, lb);
      if (best === null || proxy > best.proxy) best = { pos: k, proxy };
    }
    if (best === null) return null;
    const la = c0[best.pos]! - c0[lo]!;
    const lb = c1[best.pos]! - c1[lo]!;
    const wl = la + lb;
    const wr = w - wl;
    const improvement = (w / total) * (impurity - (wr / w) * gini(a - la, b - lb) - (wl / w) * gini(la, lb));
    if (improvement + EPSILON < 0) return null;
    const lower = values[best.pos - 1]!;
    const upper = values[best.pos]!;
    let threshold = lower / 2 + upper / 2;
    if (threshold === upper || !Number.isFinite(threshold)) threshold = lower;
    return { pos: best.pos, improvement, threshold };
  };

  if (m === 0) return [];
  const thresholds: number[] = [];
  const frontier: Frontier[] = [{ lo: 0, hi: m, split: bestSplit(0, m) }];
  let splitsLeft = maxBins - 1;
  while (frontier.length > 0) {
    // Best-first: the node whose split improves impurity most (leaves count as 0), first pushed on ties.
    let at = 0;
    for (let k = 1; k < frontier.length; k++) if (improvementOf(frontier[k]!) > improvementOf(frontier[at]!)) at = k;
    const node = frontier.splice(at, 1)[0]!;
    if (node.split === null || splitsLeft <= 0) continue;
    splitsLeft--;
    thresholds.push(node.split.threshold);
    frontier.push({ lo: node.lo, hi: node.split.pos, split: bestSplit(node.lo, node.split.pos) });
    frontier.push({ lo: node.split.pos, hi: node.hi, split: bestSplit(node.split.pos, node.hi) });
  }
  return [...new Set(thresholds)].sort((a, b) => a - b);
}

function improvementOf(f: Frontier): number {
  return f.split === null ? 0 : f.split.improvement;
}
