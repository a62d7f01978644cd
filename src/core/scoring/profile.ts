import { KAGGLE_COLUMNS, SOUTH_GERMAN_COLUMNS, STATLOG_COLUMNS } from '../data/codebooks.js';
import type { Dataset } from '../data/dataset.js';
import type { Matrix } from '../matrix.js';

/** What a scoring input column must look like, learned from the training rows and stored in the bundle. */
export type InputColumn =
  | { readonly name: string; readonly kind: 'numeric'; readonly min: number; readonly max: number; readonly missing_allowed: boolean }
  | {
      readonly name: string;
      readonly kind: 'categorical';
      readonly levels: readonly string[];
      /** Raw codes of the source format (e.g. Statlog `A11`) that decode to a level. */
      readonly codes: Readonly<Record<string, string>>;
      readonly missing_allowed: boolean;
    };

export interface InputProfile {
  readonly columns: readonly InputColumn[];
  readonly target: string;
  /** Mean of each transformed feature on the training rows: the reference point of reason codes. */
  readonly feature_means: readonly number[];
}

function codesFor(name: string): Readonly<Record<string, string>> {
  for (const specs of [STATLOG_COLUMNS, SOUTH_GERMAN_COLUMNS, KAGGLE_COLUMNS]) {
    const s = specs.find((c) => c.name === name);
    if (s?.codes) return s.codes;
  }
  return {};
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
      return { name: c.name, kind: 'numeric', min, max, missing_allowed: missing };
    }
    const present = new Set(c.values.filter((v): v is string => v !== null));
    return {
      name: c.name, kind: 'categorical', levels: [...new Set([...c.levels, ...present])].filter((l) => present.has(l) || c.levels.includes(l)),
      codes: codesFor(c.name), missing_allowed: c.values.some((v) => v === null),
    };
  });
  const means = new Array<number>(X.cols).fill(0);
  for (let i = 0; i < X.rows; i++) for (let j = 0; j < X.cols; j++) means[j]! += X.data[i * X.cols + j]!;
  return { columns, target: ds.targetName, feature_means: means.map((m) => m / Math.max(1, X.rows)) };
}
