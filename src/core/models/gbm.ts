import { TreeExplainer } from '../explain/tree-explainer.js';
import type { Matrix } from '../matrix.js';
import type { Candidate } from '../params/grids.js';
import { Rng } from '../random.js';
import { histKernels, type HistKernels } from './wasm/hist.js';
import { binMatrix, type BinnedMatrix, writeCodes } from './binning.js';
import { type FamilyEngine, type Model, type ModelState, num, sigmoid } from './model.js';
import { addNode, emptyTree, PackedTrees, pathContributions, type TreeState } from './tree-structure.js';

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
  /** Per feature: +1 p(bad) may only rise with it, -1 only fall, 0 free (XGBoost's `monotone_constraints`). */
  readonly monotone: Int8Array | null;
}

const MAX_BINS = 256;

function options(c: Candidate, cols: number): GbmOptions {
  return {
    maxDepth: num(c, 'max_depth', 6),
    eta: num(c, 'learning_rate', 0.3),
    subsample: num(c, 'subsample', 1),
    colsample: num(c, 'colsample_bytree', 1),
    lambda: num(c, 'reg_lambda', 1),
    minChildWeight: num(c, 'min_child_weight', 1),
    monotone: monotoneVector(c['monotone_constraints'], cols),
  };
}

/**
 * The candidate's constraints as one entry per feature. Training resolves params.yaml's column map into
 * XGBoost's per-feature tuple (`bindMonotoneConstraints`); a shorter tuple leaves the remaining features free.
 */
function monotoneVector(v: Candidate[string] | undefined, cols: number): Int8Array | null {
  if (v === undefined || v === null) return null;
  if (!Array.isArray(v)) throw new Error('monotone_constraints reached the booster unresolved (a column map must be bound to features first)');
  const out = new Int8Array(cols);
  (v as readonly number[]).forEach((c, j) => {
    if (j < cols) out[j] = Math.sign(c);
  });
  return out.some((c) => c !== 0) ? out : null;
}

/**
 * XGBoost's monotone split evaluation (TreeEvaluator): with constraints, every weight is clipped to its
 * node's [lower, upper] bounds and gains are taken at the clipped weights; a split on a constrained feature
 * whose children's weights go against its sign is rejected. Children of such a split get the mid-point of the
 * two weights as a bound, so no later split below can cross back over its sibling.
 */
const clip = (w: number, lo: number, hi: number): number => (w < lo ? lo : w > hi ? hi : w);
/** −(2Gw + (H+λ)w²): the loss reduction of weight w (G²/(H+λ) at the unclipped optimum). */
const gainAt = (g: number, h: number, lambda: number, w: number): number => (h <= 0 ? 0 : -(2 * g * w + (h + lambda) * w * w));
/** The gain of a split on feature f under bounds [lo, hi], or -Infinity when it breaks f's constraint. */
function constrainedGain(gl: number, hl: number, gr: number, hr: number, lambda: number, lo: number, hi: number, c: number): number {
  const wl = clip(-gl / (hl + lambda), lo, hi);
  const wr = clip(-gr / (hr + lambda), lo, hi);
  if ((c > 0 && wl > wr) || (c < 0 && wl < wr)) return -Infinity;
  return gainAt(gl, hl, lambda, wl) + gainAt(gr, hr, lambda, wr);
}

/**
 * Where each (row, feature) adds in a node's histogram. Binary features that are never 1 together (one-hot
 * levels of one column) share a bundle, as LightGBM's exclusive feature bundling: a bundle's histogram holds
 * one entry per member for its upper bin plus one for rows in none of them, so a row adds once per bundle
 * instead of once per member, and a member's lower bin is the node's total minus its upper bin.
 * `slots[i * groups + s]` is row i's histogram position in group s (a plain feature or a bundle).
 */
interface RowBins {
  readonly groups: number;
  readonly slots: Uint16Array | Int32Array;
  /** Plain feature: its first bin's position. Bundled feature: its upper bin's position. */
  readonly offsets: Int32Array;
  readonly bundled: Uint8Array;
  readonly total: number;
}

