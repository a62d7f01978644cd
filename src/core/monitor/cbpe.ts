import { expectedScores, type NumberTally, type WeightedScores } from './tallies.js';

/** An AUC with its sampling standard error. */
export interface AucEstimate {
  readonly auc: number;
  readonly se: number;
}

/**
 * ROC AUC with DeLong's variance, from weighted scores (observed counts, or the expected weights of CBPE).
 * Each bad's placement is the share of goods scored below it (ties half), each good's the share of bads
 * scored above it; the AUC's variance is var(bad placements)/n_bad + var(good placements)/n_good.
 * Weights may be fractional (expected bads), so the counts are sums of weights.
 */
export function aucWithError(s: WeightedScores): AucEstimate | null {
  let nBad = 0;
  let nGood = 0;
  for (let i = 0; i < s.p.length; i++) {
    nBad += s.bad[i]!;
    nGood += s.good[i]!;
  }
  if (nBad <= 1 || nGood <= 1) return null;
  const badPlace = new Float64Array(s.p.length);
  const goodPlace = new Float64Array(s.p.length);
  let goodBelow = 0;
  for (let i = 0; i < s.p.length; i++) {
    badPlace[i] = (goodBelow + s.good[i]! / 2) / nGood;
    goodBelow += s.good[i]!;
  }
  let badAbove = 0;
  for (let i = s.p.length - 1; i >= 0; i--) {
    goodPlace[i] = (badAbove + s.bad[i]! / 2) / nBad;
    badAbove += s.bad[i]!;
  }
  let auc = 0;
  for (let i = 0; i < s.p.length; i++) auc += s.bad[i]! * badPlace[i]!;
  auc /= nBad;
  let v10 = 0;
  let v01 = 0;
  for (let i = 0; i < s.p.length; i++) {
    v10 += s.bad[i]! * (badPlace[i]! - auc) ** 2;
    v01 += s.good[i]! * (goodPlace[i]! - auc) ** 2;
  }
  const variance = v10 / (nBad - 1) / nBad + v01 / (nGood - 1) / nGood;
  return { auc, se: Math.sqrt(variance) };
}

/** CBPE's figures for one period, from p(bad) alone. */
export interface PerformanceEstimate {
  readonly estimated_auc: number | null;
  /** estimated_auc ± 3 standard errors: where the realised AUC should fall if p(bad) stays calibrated. */
  readonly estimated_auc_lower: number | null;
  readonly estimated_auc_upper: number | null;
  /** Expected share of bads among the approved: their mean p(bad). */
  readonly estimated_bad_rate_approved: number | null;
}

/**
 * Confidence-based performance estimation (NannyML's CBPE): an applicant scored p counts as p bad and 1 - p
 * good, so a period's AUC and its approved applicants' bad rate are expected values before any outcome is
 * known. It holds while p(bad) stays calibrated, i.e. under covariate shift with P(bad | x) unchanged; when
 * the relation itself changes (concept shift) the estimate keeps describing the old world.
 */
export function estimatePerformance(pTally: NumberTally, approvedPSum: number, approvals: number, sigmas = 3): PerformanceEstimate {
  const e = aucWithError(expectedScores(pTally));
  return {
    estimated_auc: e?.auc ?? null,
    estimated_auc_lower: e ? Math.max(0, e.auc - sigmas * e.se) : null,
    estimated_auc_upper: e ? Math.min(1, e.auc + sigmas * e.se) : null,
    estimated_bad_rate_approved: approvals > 0 ? approvedPSum / approvals : null,
  };
}
