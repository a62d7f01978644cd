import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../core/random.js';
import { RunStore } from '../core/store/run-store.js';
import { BIN, HAS_STATLOG, runCli, STATLOG, tmpHome } from '../test-support/helpers.js';
import { integrityOk } from '../test-support/snapshot.js';

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

/** Starts the real binary; sends `signal` after `afterMs` (if given); resolves when it exits. */
function start(args: readonly string[], home: string, signal?: NodeJS.Signals, afterMs = 0): Promise<Exit> {
  return new Promise((resolve) => {
    const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1' };
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

describe.skipIf(!HAS_STATLOG)('killed, interrupted and concurrent runs', () => {
  const home = tmpHome();
  const out = join(home, 'scored.csv');

  beforeAll(() => {
    expect(runCli(['ingest', STATLOG], { home }).status).toBe(0);
    expect(runCli([...TRAIN], { home }).status).toBe(0);
  });

  it('SIGKILL at random points of train (20×): the store stays valid, orphans become KILLED, a new run succeeds', async () => {
    const rng = new Rng(11);
    for (let i = 0; i < 20; i++) {
      const r = await start(TRAIN, home, 'SIGKILL', 150 + rng.int(1500));
      expect(r.code === 0 || r.signal === 'SIGKILL').toBe(true);
      expect(integrityOk(home)).toBe(true);
    }
    const store = RunStore.open(join(home, 'runs.db')); // opening reaps orphans
    expect(store.listRuns({ limit: 10_000 }).filter((x) => x.status === 'RUNNING')).toEqual([]);
    expect(store.listRuns({ experiment: 'train', parent: null, limit: 100 }).some((x) => x.status === 'KILLED')).toBe(true);
    const versions = store.listModelVersions();
    store.close();
    for (const v of versions) expect(existsSync(v.path), v.path).toBe(true);
    expect(runCli([...TRAIN], { home }).status).toBe(0);
  });

  it('SIGKILL at random points of score (20×): the output is absent or complete, never half-written', async () => {
    const rng = new Rng(12);
    const complete = (): boolean => {
      const text = readFileSync(out, 'utf8');
      return text.endsWith('\n') && text.trim().split('\n').length === 1001;
    };
    for (let i = 0; i < 20; i++) {
      const r = await start(['score', STATLOG, '-o', out], home, 'SIGKILL', 100 + rng.int(700));
      expect(r.code === 0 || r.signal === 'SIGKILL').toBe(true);
      if (existsSync(out)) expect(complete()).toBe(true);
      expect(integrityOk(home)).toBe(true);
    }
    const done = await start(['score', STATLOG, '-o', out], home);
    expect(done.code).toBe(0);
    expect(complete()).toBe(true);
    // Partial files of killed runs are cleaned by the next run.
    expect(readdirSync(home).filter((f) => f.includes('.partial-'))).toEqual([]);
  });

  it('SIGTERM and SIGINT stop a search cleanly: exit 130, run KILLED', async () => {
    for (const sig of ['SIGTERM', 'SIGINT'] as const) {
      const r = await start(['train', '--headless', '--families', 'forest,mlp'], home, sig, 1500);
      expect(r.code).toBe(130);
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
