import type { Command } from 'commander';
import { UserError } from '../../core/errors.js';
import { err, globals, storeSetting } from '../context.js';

function portFlag(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UserError(`invalid --port ${JSON.stringify(value)}`, {}, 'an integer from 0 to 65535');
  return n;
}

export function registerDashboard(program: Command): void {
  program
    .command('dashboard')
    .description('read-only web pages of runs, models, drift and monitoring (also served by `serve` under /dashboard), without loading a model')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--port <port>', 'port (0 = any free port)', '8001')
    .option('--token <token>', 'require the token (default: $CREDIT_TUI_TOKEN): Authorization: Bearer <token>, or /dashboard?token=<token> once in a browser')
    .addHelpText('after', `
Every page is also JSON at the same URL plus .json (/dashboard.json, /dashboard/models/3.json).

Examples:
  credit-tui dashboard
  credit-tui dashboard --port 8080 --token s3cret`)
    .action(async (flags: { host: string; port: string; token?: string }, cmd: Command) => {
      const port = portFlag(flags.port);
      const token = flags.token ?? process.env['CREDIT_TUI_TOKEN'];
      const { loadParams, projectAt, resolveHome } = await import('../../engine/project.js');
      const { buildDashboardServer } = await import('../../serve/dashboard/app.js');
      const { clearDashboardStatus, writeDashboardStatus } = await import('../../serve/dashboard/status.js');
      const g = globals(cmd);
      const project = projectAt(resolveHome(g.home));
      const app = await buildDashboardServer({ project, ...(token ? { token } : {}), store: storeSetting(g, loadParams(project, g.params)) });
      const address = (await app.listen({ host: flags.host, port })).replace('[::1]', 'localhost');
      const url = `${address}/dashboard`;
      writeDashboardStatus(project, { pid: process.pid, url });
      err(`dashboard at ${url}${token ? ' (token required)' : ''}`);
      await new Promise<void>((resolve) => {
        const stop = (): void => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await app.close();
      clearDashboardStatus(project);
    });
}
