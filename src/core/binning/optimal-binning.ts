import { autoTrend } from './auto-trend.js';
import { cartPrebinning } from './cart-prebinning.js';
import { mergePrebins, type ResolvedTrend } from './optimize.js';
import { type BinStats, tableStats } from './table.js';

/** The bad-rate trend asked of a column's bins; `auto` lets optbinning's shape classifier choose. */
export type MonotonicTrend = 'auto' | ResolvedTrend;
export const MONOTONIC_TRENDS: readonly MonotonicTrend[] = ['auto', 'ascending', 'descending', 'peak', 'valley', 'none'];

export interface BinningOptions {
  /** Most pre-bins of the CART pre-binning. @default 20 */
  readonly maxPrebins?: number;
  /** Smallest pre-bin, as a share of all rows. @default 0.05 */
  readonly minPrebinSize?: number;
  /** Smallest optimal bin as a share of all rows; null: no limit. @default null */
  readonly minBinSize?: number | null;
  /** Bad-rate trend of numeric columns (categorical levels are ordered by bad rate, so theirs ascends). @default 'auto' */
  readonly trend?: MonotonicTrend;
}

/** One row of a binning table. */
export interface BinRow extends BinStats {
  /** Printable label: `[a, b)`, the levels, `Special` or `Missing`. */
  readonly bin: string;
  /** Numeric bins: bounds, null for ±∞ and for the special and missing bins. */
  readonly lower?: number | null;
  readonly upper?: number | null;
  /** Categorical bins: the levels grouped in it. */
  readonly levels?: readonly string[];
}

interface BinningCommon {
  readonly column: string;
  readonly bins: readonly BinRow[];
  readonly iv: number;
  readonly gini: number;
  readonly js: number;
  readonly trend: ResolvedTrend;
}

/** A numeric column's bins: [-∞, s₁), [s₁, s₂), …, [s_k, ∞), then special values, then missing. */
export interface NumericBinning extends BinningCommon {
  readonly kind: 'numeric';
  readonly splits: readonly number[];
  readonly special: readonly number[];
}

/** A categorical column's bins: groups of levels in ascending bad rate, then special levels, then missing. */
export interface CategoricalBinning extends BinningCommon {
  readonly kind: 'categorical';
  readonly groups: readonly (readonly string[])[];
  readonly special: readonly string[];
}

export type ColumnBinning = NumericBinning | CategoricalBinning;

/** Optimal bins of a numeric column (NaN = missing) against 0/1 `y` (1 = bad). */
export function binNumeric(column: string, x: Float64Array, y: Uint8Array, options: BinningOptions = {}, special: readonly number[] = []): NumericBinning {
  const { maxPrebins = 20, minPrebinSize = 0.05, minBinSize = null, trend = 'auto' } = options;
  const n = x.length;
  const isSpecial = new Set(special);
  const clean: number[] = [];
  for (let i = 0; i < n; i++) if (!Number.isNaN(x[i]!) && !isSpecial.has(x[i]!)) clean.push(i);
  const xc = Float64Array.from(clean, (i) => x[i]!);
  const yc = Uint8Array.from(clean, (i) => y[i]!);
  // Shares are of all rows, missing and special included, as optbinning counts them.
  const prebins = cartPrebinning(xc, yc, { maxBins: maxPrebins, minBinCount: Math.ceil(minPrebinSize * n) });
  const refined = refinePrebins(prebins, xc, yc);
  const resolved = resolveTrend(trend, refined.good, refined.bad);
  const ends = refined.good.length <= 1 ? [] : mergePrebins(refined.good, refined.bad, { trend: resolved, minBinCount: minBinSize === null ? 0 : Math.ceil(minBinSize * n) });
  const splits = refined.splits.filter((_, k) => ends[k]);
  const k = splits.length + 1;
  const good = new Array<number>(k + 2).fill(0);
  const bad = new Array<number>(k + 2).fill(0);
  for (let i = 0; i < n; i++) {
    const b = numericBin(splits, isSpecial, x[i]!);
    if (y[i] === 1) bad[b]!++;
    else good[b]!++;
  }
  const stats = tableStats(good, bad);
  const bounds = [-Infinity, ...splits, Infinity];
  const bins: BinRow[] = stats.bins.map((s, b) => {
    if (b === k) return { bin: 'Special', lower: null, upper: null, ...s };
    if (b === k + 1) return { bin: 'Missing', lower: null, upper: null, ...s };
    const lo = bounds[b]!;
    const hi = bounds[b + 1]!;
    return { bin: `[${formatBound(lo)}, ${formatBound(hi)})`, lower: Number.isFinite(lo) ? lo : null, upper: Number.isFinite(hi) ? hi : null, ...s };
  });
  return { kind: 'numeric', column, splits, special, bins, iv: stats.iv, gini: stats.gini, js: stats.js, trend: resolved };
}

