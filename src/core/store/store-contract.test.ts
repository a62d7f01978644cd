import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, tmpHome } from '../../test-support/helpers.js';
import { HAS_POSTGRES, startPostgres, type PgServer } from '../../test-support/postgres.js';
import type { RunStoreContract } from './contract.js';
import { PgBridge } from './pg-bridge.js';
import { PG_MIGRATIONS } from './pg-migrations.js';
import { PgRunStore } from './pg-run-store.js';
import { RunStore, type NewDataset } from './run-store.js';
import { TABLE_ORDER } from './store-tables.js';

let pg: PgServer | undefined;
/** PgRunStore bundled for a plain `node` child (next to node_modules, so `pg` resolves). */
const bundleDir = join(REPO_ROOT, 'node_modules', '.cache', 'credit-tui-test', `pg-store-${process.pid}`);
const entry = join(bundleDir, 'pg-run-store.mjs');

beforeAll(async () => {
  if (!HAS_POSTGRES) return;
  pg = await startPostgres();
  mkdirSync(bundleDir, { recursive: true });
  await build({ entryPoints: [join(REPO_ROOT, 'src/core/store/pg-run-store.ts')], bundle: true, platform: 'node', format: 'esm', outfile: entry, external: ['pg'], logLevel: 'error' });
}, 60_000);
afterAll(() => {
  pg?.stop();
  rmSync(bundleDir, { recursive: true, force: true });
});

