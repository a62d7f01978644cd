import type { TreeExplainer } from '../explain/tree-explainer.js';
import type { Matrix } from '../matrix.js';
import type { Candidate, Family } from '../params/grids.js';

/** A fitted classifier: p(bad) for each row, a JSON state, and per-feature reasons for one row. */
export interface Model {
  readonly family: Family;
  predictProba(X: Matrix): Float64Array;
  /**
   * How much each input feature pushed this row's score up (positive = towards bad) relative to `baseline`
   * (the mean training applicant), in the model's own units (log-odds for linear and boosted models,
   * probability otherwise).
   */
  contributions(X: Matrix, row: number, baseline: ArrayLike<number>): Float64Array;
  /**
   * Optional batch form of both: returns `predictProba(X)` and fills `contribs` (rows × X.cols, zeroed by the
   * caller) with every row's `contributions`, for engines that get both from one pass over the model.
   */
  explain?(X: Matrix, baseline: ArrayLike<number>, contribs: Float64Array): Float64Array;
  /**
   * Tree families: exact TreeSHAP of f (log-odds for xgboost, p(bad) for the forests), interventional against
   * `references` (transformed rows), path-dependent when null. Built once per scorer: it indexes the references.
   */
  treeExplainer?(references: Matrix | null): TreeExplainer;
  toJSON(): ModelState;
}

export interface ModelState {
  readonly family: Family;
  readonly [key: string]: unknown;
}

/**
 * One model family behind one small interface. `fitGroup` serves several candidates from shared work
 * (a 300-tree forest also answers for 100 trees; one neighbour search answers every k): candidates with
 * the same `shareKey` go to one call.
 */
export interface FamilyEngine {
  readonly family: Family;
  shareKey(c: Candidate): string;
  /**
   * Per candidate, p(bad) on each of `evals`. With `rankOnly`, only the ordering of the scores is used
   * (ROC AUC, Gini, KS), so an engine may skip calibration work that cannot change it.
   */
  fitGroup(cands: readonly Candidate[], X: Matrix, y: Uint8Array, evals: readonly Matrix[], seed: number, opts?: { readonly rankOnly?: boolean }): Float64Array[][];
  fit(c: Candidate, X: Matrix, y: Uint8Array, seed: number): Model;
  load(state: ModelState): Model;
}

/**
 * p(bad) of every row, with each row's `contributions` written into `contribs` (rows × X.cols): in one pass
 * where the model has `explain`, else row by row.
 */
export function explainBatch(model: Model, X: Matrix, baseline: ArrayLike<number>, contribs: Float64Array): Float64Array {
  if (model.explain) return model.explain(X, baseline, contribs);
  for (let i = 0; i < X.rows; i++) contribs.set(model.contributions(X, i, baseline), i * X.cols);
  return model.predictProba(X);
}

/** `fitGroup` for families with nothing to share: one fit per candidate. */
export function fitEach(engine: Pick<FamilyEngine, 'fit'>, cands: readonly Candidate[], X: Matrix, y: Uint8Array, evals: readonly Matrix[], seed: number): Float64Array[][] {
  return cands.map((c) => {
    const m = engine.fit(c, X, y, seed);
    return evals.map((e) => m.predictProba(e));
  });
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** Candidate value helpers: grids are validated in params, so these only narrow types. */
export const num = (c: Candidate, k: string, d: number): number => (typeof c[k] === 'number' ? (c[k] as number) : d);
export const numOrNull = (c: Candidate, k: string, d: number | null): number | null => (c[k] === undefined ? d : typeof c[k] === 'number' ? (c[k] as number) : null);
export const str = (c: Candidate, k: string, d: string): string => (typeof c[k] === 'string' ? (c[k] as string) : d);
