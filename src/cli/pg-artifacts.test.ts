import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATLOG_COLUMNS } from '../core/data/codebooks.js';
import { PgBridge } from '../core/store/pg-bridge.js';
import { PgRunStore } from '../core/store/pg-run-store.js';
import { BIN, runCli, SAMPLE_STATLOG, tmpHome } from '../test-support/helpers.js';
import { HAS_POSTGRES, startPostgres, type PgServer } from '../test-support/postgres.js';
import { startServe, statlogRecords } from '../test-support/serve.js';

const TRAIN = ['train', '--headless', '--quick', '--families', 'logreg', '--force'];

let pg: PgServer | undefined;
let url = '';
const shared = tmpHome('credit-tui-artifacts-');
const dirA = tmpHome('credit-tui-a-');
const dirB = tmpHome('credit-tui-b-');
const dirC = tmpHome('credit-tui-c-');

beforeAll(async () => {
  if (!HAS_POSTGRES) return;
  pg = await startPostgres();
  url = pg.url('artifacts');
}, 60_000);
afterAll(() => pg?.stop());

/** Every file of the shared directory by its name, which must be the sha256 of its bytes. */
function sharedFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const sub of readdirSync(shared)) {
    for (const f of readdirSync(join(shared, sub))) {
      if (f.startsWith('.')) continue;
      files.set(f, join(shared, sub, f));
      expect(createHash('sha256').update(readFileSync(join(shared, sub, f))).digest('hex')).toBe(f);
      expect(sub).toBe(f.slice(0, 2));
    }
  }
  return files;
}

function blobCount(): number {
  const db = new PgBridge(url);
  try {
    return Number(db.query('SELECT COUNT(*) AS n FROM artifact_blobs').rows[0]!['n']);
  } finally {
    db.close();
  }
}

