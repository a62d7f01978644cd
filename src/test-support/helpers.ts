import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The one setting tests use to find the real data: CREDIT_TUI_DATA, else ../shared/data beside the repository.
 */
export const DATA_DIR = resolve(process.env['CREDIT_TUI_DATA'] ?? join(REPO_ROOT, '..', 'shared', 'data'));
export const REFERENCE_DIR = resolve(DATA_DIR, '..', 'reference');
/** The UCI Statlog file shipped with the package (byte-identical to the shared copy; see data/samples/README.md). */
export const SAMPLE_STATLOG = join(REPO_ROOT, 'data', 'samples', 'german.data');

/** All three real files (and the scikit-learn reference beside them) are present. */
export const HAS_REAL_DATA = ['statlog_german.data', 'south_german_credit.asc', 'german_credit_kaggle.csv'].every((f) => existsSync(join(DATA_DIR, f)));

/** Statlog is always available: the shared copy, else the shipped sample. */
export const STATLOG = existsSync(join(DATA_DIR, 'statlog_german.data')) ? join(DATA_DIR, 'statlog_german.data') : SAMPLE_STATLOG;
export const HAS_STATLOG = existsSync(STATLOG);

if (!HAS_REAL_DATA) {
  // CI sets CREDIT_TUI_REQUIRE_DATA so that a missing ../shared/data fails the run instead of skipping guarantees.
  if (process.env['CREDIT_TUI_REQUIRE_DATA']) throw new Error(`real data missing in ${DATA_DIR} (CREDIT_TUI_REQUIRE_DATA is set): set CREDIT_TUI_DATA to the folder holding statlog_german.data, south_german_credit.asc and german_credit_kaggle.csv`);
  process.stderr.write(`note: ${DATA_DIR} lacks the real data files: tests that need South German, Kaggle or the scikit-learn reference are skipped (set CREDIT_TUI_DATA to run them); Statlog tests use data/samples/german.data\n`);
}
/**
 * A program a test drives (tmux, chromium) is there. Under CREDIT_TUI_REQUIRE_DATA (set by CI) its absence
 * fails the test file instead of skipping it, as for the data: a guarantee must not pass by not running.
 */
export function hasRequiredTool(name: string, present: boolean): boolean {
  if (!present && process.env['CREDIT_TUI_REQUIRE_DATA']) throw new Error(`${name} is not installed (CREDIT_TUI_REQUIRE_DATA is set): .ci/run installs it from Debian`);
  return present;
}

/** tmux answers (the TUI's end-to-end tests drive the real binary in it). */
export const hasTmux = (): boolean => hasRequiredTool('tmux', spawnSync('tmux', ['-V']).status === 0);

/** Debian's chromium, for the browser tests (playwright-core cannot download a browser here). */
export const CHROMIUM = process.env['CREDIT_TUI_CHROMIUM'] ?? '/usr/bin/chromium';
export const hasChromium = (): boolean => hasRequiredTool('chromium', existsSync(CHROMIUM));

export const SOUTH = join(DATA_DIR, 'south_german_credit.asc');
export const KAGGLE = join(DATA_DIR, 'german_credit_kaggle.csv');

/** A fresh, empty project directory. */
export function tmpHome(prefix = 'credit-tui-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export const BIN = join(REPO_ROOT, 'bin', 'credit-tui');

/** Runs the real compiled binary as a separate process. */
export function runCli(args: readonly string[], opts: { home?: string; env?: Record<string, string>; input?: string; timeoutMs?: number } = {}): SpawnSyncReturns<string> {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', ...opts.env };
  delete env['CREDIT_TUI_HOME'];
  return spawnSync(process.execPath, [BIN, ...(opts.home ? ['--home', opts.home] : []), ...args], {
    encoding: 'utf8',
    env,
    timeout: opts.timeoutMs ?? 120_000,
    ...(opts.input !== undefined ? { input: opts.input } : {}),
  });
}
