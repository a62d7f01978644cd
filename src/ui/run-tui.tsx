import { render } from 'ink';
import React from 'react';
import { App } from './app.js';
import type { ScreenId, Services } from './services.js';

/** Renders the TUI until the user quits; Ink and React load only on this path. */
export async function runTui(services: Services, initial: ScreenId = 'home'): Promise<void> {
  const instance = render(<App services={services} initial={initial} />, { exitOnCtrlC: true });
  await instance.waitUntilExit();
}
