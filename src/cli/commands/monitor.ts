import { OUTCOME_DEFAULT_HELP } from '../../core/monitor/outcome-words.js';
import type { Command } from 'commander';
import { UserError } from '../../core/errors.js';

import type { MonitorReport } from '../../engine/monitor.js';

import { err, out, withContext } from '../context.js';
import { num, paint, table } from '../format.js';

/** Exit code of `monitor` when the latest period alerts (for CI and cron). */
export const EXIT_ALERT = 3;

const pct = (x: number | null): string => (x === null ? '-' : `${(x * 100).toFixed(1)}%`);

function periodRows(r: MonitorReport): string[][] {
  return r.periods.map((p) => [
    p.alert ? paint('✗', 'red') : paint('✓', 'green'), p.period, String(p.rows), pct(p.approval_rate), num(p.mean_p_bad, 3), num(p.score_psi, 3),
    `${pct(p.drift_share)}${p.weighted_drift_share === null ? '' : ` (${pct(p.weighted_drift_share)})`}`, num(p.auc, 3), num(p.estimated_auc, 3), band(p.estimated_auc_lower, p.estimated_auc_upper),
    pct(p.bad_rate_approved), pct(p.estimated_bad_rate_approved), p.multivariate ? `${p.multivariate.error.toFixed(2)}${p.multivariate.alert ? ' ✗' : ''}` : '-', p.alerts.join(',') || '-',
  ]);
}

const band = (lo: number | null, hi: number | null): string => (lo === null || hi === null ? '-' : `${lo.toFixed(3)}–${hi.toFixed(3)}`);

const HEADER = ['', 'period', 'rows', 'approved', 'mean p', 'score PSI', 'drifted (weighted)', 'AUC', 'est. AUC', 'est. ±3σ', 'bad appr.', 'est. bad appr.', 'PCA error', 'alerts'];

/** The Markdown report: the same table, the bands, and the drifting columns per period. */
export function monitorMarkdown(r: MonitorReport): string {
  const lines = [
    `# Monitoring: model v${r.model.version} (${r.model.family}), periods by ${r.by}`, '',
    `Reference: ${r.reference.source}, ${r.reference.rows} rows; approval rate and mean p(bad) bands are sized for each period's rows (binomial variance at that n); the others come from ${r.reference.chunks} chunks of ${r.reference.chunk_rows} rows (mean ± 3 sd) unless params.yaml fixes them.`, '',
    `| ${HEADER.map((h) => h || 'alert').join(' | ')} |`, `|${HEADER.map(() => '---').join('|')}|`,
    ...periodRows({ ...r }).map((row) => `| ${row.map((c) => c.replace(/\u001b\[[0-9;]*m/g, '')).join(' | ')} |`), '',
    `## Bands (at the median period size; each period's own are in --json)`, '', '| metric | lower | upper | from |', '|---|---|---|---|',
    ...r.bands.map((b) => `| ${b.metric} | ${num(b.lower, 4)} | ${num(b.upper, 4)} | ${b.source} |`), '',
    '## Multivariate drift (PCA reconstruction error)', '', '| period | error | lower | upper | alert |', '|---|---|---|---|---|',
    ...r.periods.map((p) => (p.multivariate ? `| ${p.period} | ${p.multivariate.error.toFixed(4)} | ${p.multivariate.lower.toFixed(4)} | ${p.multivariate.upper.toFixed(4)} | ${p.multivariate.alert ? 'yes' : 'no'} |` : `| ${p.period} | - | - | - | - |`)), '',
    '## Dataset drift verdict', '',
    ...r.periods.map((p) => `- ${p.period}: ${p.dataset_drift ? '**drift**' : 'no drift'} — share of drifted columns ${pct(p.drift_share)}${p.weighted_drift_share === null ? '' : `, importance-weighted ${pct(p.weighted_drift_share)}`} (verdict by the ${p.verdict_by === 'weighted' ? 'weighted share' : 'share'})`), '',
    '## Fairness (approval rate per protected group)', '',
    ...r.periods.flatMap((p) => p.fairness.map((f) => `- ${p.period}, ${f.attribute}: ${f.groups.map((g) => `${g.group} ${pct(g.approval_rate)} (n ${g.n}${g.too_few ? ', too few' : ''})`).join(', ')} — adverse impact ratio ${num(f.adverse_impact_ratio, 3)}${f.z === null ? '' : ` (z ${f.z.toFixed(1)})`}: ${f.alert ? '**fails four-fifths rule, beyond chance**' : f.flag === 'fails four-fifths rule' ? 'under four-fifths, within chance at these group sizes' : f.flag}`)), '',
    '## Data quality (against the training profile)', '',
    ...r.periods.map((p) => {
      const bad = p.data_quality.columns.filter((c) => c.alerts.length);
      return `- ${p.period}: missing ${pct(p.data_quality.missing_rate)} of cells; ${bad.length ? bad.map((c) => `${c.column}: ${c.alerts.map((a) => (a === 'missing' ? `missing ${pct(c.missing_rate)} (reference ${pct(c.missing_rate_reference)})` : a === 'unseen' ? `${c.unseen} unseen (${c.unseen_examples.join(', ')})` : `${c.out_of_range} out of range`)).join(', ')}`).join('; ') : 'no alert'}`;
    }), '',
    '## Drifting columns', '',
    ...r.periods.map((p) => `- ${p.period}: ${p.drifted_columns.length ? p.drifted_columns.join(', ') : 'none'}`), '',
    'AUC and bad appr. (bad rate among the approved) are realised (outcomes imported with `credit-tui outcomes`); est. AUC, its ±3σ band and est. bad appr. are estimated from p(bad) without labels (CBPE): trust them only while p(bad) stays calibrated (covariate shift, not a changed relation between inputs and outcome).',
  ];
  return `${lines.join('\n')}\n`;
}

