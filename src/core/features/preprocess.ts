import type { Dataset, FeatureColumn } from '../data/dataset.js';
import { woeBins } from '../data/eda.js';
import { UserError } from '../errors.js';
import type { Matrix } from '../matrix.js';
import type { CategoricalImputation, Encoding, NumericImputation, Scaling } from '../params/params.js';
import { quantileSorted, sortedPresent } from '../stats.js';

export interface PrepOptions {
  readonly impute_numeric: NumericImputation;
  readonly impute_categorical: CategoricalImputation;
  readonly encoding: Encoding;
  readonly scaling: Scaling;
  readonly power_transform: boolean;
}

interface NumericStep {
  readonly name: string;
  readonly fill: number;
  /** Yeo-Johnson lambda, or null when the power transform is off. */
  readonly lambda: number | null;
  readonly center: number;
  readonly scale: number;
}

export interface CategoricalStep {
  readonly name: string;
  readonly fill: string;
  readonly encoding: Encoding;
  /** One-hot: the output columns, sorted as scikit-learn's OneHotEncoder. Ordinal: level order. */
  readonly categories: readonly string[];
  /** WoE per category (woe encoding only). */
  readonly woe: readonly number[];
  readonly center: number;
  readonly scale: number;
}

/** A fitted preprocessing pipeline: plain data, so it serialises into a model bundle as JSON. */
export interface FittedPreprocessor {
  readonly kind: 'preprocessor';
  readonly options: PrepOptions;
  readonly numeric: readonly NumericStep[];
  readonly categorical: readonly CategoricalStep[];
  readonly featureNames: readonly string[];
  /** Source column of each output feature (for reason codes). */
  readonly featureSources: readonly string[];
  /** [start, end) ranges of one-hot blocks: SMOTE keeps them one-hot. */
  readonly oneHotGroups: readonly (readonly [number, number])[];
}

const MISSING_LEVEL = '(missing)';

function yeoJohnson(x: number, l: number): number {
  if (x >= 0) return Math.abs(l) < 1e-12 ? Math.log1p(x) : ((x + 1) ** l - 1) / l;
  return Math.abs(l - 2) < 1e-12 ? -Math.log1p(-x) : -((1 - x) ** (2 - l) - 1) / (2 - l);
}

/** Maximum-likelihood Yeo-Johnson lambda by golden-section search on [-3, 3]. */
function fitYeoJohnson(x: Float64Array): number {
  const logTerm = x.reduce((s, v) => s + Math.sign(v) * Math.log1p(Math.abs(v)), 0);
  const ll = (l: number): number => {
    let m = 0;
    const t = Float64Array.from(x, (v) => yeoJohnson(v, l));
    for (const v of t) m += v;
    m /= t.length;
    let s = 0;
    for (const v of t) s += (v - m) ** 2;
    const variance = s / t.length;
    return variance <= 0 ? -Infinity : -(t.length / 2) * Math.log(variance) + (l - 1) * logTerm;
  };
  let a = -3;
  let b = 3;
  const g = (Math.sqrt(5) - 1) / 2;
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  for (let i = 0; i < 80; i++) {
    if (ll(c) > ll(d)) b = d;
    else a = c;
    c = b - g * (b - a);
    d = a + g * (b - a);
  }
  return (a + b) / 2;
}

function mostFrequent(values: readonly (string | null)[]): string {
  const counts = new Map<string, number>();
  for (const v of values) if (v !== null) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: string | null = null;
  let bestN = -1;
  // Ties go to the smallest value, as scikit-learn's SimpleImputer.
  for (const [v, n] of counts) if (n > bestN || (n === bestN && v < best!)) [best, bestN] = [v, n];
  return best ?? MISSING_LEVEL;
}

function centerScale(values: Float64Array, scaling: Scaling): { center: number; scale: number } {
  if (scaling === 'none' || values.length === 0) return { center: 0, scale: 1 };
  if (scaling === 'minmax') {
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of values) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
    return { center: lo, scale: hi > lo ? hi - lo : 1 };
  }
  let m = 0;
  for (const v of values) m += v;
  m /= values.length;
  let s = 0;
  for (const v of values) s += (v - m) ** 2;
  const sd = Math.sqrt(s / values.length);
  return { center: m, scale: sd > 0 ? sd : 1 };
}

function numericValue(step: NumericStep, raw: number): number {
  let v = Number.isNaN(raw) ? step.fill : raw;
  if (step.lambda !== null) v = yeoJohnson(v, step.lambda);
  return (v - step.center) / step.scale;
}

