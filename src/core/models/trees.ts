import { TreeExplainer } from '../explain/tree-explainer.js';
import { balancedWeights, type Matrix } from '../matrix.js';
import type { Candidate } from '../params/grids.js';
import { Rng } from '../random.js';
import { binMatrix } from './binning.js';
import { CartScratch, growCart } from './cart.js';
import { type FamilyEngine, type Model, type ModelState, fitEach, num, numOrNull } from './model.js';
import { cutLeafValue, PackedTrees, pathContributions, type TreeState } from './tree-structure.js';

/** Enough bins that every distinct value of these data is its own bin: exact CART splits. */
const EXACT_BINS = 4096;

class TreeEnsemble implements Model {
  private packedTrees: PackedTrees | undefined;
  constructor(readonly family: 'tree' | 'forest' | 'brf', private readonly trees: readonly TreeState[], private readonly cols: number) {}

  private get packed(): PackedTrees {
    return (this.packedTrees ??= new PackedTrees(this.trees));
  }

  predictProba(X: Matrix): Float64Array {
    const sums = new Float64Array(X.rows);
    this.packed.leafSums(X, sums);
    return this.mean(sums);
  }

  explain(X: Matrix, _baseline: ArrayLike<number>, contribs: Float64Array): Float64Array {
    const sums = new Float64Array(X.rows);
    this.packed.leafSumsAndContributions(X, sums, contribs, 1 / this.trees.length);
    return this.mean(sums);
  }

  /** Summed leaf p(bad) over the trees → the ensemble's p(bad). */
  private mean(sums: Float64Array): Float64Array {
    const n = this.trees.length;
    return sums.map((v) => Math.min(1, v / n));
  }

  contributions(X: Matrix, row: number): Float64Array {
    const out = new Float64Array(this.cols);
    for (const t of this.trees) pathContributions(t, X.data, row * X.cols, out, 1 / this.trees.length);
    return out;
  }

  treeExplainer(references: Matrix | null): TreeExplainer {
    return new TreeExplainer(this.trees, 1 / this.trees.length, this.cols, references);
  }

  toJSON(): ModelState {
    return { family: this.family, cols: this.cols, trees: this.trees };
  }
}

function sampleWeights(c: Candidate, y: Uint8Array): Float64Array {
  return c['class_weight'] === 'balanced' ? balancedWeights(y) : new Float64Array(y.length).fill(1);
}

export const treeEngine: FamilyEngine = {
  family: 'tree',
  shareKey: (c) => JSON.stringify(c),
  fit(c, X, y) {
    const B = binMatrix(X, EXACT_BINS);
    const rows = Int32Array.from({ length: X.rows }, (_, i) => i);
    const tree = growCart(B, y, sampleWeights(c, y), rows, {
      maxDepth: numOrNull(c, 'max_depth', null),
      minSamplesLeaf: num(c, 'min_samples_leaf', 1),
      maxFeatures: X.cols,
    }, null, new CartScratch(Math.max(...B.bins), X.cols, X.rows, B));
    return new TreeEnsemble('tree', [tree], X.cols);
  },
  fitGroup(cands, X, y, evals, seed) {
    return fitEach(this, cands, X, y, evals, seed);
  },
  load: (s) => new TreeEnsemble('tree', s['trees'] as TreeState[], s['cols'] as number),
};

function maxFeatures(c: Candidate, cols: number): number {
  const v = c['max_features'];
  if (v === 'sqrt' || v === undefined) return Math.max(1, Math.floor(Math.sqrt(cols)));
  if (v === 'log2') return Math.max(1, Math.floor(Math.log2(cols)));
  return Math.max(1, Math.floor((v as number) * cols));
}

/**
 * Rows each tree's bootstrap draws: scikit-learn's `max_samples` (null: as many as there are rows; a whole
 * number: that many, at most the rows; a share in (0, 1]: round(share × rows), at least one).
 */
export function bootstrapDraws(c: Candidate, rows: number): number {
  const v = c['max_samples'];
  if (typeof v !== 'number') return rows;
  return Number.isInteger(v) && v > 1 ? Math.min(rows, v) : Math.max(1, Math.round(v * rows));
}

/**
 * Random forest as scikit-learn's: bootstrap rows (as integer weights), random features per split,
 * trees averaged. Tree k depends only on (seed, k), so a 300-tree fit also answers for its first 100.
 * `balanced` is imbalanced-learn's BalancedRandomForestClassifier (≥ 0.13 defaults: sampling_strategy
 * 'all', replacement true, bootstrap false): each tree gets every class drawn with replacement down to the
 * minority class's count, and no bootstrap on top.
 */
