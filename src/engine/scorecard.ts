import { UserError } from '../core/errors.js';
import type { ScorecardState } from '../core/models/scorecard.js';
import type { Params } from '../core/params/params.js';
import { pointsTable, type PointsTable } from '../core/scorecard/points-table.js';
import { scorecardSql } from '../core/scorecard/sql.js';
import type { RunStore } from '../core/store/run-store.js';
import { loadRegisteredModel } from './registry.js';

export interface ScorecardReport {
  readonly version: number;
  readonly dataset: string;
  readonly calibrated: boolean;
  readonly intercept: number;
  readonly table: PointsTable;
}

/** The points table of a registered scorecard version, on params.yaml's points scale (the one `score` uses). */
export function scorecardOf(store: RunStore, params: Params, ref = 'champion'): ScorecardReport {
  const loaded = loadRegisteredModel(store, ref);
  const { bundle } = loaded;
  if (bundle.family !== 'scorecard') {
    throw new UserError(`model version ${loaded.version.version} is a ${bundle.family} model, not a scorecard`, {}, 'train one with credit-tui train --families scorecard, then pass its version');
  }
  const state = bundle.model as ScorecardState;
  return {
    version: loaded.version.version,
    dataset: `${bundle.dataset.name}@${bundle.dataset.version}`,
    calibrated: bundle.calibration !== undefined && bundle.calibration.method !== 'none',
    intercept: state.intercept,
    table: pointsTable(bundle.preprocessor, state, bundle.input.columns, params.scoring),
  };
}

/** `scorecard --sql`: refused for a calibrated version, whose `score` points follow the calibrated p(bad). */
export function scorecardSqlOf(report: ScorecardReport, idColumn = 'id'): string {
  if (report.calibrated) {
    throw new UserError(`model version ${report.version} is calibrated: its score points follow the calibrated p(bad), which a points table cannot add up to`, {}, 'train with decision.calibration: none for a scorecard exported to SQL');
  }
  return scorecardSql(report.table, idColumn);
}

/** `scorecard --json`: one row per characteristic and bin. */
export function scorecardJson(r: ScorecardReport): Record<string, unknown> {
  return {
    version: r.version, dataset: r.dataset, scale: r.table.scale, intercept: r.intercept,
    characteristics: r.table.characteristics.map((c) => ({
      characteristic: c.characteristic, kind: c.kind, iv: c.iv, coefficient: c.coefficient, unknown_points: c.unknown_points,
      bins: c.bins.map((b) => ({ bin: b.bin, ...(c.kind === 'numeric' ? { lower: b.lower ?? null, upper: b.upper ?? null } : { levels: b.levels }), missing: b.missing, woe: b.woe, coefficient: c.coefficient, points: b.points })),
    })),
  };
}

/** The points table as rows: characteristic, bin, WoE, coefficient, points (two decimals). */
export function scorecardRows(r: ScorecardReport): string[][] {
  return r.table.characteristics.flatMap((c) => c.bins.map((b) => [c.characteristic, `${b.bin}${b.missing ? ' (+ missing)' : ''}`, b.woe.toFixed(4), c.coefficient.toFixed(4), b.points.toFixed(2)]));
}

/** `scorecard --report`: the points table in Markdown. */
export function scorecardMarkdown(r: ScorecardReport): string {
  const s = r.table.scale;
  const lines = [
    `# Scorecard: model v${r.version} (${r.dataset})`, '',
    `Points: ${s.base_points} at good:bad odds ${s.base_odds}:1, ${s.pdo} points to double the odds; a row's points are the sum over characteristics, rounded.`, '',
    '| characteristic | bin | WoE | coefficient | points |', '|---|---|---|---|---|',
    ...scorecardRows(r).map((row) => `| ${row.map((x) => x.replace(/\|/g, '\\|')).join(' | ')} |`),
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * The points table in `max` lines for the TUI's Models screen: the strongest characteristics (by IV) with
 * their bins' points, then how many more there are and the command that prints them all.
 */
export function scorecardSummary(r: ScorecardReport, max: number): string[] {
  const ranked = [...r.table.characteristics].sort((a, b) => b.iv - a.iv);
  const shown = ranked.slice(0, ranked.length > max ? max - 1 : max);
  const lines = shown.map((c) => `${c.characteristic} (IV ${c.iv.toFixed(2)}): ${c.bins.map((b) => `${b.bin} ${Math.round(b.points)}`).join(' · ')}`);
  if (ranked.length > shown.length) lines.push(`… ${ranked.length - shown.length} more characteristics: credit-tui scorecard ${r.version}`);
  return lines;
}
