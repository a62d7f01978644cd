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

/** Narrow features histogrammed in one pass over a node's rows. */
const BATCH = 8;

/** Scratch buffers reused across nodes and trees of one fit (allocation dominated the profile otherwise). */
export class CartScratch {
  /** Per bin, the weight of good (2b) and bad (2b + 1) rows: indexed by the label, so no branch on it. */
  readonly wClass: Float64Array;
  readonly count: Int32Array;
  /** The bins a node's rows fall in, in the order first reached. */
  readonly touched: Int32Array;
  readonly featureOrder: Int32Array;
  /** The right-hand rows of a split being made. */
  readonly right: Int32Array;
  /** A node's rows' labels and weights, gathered once per node so each feature's pass reads them in order. */
  readonly nodeY: Uint8Array;
  readonly nodeW: Float64Array;
  /** Per feature, its codes as bytes when it has at most 256 bins (half the cache lines per gather), else null. */
  readonly narrow: (Uint8Array | null)[];
  /**
   * The narrow codes again, row-major (row i's at i × cols): deep in a tree a node's rows are scattered, and a
   * column-major gather misses the cache once per row and feature; row-major, one line serves every feature.
   */
  readonly rowCodes: Uint8Array | null;
  /** Per-slot histograms of a batch of narrow features (slot s at s × 256), their bins reached, their counts. */
  readonly batchW: Float64Array;
  readonly batchCount: Int32Array;
  readonly batchTouched: Int32Array;
  readonly batchNonEmpty: Int32Array;
  readonly batchFeatures: Int32Array;
  /**
   * A tree's rows in node order: row r of the tree's row list has its narrow codes at r × stride of `nodeCodes`
   * (16-byte words in `nodeWords`), its label and weight at r of `nodeY`/`nodeW`. A split moves the rows as it
   * moves their indices, so every node reads a contiguous block instead of rows scattered over the data.
   */
  readonly stride: number;
  readonly nodeWords: Int32Array | null;
  readonly nodeCodes: Uint8Array | null;
  readonly rightWords: Int32Array | null;
  readonly rightY: Uint8Array;
  readonly rightW: Float64Array;
  /** The best split of the node being split (a field object: the scan is a plain function, nothing captured). */
  readonly best = { gain: 0, feature: -1, bin: -1 };

  constructor(maxBins: number, cols: number, rows: number, B?: BinnedMatrix) {
    this.wClass = new Float64Array(2 * maxBins);
    this.count = new Int32Array(maxBins);
    this.touched = new Int32Array(maxBins + 1); // + 1: the branch-free append writes one past the last bin
    this.featureOrder = new Int32Array(cols);
    this.right = new Int32Array(rows);
    this.nodeY = new Uint8Array(rows);
    this.nodeW = new Float64Array(rows);
    this.narrow = Array.from({ length: cols }, (_, f) => (B && B.bins[f]! <= 256 ? Uint8Array.from(B.codes.subarray(f * rows, (f + 1) * rows)) : null));
    if (B && this.narrow.some((c) => c !== null)) {
      const rc = new Uint8Array(rows * cols);
      this.narrow.forEach((c, f) => {
        if (c) for (let i = 0; i < rows; i++) rc[i * cols + f] = c[i]!;
      });
      this.rowCodes = rc;
    } else this.rowCodes = null;
    this.stride = (cols + 3) & ~3;
    this.nodeWords = this.rowCodes ? new Int32Array((rows * this.stride) >> 2) : null;
    this.nodeCodes = this.nodeWords ? new Uint8Array(this.nodeWords.buffer) : null;
    this.rightWords = this.rowCodes ? new Int32Array((rows * this.stride) >> 2) : null;
    this.rightY = new Uint8Array(rows);
    this.rightW = new Float64Array(rows);
    this.batchW = new Float64Array(2 * 256 * BATCH);
    this.batchCount = new Int32Array(256 * BATCH);
    this.batchTouched = new Int32Array(257 * BATCH);
    this.batchNonEmpty = new Int32Array(BATCH);
    this.batchFeatures = new Int32Array(BATCH);
  }
}

/**
 * One feature's split scan over its histogram (weights at 2(h + b) and 2(h + b) + 1, counts at h + b, bins
 * reached in touched from t): the best split moves only on a strictly larger gain, so features are weighed
 * in draw order and the first of equal splits stays.
 */
