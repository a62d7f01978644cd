import type { FittedPreprocessor } from '../features/preprocess.js';

export interface PointsScale {
  readonly base_points: number;
  /** good:bad odds at base_points. */
  readonly base_odds: number;
  /** points to double the odds. */
  readonly pdo: number;
}

/** Scorecard points: base_points at base_odds (good:bad), +pdo points each time the odds double. */
export function points(pBad: number, s: PointsScale): number {
  const p = Math.min(Math.max(pBad, 1e-9), 1 - 1e-9);
  const factor = s.pdo / Math.LN2;
  return Math.round(s.base_points + factor * (Math.log((1 - p) / p) - Math.log(s.base_odds)));
}

export interface Reason {
  readonly column: string;
  readonly value: string;
  readonly effect: number;
  readonly text: string;
}

/**
 * Top reasons for one applicant: per-feature contributions summed over the input column they came from
 * (one-hot blocks become one column), keeping those that pushed p(bad) up, largest first.
 */
export function topReasons(contrib: Float64Array, prep: FittedPreprocessor, values: Readonly<Record<string, string>>, k = 3): Reason[] {
  const byColumn = new Map<string, number>();
  prep.featureSources.forEach((src, j) => byColumn.set(src, (byColumn.get(src) ?? 0) + contrib[j]!));
  return [...byColumn]
    .filter(([, e]) => e > 1e-12)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, k)
    .map(([column, effect]) => ({ column, value: values[column] ?? '', effect, text: `${column.replace(/_/g, ' ')} is ${values[column] ?? 'missing'}` }));
}
