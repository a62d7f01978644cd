import type { Command } from 'commander';

import type { RunStore } from '../../core/store/run-store.js';
import { out, withContext } from '../context.js';
import { isoTime, num, paint, table } from '../format.js';

function runDetail(store: RunStore, id: string) {
  const run = store.getRun(id);
  return {
    ...run,
    params: store.params(run.run_id),
    metrics: store.latestMetrics(run.run_id),
    tags: store.tags(run.run_id),
    inputs: store.runInputs(run.run_id),
    artifacts: store.artifacts(run.run_id),
    children: store.childCount(run.run_id),
  };
}

export function registerRuns(program: Command): void {
  const runs = program.command('runs').description('inspect recorded runs (ingest, eda, train searches and candidates, score, drift)');
  runs
    .command('list')
    .description('list recent runs, newest first')
    .option('--experiment <name>', 'only runs of one experiment: ingest, eda, train, score, drift')
    .option('--parent <id>', 'only the child runs (candidates) of a search run')
    .option('--all', 'include child runs (candidates)')
    .option('--limit <n>', 'how many', '30')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  credit-tui runs list\n  credit-tui runs list --experiment train --json\n  credit-tui runs list --parent 3fa2c1')
    .action(async (opts: { experiment?: string; parent?: string; all?: boolean; limit: string; json?: boolean }, cmd: Command) => {
      await withContext(cmd, ({ store }) => {
        const parent = opts.parent ? store.getRun(opts.parent).run_id : opts.all ? undefined : null;
        const rows = store.listRuns({ ...(opts.experiment ? { experiment: opts.experiment } : {}), limit: Math.max(1, Number(opts.limit) || 30), parent });
        if (opts.json) return out(JSON.stringify(rows.map((r) => ({ ...r, metrics: store.latestMetrics(r.run_id) }))));
        if (rows.length === 0) return out('no runs yet');
        out(table(['run', 'experiment', 'name', 'status', 'started', 'seconds', 'children'],
          rows.map((r) => [r.run_id.slice(0, 10), r.experiment, r.name, statusText(r.status), isoTime(r.start_time), r.end_time ? num((r.end_time - r.start_time) / 1000, 1) : '-', String(store.childCount(r.run_id))])));
      });
    });
  runs
    .command('show')
    .description('show one run: status, params, metrics, inputs, artifacts')
    .argument('<id>', 'run id or unique prefix')
    .option('--json', 'print JSON (metrics with full history)')
    .addHelpText('after', '\nExamples:\n  credit-tui runs show 3fa2c1\n  credit-tui runs show 3fa2c1 --json')
    .action(async (id: string, opts: { json?: boolean }, cmd: Command) => {
      await withContext(cmd, ({ store }) => {
        const d = runDetail(store, id);
        if (opts.json) return out(JSON.stringify({ ...d, metric_history: store.metricHistory(d.run_id) }));
        out(`${d.run_id}  ${d.experiment} / ${d.name}  ${statusText(d.status)}`);
        out(`started ${isoTime(d.start_time)}  ended ${isoTime(d.end_time)}${d.parent_run_id ? `  parent ${d.parent_run_id}` : ''}${d.children ? `  children ${d.children}` : ''}`);
        if (d.error) out(`error: ${d.error}`);
        out('');
        out(table(['param', 'value'], Object.entries(d.params)));
        out('');
        out(table(['metric', 'value'], Object.entries(d.metrics).map(([k, v]) => [k, num(v)])));
        if (d.inputs.length) out(`\ninputs: ${d.inputs.map((i) => `${i.dataset}@${i.version} (${i.context}, ${i.digest.slice(0, 12)})`).join(', ')}`);
        if (d.artifacts.length) out(`artifacts: ${d.artifacts.map((a) => `${a.path} (${a.sha256.slice(0, 12)})`).join(', ')}`);
      });
    });
  runs
    .command('compare')
    .description('params and metrics of two runs side by side')
    .argument('<a>', 'first run id or prefix')
    .argument('<b>', 'second run id or prefix')
    .option('--diff', 'only rows that differ')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  credit-tui runs compare 3fa2c1 9bd004\n  credit-tui runs compare 3fa2c1 9bd004 --diff')
    .action(async (a: string, b: string, opts: { diff?: boolean; json?: boolean }, cmd: Command) => {
      const { compareRows, expandParams } = await import('../../core/store/compare.js');
      await withContext(cmd, ({ store }) => {
        const A = runDetail(store, a);
        const B = runDetail(store, b);
        if (opts.json) {
          const rows = compareRows(A.params, B.params, A.metrics, B.metrics).filter((r) => !opts.diff || r.differs);
          return out(JSON.stringify({ a: A.run_id, b: B.run_id, rows }));
        }
        const rows = compareRows(...expandParams(A.params, B.params), A.metrics, B.metrics).filter((r) => !opts.diff || r.differs);
        out(table(['', `${A.run_id.slice(0, 10)} ${A.name}`, `${B.run_id.slice(0, 10)} ${B.name}`, ''],
          rows.map((r) => [r.key, r.a, r.b, r.differs ? paint('≠', 'yellow') : ''])));
      });
    });
}

function statusText(s: string): string {
  return s === 'FINISHED' ? paint(s, 'green') : s === 'RUNNING' ? paint(s, 'cyan') : paint(s, 'red');
}
