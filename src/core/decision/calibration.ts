import type { Matrix } from '../matrix.js';
import type { Model } from '../models/model.js';
import { plattFit } from '../models/svm.js';
import { Rng } from '../random.js';

export type CalibrationMethod = 'none' | 'sigmoid' | 'isotonic' | 'auto';

/** A fitted map from a model's p(bad) to a calibrated p(bad); plain data, stored in the model bundle. */
export type Calibrator =
  | { readonly method: 'none' }
  /** Platt on the log-odds: p' = 1 / (1 + exp(A·logit(p) + B)). */
  | { readonly method: 'sigmoid'; readonly A: number; readonly B: number }
  /** Isotonic (pool adjacent violators): increasing x, non-decreasing y, linear in between, flat outside. */
  | { readonly method: 'isotonic'; readonly x: readonly number[]; readonly y: readonly number[] };

const EPS = 1e-15;

export function logit(p: number): number {
  const q = Math.min(Math.max(p, EPS), 1 - EPS);
  return Math.log(q / (1 - q));
}

export function calibrate(c: Calibrator, p: number): number {
  if (c.method === 'none') return p;
  if (c.method === 'sigmoid') return 1 / (1 + Math.exp(c.A * logit(p) + c.B));
  const { x, y } = c;
  if (p <= x[0]!) return y[0]!;
  if (p >= x[x.length - 1]!) return y[y.length - 1]!;
  let lo = 0;
  let hi = x.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (x[mid]! <= p) lo = mid;
    else hi = mid;
  }
  return y[lo]! + ((p - x[lo]!) * (y[hi]! - y[lo]!)) / (x[hi]! - x[lo]!);
}

function fitSigmoid(p: ArrayLike<number>, y: ArrayLike<number>): Calibrator {
  const { A, B } = plattFit(Array.from(p, logit), y);
  return { method: 'sigmoid', A, B };
}

/** Isotonic regression of y on p (scikit-learn's IsotonicRegression, increasing, clipped outside the range). */
function fitIsotonic(p: ArrayLike<number>, y: ArrayLike<number>): Calibrator {
  const order = Array.from({ length: p.length }, (_, i) => i).sort((a, b) => p[a]! - p[b]!);
  // Equal p values are one point (their mean outcome, weighted by count), then pool adjacent violators.
  const blocks: { lo: number; hi: number; sum: number; w: number }[] = [];
  for (let i = 0; i < order.length;) {
    let j = i;
    let sum = 0;
    while (j < order.length && p[order[j]!] === p[order[i]!]) sum += y[order[j++]!]!;
    blocks.push({ lo: p[order[i]!]!, hi: p[order[i]!]!, sum, w: j - i });
    while (blocks.length > 1) {
      const b = blocks[blocks.length - 1]!;
      const a = blocks[blocks.length - 2]!;
      if (a.sum / a.w <= b.sum / b.w) break;
      blocks.splice(blocks.length - 2, 2, { lo: a.lo, hi: b.hi, sum: a.sum + b.sum, w: a.w + b.w });
    }
    i = j;
  }
  const xs: number[] = [];
  const ys: number[] = [];
  for (const b of blocks) {
    xs.push(b.lo);
    ys.push(b.sum / b.w);
    if (b.hi > b.lo) {
      xs.push(b.hi);
      ys.push(b.sum / b.w);
    }
  }
  return { method: 'isotonic', x: xs, y: ys };
}

export function brierScore(p: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) s += (p[i]! - y[i]!) ** 2;
  return s / p.length;
}

function fitMethod(method: Exclude<CalibrationMethod, 'auto'>, p: ArrayLike<number>, y: ArrayLike<number>): Calibrator {
  return method === 'none' ? { method: 'none' } : method === 'sigmoid' ? fitSigmoid(p, y) : fitIsotonic(p, y);
}

