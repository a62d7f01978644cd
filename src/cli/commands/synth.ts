import type { Command } from 'commander';
import { UserError } from '../../core/errors.js';
import { globals, out } from '../context.js';

/** A row count as typed: 5000, 100_000, 200k or 1M. */
export function parseRowCount(text: string): number {
  const m = /^(\d[\d_]*)([kKmM]?)$/.exec(text.trim());
  const n = m ? Number(m[1]!.replace(/_/g, '')) * (m[2] === '' ? 1 : /k/i.test(m[2]!) ? 1e3 : 1e6) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new UserError(`invalid row count ${JSON.stringify(text)}`, {}, 'use a positive whole number, e.g. 5000, 200k or 1M');
  return n;
}

export function registerSynth(program: Command): void {
  program
    .command('synth')
    .description('write N synthetic Statlog-shaped applicants (built from real rows of their class, no copies) as CSV')
    .argument('<rows>', 'number of applicants, e.g. 100000, 200k or 1M')
    .requiredOption('-o, --output <file>', 'output .csv file (written atomically)')
    .option('--seed <n>', 'seed (default: params seed)')
    .option('--dataset <name>', 'build from an ingested dataset (name or name@version) instead of the built-in Statlog sample')
    .addHelpText('after', `
Each row takes its class from the source's class balance, then each column from one of two real rows of
that class, with numbers jittered (noise scaled to the class's spread, rounded like the column). A row equal
to a real row is drawn again. Columns of a known codebook are written as its codes; ingest reads the file.

Examples:
  credit-tui synth 100000 -o applicants-100k.csv
  credit-tui synth 1M -o big.csv --seed 7
  credit-tui synth 20k -o kaggle-like.csv --dataset kaggle`)
    .action(async (rows: string, flags: { output: string; seed?: string; dataset?: string }, cmd: Command) => {
      const n = parseRowCount(rows);
      const { loadParams, openStore, projectAt, resolveHome } = await import('../../engine/project.js');
      const { synthFile } = await import('../../engine/synth.js');
      const g = globals(cmd);
      const project = projectAt(resolveHome(g.home));
      const params = loadParams(project, g.params);
      const seed = flags.seed === undefined ? params.seed : Number(flags.seed);
      if (!Number.isInteger(seed) || seed < 0) throw new UserError(`invalid --seed ${JSON.stringify(flags.seed)}`, {}, 'use a whole number ≥ 0');
      // The store opens only when an ingested dataset is the source: the sample needs no project.
      const store = flags.dataset === undefined ? null : openStore(project);
      try {
        const r = synthFile(project, store, { rows: n, output: flags.output, seed, dataset: flags.dataset ?? null });
        out(`wrote ${r.output}: ${r.rows} rows (${r.bad} bad, ${((100 * r.bad) / r.rows).toFixed(1)}%) built from ${r.source} (seed ${seed})`);
      } finally {
        store?.close();
      }
    });
}
