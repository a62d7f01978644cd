import { assertNever } from '../errors.js';

/** The bad-rate shape the optimal bins must follow. */
export type ResolvedTrend = 'ascending' | 'descending' | 'peak' | 'valley' | 'none';

export interface MergeOptions {
  readonly trend: ResolvedTrend;
  /** Fewest rows in a merged bin. @default 0 */
  readonly minBinCount?: number;
}

/**
 * The IV-maximising merge of contiguous pre-bins under a bad-rate trend and a minimum bin size, solved
 * exactly by dynamic programming over "the last bin is pre-bins j..i" (plus, for peak and valley, which
 * side of the turn it is on). IV is a sum over bins, so the best partition of pre-bins 0..i ending in bin
 * j..i is that bin's IV plus the best compatible partition of 0..j-1: optbinning's CP/MIP formulation
 * without a solver or a time limit, for the ≤ 20 pre-bins it is used with (O(n³)).
 *
 * As optbinning, bad rates are compared as int(rate · 10⁶) and, for ascending and descending, a boundary
 * is ruled out up front where optbinning's model pre-processing rules it out (cp.py), so the optimum is
 * the one optbinning finds. Returns, per pre-bin, whether a bin ends there (the last one always does).
 */
export function mergePrebins(good: readonly number[], bad: readonly number[], options: MergeOptions): boolean[] {
  const { trend, minBinCount = 0 } = options;
  const n = good.length;
  if (n === 0) return [];
  const g = prefix(good);
  const b = prefix(bad);
  const tg = g[n]!;
  const tb = b[n]!;
  const rate = (j: number, i: number): number => {
    const nb = b[i + 1]! - b[j]!;
    return Math.trunc((nb / (nb + g[i + 1]! - g[j]!)) * 1e6);
  };
  const iv = (j: number, i: number): number => {
    const p = (b[i + 1]! - b[j]!) / tb;
    const q = (g[i + 1]! - g[j]!) / tg;
    return p === q ? 0 : (p - q) * Math.log(p / q);
  };
  const size = (j: number, i: number): number => b[i + 1]! - b[j]! + g[i + 1]! - g[j]!;
  const canEnd = boundaries(n, trend, rate);

  // best[phase][j][i]: best IV of pre-bins 0..i whose last bin is j..i; phase 1 = past the turn (peak/valley).
  const phases = trend === 'peak' || trend === 'valley' ? 2 : 1;
  const NONE = -Infinity;
  const best = Array.from({ length: phases }, () => Array.from({ length: n }, () => new Float64Array(n).fill(NONE)));
  const from = Array.from({ length: phases }, () => Array.from({ length: n }, () => new Int32Array(n * 2).fill(-1)));
  const fits = (prev: number, cur: number, rising: boolean | null): boolean => rising === null || (rising ? prev <= cur : prev >= cur);
  for (let i = 0; i < n; i++) {
    if (i < n - 1 && !canEnd[i]) continue;
    for (let j = 0; j <= i; j++) {
      if (size(j, i) < minBinCount) continue;
      const value = iv(j, i);
      if (j === 0) {
        for (let ph = 0; ph < phases; ph++) best[ph]![j]![i] = value;
        continue;
      }
      const cur = rate(j, i);
      for (let ph = 0; ph < phases; ph++) {
        let top = NONE;
        let arg = -1;
        let argPh = -1;
        for (let k = 0; k < j; k++) {
          for (let pp = 0; pp <= ph; pp++) {
            const prev = best[pp]![k]![j - 1]!;
            if (prev === NONE || prev <= top) continue;
            // Within a phase the rates follow its direction; crossing from phase 0 to 1 is the turn, free.
            if (pp === ph && !fits(rate(k, j - 1), cur, risingIn(trend, ph))) continue;
            [top, arg, argPh] = [prev, k, pp];
          }
        }
        if (arg >= 0) {
          best[ph]![j]![i] = top + value;
          from[ph]![j]![2 * i] = arg;
          from[ph]![j]![2 * i + 1] = argPh;
        }
      }
    }
  }
  let top = NONE;
  let at = { ph: -1, j: -1 };
  for (let ph = 0; ph < phases; ph++)
    for (let j = 0; j < n; j++) if (best[ph]![j]![n - 1]! > top) [top, at] = [best[ph]![j]![n - 1]!, { ph, j }];
  const ends = new Array<boolean>(n).fill(false);
  ends[n - 1] = true;
  // Infeasible (no partition meets the constraints): one bin, as optbinning falls back to.
  if (at.j < 0) return ends;
  let { ph, j } = at;
  let i = n - 1;
  while (j > 0) {
    const k = from[ph]![j]![2 * i]!;
    const pk = from[ph]![j]![2 * i + 1]!;
    ends[j - 1] = true;
    i = j - 1;
    [ph, j] = [pk, k];
  }
  return ends;
}

/** Whether rates rise within phase `ph` of the trend; 'none' places no constraint (treated as always fitting). */
function risingIn(trend: ResolvedTrend, ph: number): boolean | null {
  switch (trend) {
    case 'ascending':
      return true;
    case 'descending':
      return false;
    case 'peak':
      return ph === 0;
    case 'valley':
      return ph !== 0;
    case 'none':
      return null;
    default:
      return assertNever(trend);
  }
}

function prefix(x: readonly number[]): Float64Array {
  const out = new Float64Array(x.length + 1);
  for (let i = 0; i < x.length; i++) out[i + 1] = out[i]! + x[i]!;
  return out;
}

/**
 * Which pre-bins may end a bin. optbinning's CP model (cp.py, "Preprocessing") forbids, for an ascending
 * trend, a boundary after pre-bin i when pre-bins i and i+1 together have a higher bad rate than i+1 alone,
 * and then after i+j whenever i..i+1+j together beat i+1+j alone (mirrored for descending).
 */
function boundaries(n: number, trend: ResolvedTrend, rate: (j: number, i: number) => number): boolean[] {
  const ok = new Array<boolean>(n).fill(true);
  if (trend !== 'ascending' && trend !== 'descending') return ok;
  const wrong = (a: number, c: number): boolean => (trend === 'ascending' ? a - c > 0 : a - c < 0);
  for (let i = 0; i < n - 1; i++) {
    if (!wrong(rate(i, i + 1), rate(i + 1, i + 1))) continue;
    ok[i] = false;
    for (let j = 0; j < n - i - 1; j++) if (wrong(rate(i, i + 1 + j), rate(i + 1 + j, i + 1 + j))) ok[i + j] = false;
  }
  return ok;
}
