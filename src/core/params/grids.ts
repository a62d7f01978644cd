/**
 * Model families and their hyper-parameter grids. The defaults are the `GRIDS` of
 * ../shared/reference/reference_train.py so a default run is comparable with scikit-learn number for number.
 */
export const FAMILIES = ['logreg', 'tree', 'forest', 'xgboost', 'knn', 'svm', 'mlp', 'brf', 'scorecard'] as const;
export type Family = (typeof FAMILIES)[number];
/** The families a default search runs: the reference's seven (brf, the balanced random forest, and scorecard are opt-in). */
export const DEFAULT_FAMILIES: readonly Family[] = ['logreg', 'tree', 'forest', 'xgboost', 'knn', 'svm', 'mlp'];

/** A column map is xgboost's `monotone_constraints` as params.yaml states it (column -> 1, -1, 0 or 'auto'). */
export type GridValue = number | string | boolean | null | readonly number[] | Readonly<Record<string, number | string>>;
/** One hyper-parameter setting of a family, e.g. `{C: 1, class_weight: null, smote: false}`. */
export type Candidate = Readonly<Record<string, GridValue>>;
export type Grid = Readonly<Record<string, readonly GridValue[]>>;

export const DEFAULT_GRIDS: Readonly<Record<Family, Grid>> = {
  logreg: { C: [0.01, 0.1, 1, 10], class_weight: [null, 'balanced'], smote: [false, true] },
  tree: { max_depth: [3, 5, 8, null], min_samples_leaf: [1, 5, 20], smote: [false, true] },
  forest: { n_estimators: [100, 300], max_depth: [null, 8], max_features: ['sqrt', 0.5], smote: [false, true] },
  xgboost: {
    n_estimators: [100, 300], max_depth: [3, 5], learning_rate: [0.05, 0.1], subsample: [0.8], smote: [false, true],
  },
  knn: { n_neighbors: [5, 15, 31], weights: ['uniform', 'distance'], smote: [false, true] },
  svm: { C: [0.5, 1, 4], gamma: ['scale', 0.01], smote: [false, true] },
  mlp: { hidden_layer_sizes: [[32], [64, 32]], alpha: [1e-4, 1e-2], smote: [false, true] },
  brf: { n_estimators: [100, 300], max_depth: [null, 8], min_samples_leaf: [1, 5] },
  // Optimal binning per characteristic (minimum bin size, trend), WoE, then an L2 logistic regression (C).
  scorecard: { C: [0.01, 0.1, 1], min_bin_size: [0.05, 0.1], trend: ['auto', 'none'], iv_threshold: [0.02] },
};

/** A smaller grid for `--quick` runs and tests: one or two values per key. */
export const QUICK_GRIDS: Readonly<Record<Family, Grid>> = {
  logreg: { C: [0.1, 1], class_weight: [null], smote: [false] },
  tree: { max_depth: [5], min_samples_leaf: [5, 20], smote: [false] },
  forest: { n_estimators: [100], max_depth: [8], max_features: ['sqrt'], smote: [false] },
  xgboost: { n_estimators: [100], max_depth: [3], learning_rate: [0.1], subsample: [0.8], smote: [false] },
  knn: { n_neighbors: [15, 31], weights: ['distance'], smote: [false] },
  svm: { C: [1], gamma: ['scale'], smote: [false] },
  mlp: { hidden_layer_sizes: [[32]], alpha: [1e-2], max_iter: [150], smote: [false] },
  brf: { n_estimators: [100], max_depth: [8] },
  scorecard: { C: [1], min_bin_size: [0.05], trend: ['auto'], iv_threshold: [0.02] },
};

type Check = (v: unknown) => boolean;
const isNum: Check = (v) => typeof v === 'number' && Number.isFinite(v);
const positive: Check = (v) => isNum(v) && (v as number) > 0;
const nonNegative: Check = (v) => isNum(v) && (v as number) >= 0;
const posInt: Check = (v) => Number.isInteger(v) && (v as number) >= 1;
const unitInterval: Check = (v) => isNum(v) && (v as number) > 0 && (v as number) <= 1;
const bool: Check = (v) => typeof v === 'boolean';
const oneOf = (...xs: unknown[]): Check => (v) => xs.includes(v);
const either = (...cs: Check[]): Check => (v) => cs.some((c) => c(v));

const constraintSign: Check = (v) => v === 1 || v === -1 || v === 0;
/** xgboost's monotone_constraints: a column map (bound to features when training), 'auto', or XGBoost's per-feature tuple. */
const isMonotoneConstraints: Check = (v) =>
  v === 'auto' ||
  (Array.isArray(v) && v.every(constraintSign)) ||
  (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => constraintSign(x) || x === 'auto'));

interface ParamSpec {
  readonly check: Check;
  readonly allowed: string;
}

