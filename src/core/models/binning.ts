import type { Matrix } from '../matrix.js';
import { binIndex } from '../stats.js';

/**
 * Features quantised to small integer codes, column-major, so tree learners can split by scanning per-bin
 * histograms instead of sorting. With `maxBins` at least the number of distinct values, splits are exact
 * (CART); with 256 it is XGBoost's `hist` method. Thresholds are midpoints between neighbouring bins.
 */
export interface BinnedMatrix {
  readonly rows: number;
  readonly cols: number;
  /** codes[j * rows + i] = bin of row i in feature j (bytes when asked for and maxBins <= 256). */
  readonly codes: Uint16Array | Uint8Array;
  readonly bins: Int32Array;
  /** thresholds[j][b] splits bin b from bin b + 1: x <= t goes left. */
  readonly thresholds: readonly Float64Array[];
}

/** Columns copied out of the row-major matrix per pass: one 64-byte line of each row serves eight. */
const BLOCK = 8;
/** Up to this many distinct values, a column's values are found by a scan instead of a sort. */
const FEW = 16;

export function binMatrix(X: Matrix, maxBins: number, bytes = false): BinnedMatrix {
  const { rows, cols, data } = X;
  const codes = bytes && maxBins <= 256 ? new Uint8Array(rows * cols) : new Uint16Array(rows * cols);
  const bins = new Int32Array(cols);
  const thresholds: Float64Array[] = new Array<Float64Array>(cols);
  // Few-valued columns (one-hot levels, small counts) from one scan of the matrix; the others are copied out
  // eight at a time and sorted.
  const few = fewDistinct(X);
  const sorted: number[] = [];
  for (let j = 0; j < cols; j++) {
    const f = few[j]!;
    if (f && f.length <= maxBins) thresholds[j] = midpoints(f);
    else sorted.push(j);
  }
  const block = Array.from({ length: Math.min(BLOCK, sorted.length) }, () => new Float64Array(rows));
  for (let k0 = 0; k0 < sorted.length; k0 += BLOCK) {
    const width = Math.min(BLOCK, sorted.length - k0);
    for (let b = 0; b < width; b++) {
      const j = sorted[k0 + b]!;
      const col = block[b]!;
      for (let i = 0; i < rows; i++) col[i] = data[i * cols + j]!;
    }
    for (let b = 0; b < width; b++) thresholds[sorted[k0 + b]!] = cutsOf(block[b]!, maxBins);
  }
  for (let j = 0; j < cols; j++) bins[j] = thresholds[j]!.length + 1;
  writeCodes(X, thresholds, codes);
  return { rows, cols, codes, bins, thresholds };
}

/**
 * codes[j * rows + i] = bin of X[i][j] on `thresholds[j]` (x <= t goes left; NaN above every edge), row by row:
 * each row of X is read once, in order, and each column's codes are written in order.
 */
export function writeCodes(X: Matrix, thresholds: readonly Float64Array[], codes: Uint8Array | Uint16Array): void {
  const { rows, cols, data } = X;
  // One-edge columns (binary features) compare with their edge; others search; no edge: code 0 (as zeroed).
  const ones: number[] = [];
  const edge: number[] = [];
  const many: number[] = [];
  // Edges with a NaN among them (a NaN in the training column) are not in order: binary search, as binIndex.
  const odd: number[] = [];
  for (let j = 0; j < cols; j++) {
    const t = thresholds[j]!;
    if (t.length === 1) {
      ones.push(j);
      edge.push(t[0]!);
    } else if (t.length > 1) (t.every((v) => v === v) ? many : odd).push(j);
  }
  const one = Int32Array.from(ones);
  const e0 = Float64Array.from(edge);
  const n1 = one.length;
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let k = 0; k < n1; k++) {
      const j = one[k]!;
      codes[j * rows + i] = +!(data[o + j]! <= e0[k]!); // binIndex with one edge (NaN above it)
    }
    for (const j of many) codes[j * rows + i] = searchEdges(thresholds[j]!, data[o + j]!);
    for (const j of odd) codes[j * rows + i] = binIndex(thresholds[j]!, data[o + j]!);
  }
}

/**
 * `binIndex` for two or more edges in order, without branches: the number of edges t with !(x <= t) (NaN: all of
 * them), halving the range by arithmetic instead of a jump (a jump on data mispredicts half the time).
 */
function searchEdges(t: Float64Array, x: number): number {
  let base = 0;
  let n = t.length;
  while (n > 1) {
    const half = n >> 1;
    base += +!(x <= t[base + half - 1]!) * half;
    n -= half;
  }
  return base + +!(x <= t[base]!);
}

/**
 * Per column, its sorted distinct values when it has at most FEW of them and no NaN, else null: one pass
 * over the row-major matrix for all columns.
 */
function fewDistinct(X: Matrix): (number[] | null)[] {
  const { rows, cols, data } = X;
  const seen = new Float64Array(cols * FEW);
  const count = new Int32Array(cols);
  const out = new Uint8Array(cols); // 1: more than FEW values or a NaN
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) {
      if (out[j]) continue;
      const v = data[o + j]!;
      if (v !== v) {
        out[j] = 1;
        continue;
      }
      const s0 = j * FEW;
      const n = count[j]!;
      let k = 0;
      while (k < n && seen[s0 + k] !== v) k++;
      if (k < n) continue;
      if (n === FEW) {
        out[j] = 1;
        continue;
      }
      seen[s0 + n] = v;
      count[j] = n + 1;
    }
  }
  return Array.from({ length: cols }, (_, j) => (out[j] ? null : Array.from(seen.subarray(j * FEW, j * FEW + count[j]!)).sort((a, b) => a - b)));
}

function midpoints(few: readonly number[]): Float64Array {
  const cuts = new Float64Array(Math.max(0, few.length - 1));
  for (let b = 0; b + 1 < few.length; b++) cuts[b] = (few[b]! + few[b + 1]!) / 2;
  return cuts;
}

function cutsOf(col: Float64Array, maxBins: number): Float64Array {
  const rows = col.length;
  const sorted = Float64Array.from(col).sort();
  const uniq: number[] = [];
  for (let i = 0; i < rows; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) uniq.push(sorted[i]!);
  let cuts: number[];
  if (uniq.length <= maxBins) {
    cuts = [];
    for (let b = 0; b + 1 < uniq.length; b++) cuts.push((uniq[b]! + uniq[b + 1]!) / 2);
  } else {
    // Quantile cuts on the data, snapped to midpoints between distinct values so no bin is empty.
    const set = new Set<number>();
    for (let q = 1; q < maxBins; q++) {
      const pos = Math.floor((q / maxBins) * rows);
      const v = sorted[Math.min(pos, rows - 1)]!;
      const k = upperIndex(uniq, v);
      if (k + 1 < uniq.length) set.add((uniq[k]! + uniq[k + 1]!) / 2);
    }
    cuts = [...set].sort((a, b) => a - b);
  }
  return Float64Array.from(cuts);
}

/** Index of v in sorted unique values. */
function upperIndex(uniq: readonly number[], v: number): number {
  let lo = 0;
  let hi = uniq.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (uniq[mid]! <= v) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
