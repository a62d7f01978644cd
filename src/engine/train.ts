import { availableParallelism } from 'node:os';
import { readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { schemaOf, takeRows, type Dataset } from '../core/data/dataset.js';
import { transform } from '../core/features/preprocess.js';
import { CancelledError, UserError } from '../core/errors.js';
import { evaluate, type TestMetrics } from '../core/metrics/classification.js';
import { DEFAULT_GRIDS, expandGrid, FAMILIES, QUICK_GRIDS, type Candidate, type Family, type Grid, type GridValue } from '../core/params/grids.js';
import type { Params } from '../core/params/params.js';
import { BUNDLE_FORMAT, sealBundle } from '../core/registry/bundle.js';
import { prepareFolds, prepareTraining } from '../core/search/folds.js';
import { candidateResult, foldScore, leaderboard, type CandidateResult } from '../core/search/leaderboard.js';
import { seededSplit, splitFromJson, type Split } from '../core/search/split.js';
import { learnerSeed, type FoldTask, type TaskResult } from '../core/search/task.js';
import { halvingSchedule, subsample, topK, type Rung } from '../core/search/halving.js';
import { sampleTpe, shouldPrune, type Dimension, type Observation } from '../core/search/tpe.js';
import { Rng } from '../core/random.js';
import { takeLabels, takeMatrixRows } from '../core/matrix.js';
import type { DatasetRow, RunStore } from '../core/store/run-store.js';
import { ENGINES } from '../core/models/engines.js';
import { inputProfile } from '../core/scoring/profile.js';
import { audit, DEFAULT_ATTRIBUTES, type AttributeFigures } from '../core/fairness/audit.js';
import type { DecisionRecord } from '../core/decision/policy.js';
import type { PromotePolicy, SearchStrategy } from '../core/params/params.js';
import { decideCutoff, outOfFold, promotion, type CalibrationRecord, type Promotion } from './champion.js';
import { loadStoredDataset } from './datasets.js';
import { TaskPool } from './pool.js';
import { crashPoint } from './crash-points.js';
import { writeFileAtomic, type Project } from './project.js';

export const CODE_VERSION = '0.1.0';
export { REGISTERED_MODEL } from '../core/registry/bundle.js';
import { REGISTERED_MODEL } from '../core/registry/bundle.js';

export interface LeaderboardEntry {
  readonly family: Family;
  readonly params: Candidate;
  readonly cv_auc_mean: number;
  readonly cv_auc_std: number;
  readonly train_auc: number;
  readonly selection: number;
  readonly fits: number;
  readonly seconds: number;
  readonly test?: TestMetrics;
}

export interface TrainSummary {
  readonly run_id: string;
  readonly dataset: string;
  readonly selection_metric: string;
  readonly leaderboard: readonly LeaderboardEntry[];
  readonly champion: {
    readonly family: Family;
    readonly params: Candidate;
    readonly version: number;
    readonly path: string;
    readonly sha256: string;
    readonly threshold: number;
    readonly test: TestMetrics;
    /** The fairness audit on the test rows, one entry per attribute the data set has. */
    readonly fairness: readonly AttributeFigures[];
    readonly fairness_skipped: readonly string[];
    /** Columns the model was not allowed to use. */
    readonly exclude: readonly string[];
    /** With exclusions: the champion trained with them, for a side-by-side. */
    readonly compared_with: { readonly version: number; readonly exclude: string; readonly test_auc: number; readonly cost: number; readonly fairness: readonly AttributeFigures[] } | null;
    /** How the threshold was chosen (on out-of-fold predictions) and what it does on the test rows. */
    readonly decision: DecisionRecord;
    readonly calibration: CalibrationRecord;
    /** Whether this version became `champion` (else `challenger`), and why. */
    readonly promotion: Promotion;
  };
  /** Model fits run (fold fits of every candidate or trial; folds a pruned trial never ran are not counted). */
  readonly fits: number;
  readonly strategy: SearchStrategy;
  readonly wall_seconds: number;
}

export type TrainEvent =
  | { readonly type: 'started'; readonly runId: string; readonly dataset: string; readonly families: readonly Family[]; readonly candidates: number; readonly fits: number; readonly folds: number; readonly workers: number; readonly split: Split['source']; readonly perFamily: Readonly<Record<string, number>>; readonly strategy: SearchStrategy }
  | { readonly type: 'stage'; readonly message: string }
  | {
      readonly type: 'candidate';
      readonly result: CandidateResult;
      readonly done: number;
      readonly total: number;
      readonly elapsed: number;
      readonly eta: number;
      readonly best: CandidateResult;
      readonly leaderboard: readonly CandidateResult[];
    }
  | { readonly type: 'refit'; readonly family: Family; readonly test: TestMetrics }
  | { readonly type: 'finished'; readonly summary: TrainSummary };

export interface TrainOptions {
  readonly dataset?: string | null;
  readonly families?: readonly Family[];
  readonly quick?: boolean;
  readonly splitFile?: string | null;
  readonly workers?: number;
  readonly signal?: AbortSignal;
  /** Columns the model may not use ("fairness through unawareness"); default params.yaml data.exclude. */
  readonly exclude?: readonly string[];
  /** grid, halving or tpe; default params.yaml search.strategy. */
  readonly search?: SearchStrategy;
  /** tpe: trials (default search.trials) or a time budget in seconds (default search.time). */
  readonly trials?: number;
  readonly time?: number;
  /** When the winner replaces the champion; default params.yaml decision.promote. */
  readonly promote?: PromotePolicy;
}

/** Selection metrics that depend only on how candidates rank applicants, not on calibration. */
const RANK_METRICS: ReadonlySet<string> = new Set(['roc_auc', 'gini', 'ks']);

/** Order in which families are scheduled: the slowest first keeps both cores busy to the end. */
const COST_ORDER: readonly Family[] = ['mlp', 'forest', 'brf', 'xgboost', 'svm', 'tree', 'logreg', 'knn'];

/** A candidate to cross-validate: a grid point (index = its position in the family's grid) or a TPE trial. */
interface Entry {
  readonly family: Family;
  readonly index: number;
  readonly params: Candidate;
}

export function withoutSmote(c: Candidate): Candidate {
  const { smote: _ignored, ...rest } = c;
  return rest;
}

export function planGrids(params: Params, opts: TrainOptions): Map<Family, Candidate[]> {
  const families = opts.families ?? params.search.families;
  const plan = new Map<Family, Candidate[]>();
  for (const f of FAMILIES) {
    if (!families.includes(f)) continue;
    const grid: Grid = opts.quick ? QUICK_GRIDS[f] : params.search.grids[f] ?? DEFAULT_GRIDS[f];
    plan.set(f, expandGrid(grid));
  }
  if (plan.size === 0) throw new UserError('no model families selected', {}, `choose from ${FAMILIES.join(', ')}`);
  return plan;
}

/** The train/test split and CV folds of a search: a split file (the reference's), else seeded from params. */
export function resolveSplit(ds: Dataset, params: Params, opts: Pick<TrainOptions, 'splitFile'>): Split {
  const file = opts.splitFile ?? params.split.split_file;
  if (!file) return seededSplit(ds.target, params.split.test_size, params.split.cv_folds, params.seed);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new UserError('split file not found', { file });
  }
  return splitFromJson(text, ds.rows, file);
}

