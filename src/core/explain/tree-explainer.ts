import type { Matrix } from '../matrix.js';
import type { TreeState } from '../models/tree-structure.js';
import { expectedValue, pathDependentShap } from './tree-shap.js';

/**
 * Most (leaf, reference) pairs an explainer takes on: a declined row costs up to one leaf visit per pair, so a
 * large ensemble uses fewer of the reference rows (the first ones: a cut-off set nearest the cut-off first, an
 * average set in random order). 100 xgboost trees of depth 3 keep all 100 rows; 100 forest trees of depth 8
 * (~7,000 leaves) keep 14. README: Reason codes.
 */
export const REFERENCE_BUDGET = 100_000;

/** Paths with at most this many distinct features get a cover table (2^n bytes per node) for pruning. */
const COVER_BITS = 10;

/** (a − 1)! b! / (a + b)! needs factorials up to the deepest path's feature count. */
const FACT = (() => {
  const f = [1];
  for (let i = 1; i <= 170; i++) f.push(f[i - 1]! * i);
  return Float64Array.from(f);
})();

/**
 * Exact TreeSHAP of a tree ensemble f(x) = scale · Σ_t tree_t(x), for reason codes.
 *
 * With a reference set R it is interventional (Lundberg et al. 2020): the same game as `interventionalShap`
 * in tree-shap.ts (tested there against brute-force enumeration), written for scoring: trees in typed
 * arrays, each reference's leaf per tree found once, a pair (x, r) that ends in the same leaf skipped (they
 * agree at every split, so no leaf but that one is reachable and nothing is attributed), and one depth-first
 * walk per remaining pair over the leaves where every split is passed by x or by r. A row's attributions add
 * up to f(x) − mean_r f(r). Without a reference set it is path-dependent (`pathDependentShap`), adding up to
 * f(x) − E[f] under the training cover.
 */
export class TreeExplainer {
  private readonly feature: Int32Array;
  private readonly threshold: Float64Array;
  private readonly left: Int32Array;
  private readonly right: Int32Array;
  private readonly value: Float64Array;
  private readonly roots: Int32Array;
  /** refLeaf[t * R + r]: the leaf reference r ends in, in tree t. */
  private readonly refLeaf: Int32Array;
  private readonly refs: Matrix | null;
  /** Per feature, on the walk's current path: is it on the path, and do x / r pass all its splits so far. */
  private readonly onPath: Uint8Array;
  private readonly xOk: Uint8Array;
  private readonly rOk: Uint8Array;
  /** The distinct features of the current path, in order. */
  private readonly pathFeatures: Int32Array;
  private depth = 0;
  /** Per tree: its leaves' path features and reference masks (null: a path too deep for a 30-bit mask, walked per pair). */
  private readonly leafTables: (LeafTable | null)[];
  /** Each leaf's position in its tree's LeafTable (by global node index). */
  private readonly leafSlot: Int32Array;
  /** Split nodes: the bit of their feature among their path's distinct features. Leaves: their path's count. */
  private readonly bit: Int32Array;
  private readonly pathLength: Int32Array;
  /** Per node, where its cover table starts in `covered` (-1: path longer than COVER_BITS, never pruned). */
  private readonly coverAt: Int32Array;
  private coverParts: Uint8Array[] = [];
  private coverBase = 0;
  private covered = new Uint8Array(0);
  /** The mask walk's stack: (node, failed bits) pairs. */
  private readonly stack: Int32Array;
  /** How many reference rows are used (0: path-dependent). */
  readonly referenceRows: number;
  /** E over the references (or the cover) of f: what attributions are measured from. */
  readonly expected: number;

