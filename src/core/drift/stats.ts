import { quantileEdges } from '../stats.js';
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
export function quantileBinShares(refSorted: Float64Array, curSorted: Float64Array, bins: number): { edges: number[]; ref: number[]; cur: number[] } {
  const edges = quantileEdges(refSorted, bins);
  const count = (xs: Float64Array): number[] => {
    const c = new Array<number>(edges.length + 1).fill(0);
    // Sorted input: walk the edges once instead of a binary search per value.
    let b = 0;
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i]!;
      while (b < edges.length && x > edges[b]!) b++;
      c[b]!++;
    }
    return c.map((v) => v / Math.max(1, xs.length));
  };
  return { edges, ref: count(refSorted), cur: count(curSorted) };
}

export function numericPsi(refSorted: Float64Array, curSorted: Float64Array, bins: number): number {
  const { ref, cur } = quantileBinShares(refSorted, curSorted, bins);
  return psiFromShares(ref, cur);
}

/** First Wasserstein distance between two sorted samples (SciPy `wasserstein_distance`). */
export function wasserstein(a: Float64Array, b: Float64Array): number {
  let i = 0;
  let j = 0;
  let prev = Math.min(a[0]!, b[0]!);
  let area = 0;
  while (i < a.length || j < b.length) {
    const v = j >= b.length || (i < a.length && a[i]! <= b[j]!) ? a[i]! : b[j]!;
    area += Math.abs(i / a.length - j / b.length) * (v - prev);
    while (i < a.length && a[i] === v) i++;
    while (j < b.length && b[j] === v) j++;
    prev = v;
  }
  return area;
}

/** Population standard deviation (numpy's default, as Evidently's normed Wasserstein uses). */
export function populationStd(sorted: Float64Array): number {
  let m = 0;
  for (const v of sorted) m += v;
  m /= sorted.length;
  let s = 0;
  for (const v of sorted) s += (v - m) ** 2;
  return Math.sqrt(s / sorted.length);
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

