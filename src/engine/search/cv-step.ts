import { CancelledError } from '../../core/errors.js';
import { takeLabels, takeMatrixRows, type Matrix } from '../../core/matrix.js';
import { ENGINES } from '../../core/models/engines.js';
import { FAMILIES, type Candidate, type Family } from '../../core/params/grids.js';
import { adaptCandidate, fitRowsAfter, trainScoreCap, type Adaptation } from '../../core/search/planner.js';
import type { Params } from '../../core/params/params.js';
import type { PreparedFold } from '../../core/search/folds.js';
import { subsample, type Rung } from '../../core/search/halving.js';
import { candidateResult, foldScore, type CandidateResult } from '../../core/search/leaderboard.js';
import { learnerSeed, type FoldTask, type TaskResult } from '../../core/search/task.js';
import { shouldPrune } from '../../core/search/tpe.js';
import { Rng } from '../../core/random.js';
import type { TaskPool } from '../pool.js';

/** A candidate to cross-validate: a grid point (index = its position in the family's grid) or a TPE trial. */
export interface Entry {
  readonly family: Family;
  readonly index: number;
  readonly params: Candidate;
}

/** What a strategy reports while it searches; train turns these into its progress events. */
export type SearchEvent =
  | { readonly type: 'stage'; readonly message: string }
  /** `openBudget`: the strategy cannot say how many evaluations remain (TPE bounded by time). */
  | { readonly type: 'result'; readonly result: CandidateResult; readonly openBudget?: boolean };

const SLOW_FIRST: readonly Family[] = ['mlp', 'forest', 'brf', 'xgboost', 'svm', 'tree', 'logreg', 'knn'];
/** Order in which families are scheduled: the slowest first keeps both cores busy to the end (a new family last). */
export const COST_ORDER: readonly Family[] = [...SLOW_FIRST, ...FAMILIES.filter((f) => !SLOW_FIRST.includes(f))];

export function withoutSmote(c: Candidate): Candidate {
  const { smote: _ignored, ...rest } = c;
  return rest;
}

interface FoldView {
  readonly X: Matrix;
  readonly y: Uint8Array;
  readonly Xval: Matrix;
  readonly yval: Uint8Array;
  /** The fold's own (un-resampled) training rows, for the train score. */
  readonly Xown: Matrix;
  readonly yown: Uint8Array;
}

export interface CrossValidationOptions {
  readonly pool: TaskPool;
  readonly prepared: readonly PreparedFold[];
  /** Rows of the whole training set (a halving rung's resource is a share of these). */
  readonly trainRows: number;
  readonly params: Params;
  readonly rankOnly: boolean;
  readonly signal?: AbortSignal;
  /** Stores a finished candidate (a child run) with the strategy's tags. */
  readonly record: (r: CandidateResult, tags: Readonly<Record<string, string>>) => void;
  /** The planner's adaptations (stated subsamples, the MLP's epoch budget); none for data within the limits. */
  readonly adaptations?: readonly Adaptation[];
  /** performance.now() after which no fold task starts (`--time`); candidates left unstarted are skipped. */
  readonly deadline?: number;
}

/**
 * The one cross-validation step every strategy runs over (scikit-learn's `evaluate_candidates`): fold
 * tasks on the pool, candidates that one fit can serve sharing it, results scored, recorded and counted
 * once. Strategies only choose which candidates to hand it.
 */
export class CrossValidation {
  /** Every finished candidate, in the order it finished. */
  readonly results: CandidateResult[] = [];
  /** Each candidate's p(bad) on each full validation fold: the champion's become its out-of-fold predictions. */
  readonly foldProbsOf = new Map<string, Float64Array[]>();
  /** Fold fits run, in all and per family (folds a pruned trial never ran are not counted). */
  fitsRun = 0;
  readonly fitsOf = new Map<Family, number>();
  private taskId = 0;
  private readonly folds: number;
  /** Under a time budget, one worker's turn per task across every concurrent call (halving runs families side by side). */
  private readonly slots: Slots;

