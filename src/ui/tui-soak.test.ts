import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '../core/random.js';
import { BIN, HAS_STATLOG, hasTmux, runCli, STATLOG, tmpHome } from '../test-support/helpers.js';

/**
 * A long session in a real 80×24 terminal (tmux): after a quick search in the TUI, thousands of seeded
 * random keys with random gaps. Ink 6.8 with its Static component grew to gigabytes and froze within 200 keys here.
 * Replay a failure with CREDIT_TUI_SOAK_SEED=<seed> (and CREDIT_TUI_SOAK_KEYS for a shorter run).
 */
const SEED = Number(process.env['CREDIT_TUI_SOAK_SEED'] ?? 20261202);
const KEYS = Number(process.env['CREDIT_TUI_SOAK_KEYS'] ?? 2000);
const RSS_LIMIT_MB = 400;
const session = `credit-tui-soak-${process.pid}`;

const tmux = (...args: string[]): string => execFileSync('tmux', args, { encoding: 'utf8' });
const screen = (): string => tmux('capture-pane', '-p', '-t', session);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const send = (...k: string[]): void => void tmux('send-keys', '-t', session, ...k);
const paste = (text: string): void => void tmux('send-keys', '-t', session, '-l', text);

async function waitFor(pattern: RegExp, timeoutMs: number, why: string): Promise<string> {
  const t0 = Date.now();
  for (;;) {
    const s = screen();
    if (pattern.test(s)) return s;
    if (Date.now() - t0 > timeoutMs) throw new Error(`seed ${SEED}: ${why}: timed out waiting for ${pattern}; screen:\n${s}`);
    await sleep(100);
  }
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
}

/** Junk a user might paste into a path field: missing files, directories, unicode, traversal. */
const PASTES = ['/nonexistent/applicants.csv', '/', '/etc/passwd', '../../../../etc', 'data/', 'ünïcødé ✓.csv', '""', "'; DROP TABLE runs; --", '%s%n', 'a'.repeat(120), '~/x.parquet', '.'];
const NAMED = ['Up', 'Down', 'Left', 'Right', 'Enter', 'Escape', 'Tab', 'BSpace', 'C-u', 'PageUp', 'PageDown'];
const LETTERS = 'abcdefghijklmnoprstuvwxyzjkhl ';

function randomKey(rng: Rng): () => void {
  const r = rng.next();
  if (r < 0.5) {
    const k = NAMED[rng.int(NAMED.length)]!;
    return () => send(k);
  }
  if (r < 0.65) {
    const d = String(1 + rng.int(8));
    return () => send(d);
  }
  if (r < 0.85) {
    const c = LETTERS[rng.int(LETTERS.length)]!;
    return () => paste(c);
  }
  if (r < 0.9) return () => paste('?');
  if (r < 0.95) {
    const digits = String(rng.int(100000));
    return () => paste(digits);
  }
  const text = PASTES[rng.int(PASTES.length)]!;
  return () => paste(text);
}

describe.skipIf(!hasTmux() || !HAS_STATLOG)('a long TUI session', () => {
  afterAll(() => {
    spawnSync('tmux', ['kill-session', '-t', session]);
  });

  it(`survives ${KEYS} random keys after a search: alive, under ${RSS_LIMIT_MB} MB, help on demand, header on line 1`, async () => {
    const home = tmpHome();
    expect(runCli(['ingest', STATLOG], { home }).status).toBe(0);
    tmux('new-session', '-d', '-s', session, '-x', '80', '-y', '24', `exec env -u CI NO_COLOR=1 ${process.execPath} ${BIN} --home ${home}`);
    const pid = Number(tmux('display-message', '-p', '-t', session, '#{pane_pid}').trim());
    await waitFor(/credit-tui › Home/, 15_000, 'start');

    // A quick search in the TUI: the finished candidates are what once broke Ink.
    send('3');
    await waitFor(/credit-tui › Prepare/, 5000, 'open Prepare');
    for (let i = 0; i < 6; i++) send('Down');
    send('Right'); // quick grid
    for (let i = 0; i < 4; i++) send('Down');
    send('Right'); // forest off
    for (let i = 0; i < 3; i++) send('Down');
    send('Right', 'Down', 'Right'); // svm, mlp off
    await waitFor(/7 candidates × 5 folds = 35 fits/, 5000, 'choose a quick grid');
    send('Enter');
    await waitFor(/Ready to search/, 5000, 'open Train');
    send('Enter');
    await waitFor(/done in \d\d:\d\d: \w+ v\d+, test AUC/, 120_000, 'quick search');
    send('Escape');
    await waitFor(/credit-tui › Home/, 5000, 'back home');

    const rng = new Rng(SEED);
    let peak = rssMb(pid);
    for (let k = 1; k <= KEYS; k++) {
      randomKey(rng)();
      await sleep(rng.next() * 600);
      if (k % 50 === 0) {
        expect(existsSync(`/proc/${pid}`), `seed ${SEED}: the TUI died after ${k} keys; screen:\n${screen()}`).toBe(true);
        const rss = rssMb(pid);
        peak = Math.max(peak, rss);
        expect(rss, `seed ${SEED}: RSS ${rss.toFixed(0)} MB after ${k} keys`).toBeLessThan(RSS_LIMIT_MB);
        expect(screen(), `seed ${SEED}: a raw system error or stack after ${k} keys`).not.toMatch(/\bE[A-Z]{3,}:|at .+\.js:\d+|RuntimeError/);
      }
      if (k % 500 === 0) {
        for (let i = 0; i < 4; i++) {
          send('Escape');
          await sleep(150);
        }
        paste('?');
        const s = await waitFor(/credit-tui › Help/, 1500, `help after ${k} keys`);
        expect(s.split('\n')[0], `seed ${SEED}: header not on line 1 after ${k} keys`).toContain('credit-tui › Help');
        send('Escape');
      }
    }
    console.log(`soak: ${KEYS} keys (seed ${SEED}), peak RSS ${peak.toFixed(0)} MB`);
  }, 30 * 60_000);
});