  /**
   * `maskBits`: the most distinct features a leaf's path may have for its tree to use leaf masks (at most 30,
   * a 31-bit integer); a tree with a longer path walks each (x, reference) pair instead. @default 30
   */
  constructor(private readonly trees: readonly TreeState[], private readonly scale: number, cols: number, references: Matrix | null, private readonly maskBits = 30) {
    const total = trees.reduce((s, t) => s + t.feature.length, 0);
    this.feature = new Int32Array(total);
    this.threshold = new Float64Array(total);
    this.left = new Int32Array(total);
    this.right = new Int32Array(total);
    this.value = new Float64Array(total);
    this.roots = new Int32Array(trees.length);
    let at = 0;
    trees.forEach((t, k) => {
      this.roots[k] = at;
      for (let j = 0; j < t.feature.length; j++) {
        this.feature[at + j] = t.feature[j]!;
        this.threshold[at + j] = t.threshold[j]!;
        this.left[at + j] = t.left[j]! + at;
        this.right[at + j] = t.right[j]! + at;
        this.value[at + j] = t.value[j]!;
      }
      at += t.feature.length;
    });
    // The first rows of the reference set, as many as the budget allows for this many leaves.
    const leafCount = trees.reduce((n, t) => n + t.feature.filter((f) => f < 0).length, 0);
    const keep = references ? Math.max(1, Math.min(references.rows, Math.floor(REFERENCE_BUDGET / Math.max(1, leafCount)))) : 0;
    this.refs = references && references.rows > 0 ? { rows: keep, cols: references.cols, data: references.data.subarray(0, keep * references.cols) } : null;
    this.referenceRows = this.refs?.rows ?? 0;
    const R = this.refs?.rows ?? 0;
    this.refLeaf = new Int32Array(trees.length * R);
    let mean = 0;
    for (let t = 0; t < trees.length; t++) {
      for (let r = 0; r < R; r++) {
        const leaf = this.leafOf(t, this.refs!.data, r * this.refs!.cols);
        this.refLeaf[t * R + r] = leaf;
        mean += this.value[leaf]!;
      }
    }
    this.expected = this.refs ? (scale * mean) / R : scale * trees.reduce((s, t) => s + expectedValue(t), 0);
    this.onPath = new Uint8Array(cols);
    this.xOk = new Uint8Array(cols);
    this.rOk = new Uint8Array(cols);
    this.pathFeatures = new Int32Array(Math.max(1, cols));
    this.leafSlot = new Int32Array(total);
    this.bit = new Int32Array(total);
    this.pathLength = new Int32Array(total);
    this.stack = new Int32Array(2 * total + 2);
    this.coverAt = new Int32Array(total).fill(-1);
    this.leafTables = this.refs ? trees.map((_, t) => this.leafTable(t)) : [];
    // The trees' cover tables in one array (indexCover fills one part per tree).
    this.covered = new Uint8Array(this.coverBase);
    let from = 0;
    for (const part of this.coverParts) {
      this.covered.set(part, from);
      from += part.length;
    }
    this.coverParts = [];
  }