  private readonly o: Omit<CrossValidationOptions, 'prepared'>;
  /** The prepared folds until `releaseFolds` (null after: no fold task runs again). */
  private prepared: readonly PreparedFold[] | null;

  constructor({ prepared, ...o }: CrossValidationOptions) {
    this.o = o;
    this.prepared = prepared;
    this.folds = prepared.length;
    this.slots = new Slots(o.pool.size);
  }

  /**
   * Drops this step's hold on the prepared folds once the search is over and nothing reruns a fold: they are
   * most of a search's memory (five 160,000 × 61 float64 matrices at 200,000 rows), freed when collected.
   */
  releaseFolds(): void {
    this.prepared = null;
  }

  /** A fresh task id (the refits after the search draw from the same sequence). */
  nextTaskId(): number {
    return this.taskId++;
  }

  private countFits(family: Family, n: number): void {
    this.fitsRun += n;
    this.fitsOf.set(family, (this.fitsOf.get(family) ?? 0) + n);
  }

  private checkCancelled(): void {
    if (this.o.signal?.aborted) throw new CancelledError('search cancelled');
  }

  /**
   * A family's rows under the planner: a seeded subsample when its stated limit is below `X.rows`, else
   * `X` and `y` themselves. `salt` keeps folds, SMOTE and the refit on streams of their own.
   */
  fitRows(family: Family, X: Matrix, y: Uint8Array, ...salt: (string | number)[]): { X: Matrix; y: Uint8Array } {
    const cap = fitRowsAfter(family, X.rows, this.o.adaptations ?? []);
    if (cap >= X.rows) return { X, y };
    const rows = subsample(X.rows, cap / X.rows, Rng.derive(this.o.params.seed, 'planner', family, ...salt));
    return { X: takeMatrixRows(X, rows), y: takeLabels(y, rows) };
  }

  /** A candidate as it runs (the MLP's max_iter within its budget); the result carries these params. */
  private adapted(e: Entry): Entry {
    const params = adaptCandidate(e.params, this.o.adaptations ?? [], e.family);
    return params === e.params ? e : { ...e, params };
  }

  /** The fold as `family` trains on it: the planner's subsample of the rung's rows (validation rows all kept). */
  private familyView(family: Family, k: number, smote: boolean, rung: Rung | null): FoldView {
    const v = this.foldView(k, smote, rung);
    const fit = this.fitRows(family, v.X, v.y, 'fold', k, smote ? 'smoted' : 'train', rung?.rung ?? 'all');
    if (fit.X === v.X) return v;
    const own = smote ? this.fitRows(family, v.Xown, v.yown, 'fold', k, 'own', rung?.rung ?? 'all') : { X: fit.X, y: fit.y };
    return this.trainScoreRows({ ...v, X: fit.X, y: fit.y, Xown: own.X, yown: own.y }, k, rung);
  }

  /** The fold's training and validation rows at a halving rung (all rows outside halving). */
  private foldView(k: number, smote: boolean, rung: Rung | null): FoldView {
    return this.trainScoreRows(this.rungView(k, smote, rung), k, rung);
  }

  /** The train score's rows: the planner's seeded sample when the fold has more. */
  private trainScoreRows(v: FoldView, k: number, rung: Rung | null): FoldView {
    const cap = trainScoreCap(this.o.adaptations ?? []);
    if (v.Xown.rows <= cap) return v;
    const rows = subsample(v.Xown.rows, cap / v.Xown.rows, Rng.derive(this.o.params.seed, 'planner', 'train-score', k, rung?.rung ?? 'all'));
    return { ...v, Xown: takeMatrixRows(v.Xown, rows), yown: takeLabels(v.yown, rows) };
  }

