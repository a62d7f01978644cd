import type { Dataset } from '../data/dataset.js';
import type { InputColumn } from './profile.js';

/** A full applicant a what-if starts from, and where its values came from. */
export interface WhatIfBase {
  readonly values: Readonly<Record<string, string | number | null>>;
  /** One line for the output, e.g. "row 17 of statlog_german@1" or "typical training applicant". */
  readonly source: string;
}

/** The middle value of the non-missing numbers (the lower one of an even count, so it is a real value). */
function median(values: Float64Array): number | null {
  const xs = Array.from(values).filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  return xs.length === 0 ? null : xs[(xs.length - 1) >> 1]!;
}

/** The most frequent level; ties go to the first in level order, so the choice is stable. */
function mode(values: readonly (string | null)[], levels: readonly string[]): string | null {
  const counts = new Map<string, number>();
  for (const v of values) if (v !== null) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: string | null = null;
  for (const l of [...levels, ...counts.keys()]) if ((counts.get(l) ?? 0) > (best === null ? 0 : counts.get(best)!)) best = l;
  return best;
}

/** The training data's typical applicant: each numeric input's median, each categorical input's most frequent level. */
export function typicalApplicant(ds: Dataset, columns: readonly InputColumn[]): WhatIfBase {
  const values: Record<string, string | number | null> = {};
  for (const c of columns) {
    const f = ds.features.find((x) => x.name === c.name);
    if (!f) values[c.name] = c.kind === 'numeric' ? profileMedian(c) : c.levels[0] ?? null;
    else values[c.name] = f.kind === 'numeric' ? median(f.values) : mode(f.values, f.levels);
  }
  return { values, source: `typical training applicant of ${ds.name} (median of each number, most frequent level of each category)` };
}

function profileMedian(c: Extract<InputColumn, { kind: 'numeric' }>): number {
  return c.percentiles?.[50] ?? (c.min + c.max) / 2;
}

/** When the training data is gone: the profile's medians and each category's first level. */
export function profileApplicant(columns: readonly InputColumn[]): WhatIfBase {
  const values: Record<string, string | number | null> = {};
  for (const c of columns) values[c.name] = c.kind === 'numeric' ? profileMedian(c) : c.levels[0] ?? null;
  return { values, source: 'the model\'s input profile (training medians; first level of each category)' };
}

/** Row `row` (1-based: the first applicant is row 1) of a dataset, for the model's input columns. */
export function applicantAt(ds: Dataset, columns: readonly InputColumn[], row: number): WhatIfBase | undefined {
  if (!Number.isInteger(row) || row < 1 || row > ds.rows) return undefined;
  const values: Record<string, string | number | null> = {};
  for (const c of columns) {
    const f = ds.features.find((x) => x.name === c.name);
    const v = f?.values[row - 1];
    values[c.name] = v === undefined || (typeof v === 'number' && Number.isNaN(v)) ? null : v;
  }
  return { values, source: `row ${row} of ${ds.name}` };
}

/** The given fields over the base: what was given wins; the rest are named, so the output can say so. */
export function completeApplicant(given: Readonly<Record<string, unknown>>, base: WhatIfBase): { record: Record<string, unknown>; filled: string[] } {
  const record: Record<string, unknown> = { ...given };
  const filled: string[] = [];
  for (const [k, v] of Object.entries(base.values)) {
    if (k in record) continue;
    record[k] = v;
    filled.push(k);
  }
  return { record, filled };
}
