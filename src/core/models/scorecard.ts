import { binCategorical, binNumeric, binOf, type MonotonicTrend } from '../binning/optimal-binning.js';
import type { ResolvedTrend } from '../binning/optimize.js';
import type { Matrix } from '../matrix.js';
import { fitLogistic } from './logreg.js';
import { type FamilyEngine, type Model, type ModelState, fitEach, num, numOrNull, sigmoid, str } from './model.js';

/**
 * One characteristic of a scorecard: a scalar feature cut at `splits`, or a one-hot block whose levels
 * (the column that is 1) are grouped by bad rate. WoE per bin is ln(good share / bad share), so a higher
 * WoE is a safer bin.
 */
export interface Characteristic {
  readonly kind: 'scalar' | 'onehot';
  /** Feature columns: one for a scalar, the block for one-hot. */
  readonly columns: readonly number[];
  /** Scalar: bin b holds splits[b-1] <= x < splits[b]. */
  readonly splits: readonly number[];
  /** One-hot: the bin of each column of the block (a row with no 1, an unseen level, gets WoE 0). */
  readonly groupOf: readonly number[];
  readonly woe: readonly number[];
  readonly iv: number;
  readonly trend: ResolvedTrend;
}

export interface ScorecardState extends ModelState {
  readonly family: 'scorecard';
  readonly characteristics: readonly Characteristic[];
  /** Indices of the characteristics in the regression (IV at or above the threshold). */
  readonly selected: readonly number[];
  /** Coefficient per selected characteristic, on its WoE (log-odds of bad). */
  readonly coef: readonly number[];
  readonly intercept: number;
}

/**
 * A scorecard: optimal bins per characteristic (fitted on the rows it is given, so inside cross-validation
 * on the training folds only), WoE per bin, characteristics kept by IV, and an L2 logistic regression on
 * their WoE. Its log-odds are a sum over characteristics of coefficient × bin WoE, which is what makes it a
 * points table (core/scorecard).
 */
export class ScorecardModel implements Model {
  readonly family = 'scorecard' as const;
  constructor(readonly state: ScorecardState) {}

  /** The bin of characteristic c for row i of X (-1: a one-hot row with no level set). */
  binOfRow(c: Characteristic, X: Matrix, i: number): number {
    const o = i * X.cols;
    if (c.kind === 'scalar') return scalarBin(c.splits, X.data[o + c.columns[0]!]!);
    for (let d = 0; d < c.columns.length; d++) if (X.data[o + c.columns[d]!]! === 1) return c.groupOf[d]!;
    return -1;
  }

  /** Log-odds term coefficient × WoE of each selected characteristic for row i. */
  private terms(X: Matrix, i: number, out: Float64Array): void {
    const { characteristics, selected, coef } = this.state;
    for (let s = 0; s < selected.length; s++) {
      const c = characteristics[selected[s]!]!;
      const b = this.binOfRow(c, X, i);
      out[s] = coef[s]! * (b < 0 ? 0 : c.woe[b]!);
    }
  }

  predictProba(X: Matrix): Float64Array {
    const out = new Float64Array(X.rows);
    const t = new Float64Array(this.state.selected.length);
    for (let i = 0; i < X.rows; i++) {
      this.terms(X, i, t);
      let z = this.state.intercept;
      for (const v of t) z += v;
      out[i] = sigmoid(z);
    }
    return out;
  }

  /**
   * Log-odds each characteristic costs this row against its best bin (≥ 0; the points it lost, in
   * log-odds), on the characteristic's first column. Adverse-action reasons for a scorecard are the
   * characteristics that lost most points, so the mean applicant (`baseline`) is not the reference here.
   */
  contributions(X: Matrix, row: number): Float64Array {
    const out = new Float64Array(X.cols);
    const { characteristics, selected, coef } = this.state;
    const t = new Float64Array(selected.length);
    this.terms(X, row, t);
    for (let s = 0; s < selected.length; s++) {
      const c = characteristics[selected[s]!]!;
      out[c.columns[0]!] = t[s]! - bestTerm(coef[s]!, c.woe);
    }
    return out;
  }

  toJSON(): ScorecardState {
    return this.state;
  }
}

/** The lowest log-odds term a characteristic can give (its best bin). */
export function bestTerm(coef: number, woe: readonly number[]): number {
  let best = Infinity;
  for (const w of woe) best = Math.min(best, coef * w);
  return best;
}

function scalarBin(splits: readonly number[], v: number): number {
  let b = 0;
  while (b < splits.length && v >= splits[b]!) b++;
  return b;
}

/**
 * Contiguous blocks of 0/1 columns in which every training row has exactly one 1: the one-hot encoding of
 * a categorical column (the preprocessor writes each block side by side). Everything else is a scalar.
 */