  /**
   * Tree t's leaves, each with the distinct features of its path and, per reference, the bit mask of those
   * features whose every split on the path the reference passes, counted per distinct mask. A leaf's part of
   * a row's attributions then depends on the row only through its own mask. Each split
   * node gets its feature's bit position on its (unique) path, so a walk finds a leaf's mask in O(1) a node.
   */
  private leafTable(t: number): LeafTable | null {
    const leaves: number[] = [];
    const features: Int32Array[] = [];
    let tooDeep = false;
    const nodes: number[] = [];
    const index = (j: number): void => {
      const d = this.feature[j]!;
      nodes.push(j);
      this.pathLength[j] = this.depth;
      if (d < 0) {
        if (this.depth > Math.min(30, this.maskBits)) tooDeep = true;
        this.leafSlot[j] = leaves.length;
        leaves.push(j);
        features.push(this.pathFeatures.slice(0, this.depth));
        return;
      }
      const seen = this.onPath[d]!;
      if (!seen) {
        this.onPath[d] = 1;
        this.pathFeatures[this.depth++] = d;
      }
      this.bit[j] = this.pathFeatures.subarray(0, this.depth).indexOf(d);
      index(this.left[j]!);
      index(this.right[j]!);
      if (!seen) {
        this.onPath[d] = 0;
        this.depth--;
      }
    };
    this.depth = 0;
    index(this.roots[t]!);
    if (tooDeep) return null;
    const counts = leaves.map(() => new Map<number, number>());
    const refs = this.refs!;
    this.indexCover(t, nodes);
    for (let r = 0; r < refs.rows; r++) {
      this.walkMasks(t, refs.data, r * refs.cols, false, (leaf, mask) => {
        const c = counts[this.leafSlot[leaf]!]!;
        c.set(mask, (c.get(mask) ?? 0) + 1);
      });
    }
    // Flat arrays, leaf by leaf: the scoring loop reads them in order instead of chasing an object per leaf.
    const featStart = new Int32Array(leaves.length + 1);
    const groupStart = new Int32Array(leaves.length + 1);
    features.forEach((f, k) => (featStart[k + 1] = featStart[k]! + f.length));
    counts.forEach((c, k) => (groupStart[k + 1] = groupStart[k]! + c.size));
    const feats = new Int32Array(featStart[leaves.length]!);
    features.forEach((f, k) => feats.set(f, featStart[k]!));
    const groupMask = new Int32Array(groupStart[leaves.length]!);
    const groupCount = new Float64Array(groupStart[leaves.length]!);
    counts.forEach((c, k) => {
      let g = groupStart[k]!;
      for (const [mask, n] of c) {
        groupMask[g] = mask;
        groupCount[g++] = n;
      }
    });
    return { featStart, feats, groupStart, groupMask, groupCount };
  }

  /**
   * Every leaf of tree t with the mask of its path features whose every split row `x[off..]` passes: a walk
   * carrying the bits of the features x has failed so far (the child x does not go to adds its bit).
   */
  private walkMasks(t: number, x: Float64Array, off: number, prune: boolean, visit: (leaf: number, mask: number) => void): void {
    const stack = this.stack;
    const { covered, coverAt } = this;
    let top = 0;
    stack[top++] = this.roots[t]!;
    stack[top++] = 0;
    while (top > 0) {
      const fail = stack[--top]!;
      const j = stack[--top]!;
      // No reference passes every feature x has failed on the way here: no leaf below is worth anything.
      if (prune && coverAt[j]! >= 0 && covered[coverAt[j]! + fail] === 0) continue;
      const d = this.feature[j]!;
      if (d < 0) {
        visit(j, ~fail & ((1 << this.pathLength[j]!) - 1));
        continue;
      }
      const b = 1 << this.bit[j]!;
      const xLeft = x[off + d]! <= this.threshold[j]!;
      stack[top++] = this.left[j]!;
      stack[top++] = xLeft ? fail : fail | b;
      stack[top++] = this.right[j]!;
      stack[top++] = xLeft ? fail | b : fail;
    }
  }

