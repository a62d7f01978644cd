import type { Command } from 'commander';
import { UserError } from '../../core/errors.js';
import { verdictLine } from '../../core/fairness/audit.js';
import type { FairnessReport } from '../../engine/fairness.js';

import { err, out, withContext } from '../context.js';
import { num, table } from '../format.js';

const pct = (x: number | null): string => (x === null ? '-' : `${(x * 100).toFixed(1)}%`);
const ci = (x: readonly [number, number] | null): string => (x ? `[${x[0].toFixed(3)}, ${x[1].toFixed(3)}]` : '-');

function groupRows(r: FairnessReport): string[][] {
  return r.groups.map((g) => [g.attribute, g.group, String(g.n), pct(g.share), pct(g.approval_rate), pct(g.bad_rate_approved), num(g.tpr, 3), num(g.fpr, 3), num(g.auc, 3), num(g.mean_p_bad, 3), pct(g.observed_bad_rate), g.too_few ? 'too few to judge' : '']);
}
const GROUP_HEADER = ['attribute', 'group', 'n', 'share', 'approved', 'bad|appr', 'TPR', 'FPR', 'AUC', 'mean p', 'bad rate', ''];

function attributeRows(r: FairnessReport): string[][] {
  return r.attributes.map((a) => [a.attribute, num(a.adverse_impact_ratio, 3), ci(a.ci.adverse_impact_ratio), num(a.equal_opportunity_difference, 3), ci(a.ci.equal_opportunity_difference), num(a.equalized_odds_difference, 3), ci(a.ci.equalized_odds_difference), a.flag]);
}
const ATTR_HEADER = ['attribute', 'AIR', '95% CI', 'EOD', '95% CI', 'EqOdds', '95% CI', 'verdict'];

function markdown(r: FairnessReport): string {
  const md = (h: string[], rows: string[][]): string[] => [`| ${h.join(' | ')} |`, `|${h.map(() => '---').join('|')}|`, ...rows.map((x) => `| ${x.join(' | ')} |`)];
  return [
    `# Fairness audit: model v${r.model.version} (${r.model.family}) on ${r.on === 'test' ? 'its test rows' : 'out-of-fold predictions'} (${r.rows} rows of ${r.model.dataset})`, '',
    `Decision: decline when p(bad) >= ${r.model.threshold.toFixed(4)}. TPR = bad applicants declined / bad applicants; FPR = good applicants declined / good applicants.`, '',
    ...md(GROUP_HEADER.map((h) => h || 'note'), groupRows(r)), '',
    ...md(ATTR_HEADER, attributeRows(r)), '',
    'AIR: lowest group approval rate / highest (four-fifths rule: flag below 0.8). EOD: largest TPR gap. EqOdds: largest of the TPR and FPR gaps. Intervals: seeded bootstrap, 1,000 resamples.',
    ...r.skipped.map((s) => `\nSkipped ${s}.`), '',
  ].join('\n');
}

export function registerFairness(program: Command): void {
  program
    .command('fairness')
    .description('fairness audit of a model: approval, error rates and calibration per protected group, four-fifths rule, equal opportunity, equalized odds')
    .argument('[version]', 'model version or alias', 'champion')
    .option('--on <rows>', "test (the model's test rows) or oof (out-of-fold predictions on its training rows)", 'test')
    .option('--json', 'print one JSON object')
    .option('--report <file.md>', 'also write a Markdown report')
    .addHelpText('after', '\nExamples:\n  credit-tui fairness\n  credit-tui fairness 3 --on oof --report fairness.md\n  credit-tui fairness --json')
    .action(async (version: string, opts: { on: string; json?: boolean; report?: string }, cmd: Command) => {
      const { runFairness } = await import('../../engine/fairness.js');
      const { refuseProjectFiles, writeOutputFile } = await import('../../engine/project.js');
      if (opts.on !== 'test' && opts.on !== 'oof') throw new UserError(`invalid --on ${JSON.stringify(opts.on)}`, {}, 'test or oof');
      if (opts.report !== undefined && !opts.report.toLowerCase().endsWith('.md')) throw new UserError('the report must be a .md file', { file: opts.report });
      await withContext(cmd, ({ project, store, params }) => {
        if (opts.report) refuseProjectFiles(opts.report, project);
        const r = runFairness(store, params, { model: version, on: opts.on as 'test' | 'oof' });
        if (opts.report) writeOutputFile(opts.report, markdown(r), project);
        if (opts.json) return out(JSON.stringify(r));
        out(`model v${r.model.version} (${r.model.family}), ${r.on === 'test' ? 'test rows' : 'out-of-fold predictions'}: ${r.rows} rows of ${r.model.dataset}, threshold ${r.model.threshold.toFixed(4)}`);
        out(table(GROUP_HEADER, groupRows(r)));
        out('');
        out(table(ATTR_HEADER, attributeRows(r)));
        for (const a of r.attributes) out(verdictLine(a));
        for (const s of r.skipped) out(`skipped ${s}`);
        if (opts.report) err(`wrote ${opts.report}`);
      });
    });
}
