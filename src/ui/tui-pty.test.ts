import { execFileSync, spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, HAS_STATLOG, hasTmux, STATLOG, tmpHome } from '../test-support/helpers.js';

const session = `credit-tui-e2e-${process.pid}`;
const tmux = (...args: string[]): string => execFileSync('tmux', args, { encoding: 'utf8' });
const screen = (): string => tmux('capture-pane', '-p', '-t', session);
const keys = async (...k: string[]): Promise<void> => {
  for (const key of k) {
    tmux('send-keys', '-t', session, key);
    await new Promise((r) => setTimeout(r, 150));
  }
};
const type = async (text: string): Promise<void> => {
  tmux('send-keys', '-t', session, '-l', text);
  await new Promise((r) => setTimeout(r, 200));
};

async function waitFor(pattern: RegExp, timeoutMs = 60_000): Promise<string> {
  const t0 = Date.now();
  for (;;) {
    const s = screen();
    if (pattern.test(s)) return s;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${pattern}; screen:\n${s}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The real binary in a real pseudo-terminal (tmux, 80×24): ingest, train, leaderboard, score. */
describe.skipIf(!hasTmux() || !HAS_STATLOG)('credit-tui in a terminal', () => {
  afterAll(() => {
    spawnSync('tmux', ['kill-session', '-t', session]);
  });

  it('walks the workflow end to end', async () => {
    const home = tmpHome();
    tmux('new-session', '-d', '-s', session, '-x', '80', '-y', '24', `env -u CI NO_COLOR=1 ${process.execPath} ${BIN} --home ${home}; sleep 60`);
    let s = await waitFor(/credit-tui › Home/, 15_000);
    expect(s).toContain('1. Data          no data yet');

    await keys('1');
    await waitFor(/credit-tui › Data/);
    await type(STATLOG);
    await keys('Enter');
    s = await waitFor(/ingested statlog_german@1/);
    expect(s).toMatch(/statlog_german@1: 1000 rows, 21 columns \(statlog\)/);
    await keys('Escape');
    await waitFor(/1000 rows ingested \(statlog_german@1\)/);

    await keys('3');
    await waitFor(/credit-tui › Prepare/);
    for (let i = 0; i < 6; i++) await keys('Down');
    await keys('Right'); // quick grid
    for (let i = 0; i < 4; i++) await keys('Down'); // family forest
    await keys('Right');
    for (let i = 0; i < 3; i++) await keys('Down'); // family svm
    await keys('Right', 'Down', 'Right'); // svm, mlp off
    s = await waitFor(/4 families, 7 candidates × 5 folds = 35 fits/);
    await keys('Enter');
    s = await waitFor(/Ready to search:/);
    expect(s.split('\n')[0]).toContain('credit-tui › Train');
    expect(s).toContain('7 candidates × 5 folds = 35 fits');
    await keys('Enter');
    s = await waitFor(/done in \d\d:\d\d: \w+ v1, test AUC [\d.]+ \(champion\)/, 90_000);
    expect(s).toMatch(/leaderboard \(CV AUC\)/);
    expect(s).toMatch(/7 of 7 finished|finished candidates/);
    await keys('Escape');
    s = await waitFor(/credit-tui › Home/);
    // The alternate screen and no Static component: nothing of the Train screen is left above Home.
    expect(s.split('\n')[0]).toContain('credit-tui › Home');
    expect(s).not.toContain('✓ logreg');

    await keys('5');
    await waitFor(/credit-tui › Runs/);
    await keys('Enter');
    s = await waitFor(/credit-tui › Leaderboard/);
    expect(s).toMatch(/0\.7\d{3} ± 0\.\d{3}\s+(logreg|xgboost|knn|tree)/);
    await keys('Escape', 'Escape');

    await keys('7');
    await waitFor(/Score one applicant \(model v1/);
    await keys('Enter');
    s = await waitFor(/decision (APPROVE|DECLINE)/);
    expect(s).toMatch(/p\(bad\) 0\.\d{4}/);
    expect(s).toMatch(/score \d+ points/);
    await keys('Escape', 'q');
    // Quitting leaves the alternate screen: the shell's screen comes back without the TUI on it.
    s = await waitFor(/^(?![\s\S]*credit-tui ›)/, 5000);
    expect(s).not.toContain('credit-tui ›');
  });
});

describe('credit-tui without a terminal', () => {
  it('says to use the headless commands and exits non-zero', () => {
    const r = spawnSync(process.execPath, [BIN], { encoding: 'utf8', input: '' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('no interactive terminal');
    expect(r.stderr).toContain('credit-tui train --headless');
  });
});