function rowBins(B: BinnedMatrix, allocSlots: (length: number, wide: boolean) => Uint16Array | Int32Array): RowBins {
  const { rows, cols } = B;
  const offsets = new Int32Array(cols);
  const bundled = new Uint8Array(cols);
  /** Per group: its features and, for a bundle, its "none" position. */
  const groups: { readonly features: number[]; bundle: boolean; none: number }[] = [];
  let total = 0;
  // Rows already 1 in some member of the open bundle.
  const taken = new Uint8Array(rows);
  let open: { readonly features: number[]; bundle: boolean; none: number } | null = null;
  for (let f = 0; f < cols; f++) {
    const nb = B.bins[f]!;
    if (nb < 2) continue; // one bin: never split, never read
    const codes = B.codes.subarray(f * rows, (f + 1) * rows);
    if (nb === 2) {
      let clash = false;
      if (open) for (let i = 0; i < rows && !clash; i++) clash = codes[i]! === 1 && taken[i] === 1;
      if (!open || clash) {
        taken.fill(0);
        open = { features: [], bundle: true, none: -1 };
        groups.push(open);
      }
      for (let i = 0; i < rows; i++) taken[i]! |= codes[i]!;
      open.features.push(f);
      bundled[f] = 1;
      offsets[f] = total++;
      continue;
    }
    open = null;
    groups.push({ features: [f], bundle: false, none: -1 });
    offsets[f] = total;
    total += nb;
  }
  for (const g of groups) if (g.bundle) g.none = total++;
  const S = groups.length;
  const slots = allocSlots(rows * S, total > 65536);
  groups.forEach((g, s) => {
    if (!g.bundle) {
      const f = g.features[0]!;
      const base = f * rows;
      const off = offsets[f]!;
      for (let i = 0; i < rows; i++) slots[i * S + s] = off + B.codes[base + i]!;
      return;
    }
    for (let i = 0; i < rows; i++) slots[i * S + s] = g.none;
    for (const f of g.features) {
      const base = f * rows;
      const off = offsets[f]!;
      for (let i = 0; i < rows; i++) if (B.codes[base + i] === 1) slots[i * S + s] = off;
    }
  });
  return { groups: S, slots, offsets, bundled, total };
}

/**
 * Gradient and hessian sums per (feature, bin), interleaved: hist[2k] = G, hist[2k+1] = H. `gh` holds each
 * row's gradient and hessian side by side (one cache line serves both).
 */
function buildHistogram(R: RowBins, idx: Int32Array, gh: Float64Array, hist: Float64Array, wasm: HistKernels | null): Float64Array {
  const { slots, groups: cols } = R;
  if (wasm && onHeap(wasm, slots, idx, gh, hist)) {
    wasm.histogram(slots.byteOffset, cols, slots instanceof Int32Array, idx.byteOffset, idx.length, gh.byteOffset, hist.byteOffset, hist.length >> 1);
    return hist;
  }
  hist.fill(0);
  for (let r = 0; r < idx.length; r++) {
    const i = idx[r]!;
    const gi = gh[2 * i]!;
    const hi = gh[2 * i + 1]!;
    const base = i * cols;
    for (let f = 0; f < cols; f++) {
      const k = slots[base + f]! << 1;
      hist[k]! += gi;
      hist[k + 1]! += hi;
    }
  }
  return hist;
}

/** hist -= hs, entry by entry. */
function subtractHistogram(hist: Float64Array, hs: Float64Array, wasm: HistKernels | null): void {
  if (wasm && onHeap(wasm, hist, hs)) wasm.subtract(hist.byteOffset, hs.byteOffset, hist.length >> 1);
  else for (let k = 0; k < hist.length; k++) hist[k]! -= hs[k]!;
}

/** True when every array is a view of the kernels' memory (a histogram taken beyond the pool is not). */
function onHeap(wasm: HistKernels, ...arrays: ArrayBufferView[]): boolean {
  const heap = wasm.memory.buffer;
  return arrays.every((a) => a.buffer === heap);
}

