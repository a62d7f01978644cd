import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { STATLOG_COLUMNS } from '../core/data/codebooks.js';
import { BIN, SAMPLE_STATLOG } from './helpers.js';

/** A `credit-tui serve` started by a test: the process, its URL once listening, and its stderr so far. */
export interface ServeProcess {
  readonly proc: ChildProcess;
  readonly base: string;
  stderr(): string;
}

/** Starts `serve --port 0 --workers 1` (plus `extra`) in project `home` and waits until it says where it listens. */
export async function startServe(home: string, env: Record<string, string>, extra: readonly string[] = []): Promise<ServeProcess> {
  const proc = spawn(process.execPath, [BIN, '--home', home, 'serve', '--port', '0', '--workers', '1', ...extra], { env: { ...process.env, ...env, NO_COLOR: '1', CREDIT_TUI_TOKEN: '' } });
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const t0 = Date.now();
  while (!/listening on (\S+)/.test(stderr)) {
    if (proc.exitCode !== null || Date.now() - t0 > 30_000) {
      proc.kill('SIGKILL');
      throw new Error(`serve did not start: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { proc, base: /listening on (\S+)/.exec(stderr)![1]!, stderr: () => stderr };
}

/** The first `n` applicants of the built-in Statlog sample as /invocations records (codes as in the file). */
export function statlogRecords(n: number): Record<string, string | number>[] {
  const columns = STATLOG_COLUMNS.map((c) => c.name).filter((c) => c !== 'class');
  return readFileSync(SAMPLE_STATLOG, 'utf8').trim().split('\n').slice(0, n)
    .map((l) => Object.fromEntries(l.trim().split(/\s+/).slice(0, 20).map((v, j) => [columns[j]!, /^\d+$/.test(v) ? Number(v) : v])));
}
