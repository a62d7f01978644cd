import type { Command } from 'commander';
import type { Delimiter } from '../../core/data/delimited.js';
import { UserError } from '../../core/errors.js';
import type { ColumnRole } from '../../core/params/params.js';
import type { IngestEvent } from '../../engine/ingest.js';
import { err, out, withContext } from '../context.js';
import { table } from '../format.js';

const DELIMS: Record<string, Delimiter> = { ',': ',', ';': ';', tab: '\t', '\\t': '\t', '|': '|', space: 'whitespace', whitespace: 'whitespace' };

function parseRoles(list: readonly string[] | undefined): Record<string, ColumnRole> {
  const roles: Record<string, ColumnRole> = {};
  for (const item of list ?? []) {
    const m = /^(.+)=(numeric|categorical|ordinal|ignore)$/.exec(item);
    if (!m) throw new UserError(`invalid --role ${JSON.stringify(item)}`, {}, 'use COLUMN=numeric|categorical|ordinal|ignore');
    roles[m[1]!] = m[2] as ColumnRole;
  }
  return roles;
}

export function registerIngest(program: Command): void {
  program
    .command('ingest')
    .description('read a data file (UCI Statlog, South German .asc, Kaggle CSV, any CSV/Parquet), decode it and store it as Parquet')
    .argument('[source]', 'file to ingest; omitted: the built-in UCI Statlog sample (data/samples/german.data)')
    .option('--download', 'with no source: download german.data from the UCI repository instead (sha256-checked)')
    .option('--name <name>', 'dataset name (default: the file name)')
    .option('--target <col>', 'target column of a generic file')
    .option('--bad <value>', 'target value that means bad (positive class)')
    .option('--delimiter <d>', "field delimiter: ',', ';', tab, '|', space (default: detected)")
    .option('--role <col=role...>', 'override a column role: numeric, categorical, ordinal, ignore')
    .option('--json', 'NDJSON events on stdout')
    .addHelpText('after', `
Examples:
  credit-tui ingest ../shared/data/statlog_german.data
  credit-tui ingest ../shared/data/german_credit_kaggle.csv --name kaggle
  credit-tui ingest loans.parquet --target defaulted --bad yes --role branch=categorical
  credit-tui ingest            # the built-in UCI Statlog sample (offline)
  credit-tui ingest --download # the same file, downloaded from the UCI repository`)
    .action(async (source: string | undefined, opts: { name?: string; target?: string; bad?: string; delimiter?: string; role?: string[]; json?: boolean; download?: boolean }, cmd: Command) => {
      const { ingest } = await import('../../engine/ingest.js');
      let delimiter: Delimiter | undefined;
      if (opts.delimiter !== undefined) {
        delimiter = DELIMS[opts.delimiter];
        if (!delimiter) throw new UserError(`invalid --delimiter ${JSON.stringify(opts.delimiter)}`, {}, `use one of ${Object.keys(DELIMS).join(' ')}`);
      }
      await withContext(cmd, async ({ project, store, params }) => {
        if (source === undefined && !opts.download && store.listDatasets().length > 0 && !opts.name) {
          const d = store.resolveDataset(null);
          out(`already ingested: ${d.name}@${d.version} (${d.rows} rows); pass a SOURCE to ingest another file`);
          return;
        }
        const events = ingest(project, store, {
          ...(source !== undefined ? { source } : {}),
          ...(opts.download ? { download: true } : {}),
          ...(opts.name ? { name: opts.name } : {}),
          target: opts.target ?? params.data.target,
          badValue: opts.bad ?? params.data.bad_value,
          roles: { ...params.data.roles, ...parseRoles(opts.role) },
          ...(delimiter ? { delimiter } : {}),
        });
        for await (const ev of events) report(ev, Boolean(opts.json));
      });
    });
}

function report(ev: IngestEvent, json: boolean): void {
  if (json) {
    out(JSON.stringify(ev));
    return;
  }
  switch (ev.type) {
    case 'stage':
      err(`… ${ev.message}`);
      break;
    case 'ingested': {
      const d = ev.dataset;
      out(ev.unchanged
        ? `unchanged: ${d.name}@${d.version} has the same sha256 (${d.digest.slice(0, 12)}…); nothing written`
        : `ingested ${d.name}@${d.version}: ${d.rows} rows, ${d.columns} columns (${d.format}) -> ${d.path}`);
      out(table(['column', 'role', 'dtype', 'levels'], d.schema.map((c) => [c.name, c.role, c.dtype, c.levels ? String(c.levels.length) : '-'])));
      break;
    }
  }
}
