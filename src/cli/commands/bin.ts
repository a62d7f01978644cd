import { extname } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../../core/errors.js';
import { out, withContext } from '../context.js';
import { num, table } from '../format.js';

export function registerBin(program: Command): void {
  program
    .command('bin')
    .description('optimal monotonic binning per column (CART pre-bins merged to maximise IV under a bad-rate trend): bins, WoE, IV, Gini, Jensen-Shannon')
    .argument('[file-or-dataset]', 'a data file, or a dataset name / name@version (default: the latest ingested)')
    .option('--target <col>', 'target column of a generic file')
    .option('--bad <value>', 'the target value that means bad')
    .option('--columns <a,b>', 'only these columns, in this order')
    .option('--json', 'print JSON')
    .option('--report <file.md>', 'write a Markdown report')
    .addHelpText('after', `
Settings come from params.yaml's binning section (trend, minimum bin size, special values).

Examples:
  credit-tui bin
  credit-tui bin statlog_german --columns duration_months,credit_amount --json
  credit-tui bin applicants.csv --target defaulted --bad 1 --report bins.md`)
    .action(async (ref: string | undefined, flags: { target?: string; bad?: string; columns?: string; json?: boolean; report?: string }, cmd: Command) => {
      const { loadBinInput, runBinning, binReportJson, binReportMarkdown } = await import('../../engine/binning.js');
      const { refuseProjectFiles, writeOutputFile } = await import('../../engine/project.js');
      if (flags.report && extname(flags.report).toLowerCase() !== '.md') throw new UserError('the report must be a .md file', { file: flags.report });
      await withContext(cmd, ({ project, store, params }) => {
        if (flags.report) refuseProjectFiles(flags.report, project, ref ? [ref] : []);
        const ds = loadBinInput(store, params, { ref, target: flags.target, badValue: flags.bad });
        const columns = flags.columns?.split(',').map((c) => c.trim()).filter((c) => c.length > 0);
        const report = runBinning(ds, params, columns);
        if (flags.report) writeOutputFile(flags.report, binReportMarkdown(report), project, ref ? [ref] : []);
        if (flags.json) return out(JSON.stringify(binReportJson(report)));
        const lines = [`${report.dataset}: ${report.rows} rows, bad rate ${num(report.bad_rate, 3)}`, ''];
        for (const c of report.columns) {
          lines.push(`${c.column} (${c.kind}; trend ${c.trend}; IV ${num(c.iv, 4)}, Gini ${num(c.gini, 4)}, JS ${num(c.js, 4)})`);
          lines.push(table(['bin', 'count', 'bad', 'good', 'bad rate', 'WoE', 'IV'], c.bins.filter((b) => b.count > 0).map((b) => [`  ${b.bin}`, String(b.count), String(b.bad), String(b.good), num(b.bad_rate, 3), num(b.woe, 3), num(b.iv, 4)])));
          lines.push('');
        }
        out(lines.join('\n').trimEnd());
      });
    });
}
