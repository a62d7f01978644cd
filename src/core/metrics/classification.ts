/** Classification metrics with bad = 1 as the positive class; `p` is p(bad). */

/** ROC AUC via the rank-sum (Mann-Whitney) statistic, ties counted half, as scikit-learn's roc_auc_score. */
export function rocAuc(y: ArrayLike<number>, p: ArrayLike<number>): number {
  const n = y.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => p[a]! - p[b]!);
  let pos = 0;
  let rankSum = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && p[idx[j + 1]!] === p[idx[i]!]) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (y[idx[k]!] === 1) {
      pos++;
      rankSum += avgRank;
    }
    i = j + 1;
  }
  const neg = n - pos;
  if (pos === 0 || neg === 0) return NaN;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** KS = max |TPR - FPR| over thresholds = two-sample KS statistic between p(bad) of bads and goods. */
export function ksStatistic(y: ArrayLike<number>, p: ArrayLike<number>): number {
  const n = y.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => p[b]! - p[a]!);
  let pos = 0;
  for (let i = 0; i < n; i++) pos += y[i]! === 1 ? 1 : 0;
  const neg = n - pos;
  let tp = 0;
  let fp = 0;
  let best = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j < n && p[idx[j]!] === p[idx[i]!]) {
      if (y[idx[j]!] === 1) tp++;
      else fp++;
      j++;
    }
    best = Math.max(best, Math.abs(tp / pos - fp / neg));
    i = j;
  }
  return best;
}

export interface Confusion {
  readonly tn: number;
  readonly fp: number;
  readonly fn: number;
  readonly tp: number;
}

/** Predict bad iff p >= t. */
export function confusionAt(y: ArrayLike<number>, p: ArrayLike<number>, t: number): Confusion {
  let tn = 0;
  let fp = 0;
  let fn = 0;
  let tp = 0;
  for (let i = 0; i < y.length; i++) {
    const bad = p[i]! >= t;
    if (y[i] === 1) bad ? tp++ : fn++;
    else bad ? fp++ : tn++;
  }
  return { tn, fp, fn, tp };
}

export function brier(y: ArrayLike<number>, p: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += (p[i]! - y[i]!) ** 2;
  return s / y.length;
}

export interface CostMatrix {
  /** Cost of approving a bad applicant. */
  readonly bad_predicted_good: number;
  /** Cost of declining a good applicant. */
  readonly good_predicted_bad: number;
}

/** The Bayes-optimal threshold for calibrated p(bad): c_fp / (c_fp + c_fn). */
export function costOptimalThreshold(c: CostMatrix): number {
  return c.good_predicted_bad / (c.good_predicted_bad + c.bad_predicted_good);
}

export function expectedCost(m: Confusion, c: CostMatrix): number {
  const n = m.tn + m.fp + m.fn + m.tp;
  return (c.bad_predicted_good * m.fn + c.good_predicted_bad * m.fp) / n;
}

export interface TestMetrics {
  readonly roc_auc: number;
  readonly gini: number;
  readonly ks: number;
  readonly accuracy: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly specificity: number;
  readonly g_mean: number;
  readonly brier: number;
  readonly cost_at_0_5: number;
  readonly cost_at_optimal: number;
  readonly threshold_optimal: number;
  /** Expected cost per applicant of the trivial policies: decline everyone, approve everyone. */
  readonly cost_decline_all: number;
  readonly cost_approve_all: number;
  readonly confusion_0_5: Confusion;
  readonly confusion_optimal: Confusion;
}

/** Every reported metric of one set of predictions; threshold metrics at 0.5, cost also at the optimum. */
export function evaluate(y: ArrayLike<number>, p: ArrayLike<number>, cost: CostMatrix): TestMetrics {
  const auc = rocAuc(y, p);
  const c = confusionAt(y, p, 0.5);
  const recall = c.tp + c.fn === 0 ? 0 : c.tp / (c.tp + c.fn);
  const precision = c.tp + c.fp === 0 ? 0 : c.tp / (c.tp + c.fp);
  const specificity = c.tn + c.fp === 0 ? 0 : c.tn / (c.tn + c.fp);
  const t = costOptimalThreshold(cost);
  const co = confusionAt(y, p, t);
  return {
    roc_auc: auc,
    gini: 2 * auc - 1,
    ks: ksStatistic(y, p),
    accuracy: (c.tp + c.tn) / y.length,
    precision,
    recall,
    f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
    specificity,
    g_mean: Math.sqrt(recall * specificity),
    brier: brier(y, p),
    cost_at_0_5: expectedCost(c, cost),
    cost_at_optimal: expectedCost(co, cost),
    threshold_optimal: t,
    cost_decline_all: (cost.good_predicted_bad * (c.tn + c.fp)) / y.length,
    cost_approve_all: (cost.bad_predicted_good * (c.tp + c.fn)) / y.length,
    confusion_0_5: c,
    confusion_optimal: co,
  };
}

/**
 * Whether a model earns its keep: its expected cost at its threshold against the cheaper trivial policy
 * (decline everyone, or approve everyone). Null when the metrics predate the trivial costs.
 */
export function usefulness(m: { readonly cost_at_optimal?: number; readonly cost_decline_all?: number; readonly cost_approve_all?: number }): { readonly useless: boolean; readonly text: string } | null {
  const { cost_at_optimal: model, cost_decline_all: decline, cost_approve_all: approve } = m;
  if (model === undefined || decline === undefined || approve === undefined) return null;
  const [policy, trivial] = decline <= approve ? ['declining everyone', decline] : ['approving everyone', approve];
  const f = (x: number): string => x.toFixed(3);
  return model >= trivial
    ? { useless: true, text: `useless: expected test cost ${f(model)} per applicant is no better than ${policy} (${f(trivial)})` }
    : { useless: false, text: `saves ${f(trivial - model)} per applicant against ${policy} (${f(model)} vs ${f(trivial)})` };
}

/** `usefulness` of a registered version from its stored `test_*` metrics. */
export function storedUsefulness(m: Readonly<Record<string, number>>): ReturnType<typeof usefulness> {
  const pick = (k: string): Record<string, number> => (m[`test_${k}`] === undefined ? {} : { [k]: m[`test_${k}`]! });
  return usefulness({ ...pick('cost_at_optimal'), ...pick('cost_decline_all'), ...pick('cost_approve_all') });
}
