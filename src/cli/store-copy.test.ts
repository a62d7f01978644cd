import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, SAMPLE_STATLOG, tmpHome } from '../test-support/helpers.js';
import { HAS_POSTGRES, startPostgres, type PgServer } from '../test-support/postgres.js';

let pg: PgServer | undefined;

beforeAll(async () => {
  if (HAS_POSTGRES) pg = await startPostgres();
}, 60_000);
afterAll(() => pg?.stop());

/** A project's runs, versions and one run's full record, as the CLI prints them (JSON). */
function view(home: string, env: Record<string, string> = {}): { runs: unknown; models: unknown; train: unknown } {
  const runs = runCli(['runs', 'list', '--all', '--json'], { home, env });
  expect(runs.status, runs.stderr).toBe(0);
  const listed = JSON.parse(runs.stdout) as { run_id: string; experiment: string; parent_run_id: string | null }[];
  const train = listed.find((r) => r.experiment === 'train' && r.parent_run_id === null)!;
  const shown = runCli(['runs', 'show', train.run_id, '--json'], { home, env });
  expect(shown.status, shown.stderr).toBe(0);
  const models = runCli(['models', 'list', '--json'], { home, env });
  expect(models.status, models.stderr).toBe(0);
  return { runs: listed, models: JSON.parse(models.stdout), train: JSON.parse(shown.stdout) };
}

describe.skipIf(!HAS_POSTGRES)('credit-tui store copy between runs.db and PostgreSQL (the real binary)', () => {
  it('copies a project to PostgreSQL and back into a new directory after the first is deleted, verified; refuses a different non-empty target in one line', () => {
    const a = tmpHome('credit-tui-copy-a-');
    const c = tmpHome('credit-tui-copy-c-');
    expect(runCli(['ingest', SAMPLE_STATLOG], { home: a }).status).toBe(0);
    expect(runCli(['train', '--headless', '--quick', '--families', 'logreg'], { home: a }).status).toBe(0);
    expect(runCli(['models', 'promote', '1', '--alias', 'challenger'], { home: a }).status).toBe(0);
    writeFileSync(join(a, 'repaid.csv'), 'id,outcome\nloan-1,bad\nloan-2,good\nloan-3,good\n');
    expect(runCli(['outcomes', join(a, 'repaid.csv')], { home: a }).status).toBe(0);
    // A prediction log: its index rows and its one segment travel too.
    expect(runCli(['score', SAMPLE_STATLOG, '--log-predictions', '-o', join(a, 'logged.csv')], { home: a }).status).toBe(0);
    const original = view(a);

    // Trust authentication ignores the password: it is here to prove it is never printed.
    const url = pg!.url('copied').replace('postgres@', 'postgres:cpsecret@');
    const to = runCli(['store', 'copy', '--to', url], { home: a });
    expect(to.stderr).toBe('');
    expect(to.status).toBe(0);
    expect(to.stdout.trim().split('\n')).toHaveLength(1);
    expect(to.stdout).toMatch(new RegExp(`^copied sqlite ${a}/runs\\.db -> postgresql 127\\.0\\.0\\.1:${pg!.port}/copied: \\d+ runs, 1 datasets, 1 model versions, 2 aliases, 3 outcomes, 3 artifacts; verified the counts of 14 tables and 3 sha256\\n$`));
    // Every run with its params, metrics and tags, and the registry, read back through the server.
    expect(view(a, { CREDIT_TUI_STORE: url })).toEqual(original);

    // Again: the target holds the same content, so nothing is written.
    const again = runCli(['store', 'copy', '--to', url], { home: a });
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/^already identical \(.*\): .*; nothing copied\n$/);

    // A target holding something else is refused in one line, naming it without the password.
    const other = pg!.url('other').replace('postgres@', 'postgres:cpsecret@');
    const b = tmpHome('credit-tui-copy-b-');
    expect(runCli(['ingest', SAMPLE_STATLOG, '--name', 'elsewhere'], { home: b, env: { CREDIT_TUI_STORE: other } }).status).toBe(0);
    const refused = runCli(['store', 'copy', '--to', other], { home: a });
    expect(refused.status).toBe(1);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(new RegExp(`^error: the target store postgresql 127\\.0\\.0\\.1:${pg!.port}/other is not empty \\(1 runs, 1 datasets\\) and differs from sqlite ${a}/runs\\.db`));

    // A's machine is gone: C copies the server into its own new runs.db; the bundle and the Parquet come
    // from the database, are written into C's models/ and data/processed/ and verified.
    rmSync(a, { recursive: true, force: true });
    const from = runCli(['store', 'copy', '--from', url], { home: c });
    expect(from.stderr).toBe('');
    expect(from.stdout).toMatch(new RegExp(`^copied postgresql 127\\.0\\.0\\.1:${pg!.port}/copied -> sqlite ${c}/runs\\.db: .* 3 artifacts; verified`));
    expect(readdirSync(join(c, 'models'))).toHaveLength(1);
    expect(readdirSync(join(c, 'outputs', 'predictions'))).toHaveLength(1);
    expect(readdirSync(join(c, 'data', 'processed'))).toHaveLength(1);
    const back = view(c);
    expect(back.runs).toEqual(original.runs);
    expect(back.train).toEqual(original.train);
    // The registry is the same but for where the bundle sits now.
    const relocated = (m: unknown): unknown => JSON.parse(JSON.stringify(m).replace(/"path":"[^"]*\/([^"/]+)"/g, '"path":"$1"'));
    expect(relocated(back.models)).toEqual(relocated(original.models));
    // C monitors the log A wrote: the copied segment, verified by the copied index's sha256.
    const monitor = runCli(['monitor', '--json'], { home: c });
    expect([0, 3], monitor.stderr).toContain(monitor.status);
    expect((JSON.parse(monitor.stdout) as { rows_logged: number }).rows_logged).toBe(1000);
    const scored = join(c, 'scored.csv');
    const score = runCli(['score', SAMPLE_STATLOG, '-o', scored], { home: c });
    expect(score.stderr).not.toMatch(/error/);
    expect(readFileSync(scored, 'utf8').trim().split('\n')).toHaveLength(1001);
    // ...and trains on the copied Parquet: the same data, params and code resolve to the copied version 1.
    const retrain = runCli(['train', '--headless', '--quick', '--families', 'logreg'], { home: c });
    expect(retrain.stderr).not.toMatch(/error/);
    expect(retrain.status).toBe(0);
    expect((JSON.parse(runCli(['models', 'list', '--json'], { home: c }).stdout) as unknown[])).toHaveLength(1);

    const everything = [to, again, refused, from].map((r) => r.stdout + r.stderr).join('\n');
    expect(everything).not.toContain('cpsecret');
  }, 90_000);

  it('--to sqlite:PATH never writes into the project\'s registered files, and needs exactly one of --to / --from', () => {
    const home = tmpHome();
    const inside = runCli(['store', 'copy', '--to', 'sqlite:models/runs.db'], { home });
    expect(inside.status).toBe(1);
    expect(inside.stderr).toMatch(/^error: .*models\/runs\.db.*registered files/);
    const neither = runCli(['store', 'copy'], { home });
    expect(neither.status).toBe(1);
    expect(neither.stderr.trim()).toBe('error: store copy needs exactly one of --to URL or --from URL');
  });
});
