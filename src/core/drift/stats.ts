import { edgesAt } from '../stats.js';
import { asRuns, quantileRuns, type Runs } from './runs.js';

/** A numeric sample: ascending values, or their runs. */
export type Sample = Runs | Float64Array;
import { chi2Sf } from './special.js';

/** Bin shares below this are floored before taking logs (an empty bin would make PSI infinite). */
export const PSI_FLOOR = 1e-4;

/** Population stability index Σ (cur − ref) ln(cur / ref) over matching shares. */
export function psiFromShares(ref: readonly number[], cur: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < ref.length; i++) {
    const r = ref[i]! === 0 ? PSI_FLOOR : ref[i]!;
    const c = cur[i]! === 0 ? PSI_FLOOR : cur[i]!;
    s += (c - r) * Math.log(c / r);
  }
  return s;
}

/** Shares of each sample in bins whose inner edges are the reference's quantiles at k/bins (right-closed, open ends). */
export function quantileBinShares(refSample: Sample, curSample: Sample, bins: number): { edges: number[]; ref: number[]; cur: number[] } {
  const [a, b] = [asRuns(refSample), asRuns(curSample)];
  const edges = edgesAt(bins, (q) => quantileRuns(a, q));
  const count = (r: Runs): number[] => {
    const c = new Array<number>(edges.length + 1).fill(0);
    // Ascending runs: walk the edges once instead of a binary search per value.
    let bin = 0;
    for (let i = 0; i < r.values.length; i++) {
      while (bin < edges.length && r.values[i]! > edges[bin]!) bin++;
      c[bin]! += r.counts[i]!;
    }
    return c.map((v) => v / Math.max(1, r.n));
  };
  return { edges, ref: count(a), cur: count(b) };
}

export function numericPsi(refSorted: Sample, curSorted: Sample, bins: number): number {
  const { ref, cur } = quantileBinShares(refSorted, curSorted, bins);
  return psiFromShares(ref, cur);
}

/** First Wasserstein distance between two samples (SciPy `wasserstein_distance`). */
export function wasserstein(aSample: Sample, bSample: Sample): number {
  const [a, b] = [asRuns(aSample), asRuns(bSample)];
  let i = 0;
  let j = 0;
  let ca = 0;
  let cb = 0;
  let prev = Math.min(a.values[0]!, b.values[0]!);
  let area = 0;
  while (i < a.values.length || j < b.values.length) {
    const v = j >= b.values.length || (i < a.values.length && a.values[i]! <= b.values[j]!) ? a.values[i]! : b.values[j]!;
    area += Math.abs(ca / a.n - cb / b.n) * (v - prev);
    if (i < a.values.length && a.values[i] === v) ca += a.counts[i++]!;
    if (j < b.values.length && b.values[j] === v) cb += b.counts[j++]!;
    prev = v;
  }
  return area;
}

/** Population standard deviation (numpy's default, as Evidently's normed Wasserstein uses). */
export function populationStd(sample: Sample): number {
  const r = asRuns(sample);
  let m = 0;
  for (let i = 0; i < r.values.length; i++) m += r.values[i]! * r.counts[i]!;
  m /= r.n;
  let s = 0;
  for (let i = 0; i < r.values.length; i++) s += r.counts[i]! * (r.values[i]! - m) ** 2;
  return Math.sqrt(s / r.n);
}

/** Aligned category counts of two samples over the union of their categories (sorted). */
export function alignCounts(ref: ReadonlyMap<string, number>, cur: ReadonlyMap<string, number>): { categories: string[]; ref: number[]; cur: number[] } {
  const categories = [...new Set([...ref.keys(), ...cur.keys()])].sort();
  return { categories, ref: categories.map((c) => ref.get(c) ?? 0), cur: categories.map((c) => cur.get(c) ?? 0) };
}

/** Chi-squared test of the 2×k table [ref; cur], with Yates' correction when k = 2 (SciPy `chi2_contingency`). */
export function chi2Contingency(ref: readonly number[], cur: readonly number[]): { statistic: number; pvalue: number; dof: number } {
  const cols = ref.map((r, i) => r + cur[i]!).map((t, i) => ({ t, i })).filter((c) => c.t > 0).map((c) => c.i);
  const k = cols.length;
  const dof = k - 1;
  if (dof <= 0) return { statistic: 0, pvalue: 1, dof: 0 };
  const nr = cols.reduce((a, i) => a + ref[i]!, 0);
  const nc = cols.reduce((a, i) => a + cur[i]!, 0);
  const N = nr + nc;
  let stat = 0;
  for (const i of cols) {
    const colT = ref[i]! + cur[i]!;
    for (const [obs0, rowT] of [[ref[i]!, nr], [cur[i]!, nc]] as const) {
      const exp = (rowT * colT) / N;
      let obs = obs0;
      if (dof === 1) {
        const diff = exp - obs;
        obs += Math.min(0.5, Math.abs(diff)) * Math.sign(diff);
      }
      stat += (obs - exp) ** 2 / exp;
    }
  }
  return { statistic: stat, pvalue: chi2Sf(stat, dof), dof };
}

/** Jensen-Shannon distance with base-2 logs between two count vectors (SciPy `jensenshannon(p, q, base=2)`). */
export function jensenShannon(p0: readonly number[], q0: readonly number[]): number {
  const sp = p0.reduce((a, b) => a + b, 0);
  const sq = q0.reduce((a, b) => a + b, 0);
  let js = 0;
  for (let i = 0; i < p0.length; i++) {
    const p = p0[i]! / sp;
    const q = q0[i]! / sq;
    const m = (p + q) / 2;
    if (p > 0) js += p * Math.log(p / m);
    if (q > 0) js += q * Math.log(q / m);
  }
  return Math.sqrt(Math.max(0, js / Math.LN2 / 2));
}