/**
 * The grid search: stratified CV of every candidate of every family (preprocessing and SMOTE fitted per
 * fold, shared by all candidates), per-family refits scored on the test rows, and the champion saved and
 * registered. Yields typed progress events; the TUI and the headless logger both consume them.
 */
export async function* train(project: Project, store: RunStore, params: Params, opts: TrainOptions = {}): AsyncGenerator<TrainEvent, TrainSummary> {
  const t0 = performance.now();
  const row: DatasetRow = store.resolveDataset(opts.dataset ?? params.data.dataset);
  const full = loadStoredDataset(row);
  const exclude = opts.exclude ?? params.data.exclude;
  for (const c of exclude) if (!full.features.some((f) => f.name === c)) throw new UserError(`cannot exclude '${c}': ${row.name}@${row.version} has no such column`, { column: c }, `columns: ${full.features.map((f) => f.name).join(', ')}`);
  // The model never sees excluded columns; the fairness audit still groups the test rows by them.
  const ds: Dataset = exclude.length ? { ...full, features: full.features.filter((f) => !exclude.includes(f.name)) } : full;
  const split = resolveSplit(ds, params, opts);
  const plan = planGrids(params, opts);
  const folds = split.folds.length;
  const workers = Math.max(1, opts.workers ?? (params.search.workers || availableParallelism()));
  const perFamily = Object.fromEntries([...plan].map(([f, c]) => [f, c.length]));
  const totalCandidates = [...plan.values()].reduce((a, c) => a + c.length, 0);
  const strategy = opts.search ?? params.search.strategy;
  const trainRows = split.train.length;
  const halvingSchedules = new Map([...plan].map(([f, c]) => [f, halvingSchedule(c.length, trainRows, folds)]));
  // Candidate evaluations the progress bar counts: TPE's is its trial budget (an estimate when bounded by time).
  const plannedEvaluations = strategy === 'grid' ? totalCandidates
    : strategy === 'halving' ? [...halvingSchedules.values()].reduce((a, rs) => a + rs.reduce((b, r) => b + r.candidates, 0), 0)
    : (opts.time ?? params.search.time) === null ? (opts.trials ?? params.search.trials) : workers;

  const runId = store.startRun('train', `search ${row.name}@${row.version}`);
  store.logInput(runId, row.dataset_id);
  store.logParams(runId, {
    dataset: `${row.name}@${row.version}`, dataset_sha256: row.digest, seed: params.seed, split: split.source,
    split_file: opts.splitFile ?? params.split.split_file ?? '', test_size: params.split.test_size, cv_folds: folds,
    families: [...plan.keys()].join(','), quick: Boolean(opts.quick), exclude: exclude.join(','), selection_metric: params.search.selection_metric,
    preprocessing: params.preprocessing, cost: params.cost, grids: Object.fromEntries([...plan].map(([f]) => [f, opts.quick ? QUICK_GRIDS[f] : params.search.grids[f]])),
  });
  const pool = new TaskPool(workers);
  const onAbort = (): void => void pool.close();
  opts.signal?.addEventListener('abort', onAbort);
  try {
    yield { type: 'started', runId, dataset: `${row.name}@${row.version}`, families: [...plan.keys()], candidates: plannedEvaluations, fits: plannedEvaluations * folds, folds, workers, split: split.source, perFamily, strategy };

    const train = takeRows(ds, split.train);
    const test = takeRows(ds, split.test);
    const needSmote = [...plan.values()].some((cs) => cs.some((c) => c['smote'] === true));
    yield { type: 'stage', message: `preprocessing ${folds} folds${needSmote ? ' (+ SMOTE)' : ''}` };
    const prepared = prepareFolds(train, split.folds, params.preprocessing, needSmote, params.preprocessing.smote_k, params.seed);

    const rankOnly = RANK_METRICS.has(params.search.selection_metric);
    let taskId = 0;
    const results: CandidateResult[] = [];
    // Each candidate's p(bad) on each full validation fold: the champion's become its out-of-fold predictions.
    const foldProbsOf = new Map<string, Float64Array[]>();
    let done = 0;
    let fitsRun = 0;
    const fitsOf = new Map<Family, number>();
    let total = plannedEvaluations;
    const event = (r: CandidateResult): TrainEvent => {
      done++;
      const elapsed = (performance.now() - t0) / 1000;
      const board = leaderboard(results);
      return { type: 'candidate', result: r, done, total: Math.max(total, done), elapsed, eta: (elapsed / done) * Math.max(0, total - done), best: board[0]!, leaderboard: board };
    };
    /** The fold's training and validation rows at a halving rung (all rows outside halving). */
    const foldView = (k: number, smote: boolean, rung: Rung | null) => {
      const f = prepared[k]!;
      const X = smote ? f.smoted!.X : f.X;
      const y = smote ? f.smoted!.y : f.y;
      if (!rung || rung.resource >= train.rows) return { X, y, Xval: f.Xval, yval: f.yval, Xown: f.X, yown: f.y };
      // scikit-learn's _SubsampleMetaSplitter: the same fraction of each fold's training and validation rows.
      const fraction = rung.resource / train.rows;
      const rows = (n: number, what: string) => subsample(n, fraction, Rng.derive(params.seed, 'halving', rung.rung, k, what));
      const tr = rows(X.rows, smote ? 'smoted' : 'train');
      const own = smote ? rows(f.X.rows, 'train') : tr;
      const va = rows(f.Xval.rows, 'val');
      return { X: takeMatrixRows(X, tr), y: takeLabels(y, tr), Xval: takeMatrixRows(f.Xval, va), yval: takeLabels(f.yval, va), Xown: takeMatrixRows(f.X, own), yown: takeLabels(f.y, own) };
    };

    /** Cross-validates candidates (those one fit can serve share it), yielding an event per finished candidate. */
    const crossValidate = async function* (entries: readonly Entry[], rung: Rung | null): AsyncGenerator<TrainEvent, CandidateResult[]> {
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
      const views = new Map<string, ReturnType<typeof foldView>>();
      const view = (k: number, smote: boolean) => {
        const key = `${k}|${smote}`;
        if (!views.has(key)) views.set(key, foldView(k, smote, rung));
        return views.get(key)!;
      };
      const pending: Promise<{ group: Group; fold: number; result: TaskResult }>[] = [];
      for (const group of groups) {
        for (let k = 0; k < folds; k++) {
          const v = view(k, group.smote);
          const task: FoldTask = {
            kind: 'fold', id: taskId++, family: group.family, fold: k, candidates: group.members.map((m) => withoutSmote(m.params)),
            seed: learnerSeed(params.seed, group.family, k), X: v.X, y: v.y, evals: [v.Xval, v.Xown], rankOnly,
          };
          fitsRun += group.members.length;
          fitsOf.set(group.family, (fitsOf.get(group.family) ?? 0) + group.members.length);
          pending.push(pool.run(task).then((result) => ({ group, fold: k, result })));
        }
      }
      // Collect fold results as they finish; a group's candidates are final when all its folds are in.
      const byGroup = new Map<Group, { probs: Float64Array[][]; seconds: number }[]>();
      const batch: CandidateResult[] = [];
      const racing = new Map(pending.map((p, i) => [i, p.then((v) => ({ i, v }))]));
      while (racing.size > 0) {
        const { i, v } = await Promise.race(racing.values());
        racing.delete(i);
        if (opts.signal?.aborted) throw new CancelledError('search cancelled');
        if (v.result.kind !== 'fold') continue;
        const list = byGroup.get(v.group) ?? [];
        list[v.fold] = { probs: v.result.probs, seconds: v.result.seconds };
        byGroup.set(v.group, list);
        if (list.filter(Boolean).length < folds) continue;
        for (const [mi, m] of v.group.members.entries()) {
          const foldData = list.map((fr, k) => {
            const fv = view(k, v.group.smote);
            return { y: fv.yval, p: fr.probs[mi]![0]!, yTrain: fv.yown, pTrain: fr.probs[mi]![1]! };
          });
          const seconds = list.reduce((a, fr) => a + fr.seconds, 0) / v.group.members.length;
          const r = candidateResult(v.group.family, m.index, m.params, foldData, params.search.selection_metric, params.cost, seconds);
          if (!rung || rung.resource >= train.rows) foldProbsOf.set(`${r.family}#${r.index}`, foldData.map((f) => f.p));
          batch.push(r);
          results.push(r);
          recordCandidate(store, runId, r, rung ? { rung: String(rung.rung), resource: String(rung.resource) } : {});
          yield event(r);
        }
      }
      return batch;
    };

    const all: Entry[] = [...plan].flatMap(([family, cands]) => cands.map((c, index) => ({ family, index, params: c })));
    let finalists: CandidateResult[];
    if (strategy === 'grid') {
      finalists = yield* crossValidate(all, null);
    } else if (strategy === 'halving') {
      // Successive halving per family, as HalvingGridSearchCV per estimator; the last rung's results stand.
      finalists = [];
      for (const family of plan.keys()) {
        let entries = all.filter((e) => e.family === family);
        for (const rung of halvingSchedules.get(family)!) {
          yield { type: 'stage', message: `${family}: rung ${rung.rung + 1} of ${halvingSchedules.get(family)!.length}, ${entries.length} candidates on ${rung.resource} of ${train.rows} rows` };
          const rungResults = yield* crossValidate(entries, rung);
          if (rung.rung === halvingSchedules.get(family)!.length - 1) finalists.push(...rungResults);
          const keep = new Set(topK(rungResults, Math.ceil(entries.length / 3)).map((r) => r.index));
          entries = entries.filter((e) => keep.has(e.index));
        }
      }
    } else {
      finalists = yield* tpeSearch();
    }

    /** TPE over the families' spaces (the family is the first, categorical, dimension), trials in batches of `workers`. */
    async function* tpeSearch(): AsyncGenerator<TrainEvent, CandidateResult[]> {
      const spaces = params.search.spaces;
      const familyDim: Dimension = { kind: 'categorical', choices: [...plan.keys()] };
      const history: Observation[] = [];
      const curves: number[][] = [];
      const rng = Rng.derive(params.seed, 'tpe');
      const deadline = (opts.time ?? params.search.time) === null ? Infinity : t0 + (opts.time ?? params.search.time)! * 1000;
      const trials = (opts.time ?? params.search.time) === null ? (opts.trials ?? params.search.trials) : Infinity;
      const finished: CandidateResult[] = [];
      let trial = 0;
      while (trial < trials && performance.now() < deadline) {
        const batch: { entry: Entry; values: Record<string, GridValue> }[] = [];
        while (batch.length < workers && trial < trials) {
          const family = sampleTpe('family', familyDim, history, rng) as Family;
          const values: Record<string, GridValue> = { family };
          const candidate: Record<string, GridValue> = {};
          for (const [name, dim] of Object.entries(spaces[family])) {
            const v = sampleTpe(`${family}.${name}`, dim, history, rng);
            values[`${family}.${name}`] = v;
            candidate[name] = v;
          }
          batch.push({ entry: { family, index: trial++, params: candidate }, values });
        }
        const outcomes = await Promise.all(batch.map((b) => runTrial(b.entry, curves)));
        for (const [i, o] of outcomes.entries()) {
          const b = batch[i]!;
          if (o.kind === 'pruned') {
            // As Optuna, pruned trials inform TPE ranked after every finished one (those stopped later first).
            history.push({ values: b.values, loss: 10 * (folds - o.folds) - o.value });
            yield { type: 'stage', message: `trial ${b.entry.index + 1} (${b.entry.family}) pruned after fold ${o.folds}: mean ${params.search.selection_metric} ${o.value.toFixed(4)} below the median` };
            continue;
          }
          history.push({ values: b.values, loss: -o.result.selection });
          curves.push(o.curve);
          finished.push(o.result);
          results.push(o.result);
          foldProbsOf.set(`${o.result.family}#${o.result.index}`, o.probs);
          recordCandidate(store, runId, o.result, { trial: String(b.entry.index + 1) });
          if (trials === Infinity) total = Math.max(total, done + 1 + workers);
          yield event(o.result);
        }
      }
      if (finished.length === 0) throw new UserError('every TPE trial was pruned or none had time to finish', {}, 'raise search.trials or search.time');
      return finished;
    }

    /** One TPE trial, fold after fold, stopped when its running mean falls below the median of finished trials. */
    async function runTrial(entry: Entry, curves: readonly number[][]): Promise<{ kind: 'done'; result: CandidateResult; curve: number[]; probs: Float64Array[] } | { kind: 'pruned'; folds: number; value: number }> {
      const smote = entry.params['smote'] === true;
      const foldData: { y: Uint8Array; p: Float64Array; yTrain: Uint8Array; pTrain: Float64Array }[] = [];
      const curve: number[] = [];
      let seconds = 0;
      for (let k = 0; k < folds; k++) {
        const v = foldView(k, smote, null);
        const r = await pool.run({ kind: 'fold', id: taskId++, family: entry.family, fold: k, candidates: [withoutSmote(entry.params)], seed: learnerSeed(params.seed, entry.family, k), X: v.X, y: v.y, evals: [v.Xval, v.Xown], rankOnly });
        if (opts.signal?.aborted) throw new CancelledError('search cancelled');
        if (r.kind !== 'fold') throw new Error('fold result expected');
        fitsRun++;
        fitsOf.set(entry.family, (fitsOf.get(entry.family) ?? 0) + 1);
        seconds += r.seconds;
        foldData.push({ y: v.yval, p: r.probs[0]![0]!, yTrain: v.yown, pTrain: r.probs[0]![1]! });
        const scores = foldData.map((f) => foldScore(params.search.selection_metric, f.y, f.p, params.cost));
        const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
        curve.push(mean);
        if (k < folds - 1 && shouldPrune(k, mean, curves)) return { kind: 'pruned', folds: k + 1, value: mean };
      }
      return { kind: 'done', result: candidateResult(entry.family, entry.index, entry.params, foldData, params.search.selection_metric, params.cost, seconds), curve, probs: foldData.map((f) => f.p) };
    }

    // Refit each family's best on all training rows and score it on the test rows.
    const board = leaderboard(finalists);
    yield { type: 'stage', message: `refitting ${board.length} family winners on ${train.rows} rows` };
    const sets = new Map<boolean, ReturnType<typeof prepareTraining>>();
    const setFor = (smote: boolean) => {
      if (!sets.has(smote)) sets.set(smote, prepareTraining(train, params.preprocessing, smote, params.preprocessing.smote_k, params.seed));
      return sets.get(smote)!;
    };
    const refits = await Promise.all(board.map((b) => {
      const set = setFor(b.params['smote'] === true);
      return pool.run({ kind: 'refit', id: taskId++, family: b.family, candidate: withoutSmote(b.params), seed: learnerSeed(params.seed, b.family, 'refit'), X: set.X, y: set.y, test: transform(set.prep, test) });
    }));
    if (opts.signal?.aborted) throw new CancelledError('search cancelled');
    const entries: LeaderboardEntry[] = [];
    for (const [i, b] of board.entries()) {
      const r = refits[i]!;
      if (r.kind !== 'refit') continue;
      const testMetrics = evaluate(test.target, r.testProba, params.cost);
      yield { type: 'refit', family: b.family, test: testMetrics };
      entries.push({
        family: b.family, params: b.params, cv_auc_mean: b.cv_auc_mean, cv_auc_std: b.cv_auc_std, train_auc: b.train_auc, selection: b.selection,
        fits: fitsOf.get(b.family) ?? 0,
        seconds: results.filter((x) => x.family === b.family).reduce((a, x) => a + x.seconds, 0),
        test: testMetrics,
      });
    }

    // The champion: bundle (atomic write), artifact, registry version with alias `champion`.
    const champ = board[0]!;
    const champRefit = refits[0]!;
    if (champRefit.kind !== 'refit') throw new Error('refit result expected');
    const champSet = setFor(champ.params['smote'] === true);
    const testMetrics = entries[0]!.test!;
    // Calibration and cut-off come from the champion's out-of-fold predictions; the SVM's were only ranked
    // during a rank-metric search (no Platt CV), so its folds are refitted once with probabilities.
    let champFolds = foldProbsOf.get(`${champ.family}#${champ.index}`);
    const needOof = params.decision.policy !== 'cost' || params.decision.calibration !== 'none';
    // Halving's last rung may have run on a subsample; a rank-metric search fits the SVM without Platt CV.
    if (!champFolds || (needOof && champ.family === 'svm' && rankOnly)) {
      yield { type: 'stage', message: 'refitting the champion per fold for calibrated out-of-fold predictions' };
      const smote = champ.params['smote'] === true;
      const rerun = await Promise.all(prepared.map((f, k) => pool.run({
        kind: 'fold', id: taskId++, family: champ.family, fold: k, candidates: [withoutSmote(champ.params)], seed: learnerSeed(params.seed, champ.family, k),
        X: smote ? f.smoted!.X : f.X, y: smote ? f.smoted!.y : f.y, evals: [f.Xval], rankOnly: false,
      })));
      champFolds = rerun.map((r) => (r.kind === 'fold' ? r.probs[0]![0]! : new Float64Array()));
    }
    const cut = decideCutoff(outOfFold(champFolds!, split.folds, train.rows), train.target, champRefit.testProba, test.target, params);
    const threshold = cut.decision.threshold;
    // The champion's fairness audit on the test rows, stored with its version (train summary, models list, TUI).
    const fairness = audit(takeRows(full, split.test), cut.testCalibrated, threshold, params.fairness.attributes ?? DEFAULT_ATTRIBUTES, { seed: params.seed });
    const fairnessMetrics = Object.fromEntries(fairness.attributes.flatMap((a) => (a.adverse_impact_ratio === null ? [] : [[`fairness_air_${a.attribute}`, a.adverse_impact_ratio]])));
    const { text, sha256 } = sealBundle({
      format: BUNDLE_FORMAT, created_at: new Date().toISOString(), code_version: CODE_VERSION, family: champ.family, candidate: champ.params,
      dataset: { name: row.name, version: row.version, digest: row.digest },
      schema: schemaOf(ds), preprocessor: champSet.prep, input: inputProfile(train, transform(champSet.prep, train)), model: champRefit.state, threshold, test_metrics: testMetrics,
      cv: { metric: params.search.selection_metric, mean: champ.selection, std: champ.cv_auc_std }, params, train_run_id: runId,
      calibration: cut.calibrator, decision: cut.decision,
    });
    const promoted = promotion(store, opts.promote ?? params.decision.promote, { full, split, digest: row.digest, params, runParams: store.params(runId), candidateTest: cut.testCalibrated, yTest: test.target });
    // Fairness through unawareness is compared side by side with the champion it would replace.
    const previous = exclude.length ? store.listModelVersions().find((v) => v.aliases.includes('champion') && v.dataset_digest === row.digest) : undefined;
    const compared = previous ? {
      version: previous.version, exclude: store.params(previous.run_id)['exclude'] ?? '', test_auc: previous.metrics['test_roc_auc'] ?? NaN, cost: previous.metrics['test_cost_at_optimal'] ?? NaN,
      fairness: (JSON.parse(store.tags(previous.run_id)['fairness'] ?? '{"attributes":[]}') as { attributes: AttributeFigures[] }).attributes,
    } : null;
    const path = join(project.modelsDir, `${champ.family}-${runId}.json`);
    writeFileAtomic(path, text);
    crashPoint('train:bundle-written');
    const version = store.atomically(() => {
      store.logArtifact(runId, relative(project.home, path), sha256, statSync(path).size);
      store.logMetrics(runId, flatMetrics(testMetrics, 'test_'));
      store.logMetrics(runId, { cv_auc_mean: champ.cv_auc_mean, cv_auc_std: champ.cv_auc_std, candidates: results.length, wall_seconds: (performance.now() - t0) / 1000 });
      store.setTags(runId, { champion_family: champ.family, champion_params: JSON.stringify(champ.params), fairness: JSON.stringify(fairness), decision: JSON.stringify(cut.decision), calibration: JSON.stringify(cut.calibration), promotion: JSON.stringify(promoted) });
      const decisionFigures = Object.fromEntries(Object.entries(cut.decision.test).map(([k, x]) => [`decision_test_${k}`, x]));
      const calibrationFigures = Object.fromEntries((['brier', 'log_loss', 'ece'] as const).flatMap((k) => [[`calibration_test_${k}_before`, cut.calibration.test_before[k]], [`calibration_test_${k}_after`, cut.calibration.test_after[k]]]));
      const v = store.registerModelVersion(
        { name: REGISTERED_MODEL, run_id: runId, family: champ.family, path, sha256, dataset_digest: row.digest, metrics: { cv_auc_mean: champ.cv_auc_mean, ...flatMetrics(testMetrics, 'test_'), ...fairnessMetrics, ...decisionFigures, ...calibrationFigures } },
        [promoted.promoted ? 'champion' : 'challenger'],
      );
      crashPoint('train:mid-transaction');
      store.endRun(runId, 'FINISHED');
      return v;
    });
    const summary: TrainSummary = {
      run_id: runId, dataset: `${row.name}@${row.version}`, selection_metric: params.search.selection_metric, leaderboard: entries,
      champion: { family: champ.family, params: champ.params, version, path, sha256, threshold, test: testMetrics, fairness: fairness.attributes, fairness_skipped: fairness.skipped, exclude, compared_with: compared, decision: cut.decision, calibration: cut.calibration, promotion: promoted },
      fits: fitsRun, strategy, wall_seconds: (performance.now() - t0) / 1000,
    };
    yield { type: 'finished', summary };
    return summary;
  } catch (e) {
    const cancelled = e instanceof CancelledError || opts.signal?.aborted;
    store.endRunTree(runId, cancelled ? 'KILLED' : 'FAILED', (e as Error).message);
    throw cancelled && !(e instanceof CancelledError) ? new CancelledError('search cancelled') : e;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    await pool.close();
  }
}

export function flatMetrics(m: TestMetrics, prefix = ''): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(m)) {
    if (typeof v === 'number') out[prefix + k] = v;
    else for (const [ck, cv] of Object.entries(v as Record<string, number>)) out[`${prefix}${k}_${ck}`] = cv;
  }
  return out;
}

function recordCandidate(store: RunStore, parent: string, r: CandidateResult, tags: Readonly<Record<string, string>> = {}): void {
  store.atomically(() => {
    const id = store.startRun('train', `${r.family} ${Object.entries(r.params).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ')}`, parent);
    store.logParams(id, { family: r.family, ...r.params });
    r.fold_auc.forEach((auc, k) => store.logMetrics(id, { roc_auc: auc, selection: r.fold_selection[k]! }, k + 1));
    store.logMetrics(id, { cv_auc_mean: r.cv_auc_mean, cv_auc_std: r.cv_auc_std, train_auc: r.train_auc, selection: r.selection, fit_seconds: r.seconds });
    store.setTags(id, { family: r.family, grid_index: String(r.index), ...tags });
    store.endRun(id, 'FINISHED');
  });
}
