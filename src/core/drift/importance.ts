import type { Dataset, FeatureColumn } from '../data/dataset.js';
import { rocAuc } from '../metrics/classification.js';
import { Rng } from '../random.js';

export interface PermutationImportanceOptions {
  readonly seed: number;
  /** Shuffles per column, averaged. @default 5 */
  readonly repeats?: number;
}

function permuted(c: FeatureColumn, order: readonly number[]): FeatureColumn {
  if (c.kind === 'numeric') return { ...c, values: Float64Array.from(order, (i) => c.values[i]!) };
  return { ...c, values: order.map((i) => c.values[i] ?? null) };
}

/**
 * Permutation importance (Breiman; scikit-learn's `permutation_importance`): how much the model's ROC AUC
 * drops when one input column is shuffled across the rows, so its link to the outcome is cut while its
 * distribution stays. Columns are the raw inputs, as drift sees them. A drop below zero is noise and counts 0.
 */
export function permutationImportance(ds: Dataset, proba: (d: Dataset) => ArrayLike<number>, opts: PermutationImportanceOptions): Record<string, number> {
  const { seed, repeats = 5 } = opts;
  const base = rocAuc(ds.target, proba(ds));
  const rng = new Rng(seed);
  const out: Record<string, number> = {};
  ds.features.forEach((c, j) => {
    let drop = 0;
    for (let r = 0; r < repeats; r++) {
      const order = Array.from({ length: ds.rows }, (_, i) => i);
      for (let i = order.length - 1; i > 0; i--) {
        const k = rng.int(i + 1);
        [order[i], order[k]] = [order[k]!, order[i]!];
      }
      const features = ds.features.map((f, i) => (i === j ? permuted(f, order) : f));
      drop += base - rocAuc(ds.target, proba({ ...ds, features }));
    }
    out[c.name] = Math.max(0, drop / repeats);
  });
  return out;
}

/** How a dataset's drift verdict is reached: the share of drifted columns, or their share of the model's importance. */
export type VerdictBy = 'share' | 'weighted';

export interface WeightedVerdict {
  readonly drift_share: number;
  /** Drifted columns' share of the total permutation importance; null without importances. */
  readonly weighted_drift_share: number | null;
  readonly verdict_by: VerdictBy;
  readonly dataset_drift: boolean;
}

/**
 * The dataset verdict. Counting columns equally (Evidently's default) calls a drifted most-informative
 * column "no drift" when it is one of many, and six drifted columns the model ignores "drift"; weighting
 * each column by the model's permutation importance judges what the drift does to the scores. Without
 * importances (no model) the plain share decides.
 */
export function datasetVerdict(
  columns: readonly { readonly column: string; readonly drifted: boolean }[],
  importance: Readonly<Record<string, number>> | null,
  t: { readonly verdict: VerdictBy; readonly drift_share: number; readonly weighted_share: number },
): WeightedVerdict {
  const share = columns.length ? columns.filter((c) => c.drifted).length / columns.length : 0;
  let weighted: number | null = null;
  if (importance) {
    const total = columns.reduce((a, c) => a + (importance[c.column] ?? 0), 0);
    weighted = total > 0 ? columns.reduce((a, c) => a + (c.drifted ? (importance[c.column] ?? 0) : 0), 0) / total : 0;
  }
  if (t.verdict === 'weighted' && weighted !== null) return { drift_share: share, weighted_drift_share: weighted, verdict_by: 'weighted', dataset_drift: weighted >= t.weighted_share };
  return { drift_share: share, weighted_drift_share: weighted, verdict_by: 'share', dataset_drift: share >= t.drift_share };
}
