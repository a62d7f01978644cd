import { takeRows } from '../core/data/dataset.js';
import { UserError } from '../core/errors.js';
import { permutationImportance } from '../core/drift/importance.js';
import { transform } from '../core/features/preprocess.js';
import type { RunStore } from '../core/store/run-store.js';
import { loadStoredDataset } from './datasets.js';
import type { LoadedModel } from './registry.js';
import { resolveSplit } from './train.js';

const PREFIX = 'importance.';

/**
 * The model version's permutation importance on its test rows (the split its search used), stored as metrics
 * of the version's training run. Computed at first need and kept, so `train` stays as it is and every later
 * `drift --model` or `monitor` reads the same figures.
 */
export function versionImportance(store: RunStore, m: LoadedModel): Record<string, number> {
  const stored = Object.entries(store.latestMetrics(m.version.run_id)).filter(([k]) => k.startsWith(PREFIX));
  if (stored.length) return Object.fromEntries(stored.map(([k, v]) => [k.slice(PREFIX.length), v]));
  const { name, version } = m.bundle.dataset;
  const ds = loadStoredDataset(store.resolveDataset(`${name}@${version}`));
  const splitFile = store.params(m.version.run_id)['split_file'] || undefined;
  const split = resolveSplit(ds, m.bundle.params, splitFile ? { splitFile } : {});
  const test = takeRows(ds, split.test);
  const importance = permutationImportance(test, (d) => m.model.predictProba(transform(m.bundle.preprocessor, d)), { seed: m.bundle.params.seed });
  store.logMetrics(m.version.run_id, Object.fromEntries(Object.entries(importance).map(([k, v]) => [`${PREFIX}${k}`, v])));
  return importance;
}

/**
 * The importance, or null when the version's training data can no longer be read (a removed dataset): the
 * verdict then falls back to the plain share of drifted columns instead of failing the whole command.
 */
export function versionImportanceIfAvailable(store: RunStore, m: LoadedModel): Record<string, number> | null {
  try {
    return versionImportance(store, m);
  } catch (e) {
    if (e instanceof UserError) return null;
    throw e;
  }
}
