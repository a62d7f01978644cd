/**
 * A sorted numeric sample as runs of equal values. Drift statistics need only the empirical distribution,
 * so a column of 23M rows with a few hundred distinct values takes a few KB, not 184 MB.
 */
export interface Runs {
  /** Distinct values, ascending. */
  readonly values: Float64Array;
  /** How many times each value occurs. */
  readonly counts: Float64Array;
  /** Sum of counts. */
  readonly n: number;
}

/** Runs of an ascending array. */
export function runsOf(sorted: Float64Array): Runs {
  let d = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) d++;
  const values = new Float64Array(d);
  const counts = new Float64Array(d);
  let k = -1;
  for (let i = 0; i < sorted.length; i++) {
    if (i === 0 || sorted[i] !== sorted[i - 1]) values[++k] = sorted[i]!;
    counts[k]!++;
  }
  return { values, counts, n: sorted.length };
}

export const asRuns = (x: Runs | Float64Array): Runs => (x instanceof Float64Array ? runsOf(x) : x);

/** Runs of two ascending sources: distinct (value, count) pairs and an ascending array, merged. */
export function mergeRuns(pairs: readonly (readonly [number, number])[], sorted: Float64Array): Runs {
  const extra = runsOf(sorted);
  const values: number[] = [];
  const counts: number[] = [];
  let i = 0;
  let j = 0;
  while (i < pairs.length || j < extra.values.length) {
    const a = i < pairs.length ? pairs[i]![0] : Infinity;
    const b = j < extra.values.length ? extra.values[j]! : Infinity;
    const v = Math.min(a, b);
    let c = 0;
    if (a === v) c += pairs[i++]![1];
    if (b === v) c += extra.counts[j++]!;
    values.push(v);
    counts.push(c);
  }
  return { values: Float64Array.from(values), counts: Float64Array.from(counts), n: counts.reduce((s, c) => s + c, 0) };
}

/** The value at position k (0-based) of the expanded sample. */
export function valueAt(r: Runs, k: number): number {
  let seen = 0;
  for (let i = 0; i < r.values.length; i++) {
    seen += r.counts[i]!;
    if (k < seen) return r.values[i]!;
  }
  return r.values[r.values.length - 1] ?? NaN;
}

/** Linear-interpolation quantile (numpy's default), equal to `quantileSorted` on the expanded sample. */
export function quantileRuns(r: Runs, q: number): number {
  if (r.n === 0) return NaN;
  const pos = (r.n - 1) * q;
  const lo = Math.floor(pos);
  const a = valueAt(r, lo);
  const b = valueAt(r, Math.min(lo + 1, r.n - 1));
  return a + (b - a) * (pos - lo);
}
