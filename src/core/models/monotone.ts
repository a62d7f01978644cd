import { binNumeric } from '../binning/optimal-binning.js';
import type { ResolvedTrend } from '../binning/optimize.js';
import type { Dataset } from '../data/dataset.js';
import { UserError } from '../errors.js';
import type { Grid, GridValue } from '../params/grids.js';
import type { Encoding, Params } from '../params/params.js';

/** +1: p(bad) may only rise with the column; -1: only fall; 0: free. */
export type MonotoneSign = 1 | -1 | 0;

/** The sign a binning trend (of the bad rate) gives: a peak or valley is no one-way trend, so it stays free. */
export function trendSign(trend: ResolvedTrend): MonotoneSign {
  return trend === 'ascending' ? 1 : trend === 'descending' ? -1 : 0;
}

/**
 * Where each column a constraint may name lands among the preprocessor's features: numeric columns come
 * first in data-set order (`fitPreprocessor`), then categorical columns, one feature each unless one-hot
 * encoded. Scaling and Yeo-Johnson are increasing, so a raw column's sign is its feature's sign.
 */
function featureIndex(ds: Dataset, encoding: Encoding): Map<string, number> {
  const out = new Map<string, number>();
  const numeric = ds.features.filter((f) => f.kind === 'numeric');
  numeric.forEach((f, j) => out.set(f.name, j));
  // One-hot blocks have data-dependent widths and no order to be monotone in; ordinal levels have one.
  if (encoding === 'ordinal') ds.features.filter((f) => f.kind === 'categorical').forEach((f, k) => out.set(f.name, numeric.length + k));
  return out;
}

/**
 * One `monotone_constraints` grid value bound to `train`'s features: XGBoost's per-feature tuple, trimmed
 * after its last constrained feature. A column map names columns (1, -1, 0, or 'auto': the column's
 * optimal-binning trend on these rows); the value 'auto' gives every numeric column its binning trend.
 * Only the training rows are read, so a trend never comes from the test rows.
 */
export function bindMonotone(value: GridValue, train: Dataset, encoding: Encoding): GridValue {
  if (value === null || Array.isArray(value)) return value;
  const index = featureIndex(train, encoding);
  const wanted: Record<string, number | string> =
    value === 'auto' ? Object.fromEntries(train.features.filter((f) => f.kind === 'numeric').map((f) => [f.name, 'auto'])) : (value as Readonly<Record<string, number | string>>);
  const signs: number[] = [];
  for (const [column, v] of Object.entries(wanted)) {
    const j = index.get(column);
    if (j === undefined) {
      const exists = train.features.some((f) => f.name === column);
      throw new UserError(
        exists ? `monotone_constraints: '${column}' is categorical with ${encoding} encoding, which has no order` : `monotone_constraints: no column '${column}'`,
        { column },
        exists ? 'constrain numeric columns, or use preprocessing.encoding: ordinal' : `columns: ${train.features.map((f) => f.name).join(', ')}`,
      );
    }
    while (signs.length <= j) signs.push(0);
    signs[j] = v === 'auto' ? trendSign(autoTrend(train, column)) : Math.sign(v as number);
  }
  while (signs.length > 0 && signs[signs.length - 1] === 0) signs.pop();
  return signs;
}

function autoTrend(ds: Dataset, column: string): ResolvedTrend {
  const col = ds.features.find((f) => f.name === column)!;
  if (col.kind !== 'numeric') {
    throw new UserError(`monotone_constraints: 'auto' needs a numeric column, '${column}' is categorical`, { column }, 'give its sign (1 or -1) instead');
  }
  return binNumeric(column, Float64Array.from(col.values), ds.target, { trend: 'auto' }).trend;
}

/** A grid with its `monotone_constraints` values bound to `train`'s features (other keys untouched). */
export function bindMonotoneGrid(grid: Grid, train: Dataset, encoding: Encoding): Grid {
  const values = grid['monotone_constraints'];
  if (!values) return grid;
  return { ...grid, monotone_constraints: values.map((v) => bindMonotone(v, train, encoding)) };
}

/**
 * params with xgboost's column-named constraints bound to features (`train()` calls this before planning,
 * so every fold, the refit and the bundle see one per-feature tuple); the rows are taken only when needed.
 */
export function bindMonotoneParams(params: Params, trainRows: () => Dataset): Params {
  const grid = params.search.grids.xgboost;
  if (!grid['monotone_constraints']) return params;
  const bound = bindMonotoneGrid(grid, trainRows(), params.preprocessing.encoding);
  return { ...params, search: { ...params.search, grids: { ...params.search.grids, xgboost: bound } } };
}