  /**
   * Per node of tree t with a short enough path: covered[F] = 1 when some reference passes every split, on
   * the way to the node, of each path feature in F (F a mask of the node's path features). A row's walk
   * skips a subtree whose failed features no reference covers: a leaf's references must pass them all.
   * Marked for each reference's own pass mask, then closed under subsets.
   */
  private indexCover(t: number, nodes: readonly number[]): void {
    let size = 0;
    for (const j of nodes) if (this.pathLength[j]! <= COVER_BITS) size += 1 << this.pathLength[j]!;
    const covered = new Uint8Array(size);
    let at = 0;
    for (const j of nodes) {
      if (this.pathLength[j]! > COVER_BITS) continue;
      this.coverAt[j] = this.coverBase + at;
      at += 1 << this.pathLength[j]!;
    }
    const refs = this.refs!;
    const stack = this.stack;
    for (let r = 0; r < refs.rows; r++) {
      const off = r * refs.cols;
      let top = 0;
      stack[top++] = this.roots[t]!;
      stack[top++] = 0;
      while (top > 0) {
        const fail = stack[--top]!;
        const j = stack[--top]!;
        const n = this.pathLength[j]!;
        if (n <= COVER_BITS) covered[this.coverAt[j]! - this.coverBase + (~fail & ((1 << n) - 1))] = 1;
        const d = this.feature[j]!;
        if (d < 0) continue;
        const b = 1 << this.bit[j]!;
        const left = refs.data[off + d]! <= this.threshold[j]!;
        stack[top++] = this.left[j]!;
        stack[top++] = left ? fail : fail | b;
        stack[top++] = this.right[j]!;
        stack[top++] = left ? fail | b : fail;
      }
    }
    for (const j of nodes) {
      const n = this.pathLength[j]!;
      if (n > COVER_BITS) continue;
      const base = this.coverAt[j]! - this.coverBase;
      for (let k = 0; k < n; k++) {
        const bit = 1 << k;
        for (let m = 0; m < 1 << n; m++) if (m & bit && covered[base + m]) covered[base + (m & ~bit)] = 1;
      }
    }
    this.coverParts.push(covered);
    this.coverBase += size;
  }

  /**
   * Adds a leaf's part of the attributions of a row with mask mx: over the references' masks mr where every
   * path feature is passed by x or r, A = mx \ mr (x only) gets v·(|A|−1)!|B|!/(|A|+|B|)! each and
   * B = mr \ mx (r only) minus v·|A|!(|B|−1)!/(|A|+|B|)! each, weighted by the masks' counts (v: the leaf
   * value times scale / R).
   */
  private addLeaf(table: LeafTable, slot: number, leaf: number, mx: number, w: number, phi: Float64Array): void {
    const f0 = table.featStart[slot]!;
    const nf = table.featStart[slot + 1]! - f0;
    const full = (1 << nf) - 1;
    const need = ~mx & full;
    const v = this.value[leaf]! * w;
    const end = table.groupStart[slot + 1]!;
    const b = popcount(need);
    // Every feature in B (= need) gets the same share from a group: summed here, added once per feature below.
    let sumB = 0;
    for (let g = table.groupStart[slot]!; g < end; g++) {
      const mr = table.groupMask[g]!;
      // Every feature x fails must be passed by r: B is exactly those.
      if ((mr & need) !== need) continue;
      let A = mx & ~mr;
      const a = popcount(A);
      if (a + b === 0) continue;
      const vc = v * table.groupCount[g]!;
      if (b > 0) sumB += (vc * FACT[a]! * FACT[b - 1]!) / FACT[a + b]!;
      if (a === 0) continue;
      const wa = (vc * FACT[a - 1]! * FACT[b]!) / FACT[a + b]!;
      for (; A !== 0; A &= A - 1) phi[table.feats[f0 + 31 - Math.clz32(A & -A)]!]! += wa;
    }
    if (sumB !== 0) for (let B = need; B !== 0; B &= B - 1) phi[table.feats[f0 + 31 - Math.clz32(B & -B)]!]! -= sumB;
  }

  /** The global index of the leaf row `x[off..]` reaches in tree t (x <= threshold goes left, NaN right). */
  private leafOf(t: number, x: Float64Array, off: number): number {
    let j = this.roots[t]!;
    while (this.feature[j]! >= 0) j = x[off + this.feature[j]!]! <= this.threshold[j]! ? this.left[j]! : this.right[j]!;
    return j;
  }

