import { UserError } from '../errors.js';
import { Rng } from '../random.js';

export interface Split {
  /** Row numbers (0-based, file order) of the training and test sets. */
  readonly train: readonly number[];
  readonly test: readonly number[];
  /** Per fold, positions into `train` of its validation rows. */
  readonly folds: readonly (readonly number[])[];
  readonly source: 'seeded' | 'file';
}

function byClass(y: ArrayLike<number>, rows: readonly number[]): [number[], number[]] {
  const neg: number[] = [];
  const pos: number[] = [];
  for (const r of rows) (y[r] === 1 ? pos : neg).push(r);
  return [neg, pos];
}

/** Stratified hold-out: each class contributes round(testSize * count) rows to the test set. */
export function stratifiedTrainTest(y: ArrayLike<number>, testSize: number, seed: number): { train: number[]; test: number[] } {
  const rng = Rng.derive(seed, 'train-test');
  const all = Array.from({ length: y.length }, (_, i) => i);
  const train: number[] = [];
  const test: number[] = [];
  for (const cls of byClass(y, all)) {
    rng.shuffle(cls);
    const k = Math.round(cls.length * testSize);
    // A loop, not push(...slice): spreading a million-row class overflows the call stack.
    for (let i = 0; i < cls.length; i++) (i < k ? test : train).push(cls[i]!);
  }
  return { train: train.sort((a, b) => a - b), test: test.sort((a, b) => a - b) };
}

/**
 * Stratified k-fold over `n` labels: each class is shuffled and dealt round-robin, so every fold's class
 * counts differ by at most one. Returns validation positions per fold.
 */
export function stratifiedKFold(y: ArrayLike<number>, k: number, seed: number): number[][] {
  const rng = Rng.derive(seed, 'kfold', k);
  const folds: number[][] = Array.from({ length: k }, () => []);
  const positions = Array.from({ length: y.length }, (_, i) => i);
  let offset = 0;
  for (const cls of byClass(y, positions)) {
    rng.shuffle(cls);
    cls.forEach((p, i) => folds[(i + offset) % k]!.push(p));
    offset = (offset + cls.length) % k;
  }
  if (folds.some((f) => f.length === 0)) throw new UserError(`too few rows for ${k} folds`);
  return folds.map((f) => f.sort((a, b) => a - b));
}

export function seededSplit(y: ArrayLike<number>, testSize: number, folds: number, seed: number): Split {
  const { train, test } = stratifiedTrainTest(y, testSize, seed);
  const yTrain = train.map((r) => y[r]!);
  for (const c of [0, 1]) {
    const count = yTrain.filter((v) => v === c).length;
    if (count < folds) throw new UserError(`only ${count} ${c ? 'bad' : 'good'} training rows: too few for ${folds}-fold CV`);
  }
  return { train, test, folds: stratifiedKFold(yTrain, folds, seed), source: 'seeded' };
}

/** The reference split JSON of ../shared/reference: `split.train_idx`, `split.test_idx`, `split.cv_folds[].val_positions`. */
export function splitFromJson(text: string, rows: number, file: string): Split {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new UserError(`not valid JSON: ${(e as Error).message}`, { file });
  }
  const s = (doc as { split?: { train_idx?: unknown; test_idx?: unknown; cv_folds?: { val_positions?: unknown }[] } }).split;
  const ints = (v: unknown, what: string, max: number): number[] => {
    if (!Array.isArray(v) || !v.every((x) => Number.isInteger(x) && x >= 0 && x < max)) {
      throw new UserError(`'${what}' must be a list of row numbers below ${max}`, { file });
    }
    return v as number[];
  };
  if (!s) throw new UserError("missing 'split' object", { file });
  const train = ints(s.train_idx, 'split.train_idx', rows);
  const test = ints(s.test_idx, 'split.test_idx', rows);
  if (new Set([...train, ...test]).size !== train.length + test.length) throw new UserError('train and test rows overlap', { file });
  if (!Array.isArray(s.cv_folds) || s.cv_folds.length < 2) throw new UserError("'split.cv_folds' must list at least two folds", { file });
  const folds = s.cv_folds.map((f, i) => ints(f.val_positions, `split.cv_folds[${i}].val_positions`, train.length));
  return { train, test, folds, source: 'file' };
}

/** Training positions of fold `k` (everything not in its validation set). */
export function trainPositions(n: number, validation: readonly number[]): number[] {
  const inVal = new Uint8Array(n);
  for (const p of validation) inVal[p] = 1;
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (!inVal[i]) out.push(i);
  return out;
}
