import { render } from 'ink-testing-library';
import React from 'react';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS, type Params } from '../../core/params/params.js';
import { openStore } from '../../engine/project.js';
import { scorecardOf } from '../../engine/scorecard.js';
import { STATLOG } from '../../test-support/helpers.js';
import { ingestedProject, runTrain } from '../../test-support/train.js';
import type { Services } from '../services.js';
import { ModelsScreen } from './models.js';

const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));

async function frameMatching(lastFrame: () => string | undefined, pattern: RegExp, timeoutMs = 10_000): Promise<string> {
  const t0 = Date.now();
  while (!pattern.test(lastFrame() ?? '') && Date.now() - t0 < timeoutMs) await tick(20);
  return lastFrame() ?? '';
}

describe('Models screen with a scorecard', () => {
  let services: Services;
  const params: Params = { ...DEFAULT_PARAMS, search: { ...DEFAULT_PARAMS.search, workers: 1 } };

  beforeAll(async () => {
    const project = await ingestedProject(STATLOG);
    await runTrain(project, params, { families: ['scorecard'], quick: true, workers: 1 });
    services = { project, store: openStore(project), params, workers: 1 };
  }, 120_000);
  afterAll(() => services.store.close());

  it('shows the strongest characteristics with their bins’ points and fits an 80×24 terminal', async () => {
    const { lastFrame, unmount } = render(<ModelsScreen services={services} onBack={() => undefined} />);
    const frame = await frameMatching(lastFrame, /more characteristics: credit-tui scorecard 1/);
    const table = scorecardOf(services.store, params, '1').table.characteristics;
    const top = [...table].sort((a, b) => b.iv - a.iv)[0]!;
    // The strongest characteristic's first bin and its rounded points, as the points table has them.
    expect(frame).toContain(`${top.characteristic} (IV ${top.iv.toFixed(2)}): ${top.bins[0]!.bin} ${Math.round(top.bins[0]!.points)}`);
    expect(frame).toContain(`… ${table.length - 3} more characteristics: credit-tui scorecard 1`);
    expect(frame.split('\n').length).toBeLessThanOrEqual(23);
    unmount();
  });
});
