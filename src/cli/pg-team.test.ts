import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATLOG_COLUMNS } from '../core/data/codebooks.js';
import { PgBridge } from '../core/store/pg-bridge.js';
import { PgRunStore } from '../core/store/pg-run-store.js';
import type { CrashPoint } from '../engine/crash-points.js';
import { BIN, runCli, SAMPLE_STATLOG, tmpHome } from '../test-support/helpers.js';
import { HAS_POSTGRES, startPostgres, type PgServer } from '../test-support/postgres.js';
import { startServe, statlogRecords } from '../test-support/serve.js';

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

/** The real binary in `home` on the shared store; SIGKILLed at its first stderr line when `killEarly`. */
function start(args: readonly string[], home: string, env: Record<string, string>, killEarly = false): Promise<Exit> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, '--home', home, ...args], { env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (killEarly && stderr.includes('\n')) child.kill('SIGKILL');
    });
    child.on('exit', (code, signal) => resolve({ code, signal, stderr }));
  });
}

const TRAIN = ['train', '--headless', '--quick', '--families', 'logreg', '--force'];

let pg: PgServer | undefined;
let url = '';
let env: Record<string, string> = {};
const dirA = tmpHome('credit-tui-a-');
const dirB = tmpHome('credit-tui-b-');
const dirC = tmpHome('credit-tui-c-');

beforeAll(async () => {
  if (!HAS_POSTGRES) return;
  pg = await startPostgres();
  url = pg.url('team');
  env = { CREDIT_TUI_STORE: url };
}, 60_000);
afterAll(() => pg?.stop());

/** The registry's tables as rows, straight from the database. */
function registry(): { versions: string[]; aliases: string[]; blobs: string[] } {
  const db = new PgBridge(url);
  try {
    const col = (sql: string): string[] => db.query(sql).rows.map((r) => String(r['x']));
    return {
      versions: col(`SELECT name || ' v' || version || ' ' || sha256 || ' ' || run_id AS x FROM model_versions ORDER BY name, version`),
      aliases: col(`SELECT name || ' ' || alias || ' v' || version AS x FROM model_aliases ORDER BY name, alias`),
      blobs: col('SELECT sha256 AS x FROM artifact_blobs ORDER BY sha256'),
    };
  } finally {
    db.close();
  }
}

/**
 * Nothing half-registered: every alias points at a version, every version's bundle is kept and hashes to its
 * sha256, and every kept blob belongs to a version or to a registered dataset's processed file.
 */
function expectConsistent(): void {
  const db = new PgBridge(url);
  try {
    expect(db.query('SELECT a.name, a.alias FROM model_aliases a LEFT JOIN model_versions v USING (name, version) WHERE v.version IS NULL').rows).toEqual([]);
    const kept = db.query('SELECT v.version, v.sha256, b.bytes FROM model_versions v LEFT JOIN artifact_blobs b USING (sha256)').rows;
    for (const r of kept) {
      expect(r['bytes'], `v${String(r['version'])} has no kept bundle`).toBeTruthy();
      expect(createHash('sha256').update(r['bytes'] as Uint8Array).digest('hex')).toBe(r['sha256']);
    }
    expect(db.query(`SELECT b.sha256 FROM artifact_blobs b WHERE NOT EXISTS (SELECT 1 FROM model_versions v WHERE v.sha256 = b.sha256)
      AND NOT EXISTS (SELECT 1 FROM artifacts a JOIN datasets d ON d.path = a.path WHERE a.sha256 = b.sha256)`).rows).toEqual([]);
  } finally {
    db.close();
  }
}

describe.skipIf(!HAS_POSTGRES)('a team on one PostgreSQL store: three directories that share no files (the real binary)', () => {
  it('two trains started at once from two directories both register, with distinct versions', async () => {
    const ingest = runCli(['ingest', SAMPLE_STATLOG], { home: dirA, env });
    expect(ingest.stderr).not.toMatch(/error/);
    // B never ingested: it trains on A's dataset, whose Parquet comes back from the database.
    const [a, b] = await Promise.all([start(TRAIN, dirA, env), start(TRAIN, dirB, env)]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const store = PgRunStore.open(url);
    try {
      const versions = store.listModelVersions();
      expect(versions.map((v) => v.version).sort()).toEqual([1, 2]);
      const runs = store.listRuns({ experiment: 'train', parent: null });
      expect(runs.map((r) => r.status)).toEqual(['FINISHED', 'FINISHED']);
      // One version per train run: each of the two processes registered its own.
      expect(new Set(versions.map((v) => v.run_id))).toEqual(new Set(runs.map((r) => r.run_id)));
    } finally {
      store.close();
    }
    expectConsistent();
  }, 80_000);

  it('a train SIGKILLed on its first progress line or at each instrumented point registers nothing and leaves nothing half-registered', async () => {
    const before = registry();
    const early = await start(TRAIN, dirA, env, true);
    expect(early.signal, early.stderr).toBe('SIGKILL');
    const points: CrashPoint[] = ['write-atomic:before-rename', 'train:bundle-written', 'train:mid-transaction'];
    for (const point of points) {
      const r = await start(TRAIN, dirB, { ...env, CREDIT_TUI_CRASH_AT: point });
      expect(r.signal, `${point}: ${r.stderr}`).toBe('SIGKILL');
    }
    expect(registry()).toEqual(before);
    expectConsistent();
    // Opening the store on this host reaps the killed runs: none is left RUNNING, each is KILLED.
    const store = PgRunStore.open(url);
    try {
      const runs = store.listRuns({ experiment: 'train', parent: null, limit: 100 });
      expect(runs.filter((r) => r.status === 'RUNNING')).toEqual([]);
      expect(runs.filter((r) => r.status === 'KILLED').length).toBeGreaterThanOrEqual(points.length);
    } finally {
      store.close();
    }
  }, 80_000);

  it('B scores with the model A trained and C serves it: the same probabilities, no file shared', async () => {
    const scored = join(dirB, 'scored.csv');
    const score = runCli(['score', SAMPLE_STATLOG, '-o', scored], { home: dirB, env });
    expect(score.stderr).not.toMatch(/error/);
    const lines = readFileSync(scored, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1001);
    const pBad = lines[0]!.split(',').indexOf('p_bad');
    expect(pBad).toBeGreaterThanOrEqual(0);

    const { proc, base } = await startServe(dirC, env);
    try {
      const records = statlogRecords(25);
      const res = await fetch(`${base}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ dataframe_records: records }) });
      expect(res.status).toBe(200);
      const served = ((await res.json()) as { predictions: { p_bad: number }[] }).predictions.map((p) => p.p_bad);
      const fromScore = lines.slice(1, 26).map((l) => Number(l.split(',')[pBad]));
      served.forEach((p, i) => expect(Math.abs(p - fromScore[i]!)).toBeLessThanOrEqual(1e-9));
    } finally {
      proc.kill('SIGKILL');
    }
    // C wrote nothing of the model or the data: the bundle came from the database.
    expect(readdirSync(dirC).filter((f) => f !== 'outputs')).toEqual([]);
  }, 60_000);
});
