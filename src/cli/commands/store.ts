import type { Command } from 'commander';
import { UserError } from '../../core/errors.js';
import { parseStoreUrl } from '../../core/store/store-url.js';
import { globals, out, storeSetting, withContext } from '../context.js';

export function registerStore(program: Command): void {
  const store = program.command('store').description('the run store: copy a project between runs.db and PostgreSQL');
  store
    .command('copy')
    .description('copy runs, datasets (with their Parquet), model versions, aliases, outcomes and artifacts to or from another store, then verify counts and every sha256')
    .option('--to <url>', 'copy the current store into this one (postgresql://… or sqlite:PATH), which must be empty')
    .option('--from <url>', 'copy this store into the current one, which must be empty')
    .addHelpText('after', `
Examples:
  credit-tui store copy --to postgresql://analyst@db.example:5432/credit     # runs.db -> the team's server
  credit-tui --store postgresql://analyst@db.example:5432/credit store copy --to sqlite:backup/runs.db
  credit-tui store copy --from postgresql://analyst@db.example:5432/credit   # the server -> this runs.db`)
    .action(async (opts: { to?: string; from?: string }, cmd: Command) => {
      if (Boolean(opts.to) === Boolean(opts.from)) throw new UserError('store copy needs exactly one of --to URL or --from URL');
      const other = (opts.to ?? opts.from)!;
      const spec = parseStoreUrl(other);
      await withContext(cmd, async ({ project, store: current, params }) => {
        const { copyStore } = await import('../../engine/store-copy.js');
        const { openStore, projectAt, refuseProjectFiles } = await import('../../engine/project.js');
        const { dirname, resolve } = await import('node:path');
        // A runs.db named by --to is a file this command writes: never the project's own store or registered files.
        const sqlitePath = spec.kind === 'sqlite' ? (spec.path === null ? project.dbPath : resolve(project.home, spec.path)) : null;
        if (opts.to && sqlitePath && sqlitePath !== project.dbPath) refuseProjectFiles(sqlitePath, project);
        const target = sqlitePath ? projectAt(dirname(sqlitePath)) : project;
        // The shared artifacts directory (flag, environment, params.yaml) applies to a PostgreSQL target too.
        const otherStore = openStore(target, { ...storeSetting(globals(cmd), params), flag: sqlitePath ? `sqlite:${sqlitePath}` : other, ...(sqlitePath ? { artifacts: undefined } : {}) });
        try {
          const [from, to] = opts.to ? [current, otherStore] : [otherStore, current];
          const s = copyStore(from, to, opts.to ? target : project, opts.to ? project : target);
          const where = `${from.location.kind} ${from.location.display} -> ${to.location.kind} ${to.location.display}`;
          const c = s.counts;
          const what = `${c.runs} runs, ${c.datasets} datasets, ${c.model_versions} model versions, ${c.model_aliases} aliases, ${c.outcomes} outcomes, ${s.artifacts} artifacts`;
          out(s.identical ? `already identical (${where}): ${what}; nothing copied` : `copied ${where}: ${what}; verified the counts of ${Object.keys(c).length} tables and ${s.artifacts} sha256`);
        } finally {
          otherStore.close();
        }
      });
    });
}
