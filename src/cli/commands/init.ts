import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { UserError } from '../../core/errors.js';
import { parseParams } from '../../core/params/params.js';
import { paramsTemplate } from '../../core/params/template.js';
import { redactStoreUrl } from '../../core/store/store-url.js';

import { globals, out, storeSetting } from '../context.js';

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('write a commented params.yaml with every default into the project directory')
    .option('--force', 'overwrite an existing params.yaml')
    .addHelpText('after', '\nExamples:\n  credit-tui init\n  credit-tui --home ~/credit init --force')
    .action(async (opts: { force?: boolean }, cmd: Command) => {
      const { projectAt, resolveHome, writeFileAtomic } = await import('../../engine/project.js');
      const project = projectAt(resolveHome(globals(cmd).home));
      if (existsSync(project.paramsPath) && !opts.force) {
        throw new UserError('params.yaml already exists', { file: project.paramsPath }, 'pass --force to overwrite it');
      }
      const text = paramsTemplate();
      parseParams(text); // the template must always validate
      writeFileAtomic(project.paramsPath, text);
      out(`wrote ${project.paramsPath}`);
    });

  program
    .command('params')
    .description('validate params.yaml and print the effective parameters (defaults filled in)')
    .option('--json', 'print JSON')
    .option('--check', 'only validate: one line saying which file is valid (exit 0), or the error (exit 1)')
    .addHelpText('after', '\nExamples:\n  credit-tui params\n  credit-tui params --check\n  credit-tui --params other.yaml params --json')
    .action(async (opts: { json?: boolean; check?: boolean }, cmd: Command) => {
      const { describeStore, loadParams, projectAt, resolveHome } = await import('../../engine/project.js');
      const g = globals(cmd);
      const project = projectAt(resolveHome(g.home));
      const params = loadParams(project, g.params);
      if (opts.check) {
        const file = g.params ?? project.paramsPath;
        const text = g.params || existsSync(file) ? `${file}: valid` : `no ${file}: the built-in defaults apply (credit-tui init writes them out)`;
        out(opts.json ? JSON.stringify({ valid: true, file: g.params || existsSync(file) ? file : null }) : text);
        return;
      }
      // A password written into store.url is never printed.
      const shown = params.store?.url ? { ...params, store: { ...params.store, url: redactStoreUrl(params.store.url) } } : params;
      out(opts.json ? JSON.stringify(shown) : JSON.stringify(shown, null, 2));
      // Which store is in use (flag, environment and params.yaml resolved): a line after the JSON, never inside it.
      if (!opts.json) out(`store: ${describeStore(project, storeSetting(g, params))}`);
    });
}