const SMOTE: ParamSpec = { check: bool, allowed: 'true or false' };
const CLASS_WEIGHT: ParamSpec = { check: oneOf(null, 'balanced'), allowed: "null or 'balanced'" };
const DEPTH: ParamSpec = { check: either(posInt, oneOf(null)), allowed: 'a positive integer or null (unlimited)' };

const FOREST_SPEC: Readonly<Record<string, ParamSpec>> = {
  n_estimators: { check: posInt, allowed: 'a positive integer' },
  max_depth: DEPTH,
  max_features: { check: either(oneOf('sqrt', 'log2'), unitInterval), allowed: "'sqrt', 'log2' or a share in (0, 1]" },
  min_samples_leaf: { check: posInt, allowed: 'a positive integer' },
  max_samples: { check: either(oneOf(null), unitInterval, (v) => Number.isInteger(v) && (v as number) > 1), allowed: 'null, a share in (0, 1] or a whole number of rows' },
  class_weight: CLASS_WEIGHT,
  smote: SMOTE,
};

/** Which keys each family's grid may have, and what values each takes. */
export const GRID_SPECS: Readonly<Record<Family, Readonly<Record<string, ParamSpec>>>> = {
  logreg: { C: { check: positive, allowed: 'a positive number' }, class_weight: CLASS_WEIGHT, smote: SMOTE },
  tree: {
    max_depth: DEPTH,
    min_samples_leaf: { check: posInt, allowed: 'a positive integer' },
    class_weight: CLASS_WEIGHT,
    smote: SMOTE,
  },
  forest: FOREST_SPEC,
  xgboost: {
    n_estimators: { check: posInt, allowed: 'a positive integer' },
    max_depth: { check: posInt, allowed: 'a positive integer' },
    learning_rate: { check: unitInterval, allowed: 'a number in (0, 1]' },
    subsample: { check: unitInterval, allowed: 'a number in (0, 1]' },
    colsample_bytree: { check: unitInterval, allowed: 'a number in (0, 1]' },
    min_child_weight: { check: nonNegative, allowed: 'a number >= 0' },
    reg_lambda: { check: nonNegative, allowed: 'a number >= 0' },
    monotone_constraints: { check: isMonotoneConstraints, allowed: "a mapping column: 1 | -1 | 0 | auto, 'auto' (every numeric column takes its binning trend), or a per-feature list of 1, -1, 0" },
    smote: SMOTE,
  },
  knn: {
    n_neighbors: { check: posInt, allowed: 'a positive integer' },
    weights: { check: oneOf('uniform', 'distance'), allowed: "'uniform' or 'distance'" },
    smote: SMOTE,
  },
  svm: {
    C: { check: positive, allowed: 'a positive number' },
    gamma: { check: either(oneOf('scale', 'auto'), positive), allowed: "'scale', 'auto' or a positive number" },
    class_weight: CLASS_WEIGHT,
    smote: SMOTE,
  },
  mlp: {
    hidden_layer_sizes: {
      check: (v) => Array.isArray(v) && v.length > 0 && v.every(posInt),
      allowed: 'a list of positive layer sizes, e.g. [64, 32]',
    },
    alpha: { check: nonNegative, allowed: 'a number >= 0' },
    learning_rate_init: { check: positive, allowed: 'a positive number' },
    max_iter: { check: posInt, allowed: 'a positive integer (epochs)' },
    smote: SMOTE,
  },
  // The balanced random forest takes the forest's keys except class_weight and max_samples (its sampling balances the classes, with no bootstrap).
  brf: (({ class_weight: _unused, max_samples: _none, ...keys }) => keys)(FOREST_SPEC),
  scorecard: {
    C: { check: positive, allowed: 'a positive number' },
    min_bin_size: { check: either(oneOf(null), (v) => isNum(v) && (v as number) > 0 && (v as number) <= 0.5), allowed: 'a share in (0, 0.5] or null' },
    trend: { check: oneOf('auto', 'ascending', 'descending', 'peak', 'valley', 'none'), allowed: 'one of auto, ascending, descending, peak, valley, none' },
    iv_threshold: { check: nonNegative, allowed: 'a number >= 0' },
  },
};

/**
 * Every combination of a grid, in scikit-learn's ParameterGrid order (keys sorted alphabetically,
 * the last key varying fastest), so "first candidate wins ties" means the same thing on both sides.
 */
export function expandGrid(grid: Grid): Candidate[] {
  const keys = Object.keys(grid).sort();
  let out: Record<string, GridValue>[] = [{}];
  for (const key of keys) {
    const values = grid[key] ?? [];
    const next: Record<string, GridValue>[] = [];
    for (const partial of out) for (const v of values) next.push({ ...partial, [key]: v });
    out = next;
  }
  return out;
}

export function isFamily(name: string): name is Family {
  return (FAMILIES as readonly string[]).includes(name);
}
