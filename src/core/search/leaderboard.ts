import { brier, costOptimalThreshold, confusionAt, expectedCost, ksStatistic, rocAuc, type CostMatrix } from '../metrics/classification.js';
import { FAMILIES, type Candidate, type Family } from '../params/grids.js';
import type { SelectionMetric } from '../params/params.js';
import { mean, std } from '../stats.js';

/** The cross-validated result of one candidate. */
export interface CandidateResult {
  readonly family: Family;
  /** Position in the family's grid (ParameterGrid order). */
  readonly index: number;
  readonly params: Candidate;
  readonly fold_auc: readonly number[];
  readonly cv_auc_mean: number;
  /** Population std over folds (ddof = 0), as scikit-learn's cv_results_. */
  readonly cv_auc_std: number;
  readonly train_auc: number;
  /** Mean over folds of the selection metric, oriented so that higher is better. */
  readonly selection: number;
  readonly fold_selection: readonly number[];
  readonly seconds: number;
}

export const LOWER_IS_BETTER: ReadonlySet<SelectionMetric> = new Set(['brier', 'cost']);

/** A fold's score under the selection metric, higher = better (brier and cost are negated). */
export function foldScore(metric: SelectionMetric, y: Uint8Array, p: Float64Array, cost: CostMatrix): number {
  switch (metric) {
    case 'roc_auc':
      return rocAuc(y, p);
    case 'gini':
      return 2 * rocAuc(y, p) - 1;
    case 'ks':
      return ksStatistic(y, p);
    case 'brier':
      return -brier(y, p);
    case 'cost':
      return -expectedCost(confusionAt(y, p, costOptimalThreshold(cost)), cost);
    case 'f1':
    case 'g_mean': {
      const c = confusionAt(y, p, 0.5);
      const recall = c.tp + c.fn ? c.tp / (c.tp + c.fn) : 0;
      const precision = c.tp + c.fp ? c.tp / (c.tp + c.fp) : 0;
      const spec = c.tn + c.fp ? c.tn / (c.tn + c.fp) : 0;
      return metric === 'f1' ? (precision + recall ? (2 * precision * recall) / (precision + recall) : 0) : Math.sqrt(recall * spec);
    }
  }
}

export function candidateResult(family: Family, index: number, params: Candidate, folds: { y: Uint8Array; p: Float64Array; yTrain: Uint8Array; pTrain: Float64Array }[], metric: SelectionMetric, cost: CostMatrix, seconds: number): CandidateResult {
  const fold_auc = folds.map((f) => rocAuc(f.y, f.p));
  const fold_selection = folds.map((f) => foldScore(metric, f.y, f.p, cost));
  return {
    family, index, params, fold_auc,
    cv_auc_mean: mean(fold_auc),
    cv_auc_std: std(fold_auc, 0),
    train_auc: mean(folds.map((f) => rocAuc(f.yTrain, f.pTrain))),
    selection: mean(fold_selection),
    fold_selection,
    seconds,
  };
}

/** Deterministic order: selection metric (desc), then family order, then grid order — first in grid wins ties. */
export function compareCandidates(a: CandidateResult, b: CandidateResult): number {
  if (a.selection !== b.selection) return b.selection - a.selection;
  const fa = FAMILIES.indexOf(a.family);
  const fb = FAMILIES.indexOf(b.family);
  return fa !== fb ? fa - fb : a.index - b.index;
}

/** The best candidate of each family, best family first. */
export function leaderboard(results: readonly CandidateResult[]): CandidateResult[] {
  const best = new Map<Family, CandidateResult>();
  for (const r of results) {
    const cur = best.get(r.family);
    if (!cur || compareCandidates(r, cur) < 0) best.set(r.family, r);
  }
  return [...best.values()].sort(compareCandidates);
}
