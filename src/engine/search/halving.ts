import { topK } from '../../core/search/halving.js';
import type { CandidateResult } from '../../core/search/leaderboard.js';
import type { Family } from '../../core/params/grids.js';
import type { CrossValidation, SearchEvent } from './cv-step.js';
import type { SearchPlan } from './plan.js';

/** One family's successive halving (HalvingGridSearchCV for one estimator): its last rung's results. */
async function* familyHalving(family: Family, plan: SearchPlan, cv: CrossValidation): AsyncGenerator<SearchEvent, CandidateResult[]> {
  const rungs = plan.halving.get(family)!;
  let entries = plan.entries.filter((e) => e.family === family);
  let last: CandidateResult[] = [];
  for (const rung of rungs) {
    yield { type: 'stage', message: `${family}: rung ${rung.rung + 1} of ${rungs.length}, ${entries.length} candidates on ${rung.resource} of ${plan.trainRows} rows` };
    const rungResults = yield* cv.candidates(entries, rung);
    last = rungResults;
    const keep = new Set(topK(rungResults, Math.ceil(entries.length / 3)).map((r) => r.index));
    entries = entries.filter((e) => keep.has(e.index));
  }
  return last;
}

/**
 * Successive halving per family, as many families side by side as there are workers: a rung must wait for
 * its last fold before the next can choose, and while one family waits, another's folds keep the workers busy. Each family's
 * rungs, subsamples and seeds are its own, so the results are those of one family after another; the
 * finalists come back in the plan's family order.
 */
export async function* halvingSearch(plan: SearchPlan, cv: CrossValidation): AsyncGenerator<SearchEvent, CandidateResult[]> {
  const families = [...plan.grids.keys()];
  const runs = families.map((f) => familyHalving(f, plan, cv));
  const finals = new Map<Family, CandidateResult[]>();
  type Step = { readonly i: number; readonly step: IteratorResult<SearchEvent, CandidateResult[]> };
  const next = (i: number): Promise<Step> => runs[i]!.next().then((step) => ({ i, step }));
  // As many families at once as there are workers: enough to fill a rung's tail, while each family's rung
  // holds its own subsampled copies of the folds (seven at once held 3.4 GB at 100,000 rows).
  const width = Math.max(1, Math.min(plan.workers, runs.length));
  const pending = new Map<number, Promise<Step>>(runs.slice(0, width).map((_, i) => [i, next(i)]));
  let started = width;
  while (pending.size > 0) {
    const { i, step } = await Promise.race(pending.values());
    if (step.done) {
      finals.set(families[i]!, step.value);
      pending.delete(i);
      if (started < runs.length) {
        pending.set(started, next(started));
        started++;
      }
      continue;
    }
    pending.set(i, next(i));
    yield step.value;
  }
  return families.flatMap((f) => finals.get(f) ?? []);
}
