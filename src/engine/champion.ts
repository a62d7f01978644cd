import { takeRows, type Dataset } from '../core/data/dataset.js';
import { calibrate, calibrationReport, fitCalibrator, type Calibrator, type CalibrationReport } from '../core/decision/calibration.js';
import { chooseThreshold, decisionMetrics, type DecisionRecord } from '../core/decision/policy.js';
import { transform } from '../core/features/preprocess.js';
import type { Params, PromotePolicy } from '../core/params/params.js';
import { foldScore } from '../core/search/leaderboard.js';
import type { Split } from '../core/search/split.js';
import type { RunStore } from '../core/store/run-store.js';
import { humanMessage } from '../core/human-errors.js';
import { loadRegisteredModel } from './registry.js';
import { REGISTERED_MODEL } from './train.js';

/** The champion's p(bad) on each training row from the fold that held it out. */
export function outOfFold(foldProbs: readonly Float64Array[], folds: Split['folds'], rows: number): Float64Array {
  const out = new Float64Array(rows).fill(NaN);
  folds.forEach((positions, k) => positions.forEach((r, j) => (out[r] = foldProbs[k]![j]!)));
  return out;
}

export interface CalibrationRecord {
  readonly method: Calibrator['method'];
  readonly requested: Params['decision']['calibration'];
  /** auto: the cross-validated Brier score of each method on the out-of-fold predictions. */
  readonly cv_brier: Readonly<Record<string, number>>;
  readonly test_before: CalibrationReport;
  readonly test_after: CalibrationReport;
}

/**
 * Calibration and cut-off for a champion, both fitted on its out-of-fold predictions only; the test rows are
 * used to report, never to choose.
 */
export function decideCutoff(oof: Float64Array, yTrain: Uint8Array, testProba: Float64Array, yTest: Uint8Array, params: Params): { calibrator: Calibrator; testCalibrated: Float64Array; decision: DecisionRecord; calibration: CalibrationRecord } {
  const { calibrator, cv_brier } = fitCalibrator(params.decision.calibration, oof, yTrain, params.seed);
  const oofCal = oof.map((p) => calibrate(calibrator, p));
  const testCalibrated = testProba.map((p) => calibrate(calibrator, p));
  const { policy, target } = params.decision;
  const chosen = chooseThreshold(policy, target, oofCal, yTrain, params.cost);
  return {
    calibrator,
    testCalibrated,
    decision: { policy, target, rationale: chosen.rationale, threshold: chosen.threshold, oof: decisionMetrics(yTrain, oofCal, chosen.threshold, params.cost), test: decisionMetrics(yTest, testCalibrated, chosen.threshold, params.cost) },
    calibration: { method: calibrator.method, requested: params.decision.calibration, cv_brier, test_before: calibrationReport(testProba, yTest), test_after: calibrationReport(testCalibrated, yTest) },
  };
}

export interface Promotion {
  readonly promoted: boolean;
  readonly reason: string;
  /** When the current champion was compared on the same test rows. */
  readonly against: { readonly version: number; readonly metric: string; readonly current: number; readonly candidate: number } | null;
}

const SPLIT_KEYS = ['seed', 'split', 'split_file', 'test_size', 'cv_folds'] as const;

/**
 * Whether a search's winner replaces the current champion. if-better compares both on this search's test rows
 * by the selection metric, which is fair only when the current champion was trained on the same data with the
 * same split (so none of these rows was in its training set); otherwise the winner is promoted and says why.
 */
export function promotion(store: RunStore, policy: PromotePolicy, ctx: { full: Dataset; split: Split; digest: string; params: Params; runParams: Readonly<Record<string, string>>; candidateTest: Float64Array; yTest: Uint8Array }): Promotion {
  if (policy === 'always') return { promoted: true, reason: 'promoted: decision.promote is always', against: null };
  if (policy === 'never') return { promoted: false, reason: "registered as challenger: decision.promote is never (promote it with 'models promote')", against: null };
  if (!store.listModelVersions().some((v) => v.name === REGISTERED_MODEL && v.aliases.includes('champion'))) return { promoted: true, reason: 'promoted: no champion yet', against: null };
  let current;
  try {
    current = loadRegisteredModel(store, 'champion');
  } catch (e) {
    return { promoted: true, reason: `promoted: the current champion cannot be loaded (${humanMessage(e)})`, against: null };
  }
  const before = store.params(current.version.run_id);
  const sameSplit = SPLIT_KEYS.every((k) => (before[k] ?? '') === (ctx.runParams[k] ?? ''));
  if (current.version.dataset_digest !== ctx.digest || !sameSplit) {
    return { promoted: true, reason: `promoted: champion v${current.version.version} was trained on ${current.version.dataset_digest !== ctx.digest ? 'other data' : 'another split'}, so the two cannot be compared on the same test rows`, against: null };
  }
  const oldTest = current.model.predictProba(transform(current.bundle.preprocessor, takeRows(ctx.full, ctx.split.test)));
  const metric = ctx.params.search.selection_metric;
  const oldScore = foldScore(metric, ctx.yTest, oldTest, ctx.params.cost);
  const newScore = foldScore(metric, ctx.yTest, ctx.candidateTest, ctx.params.cost);
  const against = { version: current.version.version, metric, current: oldScore, candidate: newScore };
  const fmt = (x: number): string => (metric === 'brier' || metric === 'cost' ? -x : x).toFixed(4);
  return newScore > oldScore
    ? { promoted: true, reason: `promoted: test ${metric} ${fmt(newScore)} beats champion v${current.version.version}'s ${fmt(oldScore)} on the same test rows`, against }
    : { promoted: false, reason: `registered as challenger: test ${metric} ${fmt(newScore)} does not beat champion v${current.version.version}'s ${fmt(oldScore)} on the same test rows (decision.promote: if-better)`, against };
}
