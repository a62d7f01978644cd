import type { CandidateResult } from '../../core/search/leaderboard.js';
import type { CrossValidation, SearchEvent } from './cv-step.js';
import type { SearchPlan } from './plan.js';

/** Every candidate of every family, as GridSearchCV: one call of the cross-validation step. */
export async function* gridSearch(plan: SearchPlan, cv: CrossValidation): AsyncGenerator<SearchEvent, CandidateResult[]> {
  return yield* cv.candidates(plan.entries, null);
}