  private rungView(k: number, smote: boolean, rung: Rung | null): FoldView {
    if (!this.prepared) throw new Error('the prepared folds were released');
    const f = this.prepared[k]!;
    const X = smote ? f.smoted!.X : f.X;
    const y = smote ? f.smoted!.y : f.y;
    if (!rung || rung.resource >= this.o.trainRows) return { X, y, Xval: f.Xval, yval: f.yval, Xown: f.X, yown: f.y };
    // scikit-learn's _SubsampleMetaSplitter: the same fraction of each fold's training and validation rows.
    const fraction = rung.resource / this.o.trainRows;
    const rows = (n: number, what: string) => subsample(n, fraction, Rng.derive(this.o.params.seed, 'halving', rung.rung, k, what));
    const tr = rows(X.rows, smote ? 'smoted' : 'train');
    const own = smote ? rows(f.X.rows, 'train') : tr;
    const va = rows(f.Xval.rows, 'val');
    return { X: takeMatrixRows(X, tr), y: takeLabels(y, tr), Xval: takeMatrixRows(f.Xval, va), yval: takeLabels(f.yval, va), Xown: takeMatrixRows(f.X, own), yown: takeLabels(f.y, own) };
  }

  private foldTask(family: Family, k: number, candidates: readonly Candidate[], v: FoldView): FoldTask {
    return {
      kind: 'fold', id: this.taskId++, family, fold: k, candidates: candidates.map(withoutSmote),
      seed: learnerSeed(this.o.params.seed, family, k), X: v.X, y: v.y, evals: [v.Xval, v.Xown], rankOnly: this.o.rankOnly,
    };
  }

  /**
   * Cross-validates candidates on every fold (those one fit can serve share it), yielding each candidate as
   * its last fold comes in; returns them in that order. `rung`: a halving rung's subsample, else all rows.
   */
  async *candidates(given: readonly Entry[], rung: Rung | null): AsyncGenerator<SearchEvent, CandidateResult[]> {
    const { params } = this.o;
    const entries = given.map((e) => this.adapted(e));
    interface Group { family: Family; smote: boolean; members: Entry[] }
    const groups: Group[] = [];
    const byKey = new Map<string, Group>();
    for (const family of COST_ORDER) {
      for (const e of entries) {
        if (e.family !== family) continue;
        const smote = e.params['smote'] === true;
        const key = `${family}|${smote}|${ENGINES[family].shareKey(withoutSmote(e.params))}`;
        let g = byKey.get(key);
        if (!g) {
          g = { family, smote, members: [] };
          byKey.set(key, g);
          groups.push(g);
        }
        g.members.push(e);
      }
    }
    const views = new Map<string, FoldView>();
    const view = (family: Family, k: number, smote: boolean): FoldView => {
      // Families the planner leaves alone share one view per fold; a subsampled family has its own.
      const key = `${fitRowsAfter(family, Infinity, this.o.adaptations ?? []) === Infinity ? '' : family}|${k}|${smote}`;
      if (!views.has(key)) views.set(key, this.familyView(family, k, smote, rung));
      return views.get(key)!;
    };
    const pending: Promise<{ group: Group; fold: number; result: TaskResult | null }>[] = [];
    const deadline = this.o.deadline;
    const slots = this.slots;
    for (const group of groups) {
      for (let k = 0; k < this.folds; k++) {
        const task = this.foldTask(group.family, k, group.members.map((m) => m.params), view(group.family, k, group.smote));
        if (deadline === undefined) {
          this.countFits(group.family, group.members.length);
          pending.push(this.o.pool.run(task).then((result) => ({ group, fold: k, result })));
        } else {
          // With a time budget a task is handed to the pool only when a worker is free, so none starts late.
          pending.push((async () => {
            await slots.acquire();
            try {
              if (performance.now() >= deadline) return { group, fold: k, result: null };
              this.countFits(group.family, group.members.length);
              return { group, fold: k, result: await this.o.pool.run(task) };
            } finally {
              slots.release();
            }
          })());
        }
      }
    }
    // Collect fold results as they finish; a group's candidates are final when all its folds are in.
    const byGroup = new Map<Group, { probs: Float64Array[][]; seconds: number }[]>();
    const batch: CandidateResult[] = [];
    const skipped = new Set<Group>();
    const racing = new Map(pending.map((p, i) => [i, p.then((v) => ({ i, v }))]));
    while (racing.size > 0) {
      const { i, v } = await Promise.race(racing.values());
      racing.delete(i);
      this.checkCancelled();
      if (v.result === null) {
        skipped.add(v.group);
        continue;
      }
      if (v.result.kind !== 'fold' || skipped.has(v.group)) continue;
      const list = byGroup.get(v.group) ?? [];
      list[v.fold] = { probs: v.result.probs, seconds: v.result.seconds };
      byGroup.set(v.group, list);
      if (list.filter(Boolean).length < this.folds) continue;
      for (const [mi, m] of v.group.members.entries()) {
        const foldData = list.map((fr, k) => {
          const fv = view(v.group.family, k, v.group.smote);
          return { y: fv.yval, p: fr.probs[mi]![0]!, yTrain: fv.yown, pTrain: fr.probs[mi]![1]! };
        });
        const seconds = list.reduce((a, fr) => a + fr.seconds, 0) / v.group.members.length;
        const r = candidateResult(v.group.family, m.index, m.params, foldData, params.search.selection_metric, params.cost, seconds);
        if (!rung || rung.resource >= this.o.trainRows) this.foldProbsOf.set(`${r.family}#${r.index}`, foldData.map((f) => f.p));
        batch.push(r);
        this.results.push(r);
        this.o.record(r, rung ? { rung: String(rung.rung), resource: String(rung.resource) } : {});
        yield { type: 'result', result: r };
      }
    }
    const left = [...skipped].reduce((a, g) => a + g.members.length, 0);
    if (left > 0) yield { type: 'stage', message: `time budget reached: ${left} of ${entries.length} candidates not started, left out` };
    return batch;
  }

