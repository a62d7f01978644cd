import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, STATLOG, tmpHome } from '../test-support/helpers.js';
import { HAS_POSTGRES, startPostgres, type PgServer } from '../test-support/postgres.js';

let pg: PgServer | undefined;

beforeAll(async () => {
  if (HAS_POSTGRES) pg = await startPostgres();
}, 60_000);
afterAll(() => pg?.stop());

describe.skipIf(!HAS_POSTGRES)('two project directories on one PostgreSQL store (the real binary)', () => {
  it('B, sharing no files with A, lists the run and the model A trained, and after A is deleted scores with it and trains on A\'s dataset; the password is never shown or stored', () => {
    // Trust authentication ignores the password: it is here to prove it never leaks.
    const url = pg!.url('team').replace('postgres@', 'postgres:pa55word@');
    const env = { CREDIT_TUI_STORE: url };
    const a = tmpHome('credit-tui-a-');
    const b = tmpHome('credit-tui-b-');
    const ingest = runCli(['ingest', STATLOG], { home: a, env });
    expect(ingest.stderr).not.toMatch(/error/);
    expect(ingest.status).toBe(0);
    const train = runCli(['train', '--headless', '--quick', '--families', 'logreg'], { home: a, env });
    expect(train.status).toBe(0);
    expect(readdirSync(a)).not.toContain('runs.db');

    const runs = runCli(['--store', url, 'runs', 'list', '--json'], { home: b });
    expect(runs.status).toBe(0);
    const listed = JSON.parse(runs.stdout) as { run_id: string; experiment: string; status: string }[];
    expect(listed.map((r) => [r.experiment, r.status])).toEqual([['train', 'FINISHED'], ['ingest', 'FINISHED']]);
    const models = runCli(['models', 'list', '--json'], { home: b, env });
    expect(models.status).toBe(0);
    expect(models.stdout).toMatch(/"family":\s*"logreg"/);
    expect(models.stdout).toMatch(/"champion"/);
    const shown = runCli(['params'], { home: b, env });
    expect(shown.stdout.trim().split('\n').at(-1)).toBe(`store: postgresql 127.0.0.1:${pg!.port}/team`);
    // B touched nothing on its own disk: no runs.db, no data, no models.
    expect(readdirSync(b)).toEqual([]);
    // A's machine is gone: B scores with the champion's bundle from the database (verified by its sha256).
    rmSync(a, { recursive: true, force: true });
    const score = runCli(['score', STATLOG, '-o', join(b, 'scored.csv')], { home: b, env });
    expect(score.stderr).not.toMatch(/error/);
    expect(score.status).toBe(0);
    expect(readFileSync(join(b, 'scored.csv'), 'utf8').trim().split('\n')).toHaveLength(1001);
    // ...and trains on the dataset A ingested: its Parquet comes back from the database into data/cache.
    const again = runCli(['train', '--headless', '--quick', '--families', 'logreg'], { home: b, env });
    expect(again.stderr).not.toMatch(/error/);
    expect(again.status).toBe(0);
    expect(readdirSync(join(b, 'data', 'cache'))).toEqual([expect.stringMatching(/^[0-9a-f]{64}\.parquet$/)]);
    // Same data, params and code: B's training is recognised as a repeat of A's version 1, across machines.
    const after = runCli(['models', 'list', '--json'], { home: b, env }).stdout;
    expect(after).toMatch(/"version":\s*1\b/);
    expect(after).not.toMatch(/"version":\s*2\b/);
    const everything = [ingest, train, runs, models, shown, score, again].map((r) => r.stdout + r.stderr).join('\n');
    expect(everything).not.toContain('pa55word');
    // The train run's recorded params, read back from the database, hold no trace of the URL either.
    const dump = runCli(['runs', 'show', listed[0]!.run_id, '--json'], { home: b, env });
    expect(dump.status).toBe(0);
    expect(dump.stdout).not.toContain('pa55word');
  }, 60_000);

  it('a refused connection is one line naming host, port and database, exit 1, without the password', () => {
    const r = runCli(['runs', 'list'], { home: tmpHome(), env: { CREDIT_TUI_STORE: `postgresql://alice:hunter2@127.0.0.1:1/teamdb?sslmode=disable` } });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: cannot open the PostgreSQL store at host 127\.0\.0\.1, port 1, database teamdb: /);
    expect(r.stderr).not.toContain('hunter2');
  });

  it('with no setting, the store stays runs.db in the project directory', () => {
    const home = tmpHome();
    const r = runCli(['params'], { home, env: { CREDIT_TUI_STORE: '' } });
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n').at(-1)).toBe(`store: runs.db ${home}/runs.db`);
  });
});