export function characteristicColumns(X: Matrix): { kind: 'scalar' | 'onehot'; columns: number[] }[] {
  const { rows, cols, data } = X;
  const isIndicator = (j: number): boolean => {
    for (let i = 0; i < rows; i++) {
      const v = data[i * cols + j]!;
      if (v !== 0 && v !== 1) return false;
    }
    return true;
  };
  const out: { kind: 'scalar' | 'onehot'; columns: number[] }[] = [];
  const sums = new Float64Array(rows);
  let j = 0;
  while (j < cols) {
    if (!isIndicator(j)) {
      out.push({ kind: 'scalar', columns: [j] });
      j++;
      continue;
    }
    sums.fill(0);
    let end = j;
    let complete = -1;
    while (end < cols && isIndicator(end)) {
      let over = false;
      let all = true;
      for (let i = 0; i < rows; i++) {
        const s = sums[i]! + data[i * cols + end]!;
        if (s > 1) over = true;
        if (s !== 1) all = false;
      }
      if (over) break;
      for (let i = 0; i < rows; i++) sums[i]! += data[i * cols + end]!;
      end++;
      if (all) {
        complete = end;
        break;
      }
    }
    if (complete > j + 1) {
      out.push({ kind: 'onehot', columns: Array.from({ length: complete - j }, (_, k) => j + k) });
      j = complete;
    } else {
      out.push({ kind: 'scalar', columns: [j] });
      j++;
    }
  }
  return out;
}

export interface ScorecardOptions {
  readonly C: number;
  readonly minBinSize: number | null;
  readonly trend: MonotonicTrend;
  readonly ivThreshold: number;
}

export function fitScorecard(X: Matrix, y: Uint8Array, opts: ScorecardOptions): ScorecardModel {
  const binning = { minBinSize: opts.minBinSize, trend: opts.trend };
  const characteristics: Characteristic[] = characteristicColumns(X).map((cc) => {
    if (cc.kind === 'scalar') {
      const j = cc.columns[0]!;
      const x = Float64Array.from({ length: X.rows }, (_, i) => X.data[i * X.cols + j]!);
      const b = binNumeric(`x${j}`, x, y, binning);
      return { kind: 'scalar', columns: cc.columns, splits: b.splits, groupOf: [], woe: b.bins.slice(0, b.splits.length + 1).map((r) => r.woe), iv: b.iv, trend: b.trend };
    }
    const levels = Array.from({ length: X.rows }, (_, i) => {
      const d = cc.columns.findIndex((j) => X.data[i * X.cols + j] === 1);
      return d < 0 ? null : String(d);
    });
    const b = binCategorical(`x${cc.columns[0]}`, levels, y, binning);
    const groupOf = cc.columns.map((_, d) => Math.max(0, binOf(b, String(d))));
    return { kind: 'onehot', columns: cc.columns, splits: [], groupOf, woe: b.bins.slice(0, b.groups.length).map((r) => r.woe), iv: b.iv, trend: b.trend };
  });
  let selected = characteristics.flatMap((c, k) => (c.iv >= opts.ivThreshold && c.woe.some((w) => w !== 0) ? [k] : []));
  // A scorecard needs one characteristic at least: the strongest, if none reaches the threshold.
  if (selected.length === 0) selected = [characteristics.reduce((best, c, k) => (c.iv > characteristics[best]!.iv ? k : best), 0)];
  const proto = new ScorecardModel({ family: 'scorecard', characteristics, selected, coef: selected.map(() => 0), intercept: 0 });
  const woeOf = (k: number, i: number): number => {
    const c = characteristics[k]!;
    const b = proto.binOfRow(c, X, i);
    return b < 0 ? 0 : c.woe[b]!;
  };
  // The bins' trend must carry into the points: a characteristic whose coefficient on WoE comes out ≥ 0
  // (collinearity can flip it) would give a safer bin fewer points, so it leaves and the rest are refitted.
  for (;;) {
    const W = new Float64Array(X.rows * selected.length);
    for (let i = 0; i < X.rows; i++) selected.forEach((k, s) => (W[i * selected.length + s] = woeOf(k, i)));
    const { coef, intercept } = fitLogistic({ rows: X.rows, cols: selected.length, data: W }, y, opts.C, new Float64Array(X.rows).fill(1));
    const keep = selected.filter((_, s) => coef[s]! < 0);
    if (keep.length === selected.length || keep.length === 0) return new ScorecardModel({ family: 'scorecard', characteristics, selected, coef: Array.from(coef), intercept });
    selected = keep;
  }
}

export const scorecardEngine: FamilyEngine = {
  family: 'scorecard',
  shareKey: (c) => JSON.stringify(c),
  fit(c, X, y) {
    return fitScorecard(X, y, {
      C: num(c, 'C', 1),
      minBinSize: numOrNull(c, 'min_bin_size', null),
      trend: str(c, 'trend', 'auto') as MonotonicTrend,
      ivThreshold: num(c, 'iv_threshold', 0.02),
    });
  },
  fitGroup(cands, X, y, evals, seed) {
    return fitEach(this, cands, X, y, evals, seed);
  },
  load: (s) => {
    if (s.family !== 'scorecard' || !Array.isArray(s['characteristics'])) throw new Error('not a scorecard state');
    return new ScorecardModel(s as ScorecardState);
  },
};
