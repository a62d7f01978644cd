import { UserError } from '../../core/errors.js';
import type { Family, GridValue } from '../../core/params/grids.js';
import type { Params } from '../../core/params/params.js';
import type { CandidateResult } from '../../core/search/leaderboard.js';
import { sampleTpe, type Dimension, type Observation } from '../../core/search/tpe.js';
import { Rng } from '../../core/random.js';
import type { CrossValidation, Entry, SearchEvent } from './cv-step.js';
import type { SearchPlan } from './plan.js';

/**
 * TPE over the families' spaces (the family is the first, categorical, dimension), trials in batches of
 * `workers`, each trial pruned fold by fold against the finished ones. `deadline`: no trial starts after it
 * (performance.now() milliseconds; Infinity without a time budget).
 */
export async function* tpeSearch(plan: SearchPlan, cv: CrossValidation, params: Params, deadline: number): AsyncGenerator<SearchEvent, CandidateResult[]> {
  const spaces = params.search.spaces;
  const familyDim: Dimension = { kind: 'categorical', choices: [...plan.grids.keys()] };
  const history: Observation[] = [];
  const curves: number[][] = [];
  const rng = Rng.derive(params.seed, 'tpe');
  const finished: CandidateResult[] = [];
  let trial = 0;
  while (trial < plan.trials && performance.now() < deadline) {
    const batch: { entry: Entry; values: Record<string, GridValue> }[] = [];
    while (batch.length < plan.workers && trial < plan.trials) {
      const family = sampleTpe('family', familyDim, history, rng) as Family;
      const values: Record<string, GridValue> = { family };
      const candidate: Record<string, GridValue> = {};
      for (const [name, dim] of Object.entries(spaces[family])) {
        const v = sampleTpe(`${family}.${name}`, dim, history, rng);
        values[`${family}.${name}`] = v;
        candidate[name] = v;
      }
      batch.push({ entry: { family, index: trial++, params: candidate }, values });
    }
    const outcomes = await Promise.all(batch.map((b) => cv.trial(b.entry, curves)));
    for (const [i, o] of outcomes.entries()) {
      const b = batch[i]!;
      if (o.kind === 'pruned') {
        // As Optuna, pruned trials inform TPE ranked after every finished one (those stopped later first).
        history.push({ values: b.values, loss: 10 * (plan.folds - o.folds) - o.value });
        yield { type: 'stage', message: `trial ${b.entry.index + 1} (${b.entry.family}) pruned after fold ${o.folds}: mean ${params.search.selection_metric} ${o.value.toFixed(4)} below the median` };
        continue;
      }
      history.push({ values: b.values, loss: -o.result.selection });
      curves.push(o.curve);
      finished.push(o.result);
      cv.keep(o.result, o.probs, { trial: String(b.entry.index + 1) });
      yield { type: 'result', result: o.result, openBudget: plan.trials === Infinity };
    }
  }
  if (finished.length === 0) throw new UserError('every TPE trial was pruned or none had time to finish', {}, 'raise search.trials or search.time');
  return finished;
}
