import { render } from 'ink-testing-library';
import React from 'react';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS } from '../core/params/params.js';
import { ingest } from '../engine/ingest.js';
import { openStore, projectAt } from '../engine/project.js';
import { HAS_STATLOG, STATLOG, tmpHome } from '../test-support/helpers.js';
import { App } from './app.js';
import { splitKeys } from './components/keys.js';
import type { Services } from './services.js';

const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));
async function frameMatching(lastFrame: () => string | undefined, pattern: RegExp, timeoutMs = 5000): Promise<string> {
  const t0 = Date.now();
  while (!pattern.test(lastFrame() ?? '') && Date.now() - t0 < timeoutMs) await tick(20);
  return lastFrame() ?? '';
}
/** The selected line of a list (the one marked ❯). */
const selectedLine = (frame: string): string => frame.split('\n').find((l) => l.includes('❯'))?.trim() ?? '';

describe('splitKeys: every key of a chunk is a key of its own', () => {
  it('letters written together are separate keys; control bytes keep their meaning', () => {
    const none = { upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false, return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false, super: false, hyper: false, capsLock: false, numLock: false };
    expect(splitKeys('jj', none).map((k) => k.input)).toEqual(['j', 'j']);
    expect(splitKeys('jk\r', none).map((k) => [k.input, k.key.return])).toEqual([['j', false], ['k', false], ['', true]]);
    expect(splitKeys('j', none)).toEqual([{ input: 'j', key: none }]);
    // A pasted path stays one input: its letters must not fire list bindings (the q of .parquet would quit).
    expect(splitKeys('~/x.parquet', none).map((k) => k.input)).toEqual(['~/x.parquet']);
    expect(splitKeys('386\r', none).map((k) => k.input)).toEqual(['3', '8', '6', '']);
  });
});

describe.skipIf(!HAS_STATLOG)('keys typed together in navigation are each applied, in every screen', () => {
  let services: Services;
  beforeAll(async () => {
    const home = tmpHome();
    const project = projectAt(home);
    const store = openStore(project);
    for await (const _ of ingest(project, store, { source: STATLOG })) void _;
    services = { project, store, params: DEFAULT_PARAMS, workers: 1 };
  });

  it('Home: `jjj` in one write moves three steps, `jjk` then one back', async () => {
    const { lastFrame, stdin, unmount } = render(<App services={services} />);
    await frameMatching(lastFrame, /credit-tui › Home/);
    await tick(150);
    stdin.write('jjj');
    expect(selectedLine(await frameMatching(lastFrame, /❯ 4\. Train/))).toMatch(/^❯ 4\. Train/);
    stdin.write('jjk');
    expect(selectedLine(await frameMatching(lastFrame, /❯ 5\. Leaderboard/))).toMatch(/^❯ 5\. Leaderboard/);
    unmount();
  });

  it('Explore: `jj` in one write selects the third column by information value, as `j` `j` does', async () => {
    const { lastFrame, stdin, unmount } = render(<App services={services} />);
    await frameMatching(lastFrame, /credit-tui › Home/);
    stdin.write('2');
    const first = await frameMatching(lastFrame, /columns by information value[\s\S]*❯/, 15_000);
    await tick(150); // the screen's key handlers attach just after its first frame
    const columns = first.split('\n').filter((l) => /^\s*[❯ ] \S/.test(l) && !/credit-tui/.test(l)).map((l) => l.replace('❯', ' ').trim().split(/\s+/)[0]!);
    stdin.write('jj');
    const third = columns[2]!;
    const f = await frameMatching(lastFrame, new RegExp(`❯ ${third}\\b`));
    expect(selectedLine(f).replace('❯', '').trim().split(/\s+/)[0]).toBe(third);
    unmount();
  });

  it('Drift: the prefilled reference is selected, so typing a path replaces it instead of appending', async () => {
    const { lastFrame, stdin, unmount } = render(<App services={services} />);
    await frameMatching(lastFrame, /credit-tui › Home/);
    stdin.write('8');
    const latest = services.store.listDatasets()[0]!.path;
    await frameMatching(lastFrame, /credit-tui › Drift/);
    await tick(150); // the screen's key handlers attach just after its first frame
    expect(lastFrame()).toContain(latest);
    stdin.write('/tmp/ref.csv');
    const f = await frameMatching(lastFrame, /Reference: \/tmp\/ref\.csv/);
    expect(f).toMatch(/Reference: \/tmp\/ref\.csv/);
    expect(f).not.toContain(latest);
    stdin.write('\x7f\x7f\x7f\x7f');
    expect(await frameMatching(lastFrame, /Reference: \/tmp\/ref\s*$/m)).toMatch(/Reference: \/tmp\/ref\s*$/m);
    unmount();
  });
});
