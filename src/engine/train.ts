import { availableParallelism } from 'node:os';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { schemaOf, takeRows, type Dataset } from '../core/data/dataset.js';
import { transform } from '../core/features/preprocess.js';
import { CancelledError, UserError } from '../core/errors.js';
import { evaluate, type TestMetrics } from '../core/metrics/classification.js';
import { QUICK_GRIDS, type Candidate, type Family } from '../core/params/grids.js';
import type { Params } from '../core/params/params.js';
import { BUNDLE_FORMAT, sealBundle } from '../core/registry/bundle.js';
import type { PreparedFold, TrainingSet } from '../core/search/folds.js';
import type { Matrix } from '../core/matrix.js';
import { releaseNativeMemory } from './native-memory.js';
import { prepareFoldsOnPool, prepareTrainingOnPool } from './search/prepare.js';
import { candidateResult, foldScore, leaderboard, type CandidateResult } from '../core/search/leaderboard.js';
import { seededSplit, splitFromJson, type Split } from '../core/search/split.js';
import { learnerSeed } from '../core/search/task.js';
import type { DatasetRow, RunStore } from '../core/store/run-store.js';
import { ENGINES } from '../core/models/engines.js';
import { bindMonotoneParams } from '../core/models/monotone.js';
import { inputProfile } from '../core/scoring/profile.js';
import { reasonReference, reasonReferenceRows, withReasonReference } from '../core/scoring/reason-reference.js';
import { calibrate } from '../core/decision/calibration.js';
import { audit, DEFAULT_ATTRIBUTES, type AttributeFigures } from '../core/fairness/audit.js';
import type { DecisionRecord } from '../core/decision/policy.js';
import type { PromotePolicy, SearchStrategy } from '../core/params/params.js';
import { decideCutoff, outOfFold, promotion, type CalibrationRecord, type Promotion } from './champion.js';
import { loadStoredDataset } from './datasets.js';
import { TaskPool } from './pool.js';
import { crashPoint } from './crash-points.js';
import { CrossValidation, withoutSmote } from './search/cv-step.js';
import { gridSearch } from './search/grid.js';
import { halvingSearch } from './search/halving.js';
import { asHalving, searchPlan } from './search/plan.js';
import { tpeSearch } from './search/tpe.js';
import { probePlan } from './search/probe.js';
import { approxDuration, MLP_DEFAULT_MAX_ITER, planAdaptations, type PlanEstimate } from '../core/search/planner.js';
import { writeFileAtomic, type Project } from './project.js';
import { recordModelIdentity, repeatPromotion, sameModelVersion } from './same-model.js';

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
  | {
      readonly type: 'started'; readonly runId: string; readonly dataset: string; readonly families: readonly Family[]; readonly candidates: number; readonly fits: number; readonly folds: number; readonly workers: number; readonly split: Split['source']; readonly perFamily: Readonly<Record<string, number>>; readonly strategy: SearchStrategy;
      /** The planner's estimate (timed by a probe before the first fit) and its adaptations, one line each. */
      readonly estimate: PlanEstimate;
    }
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
  /** auto, grid, halving or tpe; default params.yaml search.strategy. */
  readonly search?: SearchStrategy | 'auto';
  /** tpe: trials (default search.trials) or a time budget in seconds (default search.time). */
  readonly trials?: number;
  readonly time?: number;
  /** When the winner replaces the champion; default params.yaml decision.promote. */
  readonly promote?: PromotePolicy;
  /** Register a new version even when an existing one holds this exact model. */
  readonly force?: boolean;
}

/** Selection metrics that depend only on how candidates rank applicants, not on calibration. */
const RANK_METRICS: ReadonlySet<string> = new Set(['roc_auc', 'gini', 'ks']);

