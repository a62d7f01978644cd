import type { Matrix } from '../matrix.js';
import { Rng } from '../random.js';
import type { InputProfile } from './profile.js';

/**
 * Who a declined applicant is compared with when reasons are attributions (every family but the scorecard,
 * whose reasons are points lost against each characteristic's best bin): `average`, the mean training
 * applicant; `cutoff`, the training applicants at or just above the cut-off — the ones a decision turns on,
 * so a reason says what separates this applicant from the marginal decline rather than from the typical one.
 */
export type ReasonMethod = 'average' | 'cutoff';

/** Share of training rows in the cut-off reference set (at least `MIN_ROWS`). */
const SHARE = 0.05;
const MIN_ROWS = 20;

/**
 * The reference applicant (mean of each transformed feature) for `method`: null for `average` (the profile's
 * feature means serve). For `cutoff`, the training rows with p(bad) at or above the threshold, the lowest
 * max(20, 5%) of them — `pBad` being out-of-fold and calibrated, on the threshold's scale.
 */
export function reasonReference(X: Matrix, pBad: ArrayLike<number>, threshold: number, method: ReasonMethod): number[] | null {
  if (method === 'average') return null;
  const take = cutoffRows(X.rows, pBad, threshold);
  const means = new Array<number>(X.cols).fill(0);
  for (const i of take) for (let j = 0; j < X.cols; j++) means[j]! += X.data[i * X.cols + j]!;
  return means.map((m) => m / take.length);
}

/** The training rows at or just above the cut-off, nearest first: the lowest max(20, 5%) at or above it. */
function cutoffRows(rows: number, pBad: ArrayLike<number>, threshold: number): number[] {
  const above = Array.from({ length: rows }, (_, i) => i).filter((i) => pBad[i]! >= threshold);
  // Nobody at or above the cut-off: the highest-risk rows are the nearest there are.
  const pool = above.length > 0 ? above : Array.from({ length: rows }, (_, i) => i);
  pool.sort((a, b) => (above.length > 0 ? pBad[a]! - pBad[b]! : pBad[b]! - pBad[a]!) || a - b);
  return pool.slice(0, Math.min(pool.length, Math.max(MIN_ROWS, Math.ceil(SHARE * rows))));
}

/**
 * Most reference rows a bundle keeps for interventional TreeSHAP: a declined row's reasons cost one tree walk
 * per (tree, reference) pair that ends in different leaves, so the set is capped (README: Reason codes).
 */
export const REFERENCE_ROWS = 100;

/**
 * The reference set itself (rows of transformed features), for interventional TreeSHAP: for `cutoff` the rows
 * `reasonReference` averages, nearest the cut-off first, at most REFERENCE_ROWS; for `average` a seeded sample
 * of REFERENCE_ROWS training rows (all of them when fewer), whose mean f stands for the average applicant's.
 */
export function reasonReferenceRows(X: Matrix, pBad: ArrayLike<number>, threshold: number, method: ReasonMethod, seed: number): number[][] {
  let take: number[];
  if (method === 'cutoff') take = cutoffRows(X.rows, pBad, threshold).slice(0, REFERENCE_ROWS);
  else {
    const all = Array.from({ length: X.rows }, (_, i) => i);
    // Kept in drawn order: any first k of them (a large ensemble's share, TreeExplainer) are a uniform sample too.
    take = X.rows <= REFERENCE_ROWS ? all : Rng.derive(seed, 'reason-reference').shuffle(all).slice(0, REFERENCE_ROWS);
  }
  return take.map((i) => Array.from(X.data.subarray(i * X.cols, (i + 1) * X.cols)));
}

/** The profile with its reason reference (the mean applicant of the method) and reference rows. */
export function withReasonReference(profile: InputProfile, reference: readonly number[] | null, method: ReasonMethod, rows?: readonly (readonly number[])[]): InputProfile {
  const withRows = rows && rows.length > 0 ? { ...profile, reason_reference_rows: rows } : profile;
  return reference === null ? withRows : { ...withRows, reason_method: method, reason_reference: reference };
}
