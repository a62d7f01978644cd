import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { UserError } from '../../core/errors.js';
import { err, globals, storeSetting, withContext } from '../context.js';

interface ServeFlags {
  host: string;
  port: string;
  model: string;
  workers?: string;
  logPredictions?: boolean;
  token?: string;
  bodyLimit: string;
}

function intFlag(name: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new UserError(`invalid --${name} ${JSON.stringify(value)}`, {}, `an integer from ${min} to ${max}`);
  return n;
}

export function registerServe(program: Command, version: string): void {
  program
    .command('serve')
    .description('HTTP scoring service (MLflow protocol, /v1/score, OpenAPI, a web form) following the champion alias')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--port <port>', 'port (0 = any free port)', '8000')
    .option('--model <ref>', "alias to follow (champion) or a version to pin (3 or v3)", 'champion')
    .option('--workers <n>', 'processes sharing the port (default: one per core)')
    .option('--log-predictions', 'append every scored applicant to outputs/predictions/ (NDJSON segments) for monitoring')
    .option('--token <token>', 'require Authorization: Bearer <token> (default: $CREDIT_TUI_TOKEN; /ping, /health and the form page stay open)')
    .option('--body-limit <bytes>', 'largest request body', String(10 * 1024 * 1024))
    .addHelpText('after', `
Examples:
  credit-tui serve
  credit-tui serve --port 8080 --workers 2 --log-predictions
  credit-tui serve --model 3 --token s3cret
  curl -s localhost:8000/invocations -H 'content-type: application/json' \\
    -d '{"dataframe_records":[{"checking_status":"A11","duration":24, ...}]}'`)
    .action(async (flags: ServeFlags, cmd: Command) => {
      const port = intFlag('port', flags.port, 0, 65535);
      const workers = flags.workers === undefined ? availableParallelism() : intFlag('workers', flags.workers, 1, 64);
      const bodyLimit = intFlag('body-limit', flags.bodyLimit, 1024, 1024 ** 3);
      if (!/^v?\d+$|^[A-Za-z][A-Za-z0-9_-]{0,40}$/.test(flags.model)) throw new UserError(`invalid --model ${JSON.stringify(flags.model)}`, {}, 'an alias such as champion, or a version such as 3');
      const token = flags.token ?? process.env['CREDIT_TUI_TOKEN'];
      await withContext(cmd, async ({ project, store, params }) => {
        const { serve } = await import('../../serve/run.js');
        await serve(project, store, params, { host: flags.host, port, model: flags.model, workers, logPredictions: Boolean(flags.logPredictions), bodyLimit, version, store: storeSetting(globals(cmd), params), ...(token ? { token } : {}) }, (line) => err(line));
      });
    });
}
