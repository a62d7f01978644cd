import { UserError } from '../core/errors.js';
import { applicantAt, completeApplicant, profileApplicant, typicalApplicant, type WhatIfBase } from '../core/scoring/what-if.js';
import type { PointsScale } from '../core/scoring/decision.js';
import type { RunStore } from '../core/store/run-store.js';
import { loadStoredDataset } from './datasets.js';
import { loadRegisteredModel } from './registry.js';
import { scoreApplicant } from './score.js';

export interface WhatIfOptions {
  readonly model?: string;
  readonly threshold?: number;
  readonly scale: PointsScale;
  /** `N` (row N of the model's training data, the first applicant being row 1) or `NAME[@V]:N`. */
  readonly from?: string;
}

/** The full applicant a what-if starts from: a row of a dataset, else the training data's typical applicant. */
function baseFor(store: RunStore, model: string, from: string | undefined): WhatIfBase {
  const { bundle } = loadRegisteredModel(store, model);
  const columns = bundle.input.columns;
  const training = `${bundle.dataset.name}@${bundle.dataset.version}`;
  if (from !== undefined) {
    const m = /^(?:(.+):)?(\d+)$/.exec(from.trim());
    if (!m) throw new UserError(`invalid --from ${JSON.stringify(from)}`, {}, 'a row number (1 = the first applicant) of the training data, or DATASET[@VERSION]:ROW');
    const ds = loadStoredDataset(store.resolveDataset(m[1] ?? training));
    const base = applicantAt(ds, columns, Number(m[2]));
    if (!base) throw new UserError(`no row ${m[2]} in ${ds.name}`, {}, `rows 1 to ${ds.rows}`);
    return base;
  }
  try {
    return typicalApplicant(loadStoredDataset(store.resolveDataset(training)), columns);
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    return profileApplicant(columns); // the training data was removed: the bundle's own profile still knows the medians
  }
}

/**
 * One applicant from a few fields: the rest come from `--from`'s row or the training data's typical
 * applicant, and the answer says which fields were filled and from where.
 */
export function scoreWhatIf(store: RunStore, given: Readonly<Record<string, unknown>>, opts: WhatIfOptions): ReturnType<typeof scoreApplicant> & { base: { source: string; filled: string[]; values: Record<string, unknown> } } {
  const model = opts.model ?? 'champion';
  const base = baseFor(store, model, opts.from);
  const { record, filled } = completeApplicant(given, base);
  const scored = scoreApplicant(store, record, { model, ...(opts.threshold !== undefined ? { threshold: opts.threshold } : {}), scale: opts.scale });
  return { ...scored, base: { source: base.source, filled, values: Object.fromEntries(filled.map((k) => [k, record[k]])) } };
}
