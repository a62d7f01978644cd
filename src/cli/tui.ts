import type { Command } from 'commander';
import { UserError } from '../core/errors.js';
import type { ScreenId } from '../ui/services.js';
import { withContext } from './context.js';

/** The TUI runs only for a person at a terminal: both stdin and stdout are TTYs and this is not CI. */
export function isInteractive(): boolean {
  return Boolean(process.stdin.isTTY && process.stdout.isTTY) && !process.env['CI'];
}

/** Opens the Ink TUI on a screen; without a terminal, says which headless command to use instead. */
export async function openTui(cmd: Command, screen: ScreenId): Promise<void> {
  if (!isInteractive()) {
    throw new UserError('no interactive terminal: the TUI needs one', {}, 'use the headless commands, e.g. credit-tui train --headless; see credit-tui --help', 2);
  }
  // chalk (under Ink) honours FORCE_COLOR but not NO_COLOR; translate before it loads.
  if ('NO_COLOR' in process.env) process.env['FORCE_COLOR'] = '0';
  await withContext(cmd, async ({ project, store, params }) => {
    const { runTui } = await import('../ui/run-tui.js');
    await runTui({ project, store, params }, screen);
  });
}
