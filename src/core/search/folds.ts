import { takeRows, type Dataset } from '../data/dataset.js';
import { fitPreprocessor, transform, type FittedPreprocessor, type PrepOptions } from '../features/preprocess.js';
import { smote } from '../features/smote.js';
import type { Matrix } from '../matrix.js';
import { trainPositions } from './split.js';

/** One CV fold, preprocessed once and shared by every candidate (and SMOTE'd once for those that ask). */
export interface PreparedFold {
  readonly X: Matrix;
  readonly y: Uint8Array;
  readonly Xval: Matrix;
  readonly yval: Uint8Array;
  /** Training rows plus SMOTE rows; validation rows are never resampled. */
  readonly smoted: { readonly X: Matrix; readonly y: Uint8Array } | null;
  /** The fold's one-hot blocks (SMOTE copies them whole). */
  readonly oneHotGroups: readonly (readonly [number, number])[];
}

export interface TrainingSet {
  readonly prep: FittedPreprocessor;
  readonly X: Matrix;
  readonly y: Uint8Array;
}

/** Fits preprocessing on `ds` and transforms it, SMOTE'd when asked. */
export function prepareTraining(ds: Dataset, prepOptions: PrepOptions, useSmote: boolean, smoteK: number, seed: number, allocate?: (length: number) => Float64Array): TrainingSet {
  const prep = fitPreprocessor(ds, prepOptions);
  const X = transform(prep, ds, allocate?.(ds.rows * prep.featureNames.length));
  if (!useSmote) return { prep, X, y: ds.target };
  const s = smote(X, ds.target, { k: smoteK, seed, oneHotGroups: prep.oneHotGroups });
  return { prep, X: s.X, y: s.y };
}

/** Preprocessing fitted on each fold's training rows only, applied to its validation rows. */
export function prepareFolds(train: Dataset, folds: readonly (readonly number[])[], prepOptions: PrepOptions, needSmote: boolean, smoteK: number, seed: number, allocate?: (length: number) => Float64Array): PreparedFold[] {
  return folds.map((val, k) => {
    const trRows = trainPositions(train.rows, val);
    const tr = takeRows(train, trRows);
    const va = takeRows(train, val);
    const prep = fitPreprocessor(tr, prepOptions);
    const p = prep.featureNames.length;
    const X = transform(prep, tr, allocate?.(tr.rows * p));
    const smoted = needSmote ? smote(X, tr.target, { k: smoteK, seed: seed + k, oneHotGroups: prep.oneHotGroups }) : null;
    return { X, y: tr.target, Xval: transform(prep, va, allocate?.(va.rows * p)), yval: va.target, smoted, oneHotGroups: prep.oneHotGroups };
  });
}
