import type { Matrix } from '../matrix.js';
import type { TreeState } from '../models/tree-structure.js';
import { expectedValue, pathDependentShap } from './tree-shap.js';

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
  /** E over the references (or the cover) of f: what attributions are measured from. */
  readonly expected: number;

  constructor(private readonly trees: readonly TreeState[], private readonly scale: number, cols: number, references: Matrix | null) {
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
    this.refs = references && references.rows > 0 ? references : null;
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