/** Buffers of one fit, reused from tree to tree. */
interface BoostScratch {
  /** Histograms (at most two per level are live); a fresh one per split cost zeroed memory every time. */
  readonly pool: Float64Array[];
  /** The right-hand rows of a partition, before they are copied back behind the left-hand ones. */
  readonly right: Int32Array;
  /** The kernels whose memory holds slots, gradients, row lists and pooled histograms (null: JavaScript loops). */
  readonly wasm: HistKernels | null;
  /** Every row's margin: sampled rows get their leaf's value as the leaf is made. */
  readonly margin: Float64Array;
  /** The rows left out of this tree's subsample (they walk the finished tree). */
  readonly unsampled: Int32Array;
  unsampledCount: number;
  /** Per node, the bin its split keeps on the left (code <= bin goes left, as x <= threshold). */
  splitBin: number[];
  /** With the kernels: the training codes as u8 (column-major) in their memory, ... */
  readonly codes8: Uint8Array | null;
  /** ... where a partition leaves its sides' sums (left G, H, right G, H) ... */
  readonly sums4: Float64Array | null;
  /** ... and where each tree is laid out for `walk` (capacity: the most nodes a tree can have). */
  readonly walkTree: { feature: Int32Array; bin: Int32Array; child: Int32Array; value: Float64Array } | null;
}

/**
 * One boosted tree over the sampled rows `rows` (a region of a buffer it may reorder: the partitions are in
 * place and stable, so each child's rows stay in row order as separate lists would be).
 */