function growForest(c: Candidate, X: Matrix, y: Uint8Array, nTrees: number, seed: number, onTree: (t: TreeState, k: number) => void, balanced = false): void {
  const B = binMatrix(X, EXACT_BINS);
  const base = sampleWeights(c, y);
  const scratch = new CartScratch(Math.max(...B.bins), X.cols, X.rows, B);
  const opts = { maxDepth: numOrNull(c, 'max_depth', null), minSamplesLeaf: num(c, 'min_samples_leaf', 1), maxFeatures: maxFeatures(c, X.cols) };
  const counts = new Float64Array(X.rows);
  const byClass = [0, 1].map((cls) => Int32Array.from(Array.from(y.keys()).filter((i) => y[i] === cls)));
  const minority = Math.min(byClass[0]!.length, byClass[1]!.length);
  // Reused from tree to tree: a row's weight is read only when the row is drawn, and then it is written.
  const rowsList = new Int32Array(X.rows);
  const w = new Float64Array(X.rows);
  const draws = bootstrapDraws(c, X.rows);
  for (let k = 0; k < nTrees; k++) {
    const rng = Rng.derive(seed, balanced ? 'brf-tree' : 'forest-tree', k);
    counts.fill(0);
    if (balanced) for (const rows of byClass) for (let s = 0; s < minority; s++) counts[rows[rng.int(rows.length)]!]!++;
    else for (let s = 0; s < draws; s++) counts[rng.int(X.rows)]!++;
    let m = 0;
    for (let i = 0; i < X.rows; i++) {
      rowsList[m] = i;
      w[i] = counts[i]! * base[i]!;
      m += +(counts[i]! > 0);
    }
    onTree(growCart(B, y, w, rowsList.slice(0, m), opts, rng, scratch), k);
  }
}

/**
 * p(bad) of several forest candidates that differ only in n_estimators and max_depth, from one fit: tree k
 * depends only on (seed, k) and a depth-limited tree is the unlimited one cut at that depth (`growCart`), so
 * the deepest forest is grown once and read at every size and depth. Sums run in tree order, as a separate
 * fit's would.
 */
function forestGroupPredictions(cands: readonly Candidate[], X: Matrix, y: Uint8Array, evals: readonly Matrix[], seed: number, balanced: boolean): Float64Array[][] {
  const sizes = cands.map((c) => num(c, 'n_estimators', 100));
  const depths = cands.map((c) => numOrNull(c, 'max_depth', null));
  const deepest = depths.includes(null) ? null : Math.max(...(depths as number[]));
  const distinct = [...new Set(depths)];
  const sums = distinct.map(() => evals.map((e) => new Float64Array(e.rows)));
  const out: Float64Array[][] = cands.map(() => []);
  growForest({ ...cands[0]!, max_depth: deepest }, X, y, Math.max(...sizes), seed, (t, k) => {
    distinct.forEach((d, di) => evals.forEach((e, j) => {
      const acc = sums[di]![j]!;
      for (let i = 0; i < e.rows; i++) acc[i]! += cutLeafValue(t, e.data, i * e.cols, d);
    }));
    cands.forEach((_, ci) => {
      if (sizes[ci] === k + 1) out[ci] = sums[distinct.indexOf(depths[ci]!)]!.map((a) => a.map((v) => Math.min(1, v / (k + 1))));
    });
  }, balanced);
  return out;
}

export const forestEngine: FamilyEngine = {
  family: 'forest',
  shareKey: (c) => JSON.stringify({ ...c, n_estimators: null, max_depth: null }),
  fit(c, X, y, seed) {
    const trees: TreeState[] = [];
    growForest(c, X, y, num(c, 'n_estimators', 100), seed, (t) => trees.push(t));
    return new TreeEnsemble('forest', trees, X.cols);
  },
  fitGroup(cands, X, y, evals, seed) {
    return forestGroupPredictions(cands, X, y, evals, seed, false);
  },
  load: (s) => new TreeEnsemble('forest', s['trees'] as TreeState[], s['cols'] as number),
};

export const balancedForestEngine: FamilyEngine = {
  family: 'brf',
  shareKey: (c) => JSON.stringify({ ...c, n_estimators: null, max_depth: null }),
  fit(c, X, y, seed) {
    const trees: TreeState[] = [];
    growForest(c, X, y, num(c, 'n_estimators', 100), seed, (t) => trees.push(t), true);
    return new TreeEnsemble('brf', trees, X.cols);
  },
  fitGroup(cands, X, y, evals, seed) {
    return forestGroupPredictions(cands, X, y, evals, seed, true);
  },
  load: (s) => new TreeEnsemble('brf', s['trees'] as TreeState[], s['cols'] as number),
};

