import type { ModelState } from '../models/model.js';
import type { ScorecardState } from '../models/scorecard.js';
import type { PointsScale } from '../scoring/decision.js';

/**
 * The points scale a model is scored on. `pdo` scales pass through. A scorecard on `minmax` (optbinning's
 * `scaling_method="min_max"`) gets the linear map of its log-odds that sends its worst possible applicant
 * (the least-points bin of every characteristic) to min_points and its best to max_points — written as the
 * equivalent pdo scale (base_odds 1), so `points`, the points table and the SQL export stay one formula and
 * every applicant's total lies in [min_points, max_points] without clipping. Other families keep `minmax`:
 * points linear in p(bad) (`points`), since they have no table of extremes.
 */
export function resolveScale(scale: PointsScale, model: ModelState): PointsScale {
  if (scale.scale !== 'minmax' || model.family !== 'scorecard') return scale;
  const s = model as ScorecardState;
  const lo = scale.min_points ?? 300;
  const hi = scale.max_points ?? 850;
  // Per characteristic, the range of its log-odds-of-good term −β·WoE over its bins (WoE 0, a level never
  // seen in training, lies inside it: WoE has both signs over a characteristic's bins, or is all 0).
  let worst = 0;
  let best = 0;
  s.selected.forEach((k, i) => {
    const terms = [0, ...s.characteristics[k]!.woe].map((w) => -s.coef[i]! * w);
    worst += Math.min(...terms);
    best += Math.max(...terms);
  });
  // A scorecard that cannot tell applicants apart (all its WoE 0): scored about the mid-point.
  if (!(best - worst > 1e-12)) return { ...scale, scale: 'pdo', base_odds: 1, pdo: 1, base_points: (lo + hi) / 2 };
  // points = a·Σ terms + b, and Σ terms = ln(odds good) + intercept.
  const a = (hi - lo) / (best - worst);
  const b = lo - a * worst;
  return { ...scale, scale: 'pdo', base_odds: 1, pdo: a * Math.LN2, base_points: a * s.intercept + b };
}
