import { Command, CommanderError } from 'commander';
import { CancelledError, UserError } from '../core/errors.js';
import { registerEda, registerDatasets } from './commands/eda.js';
import { registerBin } from './commands/bin.js';
import { registerScorecard } from './commands/scorecard.js';
import { registerIngest } from './commands/ingest.js';
import { registerInit } from './commands/init.js';
import { registerModels } from './commands/models.js';
import { registerRuns } from './commands/runs.js';
import { registerDrift } from './commands/drift.js';
import { registerScore } from './commands/score.js';
import { registerServe } from './commands/serve.js';
import { registerStore } from './commands/store.js';
import { registerDashboard } from './commands/dashboard.js';
import { registerMonitor } from './commands/monitor.js';
import { registerFairness } from './commands/fairness.js';
import { registerExport } from './commands/export.js';
import { registerSynth } from './commands/synth.js';
import { registerTrain } from './commands/train.js';
import { err, out } from './context.js';
import { asUserError } from '../core/human-errors.js';
import { openTui } from './tui.js';

export const VERSION = '0.1.0';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('credit-tui')
    .description('Credit-risk modelling end to end: ingest, EDA, grid search, registry, scoring and drift, recorded in runs.db.\nWith no command in a terminal it opens the interactive TUI.')
    .version(VERSION)
    .option('--home <dir>', 'project directory for runs.db, data/ and models/ (default: $CREDIT_TUI_HOME or the current directory)')
    .option('--params <file>', 'params file (default: <home>/params.yaml, or built-in defaults)')
    .option('--artifacts <dir>', 'with a PostgreSQL store: keep artifact bytes (model bundles, processed Parquet, prediction-log segments) in this directory the machines share instead of the database (default: $CREDIT_TUI_ARTIFACTS, else store.artifacts in params.yaml)')
    .option('--store <url>', 'where runs, datasets and the registry live: postgresql://user:password@host:port/db for a shared server, or sqlite:PATH (default: $CREDIT_TUI_STORE, else store.url in params.yaml, else <home>/runs.db)')
    .option('--verbose', 'print stack traces of internal errors')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) })
    .addHelpText('after', `
Examples:
  credit-tui ingest ../shared/data/statlog_german.data
  credit-tui eda
  credit-tui train --headless
  credit-tui score applicants.csv -o scored.csv
  credit-tui drift ref.parquet cur.parquet
  credit-tui serve --port 8000`);
  registerInit(program);
  registerIngest(program);
  registerDatasets(program);
  registerEda(program);
  registerBin(program);
  registerScorecard(program);
  registerTrain(program);
  registerRuns(program);
  registerModels(program);
  registerScore(program);
  registerDrift(program);
  registerServe(program, VERSION);
  registerStore(program);
  registerDashboard(program);
  registerMonitor(program);
  registerFairness(program);
  registerExport(program);
  registerSynth(program);
  program.action(async (_opts: unknown, cmd: Command) => {
    if (cmd.args.length > 0) throw new UserError(`unknown command '${cmd.args[0]}'`, {}, 'see credit-tui --help');
    await openTui(cmd, 'home');
  });
  for (const c of program.commands) c.exitOverride();
  return program;
}

/** Parses argv, runs the command, and turns every failure into one line on stderr and an exit code. */
export async function run(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  const verbose = argv.includes('--verbose');
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 || e.code === 'commander.helpDisplayed' || e.code === 'commander.version' ? 0 : 1;
    // Under --json the answer is machine-read: the error is also one JSON line on stdout, where the result would
    // have been; stderr keeps the one human line.
    const json = argv.includes('--json');
    const user = asUserError(e);
    if (user) {
      if (json) out(JSON.stringify({ error: { code: 'USER_ERROR', message: user.message, ...user.location, ...(user.hint ? { hint: user.hint } : {}), exit_code: user.exitCode } }));
      err(`error: ${user.message}`);
      return user.exitCode;
    }
    if (e instanceof CancelledError) {
      if (json) out(JSON.stringify({ error: { code: 'CANCELLED', message: e.message, exit_code: 130 } }));
      err(`cancelled: ${e.message}`);
      return 130;
    }
    if (json) out(JSON.stringify({ error: { code: 'INTERNAL_ERROR', message: (e as Error).message ?? String(e), exit_code: 2 } }));
    err(`internal error: ${(e as Error).message ?? String(e)}${verbose ? `\n${(e as Error).stack}` : ' (run with --verbose for details)'}`);
    return 2;
  }
}