/** Fits imputation, encoding, optional Yeo-Johnson and scaling on training rows only. */
export function fitPreprocessor(ds: Dataset, options: PrepOptions): FittedPreprocessor {
  const numeric: NumericStep[] = [];
  const categorical: CategoricalStep[] = [];
  const featureNames: string[] = [];
  const featureSources: string[] = [];
  const oneHotGroups: [number, number][] = [];
  let bad = 0;
  for (const v of ds.target) bad += v;
  for (const col of ds.features) {
    if (col.kind !== 'numeric') continue;
    const sorted = sortedPresent(col.values);
    const fill = sorted.length === 0 ? 0 : options.impute_numeric === 'median' ? quantileSorted(sorted, 0.5) : sorted.reduce((a, b) => a + b, 0) / sorted.length;
    const filled = Float64Array.from(col.values, (v) => (Number.isNaN(v) ? fill : v));
    const lambda = options.power_transform ? fitYeoJohnson(filled) : null;
    const transformed = lambda === null ? filled : filled.map((v) => yeoJohnson(v, lambda));
    numeric.push({ name: col.name, fill, lambda, ...centerScale(transformed, options.scaling) });
    featureNames.push(col.name);
    featureSources.push(col.name);
  }
  for (const col of ds.features) {
    if (col.kind !== 'categorical') continue;
    const fill = options.impute_categorical === 'most_frequent' ? mostFrequent(col.values) : MISSING_LEVEL;
    const values = col.values.map((v) => v ?? fill);
    const seen = [...new Set(values)];
    if (options.encoding === 'onehot') {
      const categories = seen.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      oneHotGroups.push([featureNames.length, featureNames.length + categories.length]);
      for (const c of categories) {
        featureNames.push(`${col.name}=${c}`);
        featureSources.push(col.name);
      }
      categorical.push({ name: col.name, fill, encoding: 'onehot', categories, woe: [], center: 0, scale: 1 });
      continue;
    }
    const categories = options.encoding === 'ordinal' ? [...col.levels, ...seen.filter((s) => !col.levels.includes(s)).sort()] : seen.sort();
    let woe: number[] = [];
    if (options.encoding === 'woe') {
      const counts = categories.map(() => 0);
      const bads = categories.map(() => 0);
      values.forEach((v, i) => {
        const k = categories.indexOf(v);
        counts[k]!++;
        bads[k]! += ds.target[i]!;
      });
      woe = woeBins(categories, counts, bads, Math.max(bad, 1), Math.max(ds.rows - bad, 1)).bins.map((b) => b.woe);
    }
    const step0: CategoricalStep = { name: col.name, fill, encoding: options.encoding, categories, woe, center: 0, scale: 1 };
    const encoded = Float64Array.from(values, (v) => encodeScalar(step0, v));
    categorical.push({ ...step0, ...centerScale(encoded, options.scaling) });
    featureNames.push(col.name);
    featureSources.push(col.name);
  }
  return { kind: 'preprocessor', options, numeric, categorical, featureNames, featureSources, oneHotGroups };
}

/** The scalar (ordinal or WoE) encoding of level `k` of a step; k = -1 is a level unseen in training. */
export function encodedLevel(step: CategoricalStep, k: number): number {
  if (step.encoding === 'woe') return k < 0 ? 0 : step.woe[k]!;
  return k < 0 ? (step.categories.length - 1) / 2 : k;
}

function encodeScalar(step: CategoricalStep, v: string): number {
  return encodedLevel(step, step.categories.indexOf(v));
}

function findColumn(ds: Dataset, name: string): FeatureColumn {
  const c = ds.features.find((f) => f.name === name);
  if (!c) throw new UserError(`missing column '${name}'`, { column: name });
  return c;
}

/**
 * Applies a fitted pipeline; unknown categories encode as all-zero one-hot (scikit-learn's handle_unknown='ignore').
 * `scratch`, when large enough, is reused for the result (a batch scorer's matrix of several MB per batch
 * otherwise costs fresh, page-faulted memory every time).
 */
export function transform(prep: FittedPreprocessor, ds: Dataset, scratch?: Float64Array): Matrix {
  const n = ds.rows;
  const p = prep.featureNames.length;
  const out = scratch && scratch.length >= n * p ? scratch.fill(0, 0, n * p).subarray(0, n * p) : new Float64Array(n * p);
  let j = 0;
  for (const step of prep.numeric) {
    const col = findColumn(ds, step.name);
    if (col.kind !== 'numeric') throw new UserError(`column '${step.name}' must be numeric`, { column: step.name });
    for (let i = 0; i < n; i++) out[i * p + j] = numericValue(step, col.values[i]!);
    j++;
  }
  for (const step of prep.categorical) {
    const col = findColumn(ds, step.name);
    if (col.kind !== 'categorical') throw new UserError(`column '${step.name}' must be categorical`, { column: step.name });
    if (step.encoding === 'onehot') {
      const index = new Map(step.categories.map((c, k) => [c, k]));
      for (let i = 0; i < n; i++) {
        const k = index.get(col.values[i] ?? step.fill);
        if (k !== undefined) out[i * p + j + k] = 1;
      }
      j += step.categories.length;
    } else {
      for (let i = 0; i < n; i++) out[i * p + j] = (encodeScalar(step, col.values[i] ?? step.fill) - step.center) / step.scale;
      j++;
    }
  }
  return { rows: n, cols: p, data: out };
}
