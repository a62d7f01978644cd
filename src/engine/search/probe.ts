import { takeRows, type Dataset } from '../../core/data/dataset.js';
import { transform } from '../../core/features/preprocess.js';
import { smote } from '../../core/features/smote.js';
import { ENGINES } from '../../core/models/engines.js';
import type { Candidate, Family } from '../../core/params/grids.js';
import { takeMatrixRows, type Matrix } from '../../core/matrix.js';
import type { Params } from '../../core/params/params.js';
import { subsample } from '../../core/search/halving.js';
import { prepareTraining } from '../../core/search/folds.js';
import { adaptCandidate, adaptationLine, approxDuration, grownRows, ownRowsAfter, taskWork, type Adaptation, type PlanEstimate } from '../../core/search/planner.js';
import { learnerSeed } from '../../core/search/task.js';
import { Rng } from '../../core/random.js';
import { audit, DEFAULT_ATTRIBUTES } from '../../core/fairness/audit.js';
import type { TaskPool } from '../pool.js';
import { COST_ORDER, withoutSmote } from './cv-step.js';
import type { SearchPlan } from './plan.js';

export interface ProbeOptions {
  readonly pool: TaskPool;
  readonly train: Dataset;
  readonly params: Params;
  readonly plan: SearchPlan;
  readonly adaptations: readonly Adaptation[];
  readonly rankOnly: boolean;
  readonly nextTaskId: () => number;
}

/** The probe's measurements, as an estimate of the plan it ran for and of any other plan of the same data. */
export interface PlanProbe {
  readonly estimate: PlanEstimate;
  readonly estimateFor: (plan: SearchPlan) => PlanEstimate;
}

/** Bootstrap resamples of the audit probe (the real audit runs 1,000). */
const AUDIT_PROBE_RESAMPLES = 20;

const seconds = (t0: number): number => (performance.now() - t0) / 1000;

/**
 * The plan's cost on this machine, before the first fit: every group of candidates that shares a fit runs
 * once on a small seeded subsample of the training rows (as the search would run it, adaptations included),
 * and its seconds are scaled to the real fold by the family's growth (`taskWork`). Preprocessing and SMOTE
 * are timed on the same subsample and scaled (SMOTE's neighbour search is quadratic in the bad rows).
 */