function growBoostedTree(B: BinnedMatrix, R: RowBins, gh: Float64Array, rows: Int32Array, allowed: Uint8Array, o: GbmOptions, s: BoostScratch): TreeState {
  const tree = emptyTree();
  const cols = B.cols;
  const n = B.rows;
  const { pool, right, margin, wasm } = s;
  const splitBin: number[] = (s.splitBin = []);
  const takeHistogram = (): Float64Array => pool.pop() ?? new Float64Array(2 * R.total);
  // Each node's histogram is built directly only for the smaller child; the larger is parent minus smaller.
  // G and H are the node's gradient and hessian sums in row order (the parent's partition adds them up).
  const mono = o.monotone;
  // [lo, hi]: the node's weight bounds under monotone constraints (infinite without them).
  const grow = (idx: Int32Array, hist: Float64Array, depth: number, G: number, H: number, lo: number, hi: number): number => {
    const weight = clip(-G / (H + o.lambda), lo, hi);
    const node = addNode(tree, weight * o.eta, H);
    splitBin.push(-1);
    const leaf = (): number => {
      const v = tree.value[node]!;
      if (wasm && s.codes8) wasm.addLeaf(idx.byteOffset, idx.length, margin.byteOffset, v);
      else for (let r = 0; r < idx.length; r++) margin[idx[r]!]! += v;
      return node;
    };
    if (depth >= o.maxDepth || idx.length < 2) return leaf();
    const parent = mono ? gainAt(G, H, o.lambda, weight) : (G * G) / (H + o.lambda);
    let best = 1e-10;
    let bestF = -1;
    let bestBin = -1;
    for (let f = 0; f < cols; f++) {
      if (!allowed[f]) continue;
      const nb = B.bins[f]!;
      if (nb < 2) continue;
      const off = R.offsets[f]! << 1;
      if (R.bundled[f]) {
        // Lower bin = node total minus the upper bin.
        const gl = G - hist[off]!;
        const hl = H - hist[off + 1]!;
        const hr = H - hl;
        if (hl < o.minChildWeight || hr < o.minChildWeight) continue;
        const gr = G - gl;
        const gain = (mono ? constrainedGain(gl, hl, gr, hr, o.lambda, lo, hi, mono[f]!) : (gl * gl) / (hl + o.lambda) + (gr * gr) / (hr + o.lambda)) - parent;
        if (gain > best) {
          best = gain;
          bestF = f;
          bestBin = 0;
        }
        continue;
      }
      let gl = 0;
      let hl = 0;
      for (let b = 0; b < nb - 1; b++) {
        gl += hist[off + 2 * b]!;
        hl += hist[off + 2 * b + 1]!;
        const hr = H - hl;
        if (hl < o.minChildWeight) continue;
        if (hr < o.minChildWeight) break;
        const gr = G - gl;
        const gain = (mono ? constrainedGain(gl, hl, gr, hr, o.lambda, lo, hi, mono[f]!) : (gl * gl) / (hl + o.lambda) + (gr * gr) / (hr + o.lambda)) - parent;
        if (gain > best) {
          best = gain;
          bestF = f;
          bestBin = b;
        }
      }
    }
    if (bestF < 0) return leaf();
    // Branch-free stable partition in place: left rows are compacted forward, right rows go to scratch
    // and are copied back behind them.
    // Each side's sums are taken on the way, in row order: a row adds itself times 1 to its side and times 0
    // (a signed zero, which leaves a nonzero sum or +0 unchanged) to the other, the same sums as separate loops.
    let a = 0;
    let gL = 0;
    let hL = 0;
    let gR = 0;
    let hR = 0;
    if (wasm && s.codes8 && s.sums4) {
      a = wasm.partition(idx.byteOffset, idx.length, s.codes8.byteOffset + bestF * n, bestBin, gh.byteOffset, right.byteOffset, s.sums4.byteOffset);
      const o4 = s.sums4;
      [gL, hL, gR, hR] = [o4[0]!, o4[1]!, o4[2]!, o4[3]!];
    } else {
      const codes = B.codes;
      const base = bestF * n;
      let c = 0;
      for (let r = 0; r < idx.length; r++) {
        const i = idx[r]!;
        idx[a] = i;
        right[c] = i;
        const goesLeft = +(codes[base + i]! <= bestBin);
        const gi = gh[2 * i]!;
        const hi = gh[2 * i + 1]!;
        gL += gi * goesLeft;
        hL += hi * goesLeft;
        gR += gi * (1 - goesLeft);
        hR += hi * (1 - goesLeft);
        a += goesLeft;
        c += 1 - goesLeft;
      }
      idx.set(right.subarray(0, c), a);
    }
    const L = idx.subarray(0, a);
    const Rr = idx.subarray(a);
    tree.feature[node] = bestF;
    tree.threshold[node] = B.thresholds[bestF]![bestBin]!;
    splitBin[node] = bestBin;
    // Children's bounds: the parent's, split at the mid-point of their weights on a constrained feature
    // (taken from the partition's sums, the ones the children's weights are made of).
    let [loL, hiL, loR, hiR] = [lo, hi, lo, hi];
    const sign = mono ? mono[bestF]! : 0;
    if (sign !== 0) {
      const mid = (clip(-gL / (hL + o.lambda), lo, hi) + clip(-gR / (hR + o.lambda), lo, hi)) / 2;
      if (sign > 0) [hiL, loR] = [mid, mid];
      else [loL, hiR] = [mid, mid];
    }
    if (depth + 1 >= o.maxDepth) {
      // Children at max depth are leaves: no histogram needed.
      tree.left[node] = grow(L, hist, depth + 1, gL, hL, loL, hiL);
      tree.right[node] = grow(Rr, hist, depth + 1, gR, hR, loR, hiR);
      return node;
    }
    // The parent's histogram becomes the larger child's in place (it is not needed again); the smaller
    // child's comes from the pool and goes back once its subtree is grown.
    const small = L.length <= Rr.length ? L : Rr;
    const hs = buildHistogram(R, small, gh, takeHistogram(), wasm);
    subtractHistogram(hist, hs, wasm);
    const [histL, histR] = small === L ? [hs, hist] : [hist, hs];
    tree.left[node] = grow(L, histL, depth + 1, gL, hL, loL, hiL);
    tree.right[node] = grow(Rr, histR, depth + 1, gR, hR, loR, hiR);
    pool.push(hs);
    return node;
  };
  const root = buildHistogram(R, rows, gh, takeHistogram(), wasm);
  let G = 0;
  let H = 0;
  for (let r = 0; r < rows.length; r++) {
    G += gh[2 * rows[r]!]!;
    H += gh[2 * rows[r]! + 1]!;
  }
  grow(rows, root, 0, G, H, -Infinity, Infinity);
  pool.push(root);
  return tree;
}

