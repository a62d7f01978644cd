import type { DecisionRecord } from '../../core/decision/policy.js';
import type { CalibrationRecord } from '../../engine/champion.js';
import type { TrainEvent, TrainSummary } from '../../engine/train.js';
import { verdictLine } from '../../core/fairness/audit.js';
import { usefulness } from '../../core/metrics/classification.js';
import { num, table } from '../format.js';
import { estimateText } from '../../core/search/planner.js';

export function duration(s: number): string {
  if (!Number.isFinite(s)) return '-';
  return s < 60 ? `${s.toFixed(1)}s` : `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
}

export function paramText(p: Readonly<Record<string, unknown>>): string {
  return Object.entries(p).map(([k, v]) => `${k}=${Array.isArray(v) ? `(${v.join(',')})` : String(v)}`).join(' ');
}

/** One progress line per event for stderr (headless/CI): done/total, elapsed, ETA, best so far. */
export function progressLine(ev: TrainEvent): string | null {
  switch (ev.type) {
    case 'started':
      return `${ev.strategy === 'grid' ? 'search' : ev.strategy === 'halving' ? 'successive-halving search' : 'TPE search'} ${ev.runId} on ${ev.dataset}: ${ev.candidates} ${ev.strategy === 'tpe' ? 'trials' : 'candidates'} × ${ev.folds} folds = ${ev.strategy === 'grid' ? '' : 'at most '}${ev.fits} fits, ${ev.workers} worker${ev.workers > 1 ? 's' : ''}, split ${ev.split}; ${estimateText(ev.estimate)}`;
    case 'stage':
      return `… ${ev.message}`;
    case 'candidate':
      return `[${String(ev.done).padStart(String(ev.total).length)}/${ev.total}] ${duration(ev.elapsed)} eta ${duration(ev.eta)}  ${ev.result.family} ${num(ev.result.cv_auc_mean)}±${num(ev.result.cv_auc_std, 3)}  best ${ev.best.family} ${num(ev.best.cv_auc_mean)}`;
    case 'refit':
      return `… ${ev.family}: test AUC ${num(ev.test.roc_auc)}`;
    case 'finished':
      return `done in ${duration(ev.summary.wall_seconds)}: ${ev.summary.champion.family} registered as version ${ev.summary.champion.version} (alias ${ev.summary.champion.promotion.promoted ? 'champion' : 'challenger'}); ${ev.summary.champion.promotion.reason}`;
  }
}

/** The final leaderboard for stdout. */
/** With --exclude: this champion beside the one trained with the attributes (removing them does not remove proxies). */
function unawareness(s: TrainSummary): string[] {
  const c = s.champion;
  if (c.exclude.length === 0) return [];
  const p = c.compared_with;
  if (!p) return [`  excluded ${c.exclude.join(', ')}; train once without --exclude on the same data to compare`];
  const air = (fs: readonly { attribute: string; adverse_impact_ratio: number | null; equal_opportunity_difference: number | null; equalized_odds_difference: number | null }[], a: string, k: 'adverse_impact_ratio' | 'equal_opportunity_difference' | 'equalized_odds_difference') => num(fs.find((f) => f.attribute === a)?.[k] ?? null, 3);
  const rows = [
    ['test AUC', num(p.test_auc), num(c.test.roc_auc)],
    ['cost per applicant', num(p.cost), num(c.test.cost_at_optimal)],
    ...c.fairness.flatMap((f) => [
      [`${f.attribute} AIR`, air(p.fairness, f.attribute, 'adverse_impact_ratio'), air(c.fairness, f.attribute, 'adverse_impact_ratio')],
      [`${f.attribute} EOD`, air(p.fairness, f.attribute, 'equal_opportunity_difference'), air(c.fairness, f.attribute, 'equal_opportunity_difference')],
      [`${f.attribute} EqOdds`, air(p.fairness, f.attribute, 'equalized_odds_difference'), air(c.fairness, f.attribute, 'equalized_odds_difference')],
    ]),
  ];
  return ['', `Without ${c.exclude.join(', ')} (v${c.version}) beside v${p.version}${p.exclude ? ` (excluding ${p.exclude})` : ' (with them)'}:`, table(['', `v${p.version}`, `v${c.version}`], rows)];
}

/** The cut-off policy and calibration, with what they do on the test rows (chosen on out-of-fold predictions). */
export function decisionLines(d: DecisionRecord, c: CalibrationRecord): string[] {
  const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
  const lines = [
    `  decision policy ${d.policy}${d.target === null ? '' : ` (target ${d.target})`}: ${d.rationale}`,
    `  at threshold ${num(d.threshold, 4)} on the test rows: recall ${pct(d.test.recall)}, accuracy ${pct(d.test.accuracy)}, precision ${pct(d.test.precision)}, approval rate ${pct(d.test.approval_rate)}, bad rate among approved ${pct(d.test.bad_rate_approved)}, expected cost ${num(d.test.expected_cost, 3)} per applicant`,
  ];
  if (c.requested !== 'none') {
    const auto = c.requested === 'auto' ? ` (auto: cross-validated Brier ${Object.entries(c.cv_brier).map(([m, b]) => `${m} ${num(b)}`).join(', ')})` : '';
    lines.push(`  calibration ${c.method}${auto}: test Brier ${num(c.test_before.brier)} -> ${num(c.test_after.brier)}, log loss ${num(c.test_before.log_loss)} -> ${num(c.test_after.log_loss)}, ECE ${num(c.test_before.ece)} -> ${num(c.test_after.ece)}`);
  }
  return lines;
}

export function leaderboardText(s: TrainSummary): string {
  const rows = s.leaderboard.map((e, i) => [
    String(i + 1), e.family, paramText(e.params), `${num(e.cv_auc_mean)} ± ${num(e.cv_auc_std)}`, num(e.train_auc, 3),
    num(e.test?.roc_auc), num(e.test?.ks, 3), num(e.test?.f1, 3), num(e.test?.brier), num(e.test?.cost_at_0_5, 3), num(e.test?.cost_at_optimal, 3), String(e.fits), num(e.seconds, 1),
  ]);
  const c = s.champion;
  return [
    `Leaderboard (${s.dataset}, selection: CV ${s.selection_metric}; test metrics on the hold-out rows)`,
    table(['#', 'family', 'best params', 'CV AUC', 'train', 'test AUC', 'KS', 'F1', 'Brier', 'cost@.5', 'cost@opt', 'fits', 'fit s'], rows),
    '',
    `${c.promotion.promoted ? 'Champion' : 'Challenger'}: ${c.family} (${paramText(c.params)}) -> model version ${c.version}, threshold ${num(c.threshold, 4)}`,
    `  ${c.promotion.reason}`,
    ...decisionLines(c.decision, c.calibration),
    `  test: AUC ${num(c.test.roc_auc)}  Gini ${num(c.test.gini)}  KS ${num(c.test.ks)}  accuracy ${num(c.test.accuracy)}  precision ${num(c.test.precision)}  recall ${num(c.test.recall)}  F1 ${num(c.test.f1)}  G-mean ${num(c.test.g_mean)}  Brier ${num(c.test.brier)}`,
    `  expected cost per applicant: ${num(c.test.cost_at_0_5)} at 0.5, ${num(c.test.cost_at_optimal)} at ${num(c.test.threshold_optimal, 4)}  (confusion at optimum: TN ${c.test.confusion_optimal.tn} FP ${c.test.confusion_optimal.fp} FN ${c.test.confusion_optimal.fn} TP ${c.test.confusion_optimal.tp})`,
    `  ${usefulness(c.test)?.useless ? '⚠ ' : ''}${usefulness(c.test)?.text ?? ''}`,
    ...c.fairness.map((a) => `  fairness ${verdictLine(a)}`),
    ...c.fairness_skipped.map((x) => `  fairness: skipped ${x}`),
    ...unawareness(s),
    `  bundle ${c.path} (sha256 ${c.sha256.slice(0, 12)}…)`,
    `wall ${duration(s.wall_seconds)} for ${s.fits} fits (${s.strategy} search)`,
  ].join('\n');
}

/** The machine-readable summary line of `train --json`. */
export function summaryJson(s: TrainSummary): Record<string, unknown> {
  const testOf = (t: NonNullable<TrainSummary['leaderboard'][number]['test']>) => ({
    roc_auc: t.roc_auc, gini: t.gini, ks: t.ks, accuracy: t.accuracy, precision: t.precision, recall: t.recall, f1: t.f1,
    g_mean: t.g_mean, brier: t.brier, cost_at_0_5: t.cost_at_0_5, cost_at_optimal: t.cost_at_optimal, threshold_optimal: t.threshold_optimal,
    cost_decline_all: t.cost_decline_all, cost_approve_all: t.cost_approve_all,
    confusion_0_5: t.confusion_0_5, confusion_optimal: t.confusion_optimal,
  });
  return {
    type: 'summary',
    run_id: s.run_id,
    dataset: s.dataset,
    selection_metric: s.selection_metric,
    leaderboard: s.leaderboard.map((e) => ({ family: e.family, params: e.params, cv_auc_mean: e.cv_auc_mean, cv_auc_std: e.cv_auc_std, train_auc: e.train_auc, fits: e.fits, seconds: e.seconds, test: e.test ? testOf(e.test) : null })),
    champion: { promoted: s.champion.promotion.promoted, promotion: s.champion.promotion, decision: s.champion.decision, calibration: { method: s.champion.calibration.method, requested: s.champion.calibration.requested, test_before: s.champion.calibration.test_before, test_after: s.champion.calibration.test_after }, useless: usefulness(s.champion.test)?.useless ?? false, fairness: s.champion.fairness, fairness_skipped: s.champion.fairness_skipped, family: s.champion.family, params: s.champion.params, version: s.champion.version, path: s.champion.path, sha256: s.champion.sha256, threshold: s.champion.threshold, test: testOf(s.champion.test) },
    strategy: s.strategy,
    fits: s.fits,
    wall_seconds: s.wall_seconds,
  };
}
