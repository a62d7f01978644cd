import type { Command } from 'commander';
import { CancelledError, UserError } from '../../core/errors.js';
import { FAMILIES, isFamily, type Family } from '../../core/params/grids.js';
import type { PromotePolicy, SearchStrategy } from '../../core/params/params.js';

import { err, out, withContext } from '../context.js';
import { leaderboardText, progressLine, summaryJson } from '../reporters/train-lines.js';
import { isInteractive, openTui } from '../tui.js';

export function parseFamilies(list: string | undefined): Family[] | undefined {
  if (list === undefined) return undefined;
  const fams = list.split(',').map((s) => s.trim()).filter(Boolean);
  for (const f of fams) if (!isFamily(f)) throw new UserError(`unknown family '${f}'`, {}, `choose from ${FAMILIES.join(', ')}`);
  return fams as Family[];
}

interface TrainFlags {
  headless?: boolean;
  json?: boolean;
  families?: string;
  quick?: boolean;
  dataset?: string;
  splitFile?: string;
  workers?: string;
  exclude?: string;
  promote?: string;
  force?: boolean;
  search?: string;
  trials?: string;
  time?: string;
}

/** `60`, `60s`, `2m` or `1h` as seconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(s|m|h)?$/.exec(text.trim());
  const seconds = m ? Number(m[1]) * (m[2] === 'h' ? 3600 : m[2] === 'm' ? 60 : 1) : NaN;
  if (!(seconds > 0)) throw new UserError(`invalid --time ${JSON.stringify(text)}`, {}, 'seconds, e.g. 60s, 5m or 1h');
  return seconds;
}

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('cross-validated grid search over the model families; records every candidate, registers the champion')
    .option('--headless', 'no TUI: progress lines on stderr, leaderboard on stdout (the default without a terminal)')
    .option('--json', 'NDJSON events on stdout, then a summary line')
    .option('--families <list>', `comma-separated subset of ${FAMILIES.join(',')}`)
    .option('--quick', 'small grids (a minute or less)')
    .option('--dataset <name>', 'dataset name or name@version (default: params data.dataset, else the latest)')
    .option('--split-file <json>', 'exact train/test rows and folds, e.g. ../shared/reference/split_statlog_german.json')
    .option('--exclude <cols>', 'comma-separated columns the models may not use (fairness through unawareness), e.g. age,personal_status,foreign_worker')
    .option('--workers <n>', 'worker threads (default: params search.workers, 0 = one per core)')
    .option('--search <strategy>', 'auto (grid, or halving when the grid is estimated over planner.grid_budget) | grid (every candidate) | halving (successive halving over the grid) | tpe (Parzen estimator over search.spaces); default params search.strategy')
    .option('--trials <n>', 'tpe: number of trials (default params search.trials)')
    .option('--time <duration>', 'start no trial (tpe) or fold fit (grid, halving) after this long, e.g. 60s or 5m')
    .option('--promote <when>', "always | if-better (beat the current champion on the same test rows) | never (default: params decision.promote)")
    .option('--force', 'register a new version even when an existing one holds this exact model (same data sha256, params, code and seed)')
    .addHelpText('after', `
Examples:
  credit-tui train --headless
  credit-tui train --headless --families xgboost,logreg --quick
  credit-tui train --json --split-file ../shared/reference/split_statlog_german.json
  credit-tui train --headless --exclude age,personal_status,foreign_worker
  credit-tui train --headless --search halving
  credit-tui train --headless --search tpe --trials 40
  credit-tui train --headless --search tpe --time 60s`)
    .action(async (flags: TrainFlags, cmd: Command) => {
      const { ingest, SAMPLE_STATLOG } = await import('../../engine/ingest.js');
      const { train } = await import('../../engine/train.js');
      const families = parseFamilies(flags.families);
      let workers: number | undefined;
      if (flags.workers !== undefined) {
        workers = Number(flags.workers);
        if (!Number.isInteger(workers) || workers < 0 || workers > 64) throw new UserError(`invalid --workers ${JSON.stringify(flags.workers)}`, {}, 'an integer from 0 to 64');
      }
      if (flags.search !== undefined && !['auto', 'grid', 'halving', 'tpe'].includes(flags.search)) throw new UserError(`invalid --search ${JSON.stringify(flags.search)}`, {}, 'auto, grid, halving or tpe');
      const trials = flags.trials === undefined ? undefined : Number(flags.trials);
      if (trials !== undefined && !(Number.isInteger(trials) && trials >= 1 && trials <= 10_000)) throw new UserError(`invalid --trials ${JSON.stringify(flags.trials)}`, {}, 'an integer from 1 to 10000');
      const time = flags.time === undefined ? undefined : parseDuration(flags.time);
      if (flags.promote !== undefined && !['always', 'if-better', 'never'].includes(flags.promote)) throw new UserError(`invalid --promote ${JSON.stringify(flags.promote)}`, {}, 'always, if-better or never');
      if (!flags.headless && !flags.json && isInteractive()) return openTui(cmd, 'train');
      await withContext(cmd, async ({ project, store, params }) => {
        if (!flags.dataset && !params.data.dataset && store.listDatasets().length === 0) {
          err(`no dataset ingested yet: ingesting the built-in UCI Statlog sample (${SAMPLE_STATLOG}) first`);
          for await (const ev of ingest(project, store, { target: params.data.target, badValue: params.data.bad_value, roles: params.data.roles })) void ev;
        }
        const controller = new AbortController();
        const stop = (): void => controller.abort();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        try {
          const events = train(project, store, params, {
            ...(families ? { families } : {}),
            quick: Boolean(flags.quick),
            ...(flags.dataset ? { dataset: flags.dataset } : {}),
            ...(flags.splitFile ? { splitFile: flags.splitFile } : {}),
            ...(workers !== undefined && workers > 0 ? { workers } : {}),
            ...(flags.exclude ? { exclude: flags.exclude.split(',').map((c) => c.trim()).filter(Boolean) } : {}),
            ...(flags.promote ? { promote: flags.promote as PromotePolicy } : {}),
            ...(flags.force ? { force: true } : {}),
            ...(flags.search ? { search: flags.search as SearchStrategy | 'auto' } : {}),
            ...(trials !== undefined ? { trials } : {}),
            ...(time !== undefined ? { time } : {}),
            signal: controller.signal,
          });
          for await (const ev of events) {
            if (flags.json) {
              out(JSON.stringify(ev.type === 'finished' ? summaryJson(ev.summary) : ev.type === 'candidate' ? { ...ev, leaderboard: undefined } : ev));
              continue;
            }
            const line = progressLine(ev);
            if (line) err(line);
            if (ev.type === 'finished') out(leaderboardText(ev.summary));
          }
        } catch (e) {
          if (controller.signal.aborted) throw new CancelledError('training stopped; the run is marked KILLED');
          throw e;
        } finally {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
        }
      });
    });
}
