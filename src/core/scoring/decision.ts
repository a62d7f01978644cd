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
