import type { Candidate, Family } from '../params/grids.js';

/** The planner's thresholds (params.yaml `planner`). */
export interface PlannerParams {
  /** Above this many fold-training rows the RBF SVM fits on a seeded subsample of this size. */
  readonly svm_max_rows: number;
  /** Above this many fold-training rows KNN keeps a seeded subsample of this size as its neighbours. */
  readonly knn_max_rows: number;
  /** The MLP's budget of row-epochs per fit: max_iter is capped at this over the fit's rows. */
  readonly mlp_row_epochs: number;
  /** Rows of the calibration probe (at most a quarter of the training rows). */
  readonly probe_rows: number;
  /**
   * Seconds: under `search.strategy: auto`, a grid estimated to take longer runs as successive halving over
   * the same grid (null: always the grid).
   */
  readonly grid_budget: number | null;
  /** Above this many fold-training rows each random-forest tree bootstraps this many rows (scikit-learn's max_samples). */
  readonly forest_max_samples: number;
  /**
   * Above this many fold-training rows a candidate's train score (the leaderboard's overfitting check) is
   * measured on a seeded subsample of this size instead of every fold-training row (null: every row).
   */
  readonly train_score_rows: number | null;
}

/** What the planner changes for one family so that its cost stops growing faster than the rows. */
export type Adaptation =
  | { readonly family: Family; readonly kind: 'subsample'; readonly rows: number; readonly of: number; readonly limit: keyof PlannerParams }
  | { readonly family: Family; readonly kind: 'epochs'; readonly max_iter: number; readonly rows: number }
  | { readonly family: Family; readonly kind: 'bootstrap'; readonly max_samples: number; readonly of: number }
  // Not a family's: every candidate's train score.
  | { readonly family: null; readonly kind: 'train-score'; readonly rows: number; readonly of: number };

/** The MLP's max_iter when a candidate does not set it (see models/mlp.ts). */
export const MLP_DEFAULT_MAX_ITER = 500;

/**
 * The adaptations for a search whose folds train on `fitRows` rows: only families whose cost grows faster
 * than the rows (kernel SVM, KNN) or with many passes over them (MLP), only above their limits, so a small
 * data set is searched exactly as without a planner.
 */
export function planAdaptations(families: readonly Family[], fitRows: number, mlpMaxIters: readonly number[], p: PlannerParams): Adaptation[] {
  const out: Adaptation[] = [];
  for (const family of families) {
    if (family === 'svm' && fitRows > p.svm_max_rows) out.push({ family, kind: 'subsample', rows: p.svm_max_rows, of: fitRows, limit: 'svm_max_rows' });
    if (family === 'knn' && fitRows > p.knn_max_rows) out.push({ family, kind: 'subsample', rows: p.knn_max_rows, of: fitRows, limit: 'knn_max_rows' });
    if (family === 'forest' && fitRows > p.forest_max_samples) out.push({ family, kind: 'bootstrap', max_samples: p.forest_max_samples, of: fitRows });
    if (family === 'mlp') {
      const cap = Math.max(1, Math.floor(p.mlp_row_epochs / fitRows));
      if (mlpMaxIters.some((m) => m > cap)) out.push({ family, kind: 'epochs', max_iter: cap, rows: fitRows });
    }
  }
  // Scoring every training row again costs a forest a fifth of its fold task at 100,000 rows, for a figure
  // whose standard error is already ~0.003 on 10,000 rows.
  if (p.train_score_rows !== null && fitRows > p.train_score_rows) out.push({ family: null, kind: 'train-score', rows: p.train_score_rows, of: fitRows });
  return out;
}

/** One line per adaptation, for the headless output, the TUI and the run's params. */
export function adaptationLine(a: Adaptation): string {
  const n = (x: number) => x.toLocaleString('en-US');
  switch (a.kind) {
    case 'subsample':
      return a.family === 'svm'
        ? `svm: ${n(a.of)} training rows per fold exceed planner.${a.limit} ${n(a.rows)}: the RBF SVM fits on a seeded subsample of ${n(a.rows)} rows (refit too); validation uses every row`
        : `${a.family}: ${n(a.of)} training rows per fold exceed planner.${a.limit} ${n(a.rows)}: neighbours come from a seeded subsample of ${n(a.rows)} rows (refit too); validation uses every row`;
    case 'epochs':
      return `mlp: ${n(a.rows)} training rows per fold: at most ${a.max_iter} epochs per fit (planner.mlp_row_epochs / rows), early stopping as before`;
    case 'train-score':
      return `train score: ${n(a.of)} training rows per fold exceed planner.train_score_rows ${n(a.rows)}: each candidate's train AUC is measured on a seeded subsample of ${n(a.rows)} of them; CV scores use every validation row`;
    case 'bootstrap':
      return `forest: ${n(a.of)} training rows per fold exceed planner.forest_max_samples ${n(a.max_samples)}: each tree bootstraps ${n(a.max_samples)} rows (scikit-learn's max_samples; refit too), not ${n(a.of)}; a candidate that sets max_samples keeps its own`;
  }
}

