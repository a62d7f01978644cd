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
  /** codes[j * rows + i] = bin of row i in feature j. */
  readonly codes: Uint16Array;
  readonly bins: Int32Array;
  /** thresholds[j][b] splits bin b from bin b + 1: x <= t goes left. */
  readonly thresholds: readonly Float64Array[];
}

/** Columns copied out of the row-major matrix per pass: one 64-byte line of each row serves eight. */
const BLOCK = 8;
/** Up to this many distinct values, a column's values are found by a scan instead of a sort. */
const FEW = 16;

export function binMatrix(X: Matrix, maxBins: number): BinnedMatrix {
  const { rows, cols } = X;
  const codes = new Uint16Array(rows * cols);
  const bins = new Int32Array(cols);
  const thresholds: Float64Array[] = [];
  const block = Array.from({ length: Math.min(BLOCK, cols) }, () => new Float64Array(rows));
  for (let j0 = 0; j0 < cols; j0 += BLOCK) {
    const width = Math.min(BLOCK, cols - j0);
    for (let i = 0; i < rows; i++) for (let b = 0; b < width; b++) block[b]![i] = X.data[i * cols + j0 + b]!;
    for (let b = 0; b < width; b++) {
      const j = j0 + b;
      const col = block[b]!;
      const t = cutsOf(col, maxBins);
      thresholds.push(t);
      bins[j] = t.length + 1;
      const base = j * rows;
      if (t.length === 1) {
        const t0 = t[0]!;
        for (let i = 0; i < rows; i++) codes[base + i] = +!(col[i]! <= t0); // binIndex with one edge (NaN above it)
      } else for (let i = 0; i < rows; i++) codes[base + i] = binIndex(t, col[i]!);
    }
  }
  return { rows, cols, codes, bins, thresholds };
}

/** The sorted distinct values of a column with at most FEW of them (and no NaN), else null. */
function fewDistinct(col: Float64Array): number[] | null {
  const seen: number[] = [];
  for (let i = 0; i < col.length; i++) {
    const v = col[i]!;
    if (v !== v) return null;
    if (seen.includes(v)) continue;
    if (seen.length === FEW) return null;
    seen.push(v);
  }
  return seen.sort((a, b) => a - b);
}

function cutsOf(col: Float64Array, maxBins: number): Float64Array {
  const rows = col.length;
  const few = fewDistinct(col);
  if (few && few.length <= maxBins) {
    const cuts = new Float64Array(Math.max(0, few.length - 1));
    for (let b = 0; b + 1 < few.length; b++) cuts[b] = (few[b]! + few[b + 1]!) / 2;
    return cuts;
  }
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
