import type { Matrix } from '../matrix.js';
import type { Candidate } from '../params/grids.js';
import { Rng } from '../random.js';
import { binMatrix, type BinnedMatrix } from './binning.js';
import { type FamilyEngine, type Model, type ModelState, num, sigmoid } from './model.js';
import { accumulateTree, addNode, emptyTree, PackedTrees, pathContributions, prefixPredictions, type TreeState } from './tree-structure.js';

/**
 * Gradient-boosted trees with XGBoost's `hist` algorithm for binary:logistic: 256 quantile bins, depth-wise
 * growth, second-order gain G²/(H+λ), min_child_weight on the hessian, row subsampling per tree, base
 * score 0.5. Written in typed arrays because ml-xgboost (XGBoost 0.7 in WebAssembly) was slower here
 * and has no prefix predictions; see README.
 */
interface GbmOptions {
  readonly maxDepth: number;
  readonly eta: number;
  readonly subsample: number;
  readonly colsample: number;
  readonly lambda: number;
  readonly minChildWeight: number;
}

const MAX_BINS = 256;

function options(c: Candidate): GbmOptions {
  return {
    maxDepth: num(c, 'max_depth', 6),
    eta: num(c, 'learning_rate', 0.3),
    subsample: num(c, 'subsample', 1),
    colsample: num(c, 'colsample_bytree', 1),
    lambda: num(c, 'reg_lambda', 1),
    minChildWeight: num(c, 'min_child_weight', 1),
  };
}

/**
 * Row-major 8-bit codes and per-feature histogram offsets: one pass per node touches memory in order.
 * `slots` holds each (row, feature)'s histogram position, offset + code, so the hot loop adds without
 * looking up the offset.
 */
interface RowBins {
  readonly codes: Uint8Array;
  readonly slots: Int32Array;
  readonly offsets: Int32Array;
  readonly total: number;
}

function rowBins(B: BinnedMatrix): RowBins {
  const { rows, cols } = B;
  const codes = new Uint8Array(rows * cols);
  for (let j = 0; j < cols; j++) for (let i = 0; i < rows; i++) codes[i * cols + j] = B.codes[j * rows + i]!;
  const offsets = new Int32Array(cols + 1);
  for (let j = 0; j < cols; j++) offsets[j + 1] = offsets[j]! + B.bins[j]!;
  const slots = new Int32Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) slots[i * cols + j] = offsets[j]! + codes[i * cols + j]!;
  return { codes, slots, offsets, total: offsets[cols]! };
}

/** Gradient and hessian sums per (feature, bin), interleaved: hist[2k] = G, hist[2k+1] = H. */
function buildHistogram(R: RowBins, cols: number, idx: Int32Array, g: Float64Array, h: Float64Array, hist: Float64Array): Float64Array {
  hist.fill(0);
  const { slots } = R;
  for (let r = 0; r < idx.length; r++) {
    const i = idx[r]!;
    const gi = g[i]!;
    const hi = h[i]!;
    const base = i * cols;
    for (let f = 0; f < cols; f++) {
      const k = slots[base + f]! << 1;
      hist[k]! += gi;
      hist[k + 1]! += hi;
    }
  }
  return hist;
}

/**
 * One boosted tree. `pool` holds histogram buffers for reuse from node to node and tree to tree (at most
 * two per level are live): a fresh one per split cost zeroed, then collected, memory every time.
 */
function growBoostedTree(B: BinnedMatrix, R: RowBins, g: Float64Array, h: Float64Array, rows: Int32Array, allowed: Uint8Array, o: GbmOptions, pool: Float64Array[]): TreeState {
  const tree = emptyTree();
  const cols = B.cols;
  // Each node's histogram is built directly only for the smaller child; the larger is parent minus smaller.
  const grow = (idx: Int32Array, hist: Float64Array, depth: number): number => {
    let G = 0;
    let H = 0;
    for (let r = 0; r < idx.length; r++) {
      G += g[idx[r]!]!;
      H += h[idx[r]!]!;
    }
    const node = addNode(tree, (-G / (H + o.lambda)) * o.eta, H);
    if (depth >= o.maxDepth || idx.length < 2) return node;
    const parent = (G * G) / (H + o.lambda);
    let best = 1e-10;
    let bestF = -1;
    let bestBin = -1;
    for (let f = 0; f < cols; f++) {
      if (!allowed[f]) continue;
      const nb = B.bins[f]!;
      const off = R.offsets[f]! << 1;
      let gl = 0;
      let hl = 0;
      for (let b = 0; b < nb - 1; b++) {
        gl += hist[off + 2 * b]!;
        hl += hist[off + 2 * b + 1]!;
        const hr = H - hl;
        if (hl < o.minChildWeight) continue;
        if (hr < o.minChildWeight) break;
        const gr = G - gl;
        const gain = (gl * gl) / (hl + o.lambda) + (gr * gr) / (hr + o.lambda) - parent;
        if (gain > best) {
          best = gain;
          bestF = f;
          bestBin = b;
        }
      }
    }
    if (bestF < 0) return node;
    // Branch-free partition in row order (as growCart's).
    const both = new Int32Array(2 * idx.length);
    let a = 0;
    let c = idx.length;
    for (let r = 0; r < idx.length; r++) {
      const i = idx[r]!;
      both[a] = i;
      both[c] = i;
      const goesLeft = +(R.codes[i * cols + bestF]! <= bestBin);
      a += goesLeft;
      c += 1 - goesLeft;
    }
    const L = both.subarray(0, a);
    const Rr = both.subarray(idx.length, c);
    tree.feature[node] = bestF;
    tree.threshold[node] = B.thresholds[bestF]![bestBin]!;
    if (depth + 1 >= o.maxDepth) {
      // Children at max depth are leaves: no histogram needed.
      tree.left[node] = grow(L, hist, depth + 1);
      tree.right[node] = grow(Rr, hist, depth + 1);
      return node;
    }
    // The parent's histogram becomes the larger child's in place (it is not needed again); the smaller
    // child's comes from the pool and goes back once its subtree is grown.
    const small = L.length <= Rr.length ? L : Rr;
    const hs = buildHistogram(R, cols, small, g, h, takeHistogram());
    for (let k = 0; k < hist.length; k++) hist[k]! -= hs[k]!;
    const [histL, histR] = small === L ? [hs, hist] : [hist, hs];
    tree.left[node] = grow(L, histL, depth + 1);
    tree.right[node] = grow(Rr, histR, depth + 1);
    pool.push(hs);
    return node;
  };
  const takeHistogram = (): Float64Array => pool.pop() ?? new Float64Array(2 * R.total);
  const root = buildHistogram(R, cols, rows, g, h, takeHistogram());
  grow(rows, root, 0);
  pool.push(root);
  return tree;
}