/**
 * A boosted tree for walking bin codes without branches: every node has both children (a leaf points at
 * itself, on feature 0), so each row takes exactly `depth` steps, each `node = child[2 node + (code > bin)]`.
 */
interface CodeWalker {
  readonly feature: Int32Array;
  readonly bin: Int32Array;
  readonly child: Int32Array;
  readonly value: Float64Array;
  readonly depth: number;
}

function codeWalker(tree: TreeState, splitBin: readonly number[]): CodeWalker {
  const n = tree.feature.length;
  const feature = new Int32Array(n);
  const bin = new Int32Array(n);
  const child = new Int32Array(2 * n);
  const depthOf = new Int32Array(n);
  let depth = 0;
  // Nodes are numbered parent before child, so depths are filled in order.
  for (let k = 0; k < n; k++) {
    const f = tree.feature[k]!;
    depth = Math.max(depth, depthOf[k]!);
    if (f < 0) {
      child[2 * k] = k;
      child[2 * k + 1] = k;
      continue;
    }
    feature[k] = f;
    bin[k] = splitBin[k]!;
    child[2 * k] = tree.left[k]!;
    child[2 * k + 1] = tree.right[k]!;
    depthOf[tree.left[k]!] = depthOf[k]! + 1;
    depthOf[tree.right[k]!] = depthOf[k]! + 1;
  }
  return { feature, bin, child, value: Float64Array.from(tree.value), depth };
}

/**
 * Adds the tree's leaf value to sums[i] for each listed row i (all rows 0..count when `list` is null), walking
 * the codes (column-major, `stride` rows per column; code <= split bin exactly when x <= threshold). One
 * addition per row and tree, as `accumulateTree` on X would make.
 */
function addTreeOnCodes(w: CodeWalker, codes: Uint8Array | Uint16Array, stride: number, list: Int32Array | null, count: number, sums: Float64Array): void {
  const { feature, bin, child, value, depth } = w;
  for (let u = 0; u < count; u++) {
    const i = list ? list[u]! : u;
    let node = 0;
    for (let d = 0; d < depth; d++) node = child[2 * node + +(codes[feature[node]! * stride + i]! > bin[node]!)]!;
    sums[i]! += value[node]!;
  }
}

/**
 * Evaluation rows binned on the training cuts, column-major: a tree walk on codes (code <= split bin exactly
 * when x <= threshold) reads a few bytes per row instead of a float64 row per tree, the whole matrix again
 * for every tree.
 */
function binRows(B: BinnedMatrix, X: Matrix): Uint8Array {
  const codes = new Uint8Array(X.rows * X.cols);
  writeCodes(X, B.thresholds, codes);
  return codes;
}

/** The buffers of one fit: the hot loops' scratch and the evaluation rows' codes and running sums. */
interface FitBuffers {
  readonly R: RowBins;
  readonly gh: Float64Array;
  readonly order: Int32Array;
  readonly scratch: BoostScratch;
  /** Per eval: its rows' codes (u8, column-major; null for the training rows, whose sums are the margins). */
  readonly evalCodes: (Uint8Array | null)[];
  readonly evalSums: Float64Array[];
}

/**
 * The hot loops' buffers: in the histogram kernels' memory when they are built (allocated before any view
 * is made, since growing the memory detaches views), else plain arrays.
 */
