import type { Command } from 'commander';
import { EXIT_SOME_REJECTED, UserError } from '../../core/errors.js';
import type { ScoreSummary } from '../../engine/score.js';
import { err, out, withContext } from '../context.js';
import { num, paint, sparkBars, table } from '../format.js';

interface ScoreFlags {
  logPredictions?: boolean;
  output?: string;
  rejects?: string;
  model?: string;
  alias?: string;
  threshold?: string;
  applicant?: string;
  set?: string[];
  from?: string;
  json?: boolean;
  workers?: string;
}

function parseSet(pairs: readonly string[]): Record<string, string> {
  const rec: Record<string, string> = {};
  for (const p of pairs) {
    const i = p.indexOf('=');
    if (i <= 0) throw new UserError(`invalid --set ${JSON.stringify(p)}`, {}, 'use --set column=value');
    rec[p.slice(0, i)] = p.slice(i + 1);
  }
  return rec;
}

export function registerScore(program: Command): void {
  program
    .command('score')
    .description('score applicants with a registered model: p(bad), decision, points and top-3 reasons')
    .argument('[file]', 'CSV or Parquet of applicants (raw codes or decoded labels)')
    .option('-o, --output <file>', 'write scored rows to .csv, .json or .parquet, atomically (default: <home>/outputs/<name>.scored.csv)')
    .option('--rejects <file>', 'rejected rows with row, column and reason (default: <output>.rejects.csv)')
    .option('--model <version>', 'model version number (default: the champion alias)')
    .option('--alias <alias>', 'model alias', 'champion')
    .option('--threshold <p>', 'decline when p(bad) >= p (default: the bundle\'s cost-optimal threshold)')
    .option('--applicant <json>', 'one applicant as a JSON object')
    .option('--set <key=value...>', 'one applicant as key=value pairs; fields left out come from --from or the typical training applicant')
    .option('--from <row>', 'what-if base for --set/--applicant: row N of the model\'s training data (1 = the first applicant), or DATASET[@V]:N (default: the typical training applicant: medians and most frequent levels)')
    .option('--json', 'machine-readable output')
    .option('--log-predictions', 'append every scored row (decoded inputs, p_bad, decision) to outputs/predictions/ as one batch, for credit-tui monitor')
    .option('--workers <n>', 'threads scoring a CSV/text file (default: one per core, at most 4, for files from 8 MB)')
    .addHelpText('after', `
Exit codes: 0 all rows scored; ${EXIT_SOME_REJECTED} some rows rejected (see the rejects file); 1 error (no usable rows,
missing or tampered model, a file without the model's columns).

Examples:
  credit-tui score applicants.csv -o scored.csv
  credit-tui score ../shared/data/statlog_german.data -o scored.parquet --model 3
  credit-tui score --applicant '{"checking_status": "< 0 DM", "duration": 24, ...}'
  credit-tui score --set credit_amount=5000 --set duration=36          (the rest: the typical applicant)
  credit-tui score --from 17 --set duration=48 --json                 (row 17 of the training data, longer)`)
    .action(async (file: string | undefined, flags: ScoreFlags, cmd: Command) => {
      const { defaultScoreOutput, EXIT_SOME_REJECTED, scoreFile } = await import('../../engine/score.js');
      let threshold: number | undefined;
      if (flags.threshold !== undefined) {
        threshold = Number(flags.threshold);
        if (!(threshold > 0 && threshold < 1)) throw new UserError(`invalid --threshold ${JSON.stringify(flags.threshold)}`, {}, 'a probability between 0 and 1');
      }
      const model = flags.model ?? flags.alias ?? 'champion';
      const workers = flags.workers === undefined ? undefined : Number(flags.workers);
      if (workers !== undefined && !(Number.isInteger(workers) && workers >= 1 && workers <= 64)) throw new UserError(`invalid --workers ${JSON.stringify(flags.workers)}`, {}, 'an integer from 1 to 64');
      await withContext(cmd, async ({ project, store, params }) => {
        const scale = params.scoring;
        if (flags.applicant !== undefined || (flags.set && flags.set.length > 0) || flags.from !== undefined) {
          const { scoreWhatIf } = await import('../../engine/what-if.js');
          let record: Record<string, unknown>;
          if (flags.applicant !== undefined) {
            try {
              record = JSON.parse(flags.applicant) as Record<string, unknown>;
            } catch (e) {
              throw new UserError(`--applicant is not valid JSON: ${(e as Error).message}`);
            }
            if (typeof record !== 'object' || record === null || Array.isArray(record)) throw new UserError('--applicant must be a JSON object');
          } else record = {};
          Object.assign(record, parseSet(flags.set ?? []));
          const s = scoreWhatIf(store, record, { model, ...(threshold !== undefined ? { threshold } : {}), scale, ...(flags.from !== undefined ? { from: flags.from } : {}) });
          if (flags.json) return out(JSON.stringify(s));
          out(`model v${s.model_version} (${s.family})`);
          if (s.base.filled.length > 0) out(`base      ${s.base.filled.length} field${s.base.filled.length === 1 ? '' : 's'} from ${s.base.source}: ${s.base.filled.map((k) => `${k}=${String(s.base.values[k])}`).join(', ')}`);
          out(`p(bad)    ${num(s.p_bad)}`);
          out(`decision  ${s.decision === 'approve' ? paint('APPROVE', 'green') : paint('DECLINE', 'red')}`);
          out(`score     ${s.score} points`);
          out(`reasons   ${s.reasons.length ? s.reasons.map((r, i) => `${i + 1}. ${r.text}`).join('\n          ') : '(none raise the risk above the average applicant)'}`);
          return;
        }
        if (!file) throw new UserError('nothing to score', {}, 'pass a FILE, --applicant JSON or --set key=value');
        const output = flags.output ?? defaultScoreOutput(project.outputsDir, file);
        let summary: ScoreSummary | undefined;
        const controller = new AbortController();
        const stop = (): void => controller.abort();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        try {
          for await (const ev of scoreFile(project, store, { input: file, output, ...(flags.rejects ? { rejects: flags.rejects } : {}), model, ...(threshold !== undefined ? { threshold } : {}), scale, signal: controller.signal, ...(workers ? { workers } : {}), ...(flags.logPredictions ? { logPredictions: true } : {}) })) {
            if (flags.json) out(JSON.stringify(ev));
            else if (ev.type === 'progress') err(`… ${ev.rows} rows, ${ev.rejected} rejected, ${(ev.rows / Math.max(ev.elapsed, 1e-3)).toFixed(0)} rows/s`);
            if (ev.type === 'finished') summary = ev.summary;
          }
        } finally {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
        }
        if (!flags.json && summary) out(summaryText(summary));
        if (summary && summary.rejected > 0) process.exitCode = EXIT_SOME_REJECTED;
      });
    });
}

function summaryText(s: ScoreSummary): string {
  const d = s.score_distribution;
  return [
    `scored ${s.scored} of ${s.rows_read} rows with model v${s.model_version} (threshold ${num(s.threshold, 4)}): ${s.approve} approve, ${s.decline} decline, ${s.rejected} rejected`,
    table(['score', 'min', 'p10', 'median', 'p90', 'max', 'mean', 'distribution'], [['points', num(d.min), num(d.p10, 1), num(d.p50, 1), num(d.p90, 1), num(d.max), num(d.mean, 1), sparkBars(d.histogram.map((h) => h.count))]]),
    s.output ? `output: ${s.output}` : 'no output file (-o to write one)',
    s.rejects_file ? `rejects: ${s.rejects_file}` : '',
    `run ${s.run_id}`,
  ].filter(Boolean).join('\n');
}
