import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openBundle } from '../core/registry/bundle.js';
import { RunStore } from '../core/store/run-store.js';
import type { CrashPoint } from '../engine/crash-points.js';
import { BIN, HAS_STATLOG, runCli, STATLOG, tmpHome } from '../test-support/helpers.js';
import { integrityOk } from '../test-support/snapshot.js';

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

/** Starts the real binary; sends `signal` after `afterMs` (if given); resolves when it exits. */
function start(args: readonly string[], home: string, signal?: NodeJS.Signals, afterMs = 0, extraEnv: Record<string, string> = {}): Promise<Exit> {
  return new Promise((resolve) => {
    const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', ...extraEnv };
    delete env['CREDIT_TUI_HOME'];
    const child = spawn(process.execPath, [BIN, '--home', home, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = signal ? setTimeout(() => child.kill(signal), afterMs) : null;
    child.on('exit', (code, sig) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal: sig, stderr });
    });
  });
}

/** Starts the real binary and sends `signal` once its stderr matches `when` (the run is surely under way). */
function signalWhen(args: readonly string[], home: string, signal: NodeJS.Signals, when: RegExp): Promise<Exit> {
  return new Promise((resolve) => {
    const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1' };
    delete env['CREDIT_TUI_HOME'];
    const child = spawn(process.execPath, [BIN, '--home', home, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let sent = false;
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (!sent && when.test(stderr)) {
        sent = true;
        child.kill(signal);
      }
    });
    child.on('exit', (code, sig) => resolve({ code, signal: sig, stderr: sent ? stderr : `(never signalled) ${stderr}` }));
  });
}

const TRAIN = ['train', '--headless', '--quick', '--families', 'logreg,tree,knn,xgboost'];
// --force: a repeat of the same training would resolve to its registered version and write no bundle.
const QUICK_TRAIN = ['train', '--headless', '--quick', '--families', 'logreg', '--force'];

/** Hidden partial files anywhere in the project. */
function partials(home: string): string[] {
  return readdirSync(home, { recursive: true, encoding: 'utf8' }).filter((f) => /\.partial-\d+$/.test(f));
}

function versionsOf(home: string): string[] {
  const store = RunStore.open(join(home, 'runs.db'));
  try {
    return store.listModelVersions().map((v) => `v${v.version} ${v.sha256} ${v.aliases.join(',')}`);
  } finally {
    store.close();
  }
}

/**
 * Files in place (not partial) are whole even when nothing refers to them: every bundle in models/ verifies
 * against its own payload hash, and every raw copy in data/raw/ is the Statlog file this suite ingests.
 */
function verifyFiles(home: string): void {
  const statlog = readFileSync(STATLOG);
  for (const f of readdirSync(join(home, 'models')).filter((f) => f.endsWith('.json'))) {
    const path = join(home, 'models', f);
    expect(() => openBundle(readFileSync(path, 'utf8'), path, null), path).not.toThrow();
  }
  for (const f of readdirSync(join(home, 'data', 'raw')).filter((f) => !f.includes('.partial-'))) {
    expect(readFileSync(join(home, 'data', 'raw', f)).equals(statlog), f).toBe(true);
  }
}

/** Every registered bundle exists and hashes to the registry's sha256 (and its own payload hash). */
function verifyRegistry(home: string): void {
  const store = RunStore.open(join(home, 'runs.db'));
  try {
    for (const v of store.listModelVersions()) {
      const text = readFileSync(v.path, 'utf8');
      expect(createHash('sha256').update(text).digest('hex'), v.path).toBe(v.sha256);
      expect(() => openBundle(text, v.path, v.sha256)).not.toThrow();
    }
  } finally {
    store.close();
  }
}