export async function probePlan(o: ProbeOptions): Promise<PlanProbe> {
  const t0 = performance.now();
  const { train, params, plan, adaptations } = o;
  const folds = plan.folds;
  const size = Math.max(20, Math.min(params.planner.probe_rows, Math.floor(train.rows / 4)));
  const picked = subsample(train.rows, Math.min(1, size / train.rows), Rng.derive(params.seed, 'planner', 'probe'));
  // Every fifth picked row validates, as one fold of five would.
  const fitPos = Array.from(picked).filter((_, i) => i % folds !== 0);
  const valPos = Array.from(picked).filter((_, i) => i % folds === 0);
  const probeFit = takeRows(train, fitPos);
  // Timings of small inputs are mostly first-call compilation: each step runs once unmeasured first.
  const prepare = () => prepareTraining(probeFit, params.preprocessing, false, params.preprocessing.smote_k, params.seed);
  prepare();
  const tPrep = performance.now();
  const set = prepare();
  const Xval = transform(set.prep, takeRows(train, valPos));
  const prepSeconds = seconds(tPrep);
  const needSmote = plan.entries.some((e) => e.params['smote'] === true);
  const runSmote = () => smote(set.X, set.y, { k: params.preprocessing.smote_k, seed: params.seed, oneHotGroups: set.prep.oneHotGroups });
  if (needSmote) runSmote();
  const tSmote = performance.now();
  const smoted = needSmote ? runSmote() : null;
  const smoteSeconds = seconds(tSmote);
  // SMOTE's neighbour search stops each distance once it cannot win, so it grows slower than the square of
  // the bad rows (1.6–1.9 on Statlog-shaped data): its exponent is measured between the probe and a sample
  // four times larger, within [1, 2].
  let smoteExponent = 2;
  let smoteRows = set.X.rows;
  let smoteBase = smoteSeconds;
  if (needSmote && train.rows >= 8 * fitPos.length) {
    const larger = subsample(train.rows, (4 * fitPos.length) / train.rows, Rng.derive(params.seed, 'planner', 'probe', 'smote'));
    const big = prepareTraining(takeRows(train, Array.from(larger)), params.preprocessing, false, params.preprocessing.smote_k, params.seed);
    const tBig = performance.now();
    smote(big.X, big.y, { k: params.preprocessing.smote_k, seed: params.seed, oneHotGroups: big.prep.oneHotGroups });
    const bigSeconds = seconds(tBig);
    if (smoteSeconds > 0 && bigSeconds > 0) smoteExponent = Math.min(2, Math.max(1, Math.log(bigSeconds / smoteSeconds) / Math.log(big.X.rows / set.X.rows)));
    smoteRows = big.X.rows;
    smoteBase = bigSeconds;
  }

  // The groups the cross-validation step will form (TPE: the grid's, as a sample of what its trials cost).
  interface Group { family: Family; smote: boolean; members: number }
  const groups = new Map<string, Group & { candidates: Candidate[] }>();
  for (const family of COST_ORDER) {
    for (const e of plan.entries) {
      if (e.family !== family) continue;
      const c = adaptCandidate(e.params, adaptations, family);
      const sm = c['smote'] === true;
      const key = `${family}|${sm}|${ENGINES[family].shareKey(withoutSmote(c))}`;
      const g = groups.get(key) ?? { family, smote: sm, members: 0, candidates: [] };
      g.members++;
      g.candidates.push(withoutSmote(c));
      groups.set(key, g);
    }
  }
  // Each group runs at a quarter of the probe twice (the first warms the workers' compiled code and is
  // dropped), then at the whole probe: two points separate a fit's fixed cost from its cost per unit of work.
  const quarter = (m: Matrix, y: Uint8Array) => ({ X: takeMatrixRows(m, Array.from({ length: Math.max(8, m.rows >> 2) }, (_, i) => i)), y: y.subarray(0, Math.max(8, m.rows >> 2)) });
  const run = async (g: Group & { candidates: Candidate[] }, part: boolean) => {
    const full = { X: g.smote && smoted ? smoted.X : set.X, y: g.smote && smoted ? smoted.y : set.y };
    const fit = part ? quarter(full.X, full.y) : full;
    const own = part ? quarter(set.X, set.y).X : set.X;
    const val = part ? quarter(Xval, set.y).X : Xval;
    const r = await o.pool.run({ kind: 'fold', id: o.nextTaskId(), family: g.family, fold: 0, candidates: g.candidates, seed: learnerSeed(params.seed, g.family, 0), X: fit.X, y: fit.y, evals: [val, own], rankOnly: o.rankOnly });
    return { seconds: r.seconds, work: taskWork(g.family, fit.X.rows, val.rows + own.rows) };
  };
  const list = [...groups.values()];
  await Promise.all(list.map((g) => run(g, true)));
  const small = await Promise.all(list.map((g) => run(g, true)));
  const large = await Promise.all(list.map((g) => run(g, false)));
  const timed = list.map((g, i) => {
    const a = small[i]!;
    const b = large[i]!;
    const slope = b.work > a.work && b.seconds > a.seconds ? (b.seconds - a.seconds) / (b.work - a.work) : b.seconds / b.work;
    return { g, fixed: Math.max(0, b.seconds - slope * b.work), slope };
  });

  // The real folds: (k-1)/k of the training rows fit, 1/k validate; SMOTE grows the fit rows as it did here.
  const fitRows = Math.round((plan.trainRows * (folds - 1)) / folds);
  const valRows = plan.trainRows - fitRows;
  const smoteGrowth = smoted ? smoted.X.rows / set.X.rows : 1;
  const perFamily: Record<string, number> = {};
  const perCandidate = new Map<Family, number[]>();
  const perGroupFold: { family: Family; seconds: number }[] = [];
  for (const t of timed) {
    const realFit = grownRows(t.g.family, Math.round(fitRows * (t.g.smote ? smoteGrowth : 1)), adaptations);
    const own = ownRowsAfter(t.g.family, fitRows, adaptations);
    const perFold = t.fixed + t.slope * taskWork(t.g.family, realFit, valRows + own);
    perFamily[t.g.family] = (perFamily[t.g.family] ?? 0) + perFold * folds;
    perGroupFold.push({ family: t.g.family, seconds: perFold });
    const list = perCandidate.get(t.g.family) ?? [];
    list.push(perFold / t.g.members);
    perCandidate.set(t.g.family, list);
  }
  // Each family's winner is refitted once on all training rows (a group's fold cost, scaled to them).
  const refitOf = (family: Family): number => {
    const xs = perGroupFold.filter((g) => g.family === family).map((g) => g.seconds);
    const mean = xs.reduce((a, x) => a + x, 0) / Math.max(1, xs.length);
    const fitWork = taskWork(family, grownRows(family, fitRows, adaptations), valRows + fitRows);
    return mean * (taskWork(family, grownRows(family, plan.trainRows, adaptations), valRows) / fitWork);
  };
  // After the search the champion's fairness audit bootstraps its test rows (1,000 resamples): timed here at
  // two sizes with a few resamples (after a warm-up) and extended along the line through them.
  const timeAudit = (ds: Dataset): number => {
    const t = performance.now();
    audit(ds, Float64Array.from({ length: ds.rows }, (_, i) => (i % 7) / 7), 0.5, params.fairness.attributes ?? DEFAULT_ATTRIBUTES, { seed: params.seed, resamples: AUDIT_PROBE_RESAMPLES });
    return seconds(t);
  };
  const valSet = takeRows(train, valPos);
  timeAudit(valSet);
  const auditSmall = timeAudit(valSet);
  const auditLarge = timeAudit(probeFit);
  const auditSlope = probeFit.rows > valSet.rows && auditLarge > auditSmall ? (auditLarge - auditSmall) / (probeFit.rows - valSet.rows) : auditLarge / probeFit.rows;
  const testRows = Math.round((plan.trainRows * params.split.test_size) / (1 - params.split.test_size));
  const finishing = (Math.max(0, auditLarge - auditSlope * probeFit.rows) + auditSlope * testRows) * (1000 / AUDIT_PROBE_RESAMPLES);
  const prepRatio = fitRows / Math.max(1, set.X.rows);
  // Every fold's neighbour search runs at once, split over the workers (engine/search/prepare.ts).
  const smoteFold = smoted ? smoteBase * (fitRows / Math.max(1, smoteRows)) ** smoteExponent : 0;
  const probe = seconds(t0);
  // A group's fold task when the fold keeps `share` of its rows (a halving rung), scaled as the family grows.
  const foldSeconds = (t: (typeof timed)[number], share: number): number => {
    const fit = Math.round(fitRows * share);
    const realFit = grownRows(t.g.family, Math.round(fit * (t.g.smote ? smoteGrowth : 1)), adaptations);
    return t.fixed + t.slope * taskWork(t.g.family, realFit, Math.round(valRows * share) + ownRowsAfter(t.g.family, fit, adaptations));
  };

  const estimateFor = (plan: SearchPlan): PlanEstimate => {
    const workers = plan.workers;
    const preprocessing = prepSeconds * prepRatio * (folds + 1) + (smoteFold * (folds + 1)) / Math.max(1, workers);
    let cvWall = 0;
    let refitted: Family[];
    let championFolds = 0;
    const notes: string[] = [];
    if (plan.strategy === 'grid') {
      // The grid's fold tasks go to the pool in this order (groups slowest family first, then folds) and each
      // free worker takes the next: the same list scheduling, simulated, gives the wall time and, under a time
      // budget, which tasks start at all (the last ones run to their end).
      const budget = plan.time === null ? Infinity : plan.time - probe - preprocessing;
      if (budget <= 0) notes.push(`the time budget (${approxDuration(plan.time ?? 0)}) is likely spent before the first fold fit: preprocessing is estimated at ${approxDuration(preprocessing)}; raise --time`);
      const tasks = perGroupFold.flatMap((g, gi) => Array.from({ length: folds }, () => ({ ...g, gi })));
      const run = schedule(tasks.map((t) => t.seconds), workers, budget);
      cvWall = run.wall;
      const started = new Set(tasks.filter((_, i) => run.started[i]).map((t) => t.gi));
      refitted = [...new Set(perGroupFold.filter((_, gi) => started.has(gi)).map((g) => g.family))];
    } else if (plan.strategy === 'halving') {
      // Families run side by side, each rung waiting for its last fold: the wall time is the longer of all
      // rungs' tasks spread over the workers and the slowest family's chain of rungs. Which candidates
      // survive a rung is not known before it runs: each survivor is taken at the mean cost of the family's
      // groups. (Taking the costliest read the 100,000-row default run 28% long, and so close to the grid's
      // estimate that auto could keep the grid: the forest's cheaper sqrt candidates won its rungs.)
      const all: number[] = [];
      let chain = 0;
      for (const [family, rungs] of plan.halving) {
        const own = timed.filter((t) => t.g.family === family);
        const first = rungs[0]?.candidates ?? 1;
        let familyWall = 0;
        for (const rung of rungs) {
          const share = rung.resource / plan.trainRows;
          const costs = own.map((t) => foldSeconds(t, share));
          const mean = costs.reduce((a, x) => a + x, 0) / Math.max(1, costs.length);
          const groups = Array.from({ length: Math.min(costs.length, Math.max(1, Math.ceil((own.length * rung.candidates) / first))) }, () => mean);
          const tasks = groups.flatMap((d) => Array.from({ length: folds }, () => d));
          all.push(...tasks);
          familyWall += schedule(tasks, workers, Infinity).wall;
        }
        chain = Math.max(chain, familyWall);
        // The last rung on a subsample leaves the champion without full-fold predictions: its folds are refitted.
        const last = rungs[rungs.length - 1];
        if (last && last.resource < plan.trainRows) championFolds = Math.max(championFolds, Math.max(0, ...own.map((t) => foldSeconds(t, 1))) * Math.ceil(folds / workers));
      }
      cvWall = Math.max(chain, schedule(all.sort((a, b) => b - a), workers, Infinity).wall);
      refitted = [...plan.halving.keys()];
    } else {
      cvWall = tpeSeconds(plan, perCandidate) / workers;
      refitted = [...perCandidate.keys()];
    }
    const refitSeconds = refitted.map(refitOf);
    const refits = schedule(refitSeconds, workers, Infinity).wall + championFolds;
    const total = probe + preprocessing + cvWall + refits + finishing;
    return { seconds: total, perFamily, preprocessing, probe, refits, finishing, adaptations: adaptations.map(adaptationLine), notes };
  };
  return { estimate: estimateFor(o.plan), estimateFor };
}

/** List scheduling of tasks in order on `workers`: the wall time and which tasks start before `budget`. */
function schedule(durations: readonly number[], workers: number, budget: number): { wall: number; started: boolean[] } {
  const free = new Array<number>(Math.max(1, workers)).fill(0);
  const started: boolean[] = [];
  let wall = 0;
  for (const d of durations) {
    let w = 0;
    for (let i = 1; i < free.length; i++) if (free[i]! < free[w]!) w = i;
    if (free[w]! >= budget) {
      started.push(false);
      continue;
    }
    free[w] = free[w]! + d;
    wall = Math.max(wall, free[w]!);
    started.push(true);
  }
  return { wall, started };
}

/** Core-seconds of a TPE search: its trials at the grid's mean candidate cost, or its time budget. */
function tpeSeconds(plan: SearchPlan, perCandidate: ReadonlyMap<Family, readonly number[]>): number {
  const means = [...perCandidate.values()].flat();
  const mean = means.reduce((a, b) => a + b, 0) / Math.max(1, means.length);
  return plan.time !== null ? plan.time * plan.workers : plan.trials * mean * plan.folds;
}