/** A candidate as the planner runs it (the MLP's max_iter capped); unchanged when nothing applies. */
export function adaptCandidate(c: Candidate, a: readonly Adaptation[], family: Family): Candidate {
  for (const x of a) {
    if (x.family !== family) continue;
    if (x.kind === 'bootstrap') {
      if (c['max_samples'] === undefined || c['max_samples'] === null) return { ...c, max_samples: x.max_samples };
      continue;
    }
    if (x.kind !== 'epochs') continue;
    const current = typeof c['max_iter'] === 'number' ? c['max_iter'] : MLP_DEFAULT_MAX_ITER;
    if (current > x.max_iter) return { ...c, max_iter: x.max_iter };
  }
  return c;
}

/** The fit rows a family trains on after the planner (a stated subsample, else all). */
export function fitRowsAfter(family: Family, rows: number, a: readonly Adaptation[]): number {
  const s = a.find((x) => x.family === family && x.kind === 'subsample');
  return s && s.kind === 'subsample' ? Math.min(rows, s.rows) : rows;
}

/** The most training rows any train score predicts (the planner's stated sample; Infinity without one). */
export function trainScoreCap(a: readonly Adaptation[]): number {
  return a.find((x) => x.kind === 'train-score')?.rows ?? Infinity;
}

/** The training rows a family's train score predicts: its fit rows, at most the planner's train-score sample. */
export function ownRowsAfter(family: Family, rows: number, a: readonly Adaptation[]): number {
  return Math.min(fitRowsAfter(family, rows, a), trainScoreCap(a));
}

/** The rows a family's learner grows on (a forest's trees draw at most the planner's bootstrap size). */
export function grownRows(family: Family, rows: number, a: readonly Adaptation[]): number {
  const b = a.find((x) => x.family === family && x.kind === 'bootstrap');
  const n = fitRowsAfter(family, rows, a);
  return b && b.kind === 'bootstrap' ? Math.min(n, b.max_samples) : n;
}

/**
 * How a family's fold task grows with its training rows `n` and the rows it predicts `m` (validation plus
 * its own training rows): the unit the probe's seconds are scaled by. Linear models, histogram boosting
 * and the MLP (epochs fixed) grow with n; trees sort, n log n; KNN compares every predicted row with every
 * stored one; the SMO solver of the kernel SVM touches about n² kernel entries and predicts against its
 * support vectors (a share of n).
 */
export function taskWork(family: Family, n: number, m: number): number {
  switch (family) {
    case 'logreg':
    case 'scorecard':
    case 'xgboost':
    case 'mlp':
      return n + 0.2 * m;
    case 'tree':
    case 'forest':
    case 'brf':
      return n * Math.log2(Math.max(2, n)) + 0.2 * m * Math.log2(Math.max(2, n));
    case 'knn':
      return n * m;
    case 'svm':
      return n * n + 0.5 * n * m;
    default:
      // A family added later is taken as linear until it is measured.
      return n + 0.2 * m;
  }
}

/** What the planner expects a search to cost, in seconds of wall time on this machine. */
export interface PlanEstimate {
  /** The whole run: probe, preprocessing, cross-validation, refits. */
  readonly seconds: number;
  /** Each family's cross-validation, summed over its fits (one core's seconds). */
  readonly perFamily: Readonly<Record<string, number>>;
  readonly preprocessing: number;
  readonly probe: number;
  readonly refits: number;
  /** After the search: the champion's fairness audit and the rest of the wrap-up. */
  readonly finishing: number;
  /** The adaptations, one line each (empty when the data is small enough to search as is). */
  readonly adaptations: readonly string[];
  /** Warnings about the plan itself, one line each (a time budget spent before the first fit). */
  readonly notes: readonly string[];
}

/** Seconds as a person reads them: 42s, 3m10s, 1h05m. */
export function approxDuration(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${Math.max(1, Math.round(s))}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.round((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** The estimate in one line: total and per family. */
export function estimateText(e: PlanEstimate): string {
  const fams = Object.entries(e.perFamily).sort((a, b) => b[1] - a[1]).map(([f, s]) => `${f} ${approxDuration(s)}`).join(', ');
  return `estimate ${approxDuration(e.seconds)} (${fams}; fit-seconds per family)`;
}
