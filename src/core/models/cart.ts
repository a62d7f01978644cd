import type { Rng } from '../random.js';
import type { BinnedMatrix } from './binning.js';
import { addNode, emptyTree, type TreeState } from './tree-structure.js';

export interface CartOptions {
  /** null = grow until pure or min_samples_leaf stops it. */
  readonly maxDepth: number | null;
  readonly minSamplesLeaf: number;
  /** Features examined per split (all = plain CART). */
  readonly maxFeatures: number;
}

/** Scratch buffers reused across nodes and trees of one fit (allocation dominated the profile otherwise). */
export class CartScratch {
  readonly wPos: Float64Array;
  readonly wNeg: Float64Array;
  readonly count: Int32Array;
  readonly featureOrder: Int32Array;

  constructor(maxBins: number, cols: number) {
    this.wPos = new Float64Array(maxBins);
    this.wNeg = new Float64Array(maxBins);
    this.count = new Int32Array(maxBins);
    this.featureOrder = new Int32Array(cols);
  }
}

/**
 * Grows a CART classification tree with the Gini criterion, as scikit-learn's DecisionTreeClassifier:
 * weighted impurity, `min_samples_leaf` on sample counts, and (for forests) a random subset of
 * features per split that widens when none of the drawn features can split.
 *
 * Nodes are split level by level (breadth first), so the random draws for levels above d do not depend on
 * what happens below: the tree grown with max_depth = d is exactly this tree cut at depth d (internal nodes
 * keep their p(bad)), and one forest fit answers for every max_depth (see `cutLeafValue` in tree-structure.ts).
 */
export function growCart(B: BinnedMatrix, y: Uint8Array, w: Float64Array, rows: Int32Array, opts: CartOptions, rng: Rng | null, scratch: CartScratch): TreeState {
  const tree = emptyTree();
  const n = B.rows;
  const order = scratch.featureOrder;
  const queue: ({ readonly idx: Int32Array; readonly depth: number; readonly node: number; readonly wp: number; readonly wn: number } | null)[] = [];

  /** A new node; queued for splitting unless it is a leaf by purity, size or depth. */
  const make = (idx: Int32Array, depth: number): number => {
    let wp = 0;
    let wn = 0;
    for (let r = 0; r < idx.length; r++) {
      const i = idx[r]!;
      if (y[i]) wp += w[i]!;
      else wn += w[i]!;
    }
    const W = wp + wn;
    const node = addNode(tree, W > 0 ? wp / W : 0, W);
    if (wp === 0 || wn === 0 || idx.length < 2 * opts.minSamplesLeaf || (opts.maxDepth !== null && depth >= opts.maxDepth)) return node;
    queue.push({ idx, depth, node, wp, wn });
    return node;
  };

  make(rows, 0);
  for (let q = 0; q < queue.length; q++) {
    const { idx, depth, node, wp, wn } = queue[q]!;
    queue[q] = null; // a level's row lists are freed as it is split
    const W = wp + wn;
    const parentScore = (wp * wp + wn * wn) / W;
    let bestGain = 1e-12 * W;
    let bestF = -1;
    let bestBin = -1;
    for (let j = 0; j < B.cols; j++) order[j] = j;
    if (rng) for (let j = B.cols - 1; j > 0; j--) {
      const k = rng.int(j + 1);
      const t = order[j]!;
      order[j] = order[k]!;
      order[k] = t;
    }
    let examined = 0;
    for (let oj = 0; oj < B.cols; oj++) {
      if (examined >= opts.maxFeatures && bestF >= 0) break;
      const f = order[oj]!;
      const nb = B.bins[f]!;
      if (nb < 2) continue;
      const { wPos, wNeg, count } = scratch;
      wPos.fill(0, 0, nb);
      wNeg.fill(0, 0, nb);
      count.fill(0, 0, nb);
      const base = f * n;
      for (let r = 0; r < idx.length; r++) {
        const i = idx[r]!;
        const b = B.codes[base + i]!;
        count[b]!++;
        if (y[i]) wPos[b]! += w[i]!;
        else wNeg[b]! += w[i]!;
      }
      let nonEmpty = 0;
      for (let b = 0; b < nb; b++) if (count[b]! > 0) nonEmpty++;
      if (nonEmpty < 2) continue; // constant here: does not count toward max_features
      examined++;
      let lp = 0;
      let ln = 0;
      let lc = 0;
      for (let b = 0; b < nb - 1; b++) {
        if (count[b] === 0) continue;
        lp += wPos[b]!;
        ln += wNeg[b]!;
        lc += count[b]!;
        const rc = idx.length - lc;
        if (rc === 0) break;
        if (lc < opts.minSamplesLeaf || rc < opts.minSamplesLeaf) continue;
        const lw = lp + ln;
        const rp = wp - lp;
        const rn = wn - ln;
        const rw = rp + rn;
        if (lw <= 0 || rw <= 0) continue;
        const gain = (lp * lp + ln * ln) / lw + (rp * rp + rn * rn) / rw - parentScore;
        if (gain > bestGain) {
          bestGain = gain;
          bestF = f;
          bestBin = b;
        }
      }
    }
    if (bestF < 0) continue;
    // Threshold: midpoint between this bin and the next non-empty one, as sklearn's.
    const base = bestF * n;
    let leftN = 0;
    for (let r = 0; r < idx.length; r++) if (B.codes[base + idx[r]!]! <= bestBin) leftN++;
    const L = new Int32Array(leftN);
    const R = new Int32Array(idx.length - leftN);
    let nextBin = Infinity;
    for (let r = 0, a = 0, c = 0; r < idx.length; r++) {
      const code = B.codes[base + idx[r]!]!;
      if (code <= bestBin) L[a++] = idx[r]!;
      else {
        R[c++] = idx[r]!;
        if (code < nextBin) nextBin = code;
      }
    }
    const th = B.thresholds[bestF]!;
    tree.feature[node] = bestF;
    tree.threshold[node] = (th[bestBin]! + th[nextBin - 1]!) / 2;
    tree.left[node] = make(L, depth + 1);
    tree.right[node] = make(R, depth + 1);
  }
  return tree;
}