function fitBuffers(B: BinnedMatrix, X: Matrix, o: GbmOptions, evals: readonly Matrix[]): FitBuffers {
  const n = B.rows;
  const wasm = histKernels();
  const scratchOf = (right: Int32Array, margin: Float64Array, unsampled: Int32Array, pool: Float64Array[], extra: Pick<BoostScratch, 'codes8' | 'sums4' | 'walkTree'>): BoostScratch =>
    ({ pool, wasm, right, margin, unsampled, unsampledCount: 0, splitBin: [], ...extra });
  if (!wasm) {
    const R = rowBins(B, (len, wide) => (wide ? new Int32Array(len) : new Uint16Array(len)));
    const margin = new Float64Array(n);
    return {
      R,
      gh: new Float64Array(2 * n),
      order: new Int32Array(n),
      scratch: scratchOf(new Int32Array(n), margin, new Int32Array(n), [], { codes8: null, sums4: null, walkTree: null }),
      evalCodes: evals.map((e) => (e === X ? null : binRows(B, e))),
      evalSums: evals.map((e) => (e === X ? margin : new Float64Array(e.rows))),
    };
  }
  wasm.reset();
  let slots: { ptr: number; len: number; wide: boolean } | null = null;
  const R0 = rowBins(B, (len, wide) => {
    slots = { ptr: wasm.alloc(len * (wide ? 4 : 2)), len, wide };
    return wide ? new Int32Array(wasm.memory.buffer, slots.ptr, len) : new Uint16Array(wasm.memory.buffer, slots.ptr, len);
  });
  const ghPtr = wasm.alloc(16 * n);
  const orderPtr = wasm.alloc(4 * n);
  // At most one histogram per level of the path being grown is live, plus the root's.
  const histPtrs = Array.from({ length: Math.min(o.maxDepth, 62) + 2 }, () => wasm.alloc(16 * R0.total));
  const rightPtr = wasm.alloc(4 * n);
  const unsampledPtr = wasm.alloc(4 * n);
  const marginPtr = wasm.alloc(8 * n);
  const codesPtr = wasm.alloc(n * B.cols);
  const sumsPtr = wasm.alloc(32);
  // A tree has at most 2^(depth+1) - 1 nodes, and at most 2 rows - 1.
  const nodes = Math.min(2 ** (Math.min(o.maxDepth, 40) + 1), 2 * n + 1);
  const treePtrs = [4, 4, 8, 8].map((bytes) => wasm.alloc(bytes * nodes));
  const evalPtrs = evals.map((e) => (e === X ? null : { codes: wasm.alloc(e.rows * e.cols), sums: wasm.alloc(8 * e.rows) }));
  const heap = wasm.memory.buffer;
  const sl = slots!;
  const R: RowBins = { ...R0, slots: sl.wide ? new Int32Array(heap, sl.ptr, sl.len) : new Uint16Array(heap, sl.ptr, sl.len) };
  const margin = new Float64Array(heap, marginPtr, n).fill(0);
  // Codes are below MAX_BINS = 256: a byte each.
  const codes8 = new Uint8Array(heap, codesPtr, n * B.cols);
  codes8.set(B.codes);
  const evalCodes = evals.map((e, j) => {
    const p = evalPtrs[j];
    if (!p) return null;
    const codes = new Uint8Array(heap, p.codes, e.rows * e.cols).fill(0);
    writeCodes(e, B.thresholds, codes);
    return codes;
  });
  return {
    R,
    gh: new Float64Array(heap, ghPtr, 2 * n),
    order: new Int32Array(heap, orderPtr, n),
    scratch: scratchOf(new Int32Array(heap, rightPtr, n), margin, new Int32Array(heap, unsampledPtr, n), histPtrs.map((p) => new Float64Array(heap, p, 2 * R.total)), {
      codes8,
      sums4: new Float64Array(heap, sumsPtr, 4),
      walkTree: {
        feature: new Int32Array(heap, treePtrs[0]!, nodes),
        bin: new Int32Array(heap, treePtrs[1]!, nodes),
        child: new Int32Array(heap, treePtrs[2]!, 2 * nodes),
        value: new Float64Array(heap, treePtrs[3]!, nodes),
      },
    }),
    evalCodes,
    evalSums: evals.map((e, j) => (e === X ? margin : new Float64Array(heap, evalPtrs[j]!.sums, e.rows).fill(0))),
  };
}