describe.skipIf(!HAS_POSTGRES)('--artifacts DIR: artifact bytes in a directory the machines share (the real binary, PostgreSQL 15)', () => {
  it('A registers into the directory, not the database; B never ingested and trains on and scores with it; C serves it', async () => {
    const env = { CREDIT_TUI_STORE: url, CREDIT_TUI_ARTIFACTS: shared };
    expect(runCli(['ingest', SAMPLE_STATLOG], { home: dirA, env }).status).toBe(0);
    const a = runCli(TRAIN, { home: dirA, env });
    expect(a.status, a.stderr).toBe(0);

    const store = PgRunStore.open(url);
    let v1: { sha256: string; path: string };
    let parquet: { sha256: string; path: string };
    try {
      v1 = store.resolveModelVersion('credit-risk', '1');
      const ds = store.listDatasets()[0]!;
      parquet = { sha256: store.registeredDatasetSha256(ds.path)!.sha256, path: ds.path };
    } finally {
      store.close();
    }
    expect(blobCount()).toBe(0);
    const files = sharedFiles();
    expect([...files.keys()].sort()).toEqual([v1.sha256, parquet.sha256].sort());
    expect(readFileSync(files.get(v1.sha256)!)).toEqual(readFileSync(v1.path));
    const parquetBytes = readFileSync(parquet.path);
    // Another machine: A's files are not on it (the registry's paths would otherwise be read directly).
    rmSync(dirA, { recursive: true, force: true });

    // B names the directory with the flag (not the environment) and has no file of A's.
    const flags = ['--store', url, '--artifacts', shared];
    const params = runCli([...flags, 'params'], { home: dirB });
    expect(params.stdout).toContain(`store: postgresql 127.0.0.1:${pg!.port}/artifacts, artifacts ${shared}`);
    const scored = join(dirB, 'scored.csv');
    const score = runCli([...flags, 'score', SAMPLE_STATLOG, '-o', scored], { home: dirB });
    expect(score.status, score.stderr).toBe(0);
    // B's logged predictions: the segment's bytes in the directory too, indexed in the database.
    const logged = runCli([...flags, 'score', SAMPLE_STATLOG, '--log-predictions', '-o', join(dirB, 'logged.csv')], { home: dirB });
    expect(logged.status, logged.stderr).toBe(0);
    const db = new PgBridge(url);
    try {
      const [seg] = db.query('SELECT sha256, rows FROM prediction_segments').rows;
      expect(seg!['rows']).toBe(1000);
      expect(sharedFiles().has(String(seg!['sha256']))).toBe(true);
    } finally {
      db.close();
    }
    const b = runCli([...flags, ...TRAIN], { home: dirB });
    expect(b.status, b.stderr).toBe(0);
    // B's training read A's Parquet, written back from the directory into its cache, byte for byte.
    expect(readFileSync(join(dirB, 'data', 'cache', `${parquet.sha256}.parquet`))).toEqual(parquetBytes);
    expect(existsSync(join(dirB, 'data', 'processed'))).toBe(false);
    const again = PgRunStore.open(url);
    try {
      const versions = again.listModelVersions('credit-risk');
      // The same data and seed: B's train is A's version 1 again, or a new version whose bundle is in the directory.
      for (const v of versions) expect(sharedFiles().has(v.sha256)).toBe(true);
      // D, with no file of A's or B's, monitors B's logged predictions from the directory.
      const monitor = runCli([...flags, 'monitor', '--json'], { home: tmpHome('credit-tui-d-') });
      expect([0, 3], monitor.stderr).toContain(monitor.status);
      expect((JSON.parse(monitor.stdout) as { rows_logged: number }).rows_logged).toBe(1000);
    } finally {
      again.close();
    }
    expect(blobCount()).toBe(0);

    const lines = readFileSync(scored, 'utf8').trim().split('\n');
    const pBad = lines[0]!.split(',').indexOf('p_bad');
    const { proc, base } = await startServe(dirC, env);
    try {
      const records = statlogRecords(20);
      const res = await fetch(`${base}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ dataframe_records: records }) });
      expect(res.status).toBe(200);
      const served = ((await res.json()) as { predictions: { p_bad: number }[] }).predictions.map((p) => p.p_bad);
      served.forEach((p, i) => expect(Math.abs(p - Number(lines[i + 1]!.split(',')[pBad]))).toBeLessThanOrEqual(1e-9));
    } finally {
      proc.kill('SIGKILL');
    }
    expect(readdirSync(dirC).filter((f) => f !== 'outputs')).toEqual([]);
  }, 90_000);

  it('a damaged file in the directory is refused by its sha256 in one line; a missing directory and --artifacts with runs.db are one line', () => {
    const store = PgRunStore.open(url);
    const champion = store.resolveModelVersion('credit-risk', 'champion');
    store.close();
    const file = join(shared, champion.sha256.slice(0, 2), champion.sha256);
    const good = readFileSync(file);
    const bad = Buffer.from(good);
    bad.writeUInt8(bad.readUInt8(bad.length >> 1) ^ 1, bad.length >> 1);
    writeFileSync(file, bad);
    try {
      const home = tmpHome('credit-tui-d-');
      const r = runCli(['score', SAMPLE_STATLOG, '-o', join(home, 'out.csv')], { home, env: { CREDIT_TUI_STORE: url, CREDIT_TUI_ARTIFACTS: shared } });
      expect(r.status).toBe(1);
      expect(r.stderr.trim().split('\n')[0]).toContain('artifact does not match its sha256');
      expect(r.stderr).toContain(file);
      expect(existsSync(join(home, 'out.csv'))).toBe(false);
    } finally {
      writeFileSync(file, good);
    }
    const missing = runCli(['--store', url, '--artifacts', join(shared, 'nope'), 'models', 'list'], { home: dirC });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/artifacts directory not found/);
    const sqlite = runCli(['--artifacts', shared, 'runs', 'list'], { home: tmpHome('credit-tui-e-') });
    expect(sqlite.status).toBe(1);
    expect(sqlite.stderr).toMatch(/^error: --artifacts needs a PostgreSQL store/);
  }, 30_000);
});
