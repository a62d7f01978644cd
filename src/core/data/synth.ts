import { UserError } from '../errors.js';
import { Rng } from '../random.js';
import type { CategoricalColumn, Dataset, FeatureColumn, NumericColumn } from './dataset.js';

/** Options of {@link synthesize}. */
export interface SynthOptions {
  /** Seed of every random choice (class order, donors, column mix, jitter). */
  readonly seed: number;
  /**
   * Standard deviation of the noise added to a numeric value, as a share of its column's standard
   * deviation within the row's class.
   * @default 0.25
   */
  readonly jitter?: number;
  /**
   * Draws allowed for one row before giving up on making it differ from every real row (a data set whose
   * rows leave no room for new ones, e.g. two binary columns, cannot be synthesised).
   * @default 100
   */
  readonly maxAttempts?: number;
}

/** Per class, what a synthetic row of that class draws from. */
interface ClassPool {
  readonly rows: Uint32Array;
  /** Per numeric column (by feature index): the noise's standard deviation. */
  readonly noise: Float64Array;
}

/**
 * `n` synthetic applicants shaped like `real`: each row takes its class from the real class balance (exact
 * counts, shuffled), then each column from one of two real rows of that class (a uniform crossover), and
 * numbers get Gaussian noise scaled to the class's spread, rounded like the column and kept in its range.
 * A row equal to a real row is drawn again, so no real applicant is copied. Mixing only within a class keeps
 * each class's column distributions, so P(bad | row) follows the real data's classes.
 */
export function synthesize(real: Dataset, n: number, opts: SynthOptions): Dataset {
  const { seed, jitter = 0.25, maxAttempts = 100 } = opts;
  if (!Number.isInteger(n) || n < 1) throw new UserError(`row count must be a positive whole number, got ${n}`);
  if (!(jitter >= 0)) throw new UserError(`jitter must be at least 0, got ${jitter}`);
  const pools = [0, 1].map((cls) => classPool(real, cls, jitter));
  for (const [cls, pool] of pools.entries()) {
    if (pool.rows.length === 0) throw new UserError(`the source has no ${cls === 1 ? 'bad' : 'good'} rows to build from`, { column: real.targetName });
  }
  const ranges = real.features.map((c) => (c.kind === 'numeric' ? numericRange(c) : null));
  const realKeys = new Set<string>();
  for (let i = 0; i < real.rows; i++) realKeys.add(rowKey(real.features, i));

  const target = classOrder(real, n, Rng.derive(seed, 'synth', 'classes'));
  const rng = Rng.derive(seed, 'synth', 'rows');
  const numeric = real.features.map((c) => (c.kind === 'numeric' ? new Float64Array(n) : null));
  const text = real.features.map((c) => (c.kind === 'categorical' ? new Array<string | null>(n) : null));
  const draft = real.features.map((): number | string | null => null);
  for (let i = 0; i < n; i++) {
    const pool = pools[target[i]!]!;
    for (let attempt = 0; ; attempt++) {
      if (attempt === maxAttempts) throw new UserError(`cannot make a row that differs from every real row after ${maxAttempts} draws: the source has too little variety to synthesise from`);
      const a = pool.rows[rng.int(pool.rows.length)]!;
      const b = pool.rows[rng.int(pool.rows.length)]!;
      real.features.forEach((c, j) => {
        const donor = rng.next() < 0.5 ? a : b;
        if (c.kind === 'categorical') draft[j] = c.values[donor] ?? null;
        else draft[j] = jittered(c.values[donor]!, pool.noise[j]!, ranges[j]!, rng);
      });
      if (!realKeys.has(draftKey(draft))) break;
    }
    draft.forEach((v, j) => {
      const num = numeric[j];
      if (num) num[i] = v as number;
      else text[j]![i] = v as string | null;
    });
  }
  const features = real.features.map((c, j): FeatureColumn => (c.kind === 'numeric' ? { ...c, values: numeric[j]! } : { ...c, values: text[j]! }));
  return { ...real, name: `${real.name}_synth`, features, target, rows: n };
}

/** The real class balance as exact counts, in a seeded random order. */
function classOrder(real: Dataset, n: number, rng: Rng): Uint8Array {
  let bad = 0;
  for (const v of real.target) bad += v;
  const target = new Uint8Array(n);
  target.fill(1, 0, Math.round((n * bad) / real.rows));
  return rng.shuffle(target);
}

function classPool(real: Dataset, cls: number, jitter: number): ClassPool {
  const rows: number[] = [];
  for (let i = 0; i < real.rows; i++) if (real.target[i] === cls) rows.push(i);
  const noise = new Float64Array(real.features.length);
  real.features.forEach((c, j) => {
    if (c.kind === 'numeric') noise[j] = jitter * classSd(c, rows);
  });
  return { rows: Uint32Array.from(rows), noise };
}

function classSd(c: NumericColumn, rows: readonly number[]): number {
  let n = 0;
  let sum = 0;
  let sq = 0;
  for (const i of rows) {
    const v = c.values[i]!;
    if (Number.isNaN(v)) continue;
    n++;
    sum += v;
    sq += v * v;
  }
  if (n < 2) return 0;
  const mean = sum / n;
  return Math.sqrt(Math.max(0, (sq - n * mean * mean) / (n - 1)));
}

interface NumericRange {
  readonly min: number;
  readonly max: number;
  /** Every present value is whole: jittered values are rounded so the column keeps its kind. */
  readonly whole: boolean;
}

function numericRange(c: NumericColumn): NumericRange {
  let min = Infinity;
  let max = -Infinity;
  let whole = true;
  for (const v of c.values) {
    if (Number.isNaN(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
    if (whole && !Number.isInteger(v)) whole = false;
  }
  return { min, max, whole };
}

function jittered(v: number, sd: number, range: NumericRange, rng: Rng): number {
  if (Number.isNaN(v) || sd === 0) return v;
  const x = Math.min(range.max, Math.max(range.min, v + sd * rng.normal()));
  // Non-integer columns keep six significant digits: the CSV stays short and no precision a user reads is lost.
  return range.whole ? Math.round(x) : Number(x.toPrecision(6));
}

/** A row as one string, for "is this a real row?" (NaN and null both print as empty). */
function rowKey(features: readonly FeatureColumn[], i: number): string {
  return draftKey(features.map((c) => (c.kind === 'numeric' ? c.values[i]! : (c as CategoricalColumn).values[i] ?? null)));
}

function draftKey(cells: readonly (number | string | null)[]): string {
  return cells.map((v) => (v === null || (typeof v === 'number' && Number.isNaN(v)) ? '' : String(v))).join('\u0001');
}
