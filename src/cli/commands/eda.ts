import type { Command } from 'commander';
import type { EdaReport } from '../../core/data/eda.js';

import { out, withContext } from '../context.js';
import { isoTime, num, sparkBars, table } from '../format.js';

export function registerDatasets(program: Command): void {
  program
    .command('datasets')
    .description('list ingested datasets and their versions')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  credit-tui datasets\n  credit-tui datasets --json')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      await withContext(cmd, ({ store }) => {
        const rows = store.listDatasets();
        if (opts.json) return out(JSON.stringify(rows));
        if (rows.length === 0) return out('no datasets yet: credit-tui ingest PATH');
        out(table(['name', 'version', 'rows', 'cols', 'format', 'sha256', 'created', 'source'],
          rows.map((d) => [d.name, `v${d.version}`, String(d.rows), String(d.columns), d.format, d.digest.slice(0, 12), isoTime(d.created_at), d.source])));
      });
    });
}

export function registerEda(program: Command): void {
  program
    .command('eda')
    .description('profile a dataset: per-column statistics, histograms, bad rates, weight of evidence, information value, correlations')
    .argument('[dataset]', 'dataset name or name@version (default: the latest ingested)')
    .option('--json', 'print the numbers as JSON')
    .addHelpText('after', '\nExamples:\n  credit-tui eda\n  credit-tui eda statlog_german@1 --json')
    .action(async (ref: string | undefined, opts: { json?: boolean }, cmd: Command) => {
      const { runEda } = await import('../../engine/datasets.js');
      await withContext(cmd, ({ store, params }) => {
        const row = store.resolveDataset(ref ?? params.data.dataset);
        const { report } = runEda(store, row);
        out(opts.json ? JSON.stringify(report) : renderEda(report));
      });
    });
}

export function renderEda(r: EdaReport): string {
  const lines: string[] = [];
  lines.push(`${r.dataset}: ${r.rows} rows, bad rate ${num(r.bad_rate, 3)}`);
  lines.push('');
  const numeric = r.columns.filter((c) => c.numeric);
  lines.push(table(['numeric', 'missing', 'distinct', 'mean', 'std', 'min', 'q25', 'median', 'q75', 'max', 'histogram', 'IV'],
    numeric.map((c) => {
      const s = c.numeric!;
      return [c.name, String(c.missing), String(c.distinct), num(s.mean, 3), num(s.std, 3), num(s.min), num(s.q25), num(s.median), num(s.q75), num(s.max), sparkBars(s.histogram.counts), num(c.iv, 3)];
    })));
  lines.push('');
  for (const c of r.columns.filter((c) => c.levels)) {
    lines.push(`${c.name} (${c.role}; missing ${c.missing} = ${num(c.missing_share * 100, 1)}%; IV ${num(c.iv, 3)})`);
    lines.push(table(['level', 'count', 'bad rate', 'WoE'], c.woe_bins.map((b) => [`  ${b.label}`, String(b.count), num(b.bad_rate, 3), num(b.woe, 3)])));
    lines.push('');
  }
  lines.push('Information value ranking');
  lines.push(table(['feature', 'IV', 'strength'], r.iv_ranking.map((x) => [x.name, num(x.iv, 4), x.strength])));
  if (r.correlations.columns.length > 1) {
    lines.push('');
    lines.push('Correlations (Pearson)');
    const cols = r.correlations.columns;
    lines.push(table(['', ...cols.map((c) => c.slice(0, 10))], r.correlations.matrix.map((row, i) => [cols[i]!, ...row.map((v) => num(v, 2))])));
  }
  return lines.join('\n');
}
