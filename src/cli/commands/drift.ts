import { extname } from 'node:path';
import type { Command } from 'commander';

import type { ColumnDrift } from '../../core/drift/compare.js';
import type { Shift } from '../../core/drift/shift.js';

import { UserError } from '../../core/errors.js';
import type { DriftReport } from '../../engine/drift.js';

import { globals, out, withContext } from '../context.js';
import { num, paint, table } from '../format.js';

/** Exit code of `drift` when the dataset drifted, so CI can gate on it. */
export const EXIT_DRIFT = 3;

export function registerDrift(program: Command): void {
  program
    .command('drift')
    .description('per-column and dataset-level data drift between a reference and a current file (KS, chi-squared, PSI, Wasserstein, Jensen-Shannon)')
    .argument('<reference>', 'reference data (Parquet, CSV, UCI text)')
    .argument('<current>', 'current data, same columns')
    .option('--target <col>', 'target column of a generic file (left out unless --include-target)')
    .option('--include-target', 'compare the target column too')
    .option('--model <alias-or-version>', 'also compare the model score distributions (prediction drift), e.g. champion')
    .option('--report <file.md>', 'write a Markdown report')
    .option('--json', 'print JSON')
    .addHelpText('after', `
Exit codes: 0 no dataset drift, ${EXIT_DRIFT} drift detected, 1 error.
An id column (id, applicant_id) is never compared. CSVs from 32 MB are streamed in one pass, in memory
that follows the distinct values per column, not the file size.

Examples:
  credit-tui drift data/processed/statlog_german.v1.parquet cur.parquet
  credit-tui drift ref.csv cur.csv --target defaulted --json
  credit-tui drift ref.parquet cur.parquet --model champion --report drift.md`)
    .action(async (refFile: string, curFile: string, flags: { target?: string; includeTarget?: boolean; model?: string; report?: string; json?: boolean }, cmd: Command) => {
      const { runDrift } = await import('../../engine/drift.js');
      const { refuseProjectFiles, writeOutputFile } = await import('../../engine/project.js');
      if (flags.report && extname(flags.report).toLowerCase() !== '.md') throw new UserError('the report must be a .md file', { file: flags.report });
      await withContext(cmd, async ({ project, store, params }) => {
        if (flags.report) refuseProjectFiles(flags.report, project, [refFile, curFile]);
        const report = await runDrift(store, refFile, curFile, params.drift, {
          target: flags.target ?? params.data.target, includeTarget: Boolean(flags.includeTarget), model: flags.model ?? null, scale: params.scoring,
        });
        // The dashboard draws the last report's histograms from this archive (the run's metrics lack them).
        (await import('../../engine/drift-archive.js')).archiveDriftReport(project, store, report);
        if (flags.report) writeOutputFile(flags.report, markdown(report), project, [refFile, curFile]);
        out(flags.json ? JSON.stringify(jsonReport(report)) : render(report));
        process.exitCode = report.dataset_drift ? EXIT_DRIFT : 0;
      });
    });

  program
    .command('shift')
    .description('write a drifted copy of a dataset (seeded) for demos and tests')
    .argument('<input>', 'data file (any format ingest understands)')
    .argument('<output>', 'output .parquet or .csv')
    .option('--scale <col=factor...>', 'multiply a numeric column')
    .option('--offset <col=delta...>', 'add to a numeric column')
    .option('--reweight <col=level:factor...>', 'resample rows so a category is factor times as likely')
    .option('--blank <col=share...>', 'empty a share of a column\'s cells')
    .option('--seed <n>', 'seed (default: params seed)')
    .option('--target <col>', 'not needed: every column is kept (accepted for older scripts)')
    .option('--bad <value>', 'not needed: every column is kept (accepted for older scripts)')
    .addHelpText('after', `
Any file ingest or score reads works, with or without a target column. Every column no shift names is
copied unchanged (an id column above all, so shifted rows still join to their outcomes); codes of a known
codebook are written decoded; --reweight moves whole rows.

Examples:
  credit-tui shift ../shared/data/statlog_german.data cur.parquet --scale credit_amount=1.3 --blank age=0.2
  credit-tui shift ref.parquet cur.parquet --reweight purpose=business:4 --seed 7
  credit-tui shift applicants.csv applicants2.csv --scale credit_amount=2`)
    .action(async (input: string, output: string, flags: { scale?: string[]; offset?: string[]; reweight?: string[]; blank?: string[]; seed?: string }, cmd: Command) => {
      const { parseShift } = await import('../../core/drift/shift.js');
      const { shiftFile } = await import('../../engine/shift.js');
      const { loadParams, projectAt, refuseProjectFiles, resolveHome } = await import('../../engine/project.js');
      const g = globals(cmd);
      const project = projectAt(resolveHome(g.home));
      const params = loadParams(project, g.params);
      const shifts: Shift[] = [
        ...(flags.scale ?? []).map((s) => parseShift('scale', s)),
        ...(flags.offset ?? []).map((s) => parseShift('offset', s)),
        ...(flags.reweight ?? []).map((s) => parseShift('reweight', s)),
        ...(flags.blank ?? []).map((s) => parseShift('blank', s)),
      ];
      refuseProjectFiles(output, project, [input]);
      const seed = flags.seed === undefined ? params.seed : Number(flags.seed);
      if (!Number.isInteger(seed) || seed < 0) throw new UserError(`invalid --seed ${JSON.stringify(flags.seed)}`);
      const shifted = shiftFile(input, output, shifts, seed);
      out(`wrote ${output}: ${shifted.rows} rows, ${shifts.length} shift${shifts.length === 1 ? '' : 's'} (seed ${seed})`);
    });
}

