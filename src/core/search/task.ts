import type { Matrix } from '../matrix.js';
import { nearestNeighbours } from '../features/smote.js';
import { ENGINES } from '../models/engines.js';
import type { ModelState } from '../models/model.js';
import { Rng } from '../random.js';
import type { Candidate, Family } from '../params/grids.js';

/** One unit of grid-search work: a group of candidates sharing a fit, on one fold. Plain data: it crosses threads. */
export interface FoldTask {
  readonly kind: 'fold';
  readonly id: number;
  readonly family: Family;
  readonly fold: number;
  /** Candidates without the `smote` key (the training matrix already reflects it). */
  readonly candidates: readonly Candidate[];
  readonly seed: number;
  readonly X: Matrix;
  readonly y: Uint8Array;
  /** Validation rows, then the fold's own (un-resampled) training rows for the train score. */
  readonly evals: readonly Matrix[];
  /** Only the order of the scores matters (the selection metric is ROC AUC, Gini or KS). */
  readonly rankOnly: boolean;
}

/** Refit of one candidate on the whole training set, evaluated on the test rows. */
export interface RefitTask {
  readonly kind: 'refit';
  readonly id: number;
  /** Whether the fitted model comes back (only the champion's is kept: a 300-tree deep forest is hundreds of MB). */
  readonly keepState: boolean;
  readonly family: Family;
  readonly candidate: Candidate;
  readonly seed: number;
  readonly X: Matrix;
  readonly y: Uint8Array;
  readonly test: Matrix;
}

/** SMOTE's neighbour search for the query rows from..to of the minority rows `M` (one slice of one search). */
export interface NeighbourTask {
  readonly kind: 'neighbours';
  readonly id: number;
  readonly M: Matrix;
  readonly k: number;
  readonly from: number;
  readonly to: number;
}

export type SearchTask = FoldTask | RefitTask | NeighbourTask;

export type TaskResult =
  | { readonly kind: 'fold'; readonly id: number; readonly probs: Float64Array[][]; readonly seconds: number }
  | { readonly kind: 'refit'; readonly id: number; readonly state: ModelState | null; readonly testProba: Float64Array; readonly seconds: number }
  | { readonly kind: 'neighbours'; readonly id: number; readonly neighbours: Int32Array; readonly seconds: number };

/** The seed a family's learner gets on a fold: fixed per (seed, family, fold), independent of scheduling. */
export function learnerSeed(seed: number, family: Family, fold: number | 'refit'): number {
  return Math.floor(Rng.derive(seed, 'learner', family, fold).next() * 2 ** 31);
}

/** Runs one task; the same function serves worker threads and the in-process path. */
export function executeTask(task: SearchTask): TaskResult {
  const t0 = performance.now();
  if (task.kind === 'neighbours') {
    const neighbours = nearestNeighbours(task.M, task.k, task.from, task.to);
    return { kind: 'neighbours', id: task.id, neighbours, seconds: (performance.now() - t0) / 1000 };
  }
  const engine = ENGINES[task.family];
  if (task.kind === 'fold') {
    const probs = engine.fitGroup(task.candidates, task.X, task.y, task.evals, task.seed, { rankOnly: task.rankOnly });
    return { kind: 'fold', id: task.id, probs, seconds: (performance.now() - t0) / 1000 };
  }
  if (!task.keepState) {
    // Only the test probabilities come back: one candidate's fitGroup gives fit + predictProba's bit for bit
    // (models/shortcuts.test.ts) without holding the model, e.g. a forest scores each tree as it grows.
    const testProba = engine.fitGroup([task.candidate], task.X, task.y, [task.test], task.seed, { rankOnly: false })[0]![0]!;
    return { kind: 'refit', id: task.id, state: null, testProba, seconds: (performance.now() - t0) / 1000 };
  }
  const model = engine.fit(task.candidate, task.X, task.y, task.seed);
  const testProba = model.predictProba(task.test);
  return { kind: 'refit', id: task.id, state: model.toJSON(), testProba, seconds: (performance.now() - t0) / 1000 };
}
