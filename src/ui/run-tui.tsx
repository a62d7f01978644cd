import { Box, render, Text } from 'ink';
import React from 'react';
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
        <Text color="red">✗ {this.state.error.message.split('\n')[0]}</Text>
        <Text dimColor>Try the same step with the headless command (credit-tui --help) for details; Ctrl+C quits.</Text>
      </Box>
    );
  }
}

/** Renders the TUI until the user quits; Ink and React load only on this path. */
export async function runTui(services: Services, initial: ScreenId = 'home'): Promise<void> {
  const instance = render(
    <ErrorBoundary>
      <App services={services} initial={initial} />
    </ErrorBoundary>,
    { exitOnCtrlC: true },
  );
  await instance.waitUntilExit();
}