function statistic(c: ColumnDrift): [string, string] {
  switch (c.test) {
    case 'ks':
      return [num(c.ks_stat), num(c.ks_p)];
    case 'chi2':
      return [num(c.chi2, 3), num(c.chi2_p)];
    case 'wasserstein':
      return [num(c.wasserstein_normed), '-'];
    case 'jensenshannon':
      return [num(c.js_distance), '-'];
  }
}

const BAR = '█';
function histogram(c: ColumnDrift): string {
  const width = 30;
  const max = Math.max(...c.bins.ref, ...c.bins.cur, 1e-9);
  const labelW = Math.min(24, Math.max(...c.bins.labels.map((l) => l.length)));
  return c.bins.labels.map((l, i) => {
    const r = Math.round((c.bins.ref[i]! / max) * width);
    const k = Math.round((c.bins.cur[i]! / max) * width);
    return `  ${l.slice(0, labelW).padEnd(labelW)} ref ${paint(BAR.repeat(r), 'cyan').padEnd(width)} ${num(c.bins.ref[i]! * 100, 1).padStart(5)}%\n  ${''.padEnd(labelW)} cur ${paint(BAR.repeat(k), 'yellow')} ${num(c.bins.cur[i]! * 100, 1)}%`;
  }).join('\n');
}

function render(r: DriftReport): string {
  const rows = r.columns.map((c) => {
    const [s, p] = statistic(c);
    return [c.column, c.kind, c.test, s, p, `${num(c.psi, 3)} ${c.psi_band}`, `${num(c.miss_ref * 100, 1)}→${num(c.miss_cur * 100, 1)}%`, c.drifted ? paint('DRIFT', 'red') : paint('ok', 'green')];
  });
  const lines = [
    `reference ${r.reference.file} (${r.reference.rows} rows) vs current ${r.current.file} (${r.current.rows} rows)`,
    table(['column', 'type', 'test', 'statistic', 'p-value', 'PSI', 'missing', 'verdict'], rows),
  ];
  if (r.ignored_columns.length) lines.push(`ignored (only in current): ${r.ignored_columns.join(', ')}`);
  const top = [...r.columns].filter((c) => c.drifted).sort((a, b) => b.psi - a.psi).slice(0, 3);
  for (const c of top) lines.push('', `${c.column}: ${c.reason}`, histogram(c));
  if (r.prediction) lines.push('', `prediction drift (model v${r.prediction.model_version}, p_bad): KS p=${num(r.prediction.ks_p)}, PSI ${num(r.prediction.psi, 3)} ${r.prediction.psi_band} -> ${r.prediction.drifted ? paint('DRIFT', 'red') : paint('ok', 'green')}`);
  lines.push('', `${r.drifted_columns} of ${r.columns.length} columns drifted (share ${num(r.drift_share, 3)}${weighted(r)}): ${r.dataset_drift ? paint('DATASET DRIFT', 'red') : paint('no dataset drift', 'green')}`, `run ${r.run_id}`);
  return lines.join('\n');
}

