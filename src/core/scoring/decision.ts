import type { FittedPreprocessor } from '../features/preprocess.js';

/** pdo: points from base_points, base_odds and pdo; minmax: points spread over [min_points, max_points]. */
export type PointsScaleKind = 'pdo' | 'minmax';

export interface PointsScale {
  readonly base_points: number;
  /** good:bad odds at base_points. */
  readonly base_odds: number;
  /** points to double the odds. */
  readonly pdo: number;
  /** @default 300 — the lowest points (scales saved without it use the default). */
  readonly min_points?: number;
  /** @default 850 — the highest points. */
  readonly max_points?: number;
  /**
   * @default 'pdo'. A scorecard's `minmax` is resolved into an equivalent pdo scale (`resolveScale`); on a
   * scale still `minmax` here, points are linear in p(bad): max_points at 0, min_points at 1.
   */
  readonly scale?: PointsScaleKind;
}

/** The p(bad) range a scale maps into [min_points, max_points]: p(bad) outside it is clipped to it. */
export function pBadRange(s: PointsScale): { readonly low: number; readonly high: number } {
  if (s.scale === 'minmax') return { low: 0, high: 1 };
  const factor = s.pdo / Math.LN2;
  // points = base + factor * (log odds(good) - log base_odds)  =>  odds(good) = base_odds * exp((points - base) / factor)
  const pAt = (pts: number): number => 1 / (1 + s.base_odds * Math.exp((pts - s.base_points) / factor));
  return { low: pAt(s.max_points ?? 850), high: pAt(s.min_points ?? 300) };
}

/**
 * Scorecard points: base_points at base_odds (good:bad), +pdo points each time the odds double. p(bad) is
 * clipped to `pBadRange` first, so a model sure of an answer (a pure leaf's 0 or 1) scores at the ends of
 * [min_points, max_points] instead of 1,882 or -1,107.
 */
export function points(pBad: number, s: PointsScale): number {
  const lo = s.min_points ?? 300;
  const hi = s.max_points ?? 850;
  if (s.scale === 'minmax') return Math.min(Math.max(Math.round(hi - (hi - lo) * pBad), lo), hi);
  const { low, high } = pBadRange(s);
  const p = Math.min(Math.max(pBad, low), high);
  const factor = s.pdo / Math.LN2;
  const raw = Math.round(s.base_points + factor * (Math.log((1 - p) / p) - Math.log(s.base_odds)));
  // Rounding at the clipped ends could step one point outside the range.
  return Math.min(Math.max(raw, s.min_points ?? 300), s.max_points ?? 850);
}

export interface Reason {
  readonly column: string;
  readonly value: string;
  readonly effect: number;
  readonly text: string;
}

/** Maps each model feature to the input column it came from (one-hot blocks collapse to one column). */
export class ReasonIndex {
  readonly columns: readonly string[];
  /** Column names in words ("credit_amount" -> "credit amount"), computed once. */
  private readonly words: readonly string[];
  private readonly featureColumn: Int32Array;
  private readonly acc: Float64Array;

  constructor(prep: FittedPreprocessor) {
    const cols: string[] = [];
    const index = new Map<string, number>();
    this.featureColumn = Int32Array.from(prep.featureSources, (src) => {
      let k = index.get(src);
      if (k === undefined) {
        k = cols.length;
        index.set(src, k);
        cols.push(src);
      }
      return k;
    });
    this.columns = cols;
    this.words = cols.map((c) => c.replace(/_/g, ' '));
    this.acc = new Float64Array(cols.length);
  }

  /** Column name in words ("credit_amount" -> "credit amount"). */
  wordsOf(c: number): string {
    return this.words[c]!;
  }

  /**
   * Top reasons for one applicant: per-feature contributions summed per input column, keeping those that
   * pushed p(bad) up, largest first (ties by column name). Writes up to k column indices and their summed
   * effects at `at` in `cols`/`effects` and returns how many there were.
   */
  topInto(contrib: Float64Array, cols: Int32Array, effects: Float64Array, at: number, k = 3): number {
    const acc = this.acc;
    acc.fill(0);
    for (let j = 0; j < contrib.length; j++) acc[this.featureColumn[j]!]! += contrib[j]!;
    let found = 0;
    for (let r = 0; r < k; r++) {
      let best = -1;
      for (let c = 0; c < acc.length; c++) {
        const v = acc[c]!;
        if (v <= 1e-12) continue;
        if (best < 0 || v > acc[best]! || (v === acc[best] && this.columns[c]! < this.columns[best]!)) best = c;
      }
      if (best < 0) break;
      cols[at + found] = best;
      effects[at + found] = acc[best]!;
      acc[best] = 0; // taken: the next pass looks for the runner-up
      found++;
    }
    return found;
  }
}
