import { describe, expect, it } from 'vitest';
import { confusionAt, costOptimalThreshold, evaluate, ksStatistic, rocAuc } from './classification.js';

const y = [0, 0, 1, 1, 0, 1];
const p = [0.1, 0.4, 0.35, 0.8, 0.4, 0.9];

describe('classification metrics (hand-computed)', () => {
  it('ROC AUC counts ties as half', () => {
    // pairs (bad, good): 3 bads x 3 goods = 9; bad 0.35 beats 0.1 only (1); 0.8 and 0.9 beat all 3 (6) -> 7/9
    expect(rocAuc(y, p)).toBeCloseTo(7 / 9, 15);
    expect(rocAuc([0, 1], [0.5, 0.5])).toBe(0.5);
  });

  it('KS is the largest gap between bad and good score distributions', () => {
    // thresholds high->low: after 0.9: TPR 1/3 FPR 0; after 0.8: 2/3, 0 -> gap 2/3 (the max)
    expect(ksStatistic(y, p)).toBeCloseTo(2 / 3, 15);
  });

  it('confusion matrix uses p >= t as bad', () => {
    expect(confusionAt(y, p, 0.4)).toEqual({ tn: 1, fp: 2, fn: 1, tp: 2 });
  });

  it('cost, threshold and the rest', () => {
    const cost = { bad_predicted_good: 5, good_predicted_bad: 1 };
    expect(costOptimalThreshold(cost)).toBeCloseTo(1 / 6, 15);
    const m = evaluate(y, p, cost);
    // at 0.5: tp 2 (0.8, 0.9), fn 1 (0.35), fp 0, tn 3
    expect(m.confusion_0_5).toEqual({ tn: 3, fp: 0, fn: 1, tp: 2 });
    expect(m.accuracy).toBeCloseTo(5 / 6, 15);
    expect(m.precision).toBe(1);
    expect(m.recall).toBeCloseTo(2 / 3, 15);
    expect(m.f1).toBeCloseTo(0.8, 15);
    expect(m.g_mean).toBeCloseTo(Math.sqrt(2 / 3), 15);
    expect(m.cost_at_0_5).toBeCloseTo(5 / 6, 15);
    // at 1/6: everything but 0.1 is bad -> fp 2, fn 0
    expect(m.confusion_optimal).toEqual({ tn: 1, fp: 2, fn: 0, tp: 3 });
    expect(m.cost_at_optimal).toBeCloseTo(2 / 6, 15);
    expect(m.brier).toBeCloseTo((0.01 + 0.16 + 0.4225 + 0.04 + 0.16 + 0.01) / 6, 15);
    expect(m.gini).toBeCloseTo(2 * (7 / 9) - 1, 15);
  });
});
