import type { Matrix } from '../matrix.js';
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
  const above = Array.from({ length: X.rows }, (_, i) => i).filter((i) => pBad[i]! >= threshold);
  // Nobody at or above the cut-off: the highest-risk rows are the nearest there are.
  const pool = above.length > 0 ? above : Array.from({ length: X.rows }, (_, i) => i);
  pool.sort((a, b) => (above.length > 0 ? pBad[a]! - pBad[b]! : pBad[b]! - pBad[a]!) || a - b);
  const take = pool.slice(0, Math.min(pool.length, Math.max(MIN_ROWS, Math.ceil(SHARE * X.rows))));
  const means = new Array<number>(X.cols).fill(0);
  for (const i of take) for (let j = 0; j < X.cols; j++) means[j]! += X.data[i * X.cols + j]!;
  return means.map((m) => m / take.length);
}

/** The profile with its reason reference set, when the method has one. */
export function withReasonReference(profile: InputProfile, reference: readonly number[] | null, method: ReasonMethod): InputProfile {
  return reference === null ? profile : { ...profile, reason_method: method, reason_reference: reference };
}
