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
export const HAS_REAL_DATA = existsSync(join(DATA_DIR, 'statlog_german.data'));

export const STATLOG = join(DATA_DIR, 'statlog_german.data');
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
