import { UserError } from '../../core/errors.js';
import { DEFAULT_GRIDS, expandGrid, FAMILIES, QUICK_GRIDS, type Candidate, type Family, type Grid } from '../../core/params/grids.js';
import type { Params, SearchStrategy } from '../../core/params/params.js';
import { halvingSchedule, type Rung } from '../../core/search/halving.js';
import type { Entry } from './cv-step.js';

/** What `train` is asked to search (the subset of its options the plan reads). */
export interface PlanOptions {
  readonly families?: readonly Family[];
  readonly quick?: boolean;
  readonly search?: SearchStrategy | 'auto';
  readonly trials?: number;
  readonly time?: number;
}

/** The search before any fit: which candidates, which strategy and budget, how many evaluations to expect. */
export interface SearchPlan {
  readonly strategy: SearchStrategy;
  /** What was asked for: `auto` lets the planner choose halving over a grid estimated past its budget. */
  readonly requested: SearchStrategy | 'auto';
  readonly grids: ReadonlyMap<Family, readonly Candidate[]>;
  /** Every grid point of every family, in family then grid order. */
  readonly entries: readonly Entry[];
  readonly folds: number;
  readonly trainRows: number;
  readonly workers: number;
  /** Per family, the rungs successive halving would run. */
  readonly halving: ReadonlyMap<Family, readonly Rung[]>;
  /** Candidate evaluations the progress bar counts: TPE's is its trial budget (an estimate when bounded by time). */
  readonly evaluations: number;
  /** TPE: trials to run, or Infinity when a time budget bounds it. */
  readonly trials: number;
  /** Seconds after the start past which no new trial starts (null: no time budget). */
  readonly time: number | null;
}

export function planGrids(params: Params, opts: PlanOptions): Map<Family, Candidate[]> {
  const families = opts.families ?? params.search.families;
  const plan = new Map<Family, Candidate[]>();
  for (const f of FAMILIES) {
    if (!families.includes(f)) continue;
    const grid: Grid = opts.quick ? QUICK_GRIDS[f] : params.search.grids[f] ?? DEFAULT_GRIDS[f];
    plan.set(f, expandGrid(grid));
  }
  if (plan.size === 0) throw new UserError('no model families selected', {}, `choose from ${FAMILIES.join(', ')}`);
  return plan;
}

export function searchPlan(params: Params, opts: PlanOptions, trainRows: number, folds: number, workers: number): SearchPlan {
  const grids = planGrids(params, opts);
  const requested = opts.search ?? params.search.strategy;
  const strategy: SearchStrategy = requested === 'auto' ? 'grid' : requested;
  const halving = new Map([...grids].map(([f, c]) => [f, halvingSchedule(c.length, trainRows, folds, 3, true)]));
  const time = opts.time ?? params.search.time;
  const trials = time === null ? (opts.trials ?? params.search.trials) : Infinity;
  const candidates = [...grids.values()].reduce((a, c) => a + c.length, 0);
  const evaluations = strategy === 'grid' ? candidates
    : strategy === 'halving' ? [...halving.values()].reduce((a, rs) => a + rs.reduce((b, r) => b + r.candidates, 0), 0)
    : time === null ? trials : workers;
  const entries = [...grids].flatMap(([family, cands]) => cands.map((c, index) => ({ family, index, params: c })));
  return { strategy, requested, grids, entries, folds, trainRows, workers, halving, evaluations, trials, time };
}

/** The same search as successive halving over the same grid (the planner's choice for a grid past its budget). */
export function asHalving(params: Params, opts: PlanOptions, plan: SearchPlan): SearchPlan {
  return { ...searchPlan(params, { ...opts, search: 'halving' }, plan.trainRows, plan.folds, plan.workers), requested: plan.requested };
}
