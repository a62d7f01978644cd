import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATLOG_COLUMNS } from '../core/data/codebooks.js';
import { BIN, runCli, STATLOG, tmpHome } from '../test-support/helpers.js';
import { HAS_POSTGRES, startPostgres, type PgServer } from '../test-support/postgres.js';

const COLUMNS = STATLOG_COLUMNS.map((c) => c.name).filter((c) => c !== 'class');
/** Three real applicants from the Statlog file, raw codes without the target. */
const RECORDS = readFileSync(STATLOG, 'utf8').trim().split('\n').slice(0, 3)
  .map((l) => Object.fromEntries(l.trim().split(/\s+/).slice(0, 20).map((v, j) => [COLUMNS[j]!, /^\d+$/.test(v) ? Number(v) : v])));

interface Health {
  readonly status: string;
  readonly model: { readonly version: number; readonly alias: string | null };
  readonly store: { readonly status: 'ok' | 'degraded'; readonly backend: string; readonly location: string; readonly message?: string };
}

let pg: PgServer | undefined;
let serveProc: ChildProcessWithoutNullStreams | undefined;

beforeAll(async () => {
  if (HAS_POSTGRES) pg = await startPostgres();
}, 60_000);
afterAll(() => {
  serveProc?.kill('SIGKILL');
  try {
    pg?.thaw();
  } catch {
    // not frozen, or already stopped
  }
  pg?.stop();
});

/** Polls `probe` every 50 ms until it returns a value, failing after `ms`: no fixed sleep decides a result. */
async function until<T>(probe: () => Promise<T | undefined>, what: string, ms = 15_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(!HAS_POSTGRES)('serve on a PostgreSQL store, from a directory that shares no files with the trainer', () => {
  it('follows a promotion made elsewhere within 2.5 s; with the server stopped or hung the model keeps answering, /health says degraded, and following resumes when it is back', async () => {
    // Trust authentication ignores the password: it is here to prove no message shows it.
    const url = pg!.url('serving').replace('postgres@', 'postgres:s3cretpw@');
    const env = { CREDIT_TUI_STORE: url };
    const trainer = tmpHome('credit-tui-trainer-');
    const server = tmpHome('credit-tui-server-');
    expect(runCli(['ingest', STATLOG], { home: trainer, env }).status).toBe(0);
    expect(runCli(['train', '--headless', '--quick', '--families', 'logreg'], { home: trainer, env }).status).toBe(0);
    // A second version of the same model (--force registers anew) to move the alias between.
    const second = runCli(['train', '--headless', '--quick', '--families', 'logreg', '--force'], { home: trainer, env });
    expect(second.stderr).not.toMatch(/error/);
    expect(runCli(['models', 'promote', '1'], { home: trainer, env }).status).toBe(0);

    const proc = spawn(process.execPath, [BIN, '--home', server, 'serve', '--port', '0', '--workers', '1'], { env: { ...process.env, ...env, NO_COLOR: '1', CREDIT_TUI_TOKEN: '' } });
    serveProc = proc;
    let stderr = '';
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const base = await until(async () => /listening on (\S+)/.exec(stderr)?.[1], 'the server to listen', 30_000);
    const health = async (): Promise<Health> => (await (await fetch(`${base}/health`)).json()) as Health;
    const invoke = async (): Promise<number[]> => {
      const r = await fetch(`${base}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ dataframe_records: RECORDS }) });
      expect(r.status).toBe(200);
      return ((await r.json()) as { predictions: { p_bad: number }[] }).predictions.map((p) => p.p_bad);
    };
    const follows = (version: number) => async () => ((await health()).model.version === version ? true : undefined);

    const first = await health();
    expect(first).toMatchObject({ status: 'ok', model: { version: 1, alias: 'champion' }, store: { status: 'ok', backend: 'postgresql', location: `127.0.0.1:${pg!.port}/serving` } });
    const before = await invoke();
    expect(before).toHaveLength(3);

    // 1. A promotion made in the trainer's directory reaches the server's within 2.5 s.
    expect(runCli(['models', 'promote', '2'], { home: trainer, env }).status).toBe(0);
    const t0 = Date.now();
    await until(follows(2), 'the server to follow the promotion to v2', 2500);
    const followMs = Date.now() - t0;
    process.stderr.write(`measured: serve followed a promotion from another directory in ${followMs} ms\n`);
    expect(stderr).toContain('switched from model v1 to v2');

    // 2. The server is stopped: the loaded model keeps answering, /health reports the store degraded in one
    //    line naming host, port and database.
    pg!.halt();
    const degraded = await until(async () => {
      const h = await health();
      return h.store.status === 'degraded' ? h : undefined;
    }, '/health to report the store degraded');
    expect(degraded.status).toBe('ok');
    expect(degraded.model.version).toBe(2);
    expect(degraded.store.message).toMatch(new RegExp(`^lost the PostgreSQL store at host 127\\.0\\.0\\.1, port ${pg!.port}, database serving: `));
    // A report of the service's state, not a command's advice to run it again.
    expect(degraded.store.message).not.toContain('run the command again');
    expect(await invoke()).toHaveLength(3);
    expect(stderr).toMatch(/store degraded: lost the PostgreSQL store at host 127\.0\.0\.1/);
    expect(proc.exitCode).toBeNull();

    // 3. Back: following resumes (the store is ok again and a new promotion is followed).
    pg!.restart();
    await until(async () => ((await health()).store.status === 'ok' ? true : undefined), '/health to report the store ok again');
    expect(stderr).toMatch(/store back after \d+\.\d s/);
    expect(runCli(['models', 'promote', '1'], { home: trainer, env }).status).toBe(0);
    await until(follows(1), 'the server to follow the promotion back to v1', 5000);
    expect(await invoke()).toEqual(before);

    // 4. The server hangs (its processes stopped, as behind a dropped network): each poll gives up after
    //    its short timeout, so requests keep being answered, and /health says degraded.
    pg!.freeze();
    let slowest = 0;
    const hung = await until(async () => {
      const t = Date.now();
      await invoke();
      slowest = Math.max(slowest, Date.now() - t);
      const h = await health();
      return h.store.status === 'degraded' ? h : undefined;
    }, '/health to report the hung store degraded');
    expect(hung.store.message).toMatch(/^lost the PostgreSQL store at host 127\.0\.0\.1, port \d+, database serving: /);
    for (let i = 0; i < 10; i++) {
      const t = Date.now();
      await invoke();
      slowest = Math.max(slowest, Date.now() - t);
      await new Promise((r) => setTimeout(r, 100));
    }
    process.stderr.write(`measured: slowest /invocations while the store hung: ${slowest} ms\n`);
    // The driver's own timeout is 120 s: a request waiting behind a poll blocked on it would take that long.
    expect(slowest).toBeLessThan(5000);
    pg!.thaw();
    await until(async () => ((await health()).store.status === 'ok' ? true : undefined), '/health to report the store ok after the hang');
    expect(runCli(['models', 'promote', '2'], { home: trainer, env }).status).toBe(0);
    await until(follows(2), 'the server to follow the promotion after the hang', 5000);

    expect(stderr).not.toContain('s3cretpw');
    expect(JSON.stringify(degraded) + JSON.stringify(hung)).not.toContain('s3cretpw');
    expect(proc.exitCode).toBeNull();
    proc.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => (proc.exitCode !== null ? r(proc.exitCode) : proc.once('exit', (c) => r(c))));
    expect(code).toBe(0);
  }, 120_000);
});
