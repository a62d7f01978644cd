/** The in-memory shape every stage works on: typed feature columns plus a 0/1 target (1 = bad). */

export type FeatureRole = 'numeric' | 'categorical' | 'ordinal';
export type Role = FeatureRole | 'target';

export interface ColumnSchema {
  readonly name: string;
  readonly role: Role;
  readonly dtype: 'f64' | 'str';
  /** Known levels of a categorical/ordinal column, in order (ordinal: low to high). */
  readonly levels?: readonly string[];
}

export interface NumericColumn {
  readonly name: string;
  readonly kind: 'numeric';
  /** NaN marks a missing value. */
  readonly values: Float64Array;
}

export interface CategoricalColumn {
  readonly name: string;
  readonly kind: 'categorical';
  readonly ordinal: boolean;
  readonly values: readonly (string | null)[];
  /** Levels in their canonical order (codebook order where known, else sorted). */
  readonly levels: readonly string[];
}

export type FeatureColumn = NumericColumn | CategoricalColumn;

export interface Dataset {
  readonly name: string;
  readonly features: readonly FeatureColumn[];
  readonly targetName: string;
  /** 1 = bad (positive class), 0 = good. */
  readonly target: Uint8Array;
  readonly rows: number;
}

export function schemaOf(ds: Dataset): ColumnSchema[] {
  const cols: ColumnSchema[] = ds.features.map((c) =>
    c.kind === 'numeric'
      ? { name: c.name, role: 'numeric', dtype: 'f64' }
      : { name: c.name, role: c.ordinal ? 'ordinal' : 'categorical', dtype: 'str', levels: c.levels },
  );
  cols.push({ name: ds.targetName, role: 'target', dtype: 'str', levels: ['good', 'bad'] });
  return cols;
}

export function badRate(ds: Dataset): number {
  let bad = 0;
  for (const v of ds.target) bad += v;
  return ds.rows === 0 ? 0 : bad / ds.rows;
}

/** Rows `idx` of a dataset, in that order. */
export function takeRows(ds: Dataset, idx: ArrayLike<number>): Dataset {
  const n = idx.length;
  const target = new Uint8Array(n);
  for (let i = 0; i < n; i++) target[i] = ds.target[idx[i]!]!;
  const features = ds.features.map((c): FeatureColumn => {
    if (c.kind === 'numeric') {
      const v = new Float64Array(n);
      for (let i = 0; i < n; i++) v[i] = c.values[idx[i]!]!;
      return { ...c, values: v };
    }
    const v: (string | null)[] = new Array(n);
    for (let i = 0; i < n; i++) v[i] = c.values[idx[i]!] ?? null;
    return { ...c, values: v };
  });
  return { ...ds, features, target, rows: n };
}
