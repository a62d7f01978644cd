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

export function binMatrix(X: Matrix, maxBins: number): BinnedMatrix {
  const { rows, cols } = X;
  const codes = new Uint16Array(rows * cols);
  const bins = new Int32Array(cols);
  const thresholds: Float64Array[] = [];
  const col = new Float64Array(rows);
  for (let j = 0; j < cols; j++) {
    for (let i = 0; i < rows; i++) col[i] = X.data[i * cols + j]!;
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
    const t = Float64Array.from(cuts);
    thresholds.push(t);
    bins[j] = t.length + 1;
    for (let i = 0; i < rows; i++) codes[j * rows + i] = binIndex(t, col[i]!);
  }
  return { rows, cols, codes, bins, thresholds };
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
