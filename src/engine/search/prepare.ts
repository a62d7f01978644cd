import type { Dataset } from '../../core/data/dataset.js';
import type { PrepOptions } from '../../core/features/preprocess.js';
import { minorityRows, smote, smoteK, type SmoteOptions } from '../../core/features/smote.js';
import { takeMatrixRows, type Matrix } from '../../core/matrix.js';
import { prepareFolds, prepareTraining, type PreparedFold, type TrainingSet } from '../../core/search/folds.js';
import type { TaskPool } from '../pool.js';

/** Query rows per neighbour task: small enough to spread one search over every worker and let a TUI repaint. */
const NEIGHBOUR_CHUNK = 2000;

/**
 * SMOTE with its neighbour search (quadratic in the minority rows, nearly all of SMOTE's time) split into
 * slices on the pool's workers; the interpolation that follows is linear and runs here. The result is the
 * one `smote` gives in one call: every slice is the same computation over the same rows.
 */
export async function smoteOnPool(pool: TaskPool, X: Matrix, y: Uint8Array, opts: SmoteOptions, nextTaskId: () => number, chunk = NEIGHBOUR_CHUNK): Promise<{ X: Matrix; y: Uint8Array }> {
  const rows = minorityRows(y);
  if (y.length - 2 * rows.length <= 0 || rows.length < 2) return { X, y };
  const k = smoteK(opts.k, rows.length);
  const M = shared(takeMatrixRows(X, rows));
  const slices: Promise<Int32Array>[] = [];
  for (let from = 0; from < M.rows; from += chunk) {
    const to = Math.min(M.rows, from + chunk);
    slices.push(pool.run({ kind: 'neighbours', id: nextTaskId(), M, k, from, to }).then((r) => {
      if (r.kind !== 'neighbours') throw new Error(`a neighbour task returned a ${r.kind} result`);
      return r.neighbours;
    }));
  }
  const parts = await Promise.all(slices);
  const neighbours = new Int32Array(M.rows * k);
  parts.forEach((part, i) => neighbours.set(part, i * chunk * k));
  return smote(X, y, opts, neighbours);
}

/**
 * The matrix in memory every worker thread reads without a copy: a task posted to a worker clones its
 * matrices, and at 200,000 rows each of the two workers held its own 78 MB copy of the fold it was fitting
 * (and of the rows it scored). Same values, so every result is unchanged.
 */
export function shared(m: Matrix): Matrix {
  if (m.data.buffer instanceof SharedArrayBuffer) return m;
  const data = sharedArray(m.data.length);
  data.set(m.data);
  return { rows: m.rows, cols: m.cols, data };
}

/**
 * A zeroed array in shared memory, for matrices built there from the start: a plain matrix copied in afterwards
 * is held twice until it is collected (five 200,000-row folds: 390 MB of garbage at once).
 */
export function sharedArray(length: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(length * Float64Array.BYTES_PER_ELEMENT));
}

/** `prepareFolds`, with every fold's SMOTE neighbour search running at once on the pool; matrices shared. */
export async function prepareFoldsOnPool(pool: TaskPool, train: Dataset, folds: readonly (readonly number[])[], prepOptions: PrepOptions, needSmote: boolean, k: number, seed: number, nextTaskId: () => number): Promise<PreparedFold[]> {
  const plain = prepareFolds(train, folds, prepOptions, false, k, seed, sharedArray).map((f) => ({ ...f, X: shared(f.X), Xval: shared(f.Xval) }));
  if (!needSmote) return plain;
  // Fold k's SMOTE seed is seed + k, as prepareFolds gives it.
  const smoted = await Promise.all(plain.map((f, i) => smoteOnPool(pool, f.X, f.y, { k, seed: seed + i, oneHotGroups: f.oneHotGroups, allocate: sharedArray }, nextTaskId)));
  return plain.map((f, i) => ({ ...f, smoted: { X: shared(smoted[i]!.X), y: smoted[i]!.y } }));
}

/** `prepareTraining`, with SMOTE's neighbour search on the pool. */
export async function prepareTrainingOnPool(pool: TaskPool, ds: Dataset, prepOptions: PrepOptions, useSmote: boolean, k: number, seed: number, nextTaskId: () => number): Promise<TrainingSet> {
  const plain = prepareTraining(ds, prepOptions, false, k, seed, sharedArray);
  const set = { ...plain, X: shared(plain.X) };
  if (!useSmote) return set;
  const s = await smoteOnPool(pool, set.X, set.y, { k, seed, oneHotGroups: set.prep.oneHotGroups, allocate: sharedArray }, nextTaskId);
  return { prep: set.prep, X: shared(s.X), y: s.y };
}
