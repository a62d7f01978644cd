import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { UserError } from '../core/errors.js';
import type { ScreenId } from '../ui/services.js';
import { withContext } from './context.js';

/** The TUI runs only for a person at a terminal: both stdin and stdout are TTYs and this is not CI. */
export function isInteractive(): boolean {
  return Boolean(process.stdin.isTTY && process.stdout.isTTY) && !process.env['CI'];
}

/** The TUI module: the one-file bundle the build makes (fast to load) or, from sources under test, the modules. */
async function loadTui(): Promise<typeof import('../ui/run-tui.js')> {
  const bundle = new URL('../ui/run-tui.bundle.js', import.meta.url);
  if (existsSync(fileURLToPath(bundle))) return (await import(bundle.href)) as typeof import('../ui/run-tui.js');
  return import('../ui/run-tui.js');
}

/** Opens the Ink TUI on a screen; without a terminal, says which headless command to use instead. */
export async function openTui(cmd: Command, screen: ScreenId): Promise<void> {
  if (!isInteractive()) {
    throw new UserError('no interactive terminal: the TUI needs one', {}, 'use the headless commands, e.g. credit-tui train --headless; see credit-tui --help', 2);
  }
  // chalk (under Ink) honours FORCE_COLOR but not NO_COLOR; translate before it loads.
  if ('NO_COLOR' in process.env) process.env['FORCE_COLOR'] = '0';
  await withContext(cmd, async ({ project, store, params }) => {
    const { runTui } = await loadTui();
    await runTui({ project, store, params }, screen);
  });
}