/** Boosts `nTrees` rounds; `onTree` sees each tree as it is added (for prefix predictions). */
function boost(c: Candidate, X: Matrix, y: Uint8Array, nTrees: number, seed: number, onTree: (t: TreeState, k: number) => void): void {
  const o = options(c);
  const B = binMatrix(X, MAX_BINS);
  const n = X.rows;
  const margin = new Float64Array(n);
  const g = new Float64Array(n);
  const h = new Float64Array(n);
  const R = rowBins(B);
  const rng = Rng.derive(seed, 'gbm');
  const allowed = new Uint8Array(X.cols).fill(1);
  const histograms: Float64Array[] = [];
  for (let k = 0; k < nTrees; k++) {
    for (let i = 0; i < n; i++) {
      const p = sigmoid(margin[i]!);
      g[i] = p - y[i]!;
      h[i] = Math.max(p * (1 - p), 1e-16);
    }
    const picked: number[] = [];
    for (let i = 0; i < n; i++) if (o.subsample >= 1 || rng.next() < o.subsample) picked.push(i);
    if (o.colsample < 1) {
      const m = Math.max(1, Math.floor(o.colsample * X.cols));
      allowed.fill(0);
      for (const f of rng.shuffle(Array.from({ length: X.cols }, (_, j) => j)).slice(0, m)) allowed[f] = 1;
    }
    const tree = growBoostedTree(B, R, g, h, Int32Array.from(picked), allowed, o, histograms);
    accumulateTree(tree, X, margin);
    onTree(tree, k);
  }
}

class BoostedTrees implements Model {
  readonly family = 'xgboost' as const;
  private packedTrees: PackedTrees | undefined;
  constructor(private readonly trees: readonly TreeState[], private readonly cols: number) {}

  private get packed(): PackedTrees {
    return (this.packedTrees ??= new PackedTrees(this.trees));
  }

  predictProba(X: Matrix): Float64Array {
    const m = new Float64Array(X.rows);
    this.packed.leafSums(X, m);
    return m.map(sigmoid);
  }

  explain(X: Matrix, _baseline: ArrayLike<number>, contribs: Float64Array): Float64Array {
    const m = new Float64Array(X.rows);
    this.packed.leafSumsAndContributions(X, m, contribs, 1);
    return m.map(sigmoid);
  }

  contributions(X: Matrix, row: number): Float64Array {
    const out = new Float64Array(this.cols);
    for (const t of this.trees) pathContributions(t, X.data, row * X.cols, out);
    return out;
  }

  toJSON(): ModelState {
    return { family: 'xgboost', cols: this.cols, trees: this.trees };
  }
}

export const gbmEngine: FamilyEngine = {
  family: 'xgboost',
  shareKey: (c) => JSON.stringify({ ...c, n_estimators: null }),
  fit(c, X, y, seed) {
    const trees: TreeState[] = [];
    boost(c, X, y, num(c, 'n_estimators', 100), seed, (t) => trees.push(t));
    return new BoostedTrees(trees, X.cols);
  },
  fitGroup(cands, X, y, evals, seed) {
    const sizes = cands.map((c) => num(c, 'n_estimators', 100));
    return prefixPredictions(sizes, evals, (total, onTree) => boost(cands[0]!, X, y, total, seed, onTree), (margin) => sigmoid(margin));
  },
  load: (s) => new BoostedTrees(s['trees'] as TreeState[], s['cols'] as number),
};
