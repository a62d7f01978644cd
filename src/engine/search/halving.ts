import { topK } from '../../core/search/halving.js';
import type { CandidateResult } from '../../core/search/leaderboard.js';
import type { CrossValidation, SearchEvent } from './cv-step.js';
import type { SearchPlan } from './plan.js';

/** Successive halving per family, as HalvingGridSearchCV per estimator; the last rung's results stand. */
export async function* halvingSearch(plan: SearchPlan, cv: CrossValidation): AsyncGenerator<SearchEvent, CandidateResult[]> {
  const finalists: CandidateResult[] = [];
  for (const family of plan.grids.keys()) {
    const rungs = plan.halving.get(family)!;
    let entries = plan.entries.filter((e) => e.family === family);
    for (const rung of rungs) {
      yield { type: 'stage', message: `${family}: rung ${rung.rung + 1} of ${rungs.length}, ${entries.length} candidates on ${rung.resource} of ${plan.trainRows} rows` };
      const rungResults = yield* cv.candidates(entries, rung);
      if (rung.rung === rungs.length - 1) finalists.push(...rungResults);
      const keep = new Set(topK(rungResults, Math.ceil(entries.length / 3)).map((r) => r.index));
      entries = entries.filter((e) => keep.has(e.index));
    }
  }
  return finalists;
}
