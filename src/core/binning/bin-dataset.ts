import type { Dataset } from '../data/dataset.js';
import { UserError } from '../errors.js';
import { binCategorical, binNumeric, type BinningOptions, type ColumnBinning } from './optimal-binning.js';

/** Values per column that get a bin of their own (params.yaml `binning.special`). */
export type SpecialValues = Readonly<Record<string, readonly (number | string)[]>>;

/**
 * Optimal bins of every feature column of `ds` (or of `columns`, in that order) against its target. A
 * numeric column's special values are its numbers; a categorical column's are its levels as text.
 */
export function binDataset(ds: Dataset, options: BinningOptions, special: SpecialValues = {}, columns?: readonly string[]): ColumnBinning[] {
  const wanted = columns ?? ds.features.map((c) => c.name);
  return wanted.map((name) => {
    const col = ds.features.find((c) => c.name === name);
    if (!col) throw new UserError(`no column '${name}' (columns: ${ds.features.map((c) => c.name).join(', ')})`, { file: ds.name, column: name });
    const sp = special[name] ?? [];
    if (col.kind === 'numeric') {
      const nums = sp.map(Number);
      const badValue = sp.find((v) => !Number.isFinite(Number(v)));
      if (badValue !== undefined) throw new UserError(`special value ${JSON.stringify(badValue)} of numeric column '${name}' is not a number`, { file: 'params.yaml', column: name });
      return binNumeric(name, col.values, ds.target, options, nums);
    }
    return binCategorical(name, col.values, ds.target, options, sp.map(String));
  });
}

/** One column in `credit-tui bin --json`'s shape: column, splits, bins, then iv, gini, js and trend. */
export function binningJson(b: ColumnBinning): Record<string, unknown> {
  const bins = b.bins.map((r) => ({
    bin: r.bin,
    ...(b.kind === 'numeric' ? { lower: r.lower ?? null, upper: r.upper ?? null } : r.levels ? { levels: r.levels } : {}),
    count: r.count,
    bad: r.bad,
    good: r.good,
    bad_rate: r.bad_rate,
    woe: r.woe,
    iv: r.iv,
  }));
  return { column: b.column, ...(b.kind === 'numeric' ? { splits: b.splits } : {}), bins, iv: b.iv, gini: b.gini, js: b.js, trend: b.trend };
}
