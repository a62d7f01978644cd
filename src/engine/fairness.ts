import { audit, DEFAULT_ATTRIBUTES, type AttributeSpec, type AuditResult } from '../core/fairness/audit.js';
import { takeRows, type Dataset } from '../core/data/dataset.js';
import { UserError } from '../core/errors.js';
import { transform } from '../core/features/preprocess.js';
import { ENGINES } from '../core/models/engines.js';
import type { Params } from '../core/params/params.js';
import { prepareFolds } from '../core/search/folds.js';
import { learnerSeed } from '../core/search/task.js';
import type { RunStore } from '../core/store/run-store.js';
import { loadStoredDataset } from './datasets.js';
import { loadRegisteredModel, type LoadedModel } from './registry.js';
import { resolveSplit, withoutSmote } from './train.js';

export interface FairnessReport extends AuditResult {
  readonly model: { readonly version: number; readonly family: string; readonly threshold: number; readonly dataset: string };
  readonly on: 'test' | 'oof';
  readonly rows: number;
}

/** The attributes to audit: params.yaml `fairness.attributes`, else the defaults for the known data sets. */
export function fairnessSpecs(params: Params): readonly AttributeSpec[] {
  return params.fairness.attributes ?? DEFAULT_ATTRIBUTES;
}

/** Out-of-fold p(bad) of the model's family and parameters on the training rows (refitted per fold, seeded as in the search). */
function outOfFold(m: LoadedModel, train: Dataset, folds: readonly (readonly number[])[]): Float64Array {
  const { params, candidate, family } = m.bundle;
  const smote = candidate['smote'] === true;
  const prepared = prepareFolds(train, folds, params.preprocessing, smote, params.preprocessing.smote_k, params.seed);
  const p = new Float64Array(train.rows);
  prepared.forEach((f, k) => {
    const X = smote ? f.smoted!.X : f.X;
    const y = smote ? f.smoted!.y : f.y;
    const model = ENGINES[family].fit(withoutSmote(candidate), X, y, learnerSeed(params.seed, family, k));
    const pv = model.predictProba(f.Xval);
    folds[k]!.forEach((row, j) => (p[row] = pv[j]!));
  });
  return p;
}

/**
 * `credit-tui fairness`: the audit of a registered model on its test rows (the same split the search used)
 * or on out-of-fold predictions over its training rows, at the model's threshold.
 */
export function runFairness(store: RunStore, params: Params, opts: { readonly model?: string; readonly on?: 'test' | 'oof'; readonly resamples?: number }): FairnessReport {
  const m = loadRegisteredModel(store, opts.model ?? 'champion');
  const { name, version } = m.bundle.dataset;
  const ds = loadStoredDataset(store.resolveDataset(`${name}@${version}`));
  const splitFile = store.params(m.version.run_id)['split_file'] || undefined;
  const split = resolveSplit(ds, m.bundle.params, splitFile ? { splitFile } : {});
  const on = opts.on ?? 'test';
  const rows = takeRows(ds, on === 'test' ? split.test : split.train);
  const p = on === 'test' ? m.model.predictProba(transform(m.bundle.preprocessor, rows)) : outOfFold(m, rows, split.folds);
  const result = audit(rows, p, m.bundle.threshold, fairnessSpecs(params), { seed: params.seed, ...(opts.resamples ? { resamples: opts.resamples } : {}) });
  if (result.attributes.length === 0 && result.skipped.length === 0) throw new UserError('no fairness attributes configured', {}, 'set fairness.attributes in params.yaml');
  return { model: { version: m.version.version, family: m.bundle.family, threshold: m.bundle.threshold, dataset: `${name}@${version}` }, on, rows: rows.rows, ...result };
}