  /** Adds row `row` of X's attributions into phi (X.cols entries, in f's units); returns f(x). */
  explainRow(X: Matrix, row: number, phi: Float64Array): number {
    const x = X.data;
    const off = row * X.cols;
    let fx = 0;
    if (!this.refs) {
      const xs = x.subarray(off, off + X.cols);
      const one = new Float64Array(X.cols);
      for (const t of this.trees) pathDependentShap(t, xs, one);
      for (let j = 0; j < X.cols; j++) phi[j]! += this.scale * one[j]!;
      for (let t = 0; t < this.trees.length; t++) fx += this.value[this.leafOf(t, x, off)]!;
      return this.scale * fx;
    }
    const refs = this.refs;
    const R = refs.rows;
    // Each leaf value is shared by R pairs: one division here instead of one per leaf visit.
    const w = this.scale / R;
    for (let t = 0; t < this.trees.length; t++) {
      const leafX = this.leafOf(t, x, off);
      fx += this.value[leafX]!;
      const table = this.leafTables[t];
      if (table) {
        this.walkMasks(t, x, off, true, (leaf, mx) => this.addLeaf(table, this.leafSlot[leaf]!, leaf, mx, w, phi));
        continue;
      }
      for (let r = 0; r < R; r++) {
        if (this.refLeaf[t * R + r] === leafX) continue;
        this.depth = 0;
        this.walk(this.roots[t]!, x, off, refs.data, r * refs.cols, w, phi);
      }
    }
    return this.scale * fx;
  }

  /**
   * The pair's leaves below node j: a leaf reached when x passes all of a feature's splits on the path (A,
   * x-only), r does (B, r-only), or both, is worth v·(|A|−1)!|B|!/(|A|+|B|)! to each of A and minus
   * v·|A|!(|B|−1)!/(|A|+|B|)! to each of B (the Shapley values of the game 1[A ⊆ S, B ∩ S = ∅]).
   */
  private walk(j: number, x: Float64Array, xo: number, r: Float64Array, ro: number, w: number, phi: Float64Array): void {
    const d = this.feature[j]!;
    if (d < 0) {
      let a = 0;
      let b = 0;
      for (let k = 0; k < this.depth; k++) {
        const f = this.pathFeatures[k]!;
        const xs = this.xOk[f]!;
        const rs = this.rOk[f]!;
        if (xs && !rs) a++;
        else if (rs && !xs) b++;
      }
      if (a + b === 0) return;
      const v = this.value[j]! * w;
      const wa = a > 0 ? (v * FACT[a - 1]! * FACT[b]!) / FACT[a + b]! : 0;
      const wb = b > 0 ? (v * FACT[a]! * FACT[b - 1]!) / FACT[a + b]! : 0;
      for (let k = 0; k < this.depth; k++) {
        const f = this.pathFeatures[k]!;
        const xs = this.xOk[f]!;
        const rs = this.rOk[f]!;
        if (xs && !rs) phi[f]! += wa;
        else if (rs && !xs) phi[f]! -= wb;
      }
      return;
    }
    const xLeft = x[xo + d]! <= this.threshold[j]!;
    const rLeft = r[ro + d]! <= this.threshold[j]!;
    const seen = this.onPath[d]!;
    const hadX = seen ? this.xOk[d]! : 1;
    const hadR = seen ? this.rOk[d]! : 1;
    if (!seen) {
      this.onPath[d] = 1;
      this.pathFeatures[this.depth++] = d;
    }
    for (let side = 0; side < 2; side++) {
      const goLeft = side === 0;
      const xs = hadX && xLeft === goLeft ? 1 : 0;
      const rs = hadR && rLeft === goLeft ? 1 : 0;
      if (!xs && !rs) continue;
      this.xOk[d] = xs;
      this.rOk[d] = rs;
      this.walk(goLeft ? this.left[j]! : this.right[j]!, x, xo, r, ro, w, phi);
    }
    if (!seen) {
      this.onPath[d] = 0;
      this.depth--;
    } else {
      this.xOk[d] = hadX;
      this.rOk[d] = hadR;
    }
  }
}

/** One tree's leaves for interventional TreeSHAP, flat: leaf k's path features and reference mask groups. */
interface LeafTable {
  readonly featStart: Int32Array;
  readonly feats: Int32Array;
  readonly groupStart: Int32Array;
  readonly groupMask: Int32Array;
  readonly groupCount: Float64Array;
}

function popcount(m: number): number {
  let v = m - ((m >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