  /**
   * One candidate, fold after fold, stopped when its running mean falls below the median of `curves` (the
   * finished trials' running means): Optuna's MedianPruner. The caller records a finished trial.
   */
  async trial(given: Entry, curves: readonly number[][]): Promise<TrialOutcome> {
    const { params } = this.o;
    const entry = this.adapted(given);
    const smote = entry.params['smote'] === true;
    const foldData: { y: Uint8Array; p: Float64Array; yTrain: Uint8Array; pTrain: Float64Array }[] = [];
    const curve: number[] = [];
    let seconds = 0;
    for (let k = 0; k < this.folds; k++) {
      const v = this.familyView(entry.family, k, smote, null);
      const r = await this.o.pool.run(this.foldTask(entry.family, k, [entry.params], v));
      this.checkCancelled();
      if (r.kind !== 'fold') throw new Error('fold result expected');
      this.countFits(entry.family, 1);
      seconds += r.seconds;
      foldData.push({ y: v.yval, p: r.probs[0]![0]!, yTrain: v.yown, pTrain: r.probs[0]![1]! });
      const scores = foldData.map((f) => foldScore(params.search.selection_metric, f.y, f.p, params.cost));
      const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
      curve.push(mean);
      if (k < this.folds - 1 && shouldPrune(k, mean, curves)) return { kind: 'pruned', folds: k + 1, value: mean };
    }
    return { kind: 'done', result: candidateResult(entry.family, entry.index, entry.params, foldData, params.search.selection_metric, params.cost, seconds), curve, probs: foldData.map((f) => f.p) };
  }

  /** Keeps a finished trial as the batched step keeps a candidate. */
  keep(r: CandidateResult, probs: Float64Array[], tags: Readonly<Record<string, string>>): void {
    this.results.push(r);
    this.foldProbsOf.set(`${r.family}#${r.index}`, probs);
    this.o.record(r, tags);
  }
}

export type TrialOutcome =
  | { readonly kind: 'done'; readonly result: CandidateResult; readonly curve: number[]; readonly probs: Float64Array[] }
  | { readonly kind: 'pruned'; readonly folds: number; readonly value: number };

/** A first-come, first-served semaphore: at most `n` holders, waiters served in the order they asked. */
class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(n: number) {
    this.free = Math.max(1, n);
  }

  acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}