export function registerMonitor(program: Command): void {
  program
    .command('outcomes')
    .description('import observed outcomes (good/bad) of scored applicants, joined by id; re-importing is idempotent')
    .argument('<file>', 'CSV or Parquet with an id column and an outcome column (optionally a date)')
    .option('--id <col>', 'id column (default: id or applicant_id)')
    .option('--label <col>', 'outcome column (default: outcome, label, class, Risk, …)')
    .option('--bad <value>', `the one outcome value that means bad; every other value is good (${OUTCOME_DEFAULT_HELP})`)
    .option('--date <col>', 'column with the date the outcome was observed')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  credit-tui outcomes repaid.csv\n  credit-tui outcomes labels.parquet --id loan_id --label defaulted --bad yes')
    .action(async (file: string, opts: { id?: string; label?: string; bad?: string; date?: string; json?: boolean }, cmd: Command) => {
      const { importOutcomes } = await import('../../engine/outcomes.js');
      await withContext(cmd, ({ project, store }) => {
        const s = importOutcomes(project, store, file, { ...(opts.id ? { idColumn: opts.id } : {}), ...(opts.label ? { labelColumn: opts.label } : {}), ...(opts.bad ? { badValue: opts.bad } : {}), ...(opts.date ? { dateColumn: opts.date } : {}) });
        if (opts.json) return out(JSON.stringify(s));
        out(`${s.rows} outcomes (${s.bad} bad) from ${file}: ${s.inserted} new, ${s.updated} changed, ${s.unchanged} unchanged`);
        if (s.unknown_ids) out(`${s.unknown_ids} id(s) match no logged prediction yet (kept), e.g. ${s.unknown_examples.join(', ')}`);
      });
    });
  program
    .command('monitor')
    .description('drift and performance per period of the logged predictions against the reference, with alerts (exit 3 when the latest period alerts)')
    .option('--by <period>', "batch, day, week, month, or 'N rows'", 'batch')
    .option('--since <date>', 'only predictions logged at or after this date (ISO)')
    .option('--reference <file>', "a labelled file to compare with (default: the champion's training data)")
    .option('--model <ref>', 'model version or alias whose reference and threshold are used', 'champion')
    .option('--json', 'print one JSON object')
    .option('--report <file.md>', 'also write a Markdown report')
    .addHelpText('after', "\nExamples:\n  credit-tui monitor\n  credit-tui monitor --by week --since 2026-01-01 --report monitoring.md\n  credit-tui monitor --by '500 rows' --json")
    .action(async (opts: { by: string; since?: string; reference?: string; model: string; json?: boolean; report?: string }, cmd: Command) => {
      const { parsePeriodBy } = await import('../../core/monitor/periods.js');
      const { runMonitor } = await import('../../engine/monitor.js');
      const { refuseProjectFiles, writeOutputFile } = await import('../../engine/project.js');
      const by = parsePeriodBy(opts.by);
      if (opts.since !== undefined && Number.isNaN(Date.parse(opts.since))) throw new UserError(`invalid --since ${JSON.stringify(opts.since)}`, {}, 'an ISO date such as 2026-01-31');
      if (opts.report !== undefined && !opts.report.toLowerCase().endsWith('.md')) throw new UserError('the report must be a .md file', { file: opts.report });
      await withContext(cmd, ({ project, store, params }) => {
        if (opts.report) refuseProjectFiles(opts.report, project, opts.reference ? [opts.reference] : []);
        const report = runMonitor(project, store, params, { by, ...(opts.since ? { since: new Date(opts.since).toISOString() } : {}), ...(opts.reference ? { reference: opts.reference } : {}), model: opts.model });
        if (opts.report) writeOutputFile(opts.report, monitorMarkdown(report), project, opts.reference ? [opts.reference] : []);
        if (opts.json) out(JSON.stringify(report));
        else {
          out(`model v${report.model.version} (${report.model.family}); reference ${report.reference.source}: ${report.reference.rows} rows; approval and mean p(bad) bands sized for each period, the others from ${report.reference.chunks} chunks of ${report.reference.chunk_rows}`);
          out(table(HEADER, periodRows(report)));
          const last = report.periods.at(-1)!;
          out(last.alert ? `latest period ${last.period} ALERTS: ${last.alerts.join(', ')}` : `latest period ${last.period}: no alert`);
        }
        if (opts.report) err(`wrote ${opts.report}`);
        if (report.latest_alert) process.exitCode = EXIT_ALERT;
      });
    });
}
