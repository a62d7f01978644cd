import { confusionAt, costOptimalThreshold, type CostMatrix } from '../metrics/classification.js';

export type DecisionPolicy = 'cost' | 'recall' | 'approval_rate' | 'bad_rate';

export interface ChosenThreshold {
  readonly threshold: number;
  /** What the threshold achieves on the rows it was chosen on, in words. */
  readonly rationale: string;
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

/**
 * The decision threshold on p(bad) (decline when p ≥ t) under a policy, chosen on out-of-fold predictions:
 * cost = Bayes-optimal for the cost matrix; recall = the highest t whose recall of bad applicants reaches the
 * target; approval_rate = approve the target share (lowest p first); bad_rate = approve as many as possible
 * while the approved rows' observed bad rate stays at most the target.
 */
export function chooseThreshold(policy: DecisionPolicy, target: number | null, p: ArrayLike<number>, y: ArrayLike<number>, cost: CostMatrix): ChosenThreshold {
  if (policy === 'cost') {
    const t = costOptimalThreshold(cost);
    return { threshold: t, rationale: `Bayes-optimal for the cost matrix (${cost.bad_predicted_good}:${cost.good_predicted_bad}): decline when p(bad) >= ${t.toFixed(4)}` };
  }
  if (target === null || !(target > 0 && target < 1)) throw new Error(`decision.policy ${policy} needs a target in (0, 1)`);
  const n = p.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => p[a]! - p[b]!);
  if (policy === 'recall') {
    const bads = order.filter((i) => y[i] === 1).map((i) => p[i]!).reverse();
    const k = Math.max(1, Math.ceil(target * bads.length));
    const t = bads[k - 1]!;
    const caught = bads.filter((v) => v >= t).length;
    return { threshold: t, rationale: `out-of-fold recall of bad applicants ${pct(caught / bads.length)} (target ${pct(target)})` };
  }
  if (policy === 'approval_rate') {
    const approve = Math.floor(target * n);
    const t = p[order[Math.min(approve, n - 1)]!]!;
    const approved = order.filter((i) => p[i]! < t).length;
    return { threshold: t, rationale: `out-of-fold approval rate ${pct(approved / n)} (target ${pct(target)}; ties at the cut-off are declined)` };
  }
  // bad_rate: the longest prefix (lowest p first) ending between two distinct p values whose bad rate <= target.
  let bad = 0;
  let best = 0;
  let bestBad = 0;
  for (let i = 0; i < n; i++) {
    bad += y[order[i]!]!;
    const boundary = i === n - 1 || p[order[i + 1]!]! > p[order[i]!]!;
    if (boundary && bad / (i + 1) <= target) {
      best = i + 1;
      bestBad = bad;
    }
  }
  const t = best === n ? Math.min(1, p[order[n - 1]!]! + 1e-12) : p[order[best]!]!;
  return { threshold: t, rationale: best === 0 ? `no cut-off keeps the approved bad rate at or below ${pct(target)}: every applicant is declined` : `out-of-fold approval rate ${pct(best / n)} with an observed bad rate of ${pct(bestBad / best)} among the approved (target at most ${pct(target)})` };
}

export interface DecisionMetrics {
  readonly threshold: number;
  /** Share of bad applicants declined. */
  readonly recall: number;
  /** Share of declined applicants who are bad. */
  readonly precision: number;
  readonly accuracy: number;
  readonly approval_rate: number;
  /** Observed bad rate among the approved. */
  readonly bad_rate_approved: number;
  /** (cost of approved bads + cost of declined goods) per applicant. */
  readonly expected_cost: number;
}

export function decisionMetrics(y: ArrayLike<number>, p: ArrayLike<number>, t: number, cost: CostMatrix): DecisionMetrics {
  const { tp, fp, fn, tn } = confusionAt(y, p, t);
  const n = p.length;
  return {
    threshold: t,
    recall: tp + fn ? tp / (tp + fn) : NaN,
    precision: tp + fp ? tp / (tp + fp) : NaN,
    accuracy: (tp + tn) / n,
    approval_rate: (fn + tn) / n,
    bad_rate_approved: fn + tn ? fn / (fn + tn) : NaN,
    expected_cost: (cost.bad_predicted_good * fn + cost.good_predicted_bad * fp) / n,
  };
}

/** How a model version's cut-off was chosen and what it does; stored in the bundle and with the version. */
export interface DecisionRecord {
  readonly policy: DecisionPolicy;
  readonly target: number | null;
  readonly rationale: string;
  readonly threshold: number;
  /** Figures at the threshold on the out-of-fold predictions it was chosen on, and on the untouched test rows. */
  readonly oof: DecisionMetrics;
  readonly test: DecisionMetrics;
}