/** Adds the tree's leaf value to sums[i] for the listed rows (rows 0..count when list is null): in the kernels when built. */
function walkTree(w: CodeWalker, s: BoostScratch, codes: Uint8Array | Uint16Array, stride: number, list: Int32Array | null, count: number, sums: Float64Array): void {
  const t = s.walkTree;
  if (!s.wasm || !t || !(codes instanceof Uint8Array) || !onHeap(s.wasm, codes, sums, ...(list ? [list] : []))) {
    addTreeOnCodes(w, codes, stride, list, count, sums);
    return;
  }
  t.feature.set(w.feature);
  t.bin.set(w.bin);
  t.child.set(w.child);
  t.value.set(w.value);
  s.wasm.walk(codes.byteOffset, stride, list ? list.byteOffset : 0, count, t.feature.byteOffset, t.bin.byteOffset, t.child.byteOffset, t.value.byteOffset, w.depth, sums.byteOffset);
}

/**
 * Boosts `nTrees` rounds; `onTree` sees each tree as it is added (for prefix predictions), with each of
 * `evals`' running margin sums (tree values added in tree order, as `accumulateTree` would).
 */
function boost(c: Candidate, X: Matrix, y: Uint8Array, nTrees: number, seed: number, evals: readonly Matrix[], onTree: (t: TreeState, k: number, evalSums: readonly Float64Array[]) => void): void {
  const o = options(c, X.cols);
  const B = binMatrix(X, MAX_BINS, true);
  const n = X.rows;
  const rng = Rng.derive(seed, 'gbm');
  const allowed = new Uint8Array(X.cols).fill(1);
  // The fold's own training rows come as an eval too (the train score): their running sums are the margins.
  const { R, gh, order, scratch, evalCodes, evalSums } = fitBuffers(B, X, o, evals);
  const { margin, unsampled } = scratch;
  // One uniform per row and round (drawn in one call; the stream `rng.next()` per row would give).
  const draws = o.subsample < 1 ? new Float64Array(n) : null;
  for (let k = 0; k < nTrees; k++) {
    let m = 0;
    let u = 0;
    if (draws) {
      rng.fill(draws, n);
      const q = o.subsample;
      for (let i = 0; i < n; i++) {
        const take = +(draws[i]! < q);
        order[m] = i;
        unsampled[u] = i;
        m += take;
        u += 1 - take;
      }
    } else for (; m < n; m++) order[m] = m;
    scratch.unsampledCount = u;
    // Gradients of the sampled rows only: no other row's are read this round.
    for (let r = 0; r < m; r++) {
      const i = order[r]!;
      const p = sigmoid(margin[i]!);
      gh[2 * i] = p - y[i]!;
      gh[2 * i + 1] = Math.max(p * (1 - p), 1e-16);
    }
    if (o.colsample < 1) {
      const cnt = Math.max(1, Math.floor(o.colsample * X.cols));
      allowed.fill(0);
      for (const f of rng.shuffle(Array.from({ length: X.cols }, (_, j) => j)).slice(0, cnt)) allowed[f] = 1;
    }
    const tree = growBoostedTree(B, R, gh, order.subarray(0, m), allowed, o, scratch);
    // The rows outside the subsample walk the tree (the sampled ones got their leaf value as it was made).
    const w = codeWalker(tree, scratch.splitBin);
    walkTree(w, scratch, scratch.codes8 ?? B.codes, n, unsampled, u, margin);
    evalCodes.forEach((codes, j) => codes && walkTree(w, scratch, codes, evals[j]!.rows, null, evals[j]!.rows, evalSums[j]!));
    onTree(tree, k, evalSums);
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

  treeExplainer(references: Matrix | null): TreeExplainer {
    return new TreeExplainer(this.trees, 1, this.cols, references);
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
    boost(c, X, y, num(c, 'n_estimators', 100), seed, [], (t) => trees.push(t));
    return new BoostedTrees(trees, X.cols);
  },
  fitGroup(cands, X, y, evals, seed) {
    const sizes = cands.map((c) => num(c, 'n_estimators', 100));
    const out: Float64Array[][] = sizes.map(() => []);
    boost(cands[0]!, X, y, Math.max(...sizes), seed, evals, (_t, k, sums) => {
      sizes.forEach((s, ci) => {
        if (s === k + 1) out[ci] = sums.map((a) => a.map((v) => sigmoid(v)));
      });
    });
    return out;
  },
  load: (s) => new BoostedTrees(s['trees'] as TreeState[], s['cols'] as number),
};
