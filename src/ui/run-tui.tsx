import { Box, render, Text } from 'ink';
import React from 'react';
import { humanMessage } from '../core/human-errors.js';
import { App } from './app.js';
import type { ScreenId, Services } from './services.js';

/** Shows an unexpected error as one line with a hint instead of a stack trace across the layout. */
export class ErrorBoundary extends React.Component<{ readonly children: React.ReactNode }, { readonly error: Error | null }> {
  override state = { error: null as Error | null };

  static getDerivedStateFromError(error: Error): { error: Error } {
    return { error };
  }

  override render(): React.ReactNode {
    if (!this.state.error) return this.props.children;
    return (
      <Box flexDirection="column">
        <Text color="red">✗ {humanMessage(this.state.error)}</Text>
        <Text dimColor>Try the same step with the headless command (credit-tui --help) for details; Ctrl+C quits.</Text>
      </Box>
    );
  }
}

const ENTER_ALTERNATE_SCREEN = '\x1b[?1049h\x1b[H';
const LEAVE_ALTERNATE_SCREEN = '\x1b[?1049l';
const SHOW_CURSOR = '\x1b[?25h';

/**
 * Renders the TUI until the user quits; Ink and React load only on this path.
 *
 * The TUI draws on the terminal's alternate screen, so nothing it printed is left behind in the shell, and
 * every screen starts on the top line. The normal screen is restored on quit, on an uncaught error and on
 * SIGTERM/SIGHUP/SIGINT (a signal ends the process with 128 + its number, as a shell expects).
 */
export async function runTui(services: Services, initial: ScreenId = 'home'): Promise<void> {
  const out = process.stdout;
  let restored = false;
  const restore = (): void => {
    if (restored) return;
    restored = true;
    out.write(SHOW_CURSOR + LEAVE_ALTERNATE_SCREEN);
  };
  out.write(ENTER_ALTERNATE_SCREEN);
  process.once('exit', restore);
  const instance = render(
    <ErrorBoundary>
      <App services={services} initial={initial} />
    </ErrorBoundary>,
    { exitOnCtrlC: true, patchConsole: true },
  );
  const onSignal = (signal: NodeJS.Signals, code: number) => (): void => {
    instance.unmount();
    restore();
    services.store.close();
    process.exit(128 + code);
  };
  const handlers: [NodeJS.Signals, () => void][] = [
    ['SIGTERM', onSignal('SIGTERM', 15)],
    ['SIGHUP', onSignal('SIGHUP', 1)],
    ['SIGINT', onSignal('SIGINT', 2)],
  ];
  for (const [s, h] of handlers) process.on(s, h);
  try {
    await instance.waitUntilExit();
  } finally {
    for (const [s, h] of handlers) process.off(s, h);
    instance.unmount();
    restore();
    process.off('exit', restore);
  }
}