/** With a model: the drifted columns' share of its permutation importance, and which share gave the verdict. */
const weighted = (r: DriftReport): string => (r.weighted_drift_share === null ? '' : `, importance-weighted ${num(r.weighted_drift_share, 3)}; verdict by the ${r.verdict_by === 'weighted' ? 'weighted share' : 'share'}`);

function jsonReport(r: DriftReport): Record<string, unknown> {
  return {
    dataset_drift: r.dataset_drift, drift_share: r.drift_share, weighted_drift_share: r.weighted_drift_share, verdict_by: r.verdict_by, drifted_columns: r.drifted_columns, run_id: r.run_id,
    reference: r.reference, current: r.current, ignored_columns: r.ignored_columns,
    columns: r.columns.map((c) => ({
      column: c.column, kind: c.kind, test: c.test, ks_stat: c.ks_stat, ks_p: c.ks_p, psi: c.psi, psi_band: c.psi_band, wasserstein: c.wasserstein,
      wasserstein_normed: c.wasserstein_normed, chi2: c.chi2, chi2_p: c.chi2_p, js_distance: c.js_distance, miss_ref: c.miss_ref, miss_cur: c.miss_cur, drifted: c.drifted, reason: c.reason,
    })),
    prediction: r.prediction ? { model_version: r.prediction.model_version, ks_stat: r.prediction.ks_stat, ks_p: r.prediction.ks_p, psi: r.prediction.psi, wasserstein: r.prediction.wasserstein, drifted: r.prediction.drifted } : null,
  };
}

function markdown(r: DriftReport): string {
  const f = (x: number | null) => num(x);
  const lines = [
    '# Data drift report', '',
    `- reference: \`${r.reference.file}\` (${r.reference.rows} rows, sha256 \`${r.reference.sha256.slice(0, 12)}\`)`,
    `- current: \`${r.current.file}\` (${r.current.rows} rows, sha256 \`${r.current.sha256.slice(0, 12)}\`)`,
    `- verdict: **${r.dataset_drift ? 'dataset drift' : 'no dataset drift'}** — ${r.drifted_columns} of ${r.columns.length} columns drifted (share ${num(r.drift_share, 3)}${weighted(r)})`, '',
    '| column | type | test | KS | KS p | chi² | chi² p | Wasserstein (normed) | JS | PSI | missing ref → cur | verdict |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...r.columns.map((c) => `| ${c.column} | ${c.kind} | ${c.test} | ${f(c.ks_stat)} | ${f(c.ks_p)} | ${f(c.chi2)} | ${f(c.chi2_p)} | ${f(c.wasserstein_normed)} | ${f(c.js_distance)} | ${num(c.psi, 4)} (${c.psi_band}) | ${num(c.miss_ref * 100, 1)}% → ${num(c.miss_cur * 100, 1)}% | ${c.drifted ? `**drift** (${c.reason})` : 'ok'} |`),
  ];
  if (r.prediction) lines.push('', `Prediction drift (model v${r.prediction.model_version}): KS p ${f(r.prediction.ks_p)}, PSI ${num(r.prediction.psi, 4)} — ${r.prediction.drifted ? '**drift**' : 'ok'}`);
  return `${lines.join('\n')}\n`;
}