/**
 * Fits a calibrator on out-of-fold predictions (never on test rows). `auto` picks none, sigmoid or isotonic by
 * the lowest Brier score in a seeded 5-fold cross-validation over those predictions, then refits it on all.
 */
export function fitCalibrator(method: CalibrationMethod, p: ArrayLike<number>, y: ArrayLike<number>, seed: number): { calibrator: Calibrator; cv_brier: Partial<Record<Exclude<CalibrationMethod, 'auto'>, number>> } {
  if (method !== 'auto') return { calibrator: fitMethod(method, p, y), cv_brier: {} };
  const n = p.length;
  const order = Rng.derive(seed, 'calibration').shuffle(Array.from({ length: n }, (_, i) => i));
  const cvBrier: Record<Exclude<CalibrationMethod, 'auto'>, number> = { none: 0, sigmoid: 0, isotonic: 0 };
  for (const m of ['none', 'sigmoid', 'isotonic'] as const) {
    let total = 0;
    for (let k = 0; k < 5; k++) {
      const held = order.filter((_, i) => i % 5 === k);
      const fit = order.filter((_, i) => i % 5 !== k);
      const c = fitMethod(m, fit.map((i) => p[i]!), fit.map((i) => y[i]!));
      for (const i of held) total += (calibrate(c, p[i]!) - y[i]!) ** 2;
    }
    cvBrier[m] = total / n;
  }
  const best = (['none', 'sigmoid', 'isotonic'] as const).reduce((a, b) => (cvBrier[b] < cvBrier[a] ? b : a));
  return { calibrator: fitMethod(best, p, y), cv_brier: cvBrier };
}

export interface ReliabilityBin {
  readonly from: number;
  readonly to: number;
  readonly n: number;
  readonly mean_p: number;
  readonly observed: number;
}

export interface CalibrationReport {
  readonly brier: number;
  readonly log_loss: number;
  /** Expected calibration error: Σ share of rows × |mean p − observed bad rate| over 10 equal-width bins. */
  readonly ece: number;
  readonly bins: readonly ReliabilityBin[];
}

export function calibrationReport(p: ArrayLike<number>, y: ArrayLike<number>): CalibrationReport {
  const n = p.length;
  let logLoss = 0;
  const acc = Array.from({ length: 10 }, () => ({ n: 0, p: 0, y: 0 }));
  for (let i = 0; i < n; i++) {
    const q = Math.min(Math.max(p[i]!, EPS), 1 - EPS);
    logLoss -= y[i]! ? Math.log(q) : Math.log(1 - q);
    const b = acc[Math.min(9, Math.floor(p[i]! * 10))]!;
    b.n++;
    b.p += p[i]!;
    b.y += y[i]!;
  }
  const bins = acc.map((b, k) => ({ from: k / 10, to: (k + 1) / 10, n: b.n, mean_p: b.n ? b.p / b.n : NaN, observed: b.n ? b.y / b.n : NaN }));
  const ece = bins.reduce((s, b) => s + (b.n ? (b.n / n) * Math.abs(b.mean_p - b.observed) : 0), 0);
  return { brier: brierScore(p, y), log_loss: logLoss / n, ece, bins };
}

/** The model with its calibrator applied to p(bad); reasons stay in the model's own units. */
export function calibratedModel(model: Model, c: Calibrator | undefined): Model {
  if (!c || c.method === 'none') return model;
  return {
    family: model.family,
    predictProba: (X) => model.predictProba(X).map((p) => calibrate(c, p)),
    contributions: (X, row, baseline) => model.contributions(X, row, baseline),
    ...(model.explain ? { explain: (X: Matrix, baseline: ArrayLike<number>, contribs: Float64Array) => model.explain!(X, baseline, contribs).map((p) => calibrate(c, p)) } : {}),
    ...(model.treeExplainer ? { treeExplainer: (refs: Matrix | null) => model.treeExplainer!(refs) } : {}),
    toJSON: () => model.toJSON(),
  };
}
