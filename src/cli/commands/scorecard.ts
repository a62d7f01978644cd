import { extname } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../../core/errors.js';
import { out, withContext } from '../context.js';
import { table } from '../format.js';

export function registerScorecard(program: Command): void {
  program
    .command('scorecard')
    .description("a scorecard model's points table (characteristic, bin, WoE, coefficient, points), as JSON, Markdown or one SQL query")
    .argument('[version]', 'model version or alias of a scorecard', 'champion')
    .option('--json', 'print JSON')
    .option('--sql <file.sql>', 'write one SQL query over table applicants giving id, <column>_points and points')
    .option('--id <col>', 'id column of the applicants table for --sql', 'id')
    .option('--report <file.md>', 'write a Markdown report')
    .addHelpText('after', `
Points use params.yaml's scoring scale, as score does; the SQL query gives every applicant score's points
(SQLite and PostgreSQL; categorical values as codes or labels).

Examples:
  credit-tui train --headless --families scorecard
  credit-tui scorecard
  credit-tui scorecard 3 --sql scorecard.sql --report scorecard.md`)
    .action(async (ref: string, flags: { json?: boolean; sql?: string; id: string; report?: string }, cmd: Command) => {
      const { scorecardOf, scorecardSqlOf, scorecardJson, scorecardMarkdown, scorecardRows } = await import('../../engine/scorecard.js');
      const { refuseProjectFiles, writeOutputFile } = await import('../../engine/project.js');
      if (flags.report && extname(flags.report).toLowerCase() !== '.md') throw new UserError('the report must be a .md file', { file: flags.report });
      await withContext(cmd, ({ project, store, params }) => {
        for (const f of [flags.sql, flags.report]) if (f) refuseProjectFiles(f, project);
        const report = scorecardOf(store, params, ref);
        if (flags.sql) writeOutputFile(flags.sql, scorecardSqlOf(report, flags.id), project);
        if (flags.report) writeOutputFile(flags.report, scorecardMarkdown(report), project);
        if (flags.json) return out(JSON.stringify(scorecardJson(report)));
        out(`scorecard v${report.version} (${report.dataset}): ${report.table.characteristics.length} characteristics`);
        out(table(['characteristic', 'bin', 'WoE', 'coefficient', 'points'], scorecardRows(report)));
      });
    });
}
