import { KAGGLE_COLUMNS, SOUTH_GERMAN_COLUMNS, STATLOG_COLUMNS } from '../data/codebooks.js';
import type { Dataset } from '../data/dataset.js';
import type { Matrix } from '../matrix.js';
import { percentilesOf } from './reason-text.js';

/** What a scoring input column must look like, learned from the training rows and stored in the bundle. */
export type InputColumn =
  | {
      readonly name: string;
      readonly kind: 'numeric';
      readonly min: number;
      readonly max: number;
      readonly missing_allowed: boolean;
      /** Training values at 0%, 1%, …, 100%: the context of reason texts (absent in older bundles). */
      readonly percentiles?: readonly number[];
    }
  | {
      readonly name: string;
      readonly kind: 'categorical';
      readonly levels: readonly string[];
      /** Raw codes of the source format (e.g. Statlog `A11`) that decode to a level. */
      readonly codes: Readonly<Record<string, string>>;
      readonly missing_allowed: boolean;
      /** Share of bad applicants per level in training: the context of reason texts (absent in older bundles). */
      readonly bad_rates?: Readonly<Record<string, number>>;
    };

export interface InputProfile {
  readonly columns: readonly InputColumn[];
  readonly target: string;
  /** Mean of each transformed feature on the training rows: the reference point of reason codes. */
  readonly feature_means: readonly number[];
  /** params.yaml `reasons.method` when it is not the mean applicant (absent = average). */
  readonly reason_method?: string;
  /** The reference applicant of that method (transformed features), used in place of `feature_means`. */
  readonly reason_reference?: readonly number[];
  /**
   * The reference set of that method as rows of transformed features (at most 100): tree families' reasons
   * are interventional TreeSHAP against it. Absent in older bundles: their tree reasons are path-dependent.
   */
  readonly reason_reference_rows?: readonly (readonly number[])[];
}

function codesFor(name: string): Readonly<Record<string, string>> {
  for (const specs of [STATLOG_COLUMNS, SOUTH_GERMAN_COLUMNS, KAGGLE_COLUMNS]) {
    const s = specs.find((c) => c.name === name);
    if (s?.codes) return s.codes;
  }
  return {};
}

function levelBadRates(values: readonly (string | null)[], target: Uint8Array): Record<string, number> {
  const counts = new Map<string, [number, number]>();
  values.forEach((v, i) => {
    if (v === null) return;
    const c = counts.get(v) ?? [0, 0];
    c[0]++;
    c[1] += target[i]!;
    counts.set(v, c);
  });
  return Object.fromEntries([...counts].map(([level, [n, bad]]) => [level, bad / n]));
}

export function inputProfile(ds: Dataset, X: Matrix): InputProfile {
  const columns = ds.features.map((c): InputColumn => {
    if (c.kind === 'numeric') {
      let min = Infinity;
      let max = -Infinity;
      let missing = false;
      for (const v of c.values) {
        if (Number.isNaN(v)) missing = true;
        else [min, max] = [Math.min(min, v), Math.max(max, v)];
      }
      const sorted = Float64Array.from(c.values.filter((v) => !Number.isNaN(v))).sort();
      return { name: c.name, kind: 'numeric', min, max, missing_allowed: missing, percentiles: percentilesOf(sorted) };
    }
    const present = new Set(c.values.filter((v): v is string => v !== null));
    return {
      name: c.name, kind: 'categorical', levels: [...new Set([...c.levels, ...present])].filter((l) => present.has(l) || c.levels.includes(l)),
      codes: codesFor(c.name), missing_allowed: c.values.some((v) => v === null), bad_rates: levelBadRates(c.values, ds.target),
    };
  });
  const means = new Array<number>(X.cols).fill(0);
  for (let i = 0; i < X.rows; i++) for (let j = 0; j < X.cols; j++) means[j]! += X.data[i * X.cols + j]!;
  return { columns, target: ds.targetName, feature_means: means.map((m) => m / Math.max(1, X.rows)) };
}