/**
 * Optimal groups of a categorical column (null = missing): levels ordered by bad rate become positions
 * 0..L-1, which are pre-binned and merged as a numeric column with an ascending trend ('none' keeps it free),
 * as optbinning does.
 */
export function binCategorical(column: string, x: readonly (string | null)[], y: Uint8Array, options: BinningOptions = {}, special: readonly string[] = []): CategoricalBinning {
  const { trend = 'auto' } = options;
  const isSpecial = new Set(special);
  const tally = new Map<string, { n: number; bad: number }>();
  x.forEach((v, i) => {
    if (v === null || isSpecial.has(v)) return;
    const t = tally.get(v) ?? { n: 0, bad: 0 };
    t.n++;
    t.bad += y[i]!;
    tally.set(v, t);
  });
  const levels = [...tally.keys()].sort((a, b) => {
    const ra = tally.get(a)!.bad / tally.get(a)!.n;
    const rb = tally.get(b)!.bad / tally.get(b)!.n;
    return ra - rb || (a < b ? -1 : a > b ? 1 : 0);
  });
  const position = new Map(levels.map((l, i) => [l, i]));
  const asNumber = Float64Array.from(x, (v) => (v === null ? NaN : isSpecial.has(v) ? -1 : position.get(v)!));
  const numeric = binNumeric(column, asNumber, y, { ...options, trend: trend === 'none' ? 'none' : 'ascending' }, special.length > 0 ? [-1] : []);
  const groups: string[][] = numeric.splits.length + 1 > 0 ? Array.from({ length: numeric.splits.length + 1 }, () => []) : [];
  levels.forEach((l, i) => groups[numericBin(numeric.splits, new Set(), i)]!.push(l));
  const bins = numeric.bins.map((b, i): BinRow => {
    const { lower: _l, upper: _u, ...rest } = b;
    return i < groups.length ? { ...rest, bin: groups[i]!.join(', '), levels: groups[i]! } : rest;
  });
  return { kind: 'categorical', column, groups, special, bins, iv: numeric.iv, gini: numeric.gini, js: numeric.js, trend: numeric.trend };
}

/** The bin index of a value: splits, then special, then missing; -1 for a categorical level never seen in fitting. */
export function binOf(binning: ColumnBinning, value: number | string | null): number {
  if (binning.kind === 'numeric') {
    const v = typeof value === 'number' ? value : value === null ? NaN : Number(value);
    return numericBin(binning.splits, new Set(binning.special), v);
  }
  const k = binning.groups.length;
  if (value === null) return k + 1;
  const s = String(value);
  if (binning.special.includes(s)) return k;
  const g = binning.groups.findIndex((levels) => levels.includes(s));
  return g;
}

function numericBin(splits: readonly number[], special: ReadonlySet<number>, v: number): number {
  const k = splits.length + 1;
  if (Number.isNaN(v)) return k + 1;
  if (special.has(v)) return k;
  // numpy.digitize(right=False): a value equal to a split goes right of it.
  let lo = 0;
  let hi = splits.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (splits[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function resolveTrend(trend: MonotonicTrend, good: readonly number[], bad: readonly number[]): ResolvedTrend {
  if (trend !== 'auto') return trend;
  return good.length <= 1 ? 'none' : autoTrend(good, bad);
}

/**
 * Counts per pre-bin, after merging away pre-bins with no good or no bad rows (their WoE is infinite):
 * each such pre-bin drops the split on its right (the last drops the one on its left), repeated until none
 * is left, as optbinning's pre-binning refinement.
 */
function refinePrebins(splits0: readonly number[], x: Float64Array, y: Uint8Array): { splits: number[]; good: number[]; bad: number[] } {
  let splits = [...splits0];
  for (;;) {
    const good = new Array<number>(splits.length + 1).fill(0);
    const bad = new Array<number>(splits.length + 1).fill(0);
    for (let i = 0; i < x.length; i++) {
      const b = numericBin(splits, new Set(), x[i]!);
      if (y[i] === 1) bad[b]!++;
      else good[b]!++;
    }
    if (splits.length === 0) return { splits, good, bad };
    const pure = good.map((g, b) => g === 0 || bad[b] === 0);
    if (!pure.some(Boolean)) return { splits, good, bad };
    const m = splits.length;
    splits = splits.filter((_, s) => !(s < m - 1 ? pure[s] : pure[m - 1] || pure[m]));
  }
}

/** A bin bound as its label shows it: six significant digits, ±inf for unbounded. */
export function formatBound(v: number): string {
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  return String(Number(v.toPrecision(6)));
}