/** Runs `body` (ESM, with `PgRunStore` and `url` in scope) in a separate node process; resolves with its exit. */
function inChild(url: string, body: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }> {
  const script = `const { PgRunStore } = await import(${JSON.stringify(entry)}); const url = process.argv[1];\n${body}`;
  return new Promise((res) => {
    const p = spawn(process.execPath, ['--input-type=module', '-e', script, url], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('close', (code, signal) => res({ code, signal, out, err }));
  });
}

const backends: [string, () => RunStoreContract][] = [
  ['SQLite', () => RunStore.open(join(tmpHome(), 'runs.db'))],
  ['PostgreSQL', () => PgRunStore.open(pg!.url())],
];

const dataset: NewDataset = { name: 'statlog', digest: 'abc', source: '/x.data', format: 'parquet', path: '/p/statlog-1.parquet', raw_path: '/r/x.data', rows: 1000, schema: [{ name: 'a', role: 'numeric', dtype: 'f64' }], roles: { b: 'id', a: 'numeric' } };

describe.each(backends)('store contract on %s', (kind, open) => {
  it.skipIf(kind === 'PostgreSQL' && !HAS_POSTGRES)('records params, metric history by step, tags, artifacts and nested runs', () => {
    const s = open();
    const parent = s.startRun('train', 'search');
    const child = s.startRun('train', 'logreg C=1', parent);
    s.logParams(child, { C: 1, smote: false, name: 'x' });
    s.logParams(child, { C: 2 });
    for (let k = 0; k < 3; k++) s.logMetrics(child, { roc_auc: 0.7 + k / 100 }, k + 1);
    s.logMetrics(child, { roc_auc: 0.71, nan: Number.NaN });
    s.setTags(child, { family: 'logreg' });
    s.logArtifact(child, 'models/a.json', 'f00', 12);
    s.endRunTree(parent, 'KILLED', 'stopped');
    expect(s.getRun(child.slice(0, 6))).toMatchObject({ run_id: child, status: 'KILLED', experiment: 'train', parent_run_id: parent, error: 'stopped' });
    expect(s.params(child)).toEqual({ C: '2', smote: 'false', name: 'x' });
    expect(s.metricHistory(child).map((m) => [m.step, m.value])).toEqual([[0, 0.71], [1, 0.7], [2, 0.71], [3, 0.72]]);
    expect(s.latestMetrics(child)).toEqual({ roc_auc: 0.71 });
    expect(s.childCount(parent)).toBe(1);
    expect(s.tags(child)).toEqual({ family: 'logreg' });
    expect(s.artifacts(child)).toEqual([{ path: 'models/a.json', sha256: 'f00', bytes: 12 }]);
    expect(s.listRuns({ parent: null }).map((r) => r.run_id)).toEqual([parent]);
    expect(s.listRuns({ parent }).map((r) => r.run_id)).toEqual([child]);
    expect(() => s.getRun('zzzz')).toThrow(/no run with id 'zzzz'/);
    s.close();
  });

  it.skipIf(kind === 'PostgreSQL' && !HAS_POSTGRES)('registers datasets by version and finds them by digest and roles', () => {
    const s = open();
    const run = s.startRun('ingest', 'i');
    const d1 = s.addDataset(dataset, s.nextDatasetVersion('statlog'));
    s.logInput(run, d1.dataset_id, 'ingested');
    s.logArtifact(run, dataset.path, 'sha-of-parquet', 10);
    expect(s.getDatasetById(d1.dataset_id)).toMatchObject({ name: 'statlog', version: 1, rows: 1000, columns: 1, roles: { a: 'numeric', b: 'id' }, file_sha256: 'sha-of-parquet' });
    expect(s.nextDatasetVersion('statlog')).toBe(2);
    expect(s.findDatasetByDigest('abc', { a: 'numeric', b: 'id' })?.dataset_id).toBe(d1.dataset_id);
    expect(s.findDatasetByDigest('abc', {})).toBeUndefined();
    expect(s.resolveDataset('statlog@1').dataset_id).toBe(d1.dataset_id);
    expect(s.resolveDataset(null).dataset_id).toBe(d1.dataset_id);
    expect(() => s.resolveDataset('statlog@7')).toThrow(/no dataset 'statlog@7'/);
    expect(s.runInputs(run)).toEqual([{ dataset: 'statlog', version: 1, digest: 'abc', context: 'ingested' }]);
    expect(s.registeredDatasetSha256('/r/x.data')).toEqual({ sha256: 'abc', dataset: 'statlog@1' });
    s.close();
  });

  it.skipIf(kind === 'PostgreSQL' && !HAS_POSTGRES)('registers model versions and moves aliases', () => {
    const s = open();
    const run = s.startRun('train', 'r');
    const base = { name: 'credit', run_id: run, family: 'logreg', path: '/m', sha256: 'x', dataset_digest: 'd', metrics: { roc_auc: 0.8 } };
    expect(s.registerModelVersion(base, ['champion'])).toBe(1);
    expect(s.registerModelVersion(base, ['champion'])).toBe(2);
    expect(s.resolveModelVersion('credit', 'champion').version).toBe(2);
    s.setAlias('credit', 'champion', 1);
    expect(s.resolveModelVersion('credit', 'champion')).toMatchObject({ version: 1, metrics: { roc_auc: 0.8 }, aliases: ['champion'] });
    expect(s.resolveModelVersion('credit', 'v2').aliases).toEqual([]);
    expect(() => s.setAlias('credit', 'champion', 9)).toThrow(/no version 9/);
    expect(() => s.resolveModelVersion('nope', 'champion')).toThrow(/no registered model 'nope'/);
    s.close();
  });

  it.skipIf(kind === 'PostgreSQL' && !HAS_POSTGRES)('atomically: a throw rolls every write back, a nested throw only its own', () => {
    const s = open();
    const run = s.startRun('train', 'r');
    expect(() =>
      s.atomically(() => {
        s.logParams(run, { a: 1 });
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(s.params(run)).toEqual({});
    s.atomically(() => {
      s.logParams(run, { kept: 1 });
      expect(() => s.atomically(() => {
        s.logParams(run, { dropped: 1 });
        throw new Error('inner');
      })).toThrow('inner');
    });
    expect(s.params(run)).toEqual({ kept: '1' });
    s.close();
  });

  it.skipIf(kind === 'PostgreSQL' && !HAS_POSTGRES)('upserts outcomes: insert, update, leave unchanged', () => {
    const s = open();
    expect(s.upsertOutcomes([{ id: 'a', bad: 1, observed_at: null }, { id: 'b', bad: 0, observed_at: '2024-01-01' }], 'h')).toEqual({ inserted: 2, updated: 0, unchanged: 0 });
    expect(s.upsertOutcomes([{ id: 'a', bad: 0, observed_at: null }, { id: 'b', bad: 0, observed_at: '2024-01-01' }], 'h')).toEqual({ inserted: 0, updated: 1, unchanged: 1 });
    expect([...s.outcomeMap()].sort()).toEqual([['a', 0], ['b', 0]]);
    expect(s.integrityCheck()).toBe('ok');
    s.close();
  });

  it.skipIf(kind === 'PostgreSQL' && !HAS_POSTGRES)('indexes prediction-log segments once each, lists them by time and --since, and finds logged ids', () => {
    const s = open();
    const row = (ts: string, id: string | null) => ({ ts, model_version: 1, batch: 'b', id, p_bad: 0.25, decision: 'approve', score: 640 });
    const seg = (name: string, first: string, last: string, rows: number) => ({ host: 'h1', name, sha256: createHash('sha256').update(name).digest('hex'), rows, bytes: 10, first_ts: first, last_ts: last });
    s.logPredictionSegment(seg('b.ndjson', '2026-12-02T00:00:00Z', '2026-12-03T00:00:00Z', 2), [row('2026-12-02T00:00:00Z', 'x'), row('2026-12-03T00:00:00Z', null)], Buffer.from('b.ndjson'));
    s.logPredictionSegment(seg('a.ndjson', '2026-12-01T00:00:00Z', '2026-12-01T10:00:00Z', 1), [row('2026-12-01T00:00:00Z', 'y')], Buffer.from('a.ndjson'));
    // The same segment again (a retry after a lost answer) changes nothing.
    s.logPredictionSegment(seg('a.ndjson', '2026-12-01T00:00:00Z', '2026-12-01T10:00:00Z', 1), [row('2026-12-01T00:00:00Z', 'y')], Buffer.from('a.ndjson'));
    expect(s.predictionSegments().map((x) => [x.name, x.rows, x.host])).toEqual([['a.ndjson', 1, 'h1'], ['b.ndjson', 2, 'h1']]);
    expect(s.predictionSegments('2026-12-02').map((x) => x.name)).toEqual(['b.ndjson']);
    expect([...s.loggedPredictionIds(['x', 'y', 'z'])].sort()).toEqual(['x', 'y']);
    expect(s.loggedPredictionIds([]).size).toBe(0);
    expect(s.dumpTable('predictions')).toHaveLength(3);
    s.close();
  });

  it.skipIf(kind === 'PostgreSQL' && !HAS_POSTGRES)('lists run summaries for the runs page: filters, families, headline metrics and a ranked leaderboard', () => {
    const s = open();
    const search = s.startRun('train', 'search');
    s.logParams(search, { families: 'logreg,tree' });
    s.logMetrics(search, { test_roc_auc: 0.8, not_headline: 1 });
    for (const [family, sel] of [['logreg', 0.7], ['tree', 0.75], ['logreg', 0.72]] as const) {
      const c = s.startRun('train', `${family} ${sel}`, search);
      s.logParams(c, { family });
      s.logMetrics(c, { selection: sel, cv_auc_mean: sel, cv_auc_std: 0.01 });
    }
    const d = s.addDataset(dataset, 1);
    s.logInput(search, d.dataset_id);
    const other = s.startRun('score', 'score x');
    s.endRun(other, 'FAILED', 'boom');
    const [top] = s.runSummaries({ limit: 10, family: 'tree' });
    expect(top).toMatchObject({ run_id: search, families: ['logreg', 'tree'], datasets: ['statlog@1'], children: 3, metrics: { test_roc_auc: 0.8 } });
    expect(top!.leaderboard.map((c) => [c.rank, c.family, c.selection])).toEqual([[1, 'tree', 0.75], [2, 'logreg', 0.72], [3, 'logreg', 0.7]]);
    expect(s.runSummaries({ limit: 10 }).map((r) => r.run_id)).toEqual([other, search]);
    expect(s.runSummaries({ limit: 10, status: 'FAILED' }).map((r) => r.error)).toEqual(['boom']);
    expect(s.runSummaries({ limit: 10, dataset: 'statlog@1', experiment: 'train' }).map((r) => r.run_id)).toEqual([search]);
    expect(s.runSummaries({ limit: 10, family: 'svm' })).toEqual([]);
    expect(s.runFilterOptions()).toEqual({ experiments: ['score', 'train'], datasets: ['statlog'], families: ['logreg', 'tree'], statuses: ['RUNNING', 'FINISHED', 'FAILED', 'KILLED'] });
    s.close();
  });

  it.skipIf(!HAS_POSTGRES)('dumps every shared table and loads it into an empty store of either kind unchanged, ids kept, counters moved past them', () => {
    const s = open();
    const parent = s.startRun('train', 'search');
    const child = s.startRun('train', 'candidate', parent);
    s.logParams(child, { C: 1 });
    s.logMetrics(child, { roc_auc: 0.71 }, 1);
    s.logMetrics(child, { roc_auc: 0.74 }, 2);
    s.setTags(child, { family: 'logreg' });
    const d = s.addDataset(dataset, 1);
    s.logInput(parent, d.dataset_id);
    s.logArtifact(parent, '/m/bundle.json', 'sha', 42);
    s.registerModelVersion({ name: 'credit', run_id: parent, family: 'logreg', path: '/m/bundle.json', sha256: 'sha', dataset_digest: 'abc', metrics: { roc_auc: 0.74 } }, ['champion', 'challenger']);
    s.upsertOutcomes([{ id: 'a', bad: 1, observed_at: null }], 'h');
    s.logPredictionSegment({ host: 'h', name: 's.ndjson', sha256: 'seg', rows: 1, bytes: 3, first_ts: 't1', last_ts: 't1' }, [{ ts: 't1', model_version: 1, batch: 'b', id: 'a', p_bad: 0.5, decision: 'decline', score: 500 }], Buffer.from('seg'));
    const dumped = Object.fromEntries(TABLE_ORDER.map((t) => [t, s.dumpTable(t)]));
    expect(dumped['metrics']!.map((m) => m['value'])).toEqual([0.71, 0.74]);
    for (const [, openTarget] of backends) {
      const t = openTarget();
      t.atomically(() => {
        for (const table of TABLE_ORDER) t.loadTable(table, dumped[table]!);
      });
      expect(Object.fromEntries(TABLE_ORDER.map((table) => [table, t.dumpTable(table)]))).toEqual(dumped);
      expect(t.resolveModelVersion('credit', 'champion').version).toBe(1);
      expect(t.metricHistory(child)).toEqual(s.metricHistory(child));
      // New rows after a copy get ids past the copied ones.
      expect(t.experimentId('new')).toBeGreaterThan(Math.max(...dumped['experiments']!.map((e) => Number(e['experiment_id']))));
      expect(t.addDataset({ ...dataset, digest: 'other' }, 2).dataset_id).toBeGreaterThan(d.dataset_id);
      t.logPredictionSegment({ host: 'h', name: 't.ndjson', sha256: 'seg2', rows: 0, bytes: 0, first_ts: 't2', last_ts: 't2' }, [], Buffer.from(''));
      expect(t.predictionSegments().map((x) => x.name)).toEqual(['s.ndjson', 't.ndjson']);
      t.close();
    }
    s.close();
  });
});

describe.skipIf(!HAS_POSTGRES)('PostgreSQL store', () => {
  it('creates its schema once, versioned, and says where it is without the password', () => {
    const url = pg!.url('versioned');
    const a = PgRunStore.open(url.replace('postgres@', 'postgres:s3cret@'));
    expect(a.schemaVersion()).toBe(PG_MIGRATIONS.length);
    expect(a.location).toEqual({ kind: 'postgresql', display: `127.0.0.1:${pg!.port}/versioned` });
    a.startRun('train', 'kept');
    a.close();
    const b = PgRunStore.open(url);
    expect(b.listRuns().map((r) => r.name)).toEqual(['kept']);
    b.close();
  });

  it('a refused connection or a missing database is one line naming host, port and database, never the password', () => {
    const refused = (): PgRunStore => PgRunStore.open('postgresql://alice:hunter2@127.0.0.1:1/teamdb?sslmode=disable', { connectTimeoutMs: 3_000 });
    expect(refused).toThrow(/^cannot open the PostgreSQL store at host 127\.0\.0\.1, port 1, database teamdb: .*ECONNREFUSED/);
    expect(refused).not.toThrow(/hunter2|\n/);
    const missing = (): PgRunStore => PgRunStore.open(`postgresql://postgres:hunter2@127.0.0.1:${pg!.port}/nosuchdb`);
    expect(missing).toThrow(new RegExp(`host 127\\.0\\.0\\.1, port ${pg!.port}, database nosuchdb: database "nosuchdb" does not exist`));
    expect(() => PgRunStore.open('postgresql://a:b@[bad/x')).toThrow(/^store URL is not a valid postgresql:\/\/ URL: postgresql:\/\/a:\*\*\*@/);
  });

  it('keeps a registered bundle\'s bytes in the database, only when they hash to the registered sha256', () => {
    const s = PgRunStore.open(pg!.url());
    const dir = tmpHome();
    const good = join(dir, 'good.json');
    writeFileSync(good, '{"bundle":1}');
    const sha = createHash('sha256').update('{"bundle":1}').digest('hex');
    const run = s.startRun('train', 'r');
    const base = { name: 'credit', run_id: run, family: 'logreg', dataset_digest: 'd', metrics: {} };
    s.registerModelVersion({ ...base, path: good, sha256: sha }, ['champion']);
    s.registerModelVersion({ ...base, path: good, sha256: 'f'.repeat(64) }, []);
    rmSync(good);
    expect(Buffer.from(s.artifactBytes(sha)!).toString('utf8')).toBe('{"bundle":1}');
    expect(s.artifactBytes('f'.repeat(64))).toBeNull();
    s.close();
    expect(RunStore.open(join(dir, 'runs.db')).artifactBytes(sha)).toBeNull();
  });

  it('keeps a registered dataset\'s file and writes it back, verified, on a machine that lacks it', () => {
    const url = pg!.url();
    const dir = tmpHome();
    const file = join(dir, 'statlog-1.parquet');
    writeFileSync(file, 'PAR1 bytes');
    const a = PgRunStore.open(url);
    const run = a.startRun('ingest', 'i');
    const d = a.atomically(() => {
      const row = a.addDataset({ ...dataset, path: file }, 1);
      a.logInput(run, row.dataset_id, 'ingested');
      a.logArtifact(run, file, createHash('sha256').update('PAR1 bytes').digest('hex'), 10);
      return row;
    });
    a.logArtifact(run, join(dir, 'scored.csv'), 'e'.repeat(64), 1);
    a.close();
    rmSync(file);
    const b = PgRunStore.open(url, { cacheDir: join(dir, 'cache') });
    const back = b.getDatasetById(d.dataset_id);
    expect(back.path).toBe(join(dir, 'cache', `${back.file_sha256}.parquet`));
    expect(readFileSync(back.path, 'utf8')).toBe('PAR1 bytes');
    expect(b.artifactBytes('e'.repeat(64))).toBeNull();
    b.close();
  });

  it('the blocking bridge pairs every reply with its own request, thousands of times in a row', () => {
    const bridge = new PgBridge(pg!.url());
    const got: number[] = [];
    for (let i = 0; i < 3000; i++) got.push(bridge.query('SELECT $1::int AS n', [i]).rows[0]!['n'] as number);
    bridge.close();
    expect(got).toEqual(Array.from({ length: 3000 }, (_, i) => i));
  });

  it('a server that drops the connection mid-command is one line naming host, port and database', () => {
    const url = pg!.url('dropped');
    const s = PgRunStore.open(url);
    const admin = new PgBridge(url);
    admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', ['dropped']);
    admin.close();
    expect(() => s.listRuns()).toThrow(new RegExp(`^lost the PostgreSQL store at host 127\\.0\\.0\\.1, port ${pg!.port}, database dropped: `));
    // The next statement outside a transaction connects again (what a long-lived serve relies on).
    expect(s.listRuns()).toEqual([]);
    s.close();
  });

  it('a transaction whose connection dies is not finished on a new one: none of its writes land', () => {
    const url = pg!.url('droptx');
    const s = PgRunStore.open(url);
    const run = s.startRun('train', 'r');
    const admin = new PgBridge(url);
    expect(() => s.atomically(() => {
      s.logMetrics(run, { auc: 0.7 });
      admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', ['droptx']);
      s.logMetrics(run, { gini: 0.4 });
    })).toThrow(/^lost the PostgreSQL store/);
    admin.close();
    expect(s.latestMetrics(run)).toEqual({});
    s.close();
  });

  it('two processes registering the same model at once get unique, consecutive versions', async () => {
    const url = pg!.url('concurrent');
    const setup = PgRunStore.open(url);
    const run = setup.startRun('train', 'r');
    setup.close();
    // Each child registers 15 versions in a tight loop.
    const child = async (): Promise<number[]> => {
      const r = await inChild(url, `const s = PgRunStore.open(url);
        const got = [];
        for (let i = 0; i < 15; i++) got.push(s.registerModelVersion({ name: 'credit', run_id: ${JSON.stringify(run)}, family: 'logreg', path: '/m', sha256: 'x', dataset_digest: 'd', metrics: {} }, ['champion']));
        s.close();
        process.stdout.write(JSON.stringify(got));`);
      if (r.code !== 0) throw new Error(`child exited ${r.code}: ${r.err}`);
      return JSON.parse(r.out) as number[];
    };
    const [a, b] = await Promise.all([child(), child()]);
    expect([...a!, ...b!].sort((x, y) => x - y)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    const s = PgRunStore.open(url);
    expect(s.resolveModelVersion('credit', 'champion').version).toBe(Math.max(a!.at(-1)!, b!.at(-1)!));
    s.close();
  }, 30_000);

  it('a process SIGKILLed inside a registration leaves no version; its run becomes KILLED on the next open', async () => {
    const url = pg!.url('killed');
    const r = await inChild(url, `const s = PgRunStore.open(url);
      const run = s.startRun('train', 'doomed');
      s.registerModelVersion({ name: 'credit', run_id: run, family: 'logreg', path: '/m', sha256: 'x', dataset_digest: 'd', metrics: {} }, ['champion']);
      s.atomically(() => {
        s.logMetrics(run, { auc: 0.9 });
        s.registerModelVersion({ name: 'credit', run_id: run, family: 'logreg', path: '/m', sha256: 'y', dataset_digest: 'd', metrics: {} }, ['champion']);
        process.kill(process.pid, 'SIGKILL');
      });`);
    expect(r.signal).toBe('SIGKILL');
    const s = PgRunStore.open(url);
    expect(s.listModelVersions('credit').map((v) => [v.version, v.sha256, v.aliases])).toEqual([[1, 'x', ['champion']]]);
    const [run] = s.listRuns();
    expect(run).toMatchObject({ name: 'doomed', status: 'KILLED' });
    expect(s.latestMetrics(run!.run_id)).toEqual({});
    s.close();
  }, 30_000);
});
