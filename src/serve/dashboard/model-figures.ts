import { takeRows, type Dataset } from '../../core/data/dataset.js';
import { calibrate, calibrationReport, type CalibrationReport } from '../../core/decision/calibration.js';
import { decisionMetrics } from '../../core/decision/policy.js';
import { audit, type AuditResult } from '../../core/fairness/audit.js';
import { transform } from '../../core/features/preprocess.js';
import { confusionAt, rocAuc, type CostMatrix } from '../../core/metrics/classification.js';
import { loadModel } from '../../core/models/engines.js';
import type { Params } from '../../core/params/params.js';
import type { RunStore } from '../../core/store/run-store.js';
import { loadStoredDataset } from '../../engine/datasets.js';
import { fairnessSpecs } from '../../engine/fairness.js';
import { loadRegisteredModel, type LoadedModel } from '../../engine/registry.js';
import { scorecardOf, scorecardRows } from '../../engine/scorecard.js';
import { resolveSplit } from '../../engine/train.js';

/** A version's predictions on its own test rows: the split the search used, as `credit-tui fairness` finds it. */
export interface TestPredictions {
  readonly loaded: LoadedModel;
  readonly rows: Dataset;
  /** The model's own p(bad), before its calibrator. */
  readonly raw: Float64Array;
  /** Calibrated p(bad): what the threshold applies to. */
  readonly p: Float64Array;
}

export function testPredictions(store: RunStore, ref: string): TestPredictions {
  const loaded = loadRegisteredModel(store, ref);
  const { name, version } = loaded.bundle.dataset;
  const ds = loadStoredDataset(store.resolveDataset(`${name}@${version}`));
  const splitFile = store.params(loaded.version.run_id)['split_file'] || undefined;
  const split = resolveSplit(ds, loaded.bundle.params, splitFile ? { splitFile } : {});
  const rows = takeRows(ds, split.test);
  const raw = loadModel(loaded.bundle.model).predictProba(transform(loaded.bundle.preprocessor, rows));
  const c = loaded.bundle.calibration;
  const p = c ? raw.map((v) => calibrate(c, v)) : raw;
  return { loaded, rows, raw, p };
}

/** At most `n` cut-offs spread over the distinct scores (quantiles), so curves stay small on big test sets. */
export function cutoffs(p: ArrayLike<number>, n = 200): number[] {
  const distinct = [...new Set(Array.from(p))].sort((a, b) => a - b);
  if (distinct.length <= n) return distinct;
  return Array.from({ length: n }, (_, i) => distinct[Math.round((i * (distinct.length - 1)) / (n - 1))]!);
}

/** ROC (FPR, TPR) and precision–recall (recall, precision) points from the confusion counts at each cut-off. */
export function curves(y: ArrayLike<number>, p: ArrayLike<number>): { roc: (readonly [number, number])[]; pr: (readonly [number, number])[] } {
  // Declining when p >= cut-off: from above every score (decline nobody) down to the lowest (decline all).
  const curve = [Infinity, ...cutoffs(p).reverse()].map((c) => confusionAt(y, p, c));
  return {
    roc: curve.map((m) => [m.fp / Math.max(1, m.fp + m.tn), m.tp / Math.max(1, m.tp + m.fn)] as const),
    // A cut-off that declines nobody has no precision.
    pr: curve.filter((m) => m.tp + m.fp > 0).map((m) => [m.tp / Math.max(1, m.tp + m.fn), m.tp / (m.tp + m.fp)] as const),
  };
}

export interface ModelFigures {
  readonly model: { readonly version: number; readonly family: string; readonly aliases: readonly string[]; readonly run_id: string; readonly dataset: string; readonly threshold: number; readonly policy: string; readonly rationale: string | null; readonly calibration: string };
  readonly test_rows: number;
  readonly bad_rate: number;
  readonly cost: CostMatrix;
  /** (false positive rate, true positive rate) from declining nobody to declining everybody. */
  readonly roc: { readonly auc: number; readonly points: readonly (readonly [number, number])[] };
  /** (recall, precision) over the same cut-offs (cut-offs that decline nobody have no precision). */
  readonly pr: { readonly points: readonly (readonly [number, number])[] };
  readonly calibration: { readonly method: string; readonly before: CalibrationReport; readonly after: CalibrationReport };
  /** Shares of good and bad applicants per p(bad) bin of width 0.05. */
  readonly scores: { readonly bins: readonly string[]; readonly good: readonly number[]; readonly bad: readonly number[] };
  /** Expected cost per applicant at cut-offs 0, 0.01, …, 1, and at the version's own threshold. */
  readonly expected_cost: { readonly points: readonly (readonly [number, number])[]; readonly at_threshold: number; readonly approval_rate: number };
  readonly fairness: AuditResult;
  /** A scorecard's points table (characteristic, bin, WoE, coefficient, points), as `credit-tui scorecard` prints it. */
  readonly points: readonly (readonly string[])[] | null;
}

/**
 * Every figure of a version's page, each from the core function that defines it (confusion counts, decision
 * metrics, calibration report, fairness audit) on the version's test predictions.
 */
export function modelFigures(store: RunStore, params: Params, ref: string, opts: { readonly resamples?: number } = {}): ModelFigures {
  const t = testPredictions(store, ref);
  const { loaded, rows, raw, p } = t;
  const y = rows.target;
  const threshold = loaded.bundle.threshold;
  const cost = loaded.bundle.params.cost;
  const { roc, pr } = curves(y, p);
  const good = new Array<number>(20).fill(0);
  const bad = new Array<number>(20).fill(0);
  let bads = 0;
  for (let i = 0; i < p.length; i++) {
    const b = Math.min(19, Math.floor(p[i]! * 20));
    if (y[i] === 1) {
      bad[b]!++;
      bads++;
    } else good[b]!++;
  }
  const goods = p.length - bads;
  const grid = Array.from({ length: 101 }, (_, i) => i / 100);
  const atThreshold = decisionMetrics(y, p, threshold, cost);
  return {
    model: {
      version: loaded.version.version, family: loaded.bundle.family, aliases: loaded.version.aliases, run_id: loaded.version.run_id,
      dataset: `${loaded.bundle.dataset.name}@${loaded.bundle.dataset.version}`, threshold,
      policy: loaded.bundle.decision?.policy ?? 'cost', rationale: loaded.bundle.decision?.rationale ?? null, calibration: loaded.bundle.calibration?.method ?? 'none',
    },
    test_rows: rows.rows,
    bad_rate: bads / Math.max(1, rows.rows),
    cost,
    roc: { auc: rocAuc(y, p), points: roc },
    pr: { points: pr },
    calibration: { method: loaded.bundle.calibration?.method ?? 'none', before: calibrationReport(raw, y), after: calibrationReport(p, y) },
    scores: { bins: good.map((_, i) => `${(i * 0.05).toFixed(2)}–${((i + 1) * 0.05).toFixed(2)}`), good: good.map((n) => n / Math.max(1, goods)), bad: bad.map((n) => n / Math.max(1, bads)) },
    expected_cost: { points: grid.map((c) => [c, decisionMetrics(y, p, c, cost).expected_cost] as const), at_threshold: atThreshold.expected_cost, approval_rate: atThreshold.approval_rate },
    fairness: audit(rows, p, threshold, fairnessSpecs(params), { seed: params.seed, resamples: opts.resamples ?? 200 }),
    points: loaded.bundle.family === 'scorecard' ? scorecardRows(scorecardOf(store, params, String(loaded.version.version))) : null,
  };
}
