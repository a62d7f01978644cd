import type { Rng } from '../random.js';
import type { CandidateResult } from './leaderboard.js';

/** One round of successive halving: how many candidates run, on how many training rows. */
export interface Rung {
  readonly rung: number;
  /** Training rows (scikit-learn's resource 'n_samples'). */
  readonly resource: number;
  readonly candidates: number;
}

/** Largest k with factor^k <= n (integer arithmetic: no floating log). */
function floorLog(n: number, factor: number): number {
  let k = 0;
  for (let v = factor; v <= n; v *= factor) k++;
  return k;
}

/**
 * The rungs of scikit-learn's HalvingGridSearchCV with resource 'n_samples', min_resources 'exhaust' and no
 * aggressive elimination: start as high as lets the last required rung use (about) every row, keep the best
 * ceil(n / factor) candidates each rung.
 */
export function halvingSchedule(nCandidates: number, maxResources: number, folds: number, factor = 3, wholeLast = false): Rung[] {
  const smallest = folds * 2 * 2; // n_splits × 2 × n_classes
  const required = 1 + floorLog(nCandidates, factor);
  const minResources = Math.max(smallest, Math.floor(maxResources / factor ** (required - 1)));
  const possible = 1 + floorLog(Math.floor(maxResources / minResources), factor);
  const rungs: Rung[] = [];
  let candidates = nCandidates;
  for (let i = 0; i < Math.min(possible, required); i++) {
    rungs.push({ rung: i, resource: Math.min(Math.floor(factor ** i * minResources), maxResources), candidates });
    candidates = Math.ceil(candidates / factor);
  }
  // `wholeLast`: a last rung short of every row only by the schedule's rounding (792 of 800, 79,992 of
  // 80,000) takes every row, so its finalists are scored on whole folds (the champion's out-of-fold
  // predictions need them; otherwise its five folds are fitted again).
  const last = rungs[rungs.length - 1];
  if (wholeLast && last && last.resource < maxResources && maxResources - last.resource < factor ** last.rung) rungs[rungs.length - 1] = { ...last, resource: maxResources };
  return rungs;
}

/** The best `k` of a rung by the selection metric (ties: grid order), as scikit-learn's `_top_k`. */
export function topK(results: readonly CandidateResult[], k: number): CandidateResult[] {
  return [...results].sort((a, b) => b.selection - a.selection || a.index - b.index).slice(0, k);
}

/** scikit-learn's `resample(replace=False, n_samples=int(fraction × n))`: a random subset, as sorted positions. */
export function subsample(n: number, fraction: number, rng: Rng): Int32Array {
  const take = Math.floor(fraction * n + 1e-9);
  if (take >= n) return Int32Array.from({ length: n }, (_, i) => i);
  const order = rng.shuffle(Array.from({ length: n }, (_, i) => i));
  return Int32Array.from(order.slice(0, take)).sort();
}