function scanSplits(f: number, nb: number, nonEmpty: number, wClass: Float64Array, count: Int32Array, h: number, touched: Int32Array, t: number, rows: number, wp: number, wn: number, parentScore: number, minLeaf: number, best: { gain: number; feature: number; bin: number }): void {
  // Empty bins add nothing: walking the listed bins in order is the full scan, term for term.
  const sparse = nonEmpty * 8 < nb;
  if (sparse) touched.subarray(t, t + nonEmpty).sort();
  let lp = 0;
  let ln = 0;
  let lc = 0;
  for (let e = 0, b = 0; sparse ? e < nonEmpty : b < nb - 1; e++, b++) {
    if (sparse) b = touched[t + e]!;
    else if (count[h + b] === 0) continue;
    lp += wClass[2 * (h + b) + 1]!;
    ln += wClass[2 * (h + b)]!;
    lc += count[h + b]!;
    const rc = rows - lc;
    if (rc === 0) break;
    if (lc < minLeaf || rc < minLeaf) continue;
    const lw = lp + ln;
    const rp = wp - lp;
    const rn = wn - ln;
    const rw = rp + rn;
    if (lw <= 0 || rw <= 0) continue;
    const gain = (lp * lp + ln * ln) / lw + (rp * rp + rn * rn) / rw - parentScore;
    if (gain > best.gain) {
      best.gain = gain;
      best.feature = f;
      best.bin = b;
    }
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
 * `y` holds 0/1 labels (1 = bad). `rows` is reordered in place (each node's rows stay in row order).
 */
export function growCart(B: BinnedMatrix, y: Uint8Array, w: Float64Array, rows: Int32Array, opts: CartOptions, rng: Rng | null, scratch: CartScratch): TreeState {
  const tree = emptyTree();
  const n = B.rows;
  const cols = B.cols;
  const order = scratch.featureOrder;
  const { nodeY, nodeW, narrow, nodeCodes, nodeWords, rightWords, rightY, rightW, stride } = scratch;
  const words = stride >> 2;
  // The tree's rows in node order: labels, weights and (when there are narrow features) their codes.
  const m = rows.length;
  for (let r = 0; r < m; r++) {
    const i = rows[r]!;
    nodeY[r] = y[i]!;
    nodeW[r] = w[i]!;
  }
  const rowCodes = scratch.rowCodes;
  if (rowCodes && nodeCodes) for (let r = 0; r < m; r++) nodeCodes.set(rowCodes.subarray(rows[r]! * cols, (rows[r]! + 1) * cols), r * stride);
  // `constant`: features already seen constant on an ancestor's rows (so on these rows too), or null.
  // A node's rows are positions start .. start + idx.length of the tree's row list.
  const queue: ({ readonly idx: Int32Array; readonly start: number; readonly depth: number; readonly node: number; readonly wp: number; readonly wn: number; readonly constant: Uint8Array | null } | null)[] = [];

  const classWeight = new Float64Array(2);
  /** A new node; queued for splitting unless it is a leaf by purity, size or depth. */
  const make = (idx: Int32Array, start: number, depth: number, constant: Uint8Array | null): number => {
    classWeight[0] = 0;
    classWeight[1] = 0;
    for (let r = start, end = start + idx.length; r < end; r++) classWeight[nodeY[r]!]! += nodeW[r]!;
    const wp = classWeight[1]!;
    const wn = classWeight[0]!;
    const W = wp + wn;
    const node = addNode(tree, W > 0 ? wp / W : 0, W);
    if (wp === 0 || wn === 0 || idx.length < 2 * opts.minSamplesLeaf || (opts.maxDepth !== null && depth >= opts.maxDepth)) return node;
    queue.push({ idx, start, depth, node, wp, wn, constant });
    return node;
  };

  make(rows, 0, 0, null);
  for (let q = 0; q < queue.length; q++) {
    const { idx, start, depth, node, wp, wn, constant } = queue[q]!;
    // A feature constant on these rows is constant on every subset of them: deep in a tree most one-hot
    // columns are, and skipping them unscanned changes nothing (a constant feature is never counted or chosen).
    let found: Uint8Array | null = null;
    queue[q] = null; // a level's row lists are freed as it is split
    const len = idx.length;
    const W = wp + wn;
    const parentScore = (wp * wp + wn * wn) / W;
    for (let j = 0; j < cols; j++) order[j] = j;
    if (rng) for (let j = cols - 1; j > 0; j--) {
      const k = rng.int(j + 1);
      const t = order[j]!;
      order[j] = order[k]!;
      order[k] = t;
    }
    let examined = 0;
    const best = scratch.best;
    best.gain = 1e-12 * W;
    best.feature = -1;
    best.bin = -1;
    let oj = 0;
    while (oj < cols && !(examined >= opts.maxFeatures && best.feature >= 0)) {
      const f = order[oj]!;
      const nb = B.bins[f]!;
      if (nb < 2 || (constant !== null && constant[f] === 1)) {
        oj++;
        continue;
      }
      if (nodeCodes && narrow[f]) {
        // The next narrow features the draw order would reach (at most what max_features still needs), all
        // histogrammed in one pass over the node's rows, then weighed one by one in that order: the same
        // features, sums and comparisons as one at a time (a batch member past the stopping point is unused).
        const { batchW, batchCount, batchTouched, batchNonEmpty, batchFeatures } = scratch;
        const want = Math.max(1, Math.min(BATCH, opts.maxFeatures - examined));
        let S = 0;
        let next = oj;
        while (next < cols && S < want) {
          const g = order[next]!;
          if (B.bins[g]! < 2 || (constant !== null && constant[g] === 1)) {
            next++;
            continue;
          }
          if (!narrow[g]) break;
          batchFeatures[S++] = g;
          next++;
        }
        batchNonEmpty.fill(0, 0, S);
        let batchBins = 0;
        for (let k = 0; k < S; k++) batchBins += B.bins[batchFeatures[k]!]!;
        if (len >= batchBins) {
          // A node with more rows than the batch has bins: count and sum only, then list the bins reached in
          // order (the same sums, in the same row order, as the tracking loop below).
          for (let r = start, end = start + len; r < end; r++) {
            const o = r * stride;
            const yr = nodeY[r]!;
            const wr = nodeW[r]!;
            for (let k = 0; k < S; k++) {
              const hb = (k << 8) + nodeCodes[o + batchFeatures[k]!]!;
              batchCount[hb]!++;
              batchW[2 * hb + yr]! += wr;
            }
          }
          for (let k = 0; k < S; k++) {
            const nb = B.bins[batchFeatures[k]!]!;
            let ne = 0;
            for (let b = 0; b < nb; b++) if (batchCount[(k << 8) + b]! > 0) batchTouched[k * 257 + ne++] = b;
            batchNonEmpty[k] = ne;
          }
        } else {
          // A small node deep in the tree: track the bins reached as they are, so clearing and (sparse) scans
          // touch only those.
          for (let r = start, end = start + len; r < end; r++) {
            const o = r * stride;
            const yr = nodeY[r]!;
            const wr = nodeW[r]!;
            for (let k = 0; k < S; k++) {
              const hb = (k << 8) + nodeCodes[o + batchFeatures[k]!]!;
              batchTouched[k * 257 + batchNonEmpty[k]!] = hb & 255;
              batchNonEmpty[k]! += +(batchCount[hb]!++ === 0);
              batchW[2 * hb + yr]! += wr;
            }
          }
        }
        let k = 0;
        for (; k < S; k++) {
          if (examined >= opts.maxFeatures && best.feature >= 0) break;
          const g = batchFeatures[k]!;
          const nonEmpty = batchNonEmpty[k]!;
          if (nonEmpty >= 2) {
            examined++; // a feature constant here does not count toward max_features
            scanSplits(g, B.bins[g]!, nonEmpty, batchW, batchCount, k << 8, batchTouched, k * 257, len, wp, wn, parentScore, opts.minSamplesLeaf, best);
          } else {
            found ??= constant ? constant.slice() : new Uint8Array(cols);
            found[g] = 1;
          }
        }
        for (let c = 0; c < S; c++) {
          for (let e = 0; e < batchNonEmpty[c]!; e++) {
            const hb = (c << 8) + batchTouched[c * 257 + e]!;
            batchCount[hb] = 0;
            batchW[2 * hb] = 0;
            batchW[2 * hb + 1] = 0;
          }
        }
        // Resume after the last feature weighed (skipped features between them are skipped again cheaply).
        if (k === S) oj = next;
        else {
          while (order[oj] !== batchFeatures[k]) oj++;
        }
        continue;
      }
      oj++;
      const { wClass, count, touched } = scratch;
      const base = f * n;
      // The label indexes the accumulator: a branch on it mispredicts on about a third of rows. The bins
      // first reached are listed, so that a small node scans and clears only its own bins, not all of a
      // wide feature's (count and wClass are all zero between features).
      let nonEmpty = 0;
      const c8 = narrow[f];
      if (c8) {
        for (let r = 0; r < len; r++) {
          const b = c8[idx[r]!]!;
          touched[nonEmpty] = b;
          nonEmpty += +(count[b]!++ === 0);
          wClass[2 * b + nodeY[start + r]!]! += nodeW[start + r]!;
        }
      } else {
        for (let r = 0; r < len; r++) {
          const b = B.codes[base + idx[r]!]!;
          touched[nonEmpty] = b;
          nonEmpty += +(count[b]!++ === 0);
          wClass[2 * b + nodeY[start + r]!]! += nodeW[start + r]!;
        }
      }
      if (nonEmpty >= 2) {
        examined++; // a feature constant here does not count toward max_features
        scanSplits(f, nb, nonEmpty, wClass, count, 0, touched, 0, len, wp, wn, parentScore, opts.minSamplesLeaf, best);
      }
      for (let e = 0; e < nonEmpty; e++) {
        const b = touched[e]!;
        count[b] = 0;
        wClass[2 * b] = 0;
        wClass[2 * b + 1] = 0;
      }
      if (nonEmpty < 2) {
        found ??= constant ? constant.slice() : new Uint8Array(cols);
        found[f] = 1;
      }
    }
    const bestF = best.feature;
    const bestBin = best.bin;
    if (bestF < 0) continue;
    // Threshold: midpoint between this bin and the next non-empty one, as sklearn's.
    const base = bestF * n;
    // Stable partition in place: left rows are compacted forward, right rows go to scratch and are copied
    // back behind them, so the children are the two ends of this node's block (levels below never touch a
    // parent's rows). Indices, labels, weights and codes move together. Branch-free: each row is written
    // to both sides and only its side's length moves on.
    const { right } = scratch;
    const fromNode = nodeCodes !== null && narrow[bestF] !== null;
    // Children at the depth limit are leaves: nothing reads their codes again.
    const moveWords = nodeWords !== null && !(opts.maxDepth !== null && depth + 1 >= opts.maxDepth);
    let a = 0;
    let c = 0;
    let nextBin = Infinity;
    for (let r = 0; r < len; r++) {
      const i = idx[r]!;
      const at = start + r;
      const code = fromNode ? nodeCodes![at * stride + bestF]! : B.codes[base + i]!;
      idx[a] = i;
      right[c] = i;
      const to = start + a;
      nodeY[to] = nodeY[at]!;
      nodeW[to] = nodeW[at]!;
      rightY[c] = nodeY[at]!;
      rightW[c] = nodeW[at]!;
      const goesLeft = +(code <= bestBin);
      if (moveWords) {
        // Each row's codes go to its own side only (the left side compacts in place, behind the reading point).
        const src = at * words;
        if (goesLeft) {
          const dl = to * words;
          if (dl !== src) for (let t = 0; t < words; t++) nodeWords![dl + t] = nodeWords![src + t]!;
        } else {
          const dr = c * words;
          for (let t = 0; t < words; t++) rightWords![dr + t] = nodeWords![src + t]!;
        }
      }
      a += goesLeft;
      c += 1 - goesLeft;
      nextBin = Math.min(nextBin, code + 65536 * goesLeft); // codes are below 2^16
    }
    idx.set(right.subarray(0, c), a);
    nodeY.set(rightY.subarray(0, c), start + a);
    nodeW.set(rightW.subarray(0, c), start + a);
    if (moveWords) nodeWords!.set(rightWords!.subarray(0, c * words), (start + a) * words);
    const L = idx.subarray(0, a);
    const R = idx.subarray(a);
    const th = B.thresholds[bestF]!;
    tree.feature[node] = bestF;
    tree.threshold[node] = (th[bestBin]! + th[nextBin - 1]!) / 2;
    tree.left[node] = make(L, start, depth + 1, found ?? constant);
    tree.right[node] = make(R, start + a, depth + 1, found ?? constant);
  }
  return tree;
}