describe.skipIf(!HAS_STATLOG)('killed, interrupted and concurrent runs', () => {
  const home = tmpHome();
  const out = join(home, 'scored.csv');

  beforeAll(() => {
    expect(runCli(['ingest', STATLOG], { home }).status).toBe(0);
    expect(runCli([...TRAIN], { home }).status).toBe(0);
  });

  it('SIGKILL at 20 instrumented points (mid-write, bundle written but not registered, mid-transaction): all 20 land, nothing is corrupted, the next run cleans up', async () => {
    const rows = readFileSync(STATLOG, 'utf8').trim().split('\n');
    const many = join(home, 'many.data');
    writeFileSync(many, Array.from({ length: 20 }, () => rows.join('\n')).join('\n') + '\n'); // 20,000 rows: several output chunks
    const plan: [CrashPoint, string[]][] = [
      ...Array.from({ length: 3 }, (_, i): [CrashPoint, string[]] => ['write-atomic:before-rename', ['ingest', STATLOG, '--name', `crash_raw_${i}`]]),
      ...Array.from({ length: 3 }, (_, i): [CrashPoint, string[]] => ['ingest:parquet-written', ['ingest', STATLOG, '--name', `crash_pq_${i}`]]),
      ...Array.from({ length: 2 }, (_, i): [CrashPoint, string[]] => ['ingest:mid-transaction', ['ingest', STATLOG, '--name', `crash_tx_${i}`]]),
      ...Array.from({ length: 2 }, (): [CrashPoint, string[]] => ['write-atomic:before-rename', QUICK_TRAIN]),
      ...Array.from({ length: 3 }, (): [CrashPoint, string[]] => ['train:bundle-written', QUICK_TRAIN]),
      ...Array.from({ length: 3 }, (): [CrashPoint, string[]] => ['train:mid-transaction', QUICK_TRAIN]),
      ...Array.from({ length: 2 }, (): [CrashPoint, string[]] => ['score:mid-output', ['score', many, '-o', out]]),
      ...Array.from({ length: 2 }, (): [CrashPoint, string[]] => ['score:before-commit', ['score', many, '-o', out]]),
    ];
    expect(plan).toHaveLength(20);
    const before = versionsOf(home);
    let landed = 0;
    for (const [point, args] of plan) {
      const r = await start(args, home, undefined, 0, { CREDIT_TUI_CRASH_AT: point });
      if (r.signal === 'SIGKILL') landed++;
      else throw new Error(`crash point ${point} did not land (exit ${r.code}): ${r.stderr}`);
      expect(integrityOk(home), point).toBe(true);
      expect(existsSync(out), `${point}: a half-written output appeared`).toBe(false);
      verifyRegistry(home);
      verifyFiles(home);
    }
    expect(landed).toBe(20);
    // Nothing half-done was registered: the kills before and inside the transaction left the registry as it was.
    expect(versionsOf(home)).toEqual(before);
    const store = RunStore.open(join(home, 'runs.db')); // opening reaps orphans
    expect(store.listRuns({ limit: 10_000 }).filter((x) => x.status === 'RUNNING')).toEqual([]);
    expect(store.listRuns({ experiment: 'train', parent: null, limit: 100 }).filter((x) => x.status === 'KILLED').length).toBeGreaterThanOrEqual(8);
    expect(store.listDatasets().some((d) => d.name.startsWith('crash_'))).toBe(false);
    store.close();
    // The killed runs left partial files; the next run of each command removes them and succeeds.
    expect(partials(home).length).toBeGreaterThan(0);
    expect(runCli(['ingest', STATLOG, '--name', 'after_crash'], { home }).status).toBe(0);
    expect(runCli(QUICK_TRAIN, { home }).status).toBe(0);
    const done = await start(['score', many, '-o', out], home);
    expect(done.code, done.stderr).toBe(0);
    expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(20_001);
    expect(partials(home)).toEqual([]);
    verifyRegistry(home);
  });

  it('partial files planted by a dead process are removed by the next ingest, train, score and export; a live one is kept', async () => {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!; // a pid that has surely exited
    const planted = [join(home, `.scored.csv.partial-${dead}`), join(home, 'models', `.x.json.partial-${dead}`), join(home, 'data', 'raw', `.x.txt.partial-${dead}`), join(home, 'data', 'processed', `.x.parquet.partial-${dead}`), join(home, 'exports', `.m.onnx.partial-${dead}`)];
    const alive = join(home, 'models', `.y.json.partial-${process.pid}`);
    mkdirSync(join(home, 'exports'), { recursive: true });
    for (const f of [...planted, alive]) writeFileSync(f, 'half');
    expect(runCli(['ingest', STATLOG, '--name', 'after_plant'], { home }).status).toBe(0);
    expect(runCli(QUICK_TRAIN, { home }).status).toBe(0);
    expect(runCli(['score', STATLOG, '-o', out], { home }).status).toBe(0);
    expect(runCli(['export', '-o', join(home, 'exports', 'm.onnx')], { home }).status).toBe(0);
    for (const f of planted) expect(existsSync(f), f).toBe(false);
    expect(existsSync(alive)).toBe(true);
    rmSync(alive);
  });

  it('SIGTERM and SIGINT stop a search cleanly: exit 130, run KILLED, nothing registered, no partial file', async () => {
    for (const sig of ['SIGTERM', 'SIGINT'] as const) {
      const before = versionsOf(home);
      // Signalled once the first candidate has finished: the search is surely under way, whatever the load.
      const r = await signalWhen(['train', '--headless', '--families', 'forest,mlp'], home, sig, /\[\s*\d+\/\d+\]/);
      expect(r.code, r.stderr).toBe(130);
      expect(partials(home)).toEqual([]);
      expect(versionsOf(home)).toEqual(before);
      expect(r.stderr).toContain('training stopped; the run is marked KILLED');
      const store = RunStore.open(join(home, 'runs.db'));
      const last = store.listRuns({ experiment: 'train', parent: null, limit: 1 })[0]!;
      expect(last.status).toBe('KILLED');
      expect(store.listRuns({ parent: last.run_id, limit: 1000 }).every((c) => c.status !== 'RUNNING')).toBe(true);
      store.close();
    }
  });

  it('SIGTERM and SIGINT stop a batch score cleanly: exit 130, run KILLED, no output and no partial file', async () => {
    const rows = readFileSync(STATLOG, 'utf8').trim().split('\n');
    const big = join(home, 'many.data');
    writeFileSync(big, Array.from({ length: 300 }, () => rows.join('\n')).join('\n') + '\n'); // 300,000 rows
    for (const sig of ['SIGTERM', 'SIGINT'] as const) {
      const target = join(home, `stopped-${sig}.csv`);
      const r = await signalWhen(['score', big, '-o', target], home, sig, /… \d+ rows/);
      expect(r.code, r.stderr).toBe(130);
      expect(r.stderr).toContain('scoring stopped');
      expect(existsSync(target)).toBe(false);
      expect(readdirSync(home).filter((f) => f.includes('.partial-'))).toEqual([]);
      const store = RunStore.open(join(home, 'runs.db'));
      expect(store.listRuns({ experiment: 'score', parent: null, limit: 1 })[0]!.status).toBe('KILLED');
      store.close();
    }
  });

  it('two trains and a score at the same time on one runs.db all succeed', async () => {
    const results = await Promise.all([start(TRAIN, home), start(TRAIN, home), start(['score', STATLOG, '-o', join(home, 'concurrent.csv')], home)]);
    for (const r of results) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).not.toContain('database is locked');
    }
    expect(integrityOk(home)).toBe(true);
    const store = RunStore.open(join(home, 'runs.db'));
    const versions = store.listModelVersions().map((v) => v.version);
    expect(new Set(versions).size).toBe(versions.length);
    store.close();
  });
});