export { withoutSmote } from './search/cv-step.js';
export { planGrids } from './search/plan.js';

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
  // xgboost's column-named monotone constraints, bound to features ('auto' trends read on the training rows).
  params = bindMonotoneParams(params, () => takeRows(ds, split.train));
  const folds = split.folds.length;
  const workers = Math.max(1, opts.workers ?? (params.search.workers || availableParallelism()));
  let plan = searchPlan(params, opts, split.train.length, folds, workers);
  const perFamily = Object.fromEntries([...plan.grids].map(([f, c]) => [f, c.length]));

  const runId = store.startRun('train', `search ${row.name}@${row.version}`);
  store.logInput(runId, row.dataset_id);
  store.logParams(runId, {
    dataset: `${row.name}@${row.version}`, dataset_sha256: row.digest, seed: params.seed, split: split.source,
    split_file: opts.splitFile ?? params.split.split_file ?? '', test_size: params.split.test_size, cv_folds: folds,
    families: [...plan.grids.keys()].join(','), quick: Boolean(opts.quick), exclude: exclude.join(','), selection_metric: params.search.selection_metric,
    preprocessing: params.preprocessing, cost: params.cost, grids: Object.fromEntries([...plan.grids].map(([f]) => [f, opts.quick ? QUICK_GRIDS[f] : params.search.grids[f]])),
  });
  const pool = new TaskPool(workers);
  const onAbort = (): void => void pool.close();
  opts.signal?.addEventListener('abort', onAbort);
  try {
    const train = takeRows(ds, split.train);
    const test = takeRows(ds, split.test);
    const rankOnly = RANK_METRICS.has(params.search.selection_metric);
    // The planner: adaptations above the row limits, then a timed probe of every candidate group, before any fold fit.
    const mlpIters = plan.entries.filter((e) => e.family === 'mlp').map((e) => (typeof e.params['max_iter'] === 'number' ? e.params['max_iter'] : MLP_DEFAULT_MAX_ITER));
    const adaptations = planAdaptations([...plan.grids.keys()], Math.round((train.rows * (folds - 1)) / folds), mlpIters, params.planner);
    let probeId = -1;
    const probe = await probePlan({ pool, train, params, plan, adaptations, rankOnly, nextTaskId: () => probeId-- });
    if (opts.signal?.aborted) throw new CancelledError('search cancelled');
    let estimate = probe.estimate;
    // `auto`: a grid past the planner's budget runs as successive halving over the same grid.
    const budget = params.planner.grid_budget;
    const choice: string[] = [];
    if (plan.requested === 'auto' && plan.time === null && budget !== null && estimate.seconds > budget) {
      const halving = asHalving(params, opts, plan);
      const halvingEstimate = probe.estimateFor(halving);
      if (halvingEstimate.seconds < estimate.seconds) {
        choice.push(`the grid (${plan.evaluations} candidates on every row) is estimated at ${approxDuration(estimate.seconds)}, over planner.grid_budget ${approxDuration(budget)}: successive halving over the same grid instead (each rung keeps the best third on 3× the rows), estimated at ${approxDuration(halvingEstimate.seconds)}; --search grid runs every candidate on every row`);
        plan = halving;
        estimate = halvingEstimate;
      }
    }
    const strategy = plan.strategy;
    store.logParams(runId, { planner: params.planner, adaptations: estimate.adaptations, estimate_seconds: Math.round(estimate.seconds), time_budget: plan.time ?? '', strategy, strategy_requested: plan.requested, strategy_reason: choice[0] ?? '' });
    yield { type: 'started', runId, dataset: `${row.name}@${row.version}`, families: [...plan.grids.keys()], candidates: plan.evaluations, fits: plan.evaluations * folds, folds, workers, split: split.source, perFamily, strategy, estimate };
    for (const line of [...choice, ...estimate.adaptations, ...estimate.notes]) yield { type: 'stage', message: `planner: ${line}` };

    const needSmote = [...plan.grids.values()].some((cs) => cs.some((c) => c['smote'] === true));
    yield { type: 'stage', message: `preprocessing ${folds} folds${needSmote ? ' (+ SMOTE)' : ''}` };
    let prepId = -1_000_000;
    let prepared: readonly PreparedFold[] | null = await prepareFoldsOnPool(pool, train, split.folds, params.preprocessing, needSmote, params.preprocessing.smote_k, params.seed, () => prepId--);

    const deadline = plan.time === null ? Infinity : t0 + plan.time * 1000;
    const cv = new CrossValidation({
      pool, prepared, trainRows: train.rows, params, rankOnly, ...(opts.signal ? { signal: opts.signal } : {}),
      record: (r, tags) => recordCandidate(store, runId, r, tags),
      adaptations, ...(plan.time !== null && plan.strategy !== 'tpe' ? { deadline } : {}),
    });
    const results = cv.results;
    let done = 0;
    let total = plan.evaluations;
    const event = (r: CandidateResult): TrainEvent => {
      done++;
      const elapsed = (performance.now() - t0) / 1000;
      const board = leaderboard(results);
      return { type: 'candidate', result: r, done, total: Math.max(total, done), elapsed, eta: (elapsed / done) * Math.max(0, total - done), best: board[0]!, leaderboard: board };
    };
    // A strategy only chooses candidates; the cross-validation step fits, scores and records them.
    const search = plan.strategy === 'grid' ? gridSearch(plan, cv) : plan.strategy === 'halving' ? halvingSearch(plan, cv) : tpeSearch(plan, cv, params, deadline);
    let finalists: CandidateResult[];
    for (;;) {
      const step = await search.next();
      if (step.done) {
        finalists = step.value;
        break;
      }
      const e = step.value;
      if (e.type === 'stage') yield { type: 'stage', message: e.message };
      else {
        if (e.openBudget) total = Math.max(total, done + 1 + workers);
        yield event(e.result);
      }
    }

    if (finalists.length === 0) throw new UserError('the time budget ended before any candidate finished', {}, 'raise --time (or search.time)');
    // Refit each family's best on all training rows and score it on the test rows.
    const board = leaderboard(finalists);
    // Calibration and cut-off come from the champion's out-of-fold predictions; the SVM's were only ranked
    // during a rank-metric search (no Platt CV), so its folds are refitted once with probabilities. Halving's
    // last rung may have run on a subsample. Otherwise no fold is fitted again: the folds are let go here.
    const champ = board[0]!;
    let champFolds = cv.foldProbsOf.get(`${champ.family}#${champ.index}`);
    const needOof = params.decision.policy !== 'cost' || params.decision.calibration !== 'none';
    const rerunFolds = !champFolds || (needOof && champ.family === 'svm' && rankOnly);
    if (!rerunFolds) {
      cv.releaseFolds();
      prepared = null;
      await releaseNativeMemory();
    }
    yield { type: 'stage', message: `refitting ${board.length} family winners on ${train.rows} rows` };
    const sets = new Map<boolean, TrainingSet>();
    for (const smote of new Set(board.map((b) => b.params['smote'] === true))) {
      sets.set(smote, await prepareTrainingOnPool(pool, train, params.preprocessing, smote, params.preprocessing.smote_k, params.seed, () => cv.nextTaskId()));
    }
    const setFor = (smote: boolean): TrainingSet => sets.get(smote)!;
    const refits = await Promise.all(board.map((b, i) => {
      const set = setFor(b.params['smote'] === true);
      const fit = cv.fitRows(b.family, set.X, set.y, 'refit', b.params['smote'] === true ? 'smoted' : 'train');
      return pool.run({ kind: 'refit', id: cv.nextTaskId(), keepState: i === 0, family: b.family, candidate: withoutSmote(b.params), seed: learnerSeed(params.seed, b.family, 'refit'), X: fit.X, y: fit.y, test: transform(set.prep, test) });
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
        fits: cv.fitsOf.get(b.family) ?? 0,
        seconds: results.filter((x) => x.family === b.family).reduce((a, x) => a + x.seconds, 0),
        test: testMetrics,
      });
    }

    // The champion: bundle (atomic write), artifact, registry version with alias `champion`.
    const champRefit = refits[0]!;
    if (champRefit.kind !== 'refit' || champRefit.state === null) throw new Error("the champion's refit result expected");
    const champSet = setFor(champ.params['smote'] === true);
    // The other families' training set is not needed past their refits.
    for (const smote of [...sets.keys()]) if (smote !== (champ.params['smote'] === true)) sets.delete(smote);
    const testMetrics = entries[0]!.test!;
    if (rerunFolds && prepared) {
      yield { type: 'stage', message: 'refitting the champion per fold for calibrated out-of-fold predictions' };
      const smote = champ.params['smote'] === true;
      const rerun = await Promise.all(prepared.map((f, k) => {
        // The rows the search fitted this fold on (the planner's subsample where one applies).
        const fit = cv.fitRows(champ.family, smote ? f.smoted!.X : f.X, smote ? f.smoted!.y : f.y, 'fold', k, smote ? 'smoted' : 'train', 'all');
        return pool.run({
          kind: 'fold', id: cv.nextTaskId(), family: champ.family, fold: k, candidates: [withoutSmote(champ.params)], seed: learnerSeed(params.seed, champ.family, k),
          X: fit.X, y: fit.y, evals: [f.Xval], rankOnly: false,
        });
      }));
      champFolds = rerun.map((r) => (r.kind === 'fold' ? r.probs[0]![0]! : new Float64Array()));
    }
    const oof = outOfFold(champFolds!, split.folds, train.rows);
    const cut = decideCutoff(oof, train.target, champRefit.testProba, test.target, params);
    const threshold = cut.decision.threshold;
    // Reasons compare an applicant with params' reference set: the mean applicant, or those at the cut-off.
    // The training rows as the champion's preprocessing gives them: the first rows of its training set (SMOTE
    // appends its rows after them), not a second transform.
    const trainX: Matrix = { rows: train.rows, cols: champSet.X.cols, data: champSet.X.data.subarray(0, train.rows * champSet.X.cols) };
    const reference = reasonReference(trainX, oof.map((p) => calibrate(cut.calibrator, p)), threshold, params.reasons.method);
    // The champion's fairness audit on the test rows, stored with its version (train summary, models list, TUI).
    const fairness = audit(takeRows(full, split.test), cut.testCalibrated, threshold, params.fairness.attributes ?? DEFAULT_ATTRIBUTES, { seed: params.seed });
    const fairnessMetrics = Object.fromEntries(fairness.attributes.flatMap((a) => (a.adverse_impact_ratio === null ? [] : [[`fairness_air_${a.attribute}`, a.adverse_impact_ratio]])));
    const { text, sha256 } = sealBundle({
      format: BUNDLE_FORMAT, created_at: new Date().toISOString(), code_version: CODE_VERSION, family: champ.family, candidate: champ.params,
      dataset: { name: row.name, version: row.version, digest: row.digest },
      schema: schemaOf(ds), preprocessor: champSet.prep, input: withReasonReference(inputProfile(train, trainX), reference, params.reasons.method, reasonReferenceRows(trainX, oof.map((p) => calibrate(cut.calibrator, p)), threshold, params.reasons.method, params.seed)), model: champRefit.state, threshold, test_metrics: testMetrics,
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
    // A rerun of the same training resolves to the version it made, as ingest does for the same bytes (--force: anew).
    const same = opts.force ? undefined : sameModelVersion(store, text, REGISTERED_MODEL);
    const path = same?.path ?? join(project.modelsDir, `${champ.family}-${runId}.json`);
    if (!same) writeFileAtomic(path, text);
    crashPoint('train:bundle-written');
    const version = store.atomically(() => {
      // A repeat of a version registered on another machine (shared store): its bundle is in the store, not here.
      const size = existsSync(path) ? statSync(path).size : (store.artifactBytes(same?.sha256 ?? sha256)?.length ?? 0);
      store.logArtifact(runId, relative(project.home, path), same?.sha256 ?? sha256, size);
      store.logMetrics(runId, flatMetrics(testMetrics, 'test_'));
      store.logMetrics(runId, { cv_auc_mean: champ.cv_auc_mean, cv_auc_std: champ.cv_auc_std, candidates: results.length, wall_seconds: (performance.now() - t0) / 1000 });
      store.setTags(runId, { champion_family: champ.family, champion_params: JSON.stringify(champ.params), fairness: JSON.stringify(fairness), decision: JSON.stringify(cut.decision), calibration: JSON.stringify(cut.calibration), promotion: JSON.stringify(promoted) });
      const decisionFigures = Object.fromEntries(Object.entries(cut.decision.test).map(([k, x]) => [`decision_test_${k}`, x]));
      const calibrationFigures = Object.fromEntries((['brier', 'log_loss', 'ece'] as const).flatMap((k) => [[`calibration_test_${k}_before`, cut.calibration.test_before[k]], [`calibration_test_${k}_after`, cut.calibration.test_after[k]]]));
      recordModelIdentity(store, runId, text, same);
      const v = same ? same.version : store.registerModelVersion(
        { name: REGISTERED_MODEL, run_id: runId, family: champ.family, path, sha256, dataset_digest: row.digest, metrics: { cv_auc_mean: champ.cv_auc_mean, ...flatMetrics(testMetrics, 'test_'), ...fairnessMetrics, ...decisionFigures, ...calibrationFigures } },
        [promoted.promoted ? 'champion' : 'challenger'],
      );
      crashPoint('train:mid-transaction');
      store.endRun(runId, 'FINISHED');
      return v;
    });
    const summary: TrainSummary = {
      run_id: runId, dataset: `${row.name}@${row.version}`, selection_metric: params.search.selection_metric, leaderboard: entries,
      champion: { family: champ.family, params: champ.params, version, path, sha256: same?.sha256 ?? sha256, threshold, test: testMetrics, fairness: fairness.attributes, fairness_skipped: fairness.skipped, exclude, compared_with: compared, decision: cut.decision, calibration: cut.calibration, promotion: same ? repeatPromotion(same) : promoted },
      fits: cv.fitsRun, strategy, wall_seconds: (performance.now() - t0) / 1000,
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
