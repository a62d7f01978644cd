import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tmpHome } from '../../test-support/helpers.js';
import { MIGRATIONS } from './migrations.js';
import { RunStore } from './run-store.js';

describe('RunStore', () => {
  it('migrates to the latest schema with WAL', () => {
    const s = RunStore.open(join(tmpHome(), 'runs.db'));
    expect(s.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(s.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(s.integrityCheck()).toBe('ok');
    s.close();
  });

  it('records params, metric history by step, tags, and nested runs', () => {
    const s = RunStore.open(join(tmpHome(), 'runs.db'));
    const parent = s.startRun('train', 'search');
    const child = s.startRun('train', 'logreg C=1', parent);
    s.logParams(child, { C: 1, smote: false });
    for (let k = 0; k < 3; k++) s.logMetrics(child, { roc_auc: 0.7 + k / 100 }, k + 1);
    s.logMetrics(child, { roc_auc: 0.71 });
    s.setTags(child, { family: 'logreg' });
    s.endRunTree(parent, 'KILLED', 'stopped');
    expect(s.getRun(child.slice(0, 6)).status).toBe('KILLED');
    expect(s.params(child)).toEqual({ C: '1', smote: 'false' });
    expect(s.metricHistory(child).map((m) => m.step)).toEqual([0, 1, 2, 3]);
    expect(s.latestMetrics(child)).toEqual({ roc_auc: 0.71 });
    expect(s.childCount(parent)).toBe(1);
    expect(s.tags(child)).toEqual({ family: 'logreg' });
    s.close();
  });

  it('marks runs of a dead process KILLED on the next open', () => {
    const path = join(tmpHome(), 'runs.db');
    const s = RunStore.open(path);
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const id = s.startRun('train', 'orphan');
    s.db.prepare('UPDATE runs SET pid = ? WHERE run_id = ?').run(Number(dead.stdout), id);
    s.close();
    const again = RunStore.open(path);
    expect(again.getRun(id).status).toBe('KILLED');
    again.close();
  });

  it('registers model versions and moves aliases', () => {
    const s = RunStore.open(join(tmpHome(), 'runs.db'));
    const run = s.startRun('train', 'r');
    const base = { name: 'credit', run_id: run, family: 'logreg', path: '/m', sha256: 'x', dataset_digest: 'd', metrics: { roc_auc: 0.8 } };
    expect(s.registerModelVersion(base, ['champion'])).toBe(1);
    expect(s.registerModelVersion(base, ['champion'])).toBe(2);
    expect(s.resolveModelVersion('credit', 'champion').version).toBe(2);
    s.setAlias('credit', 'champion', 1);
    expect(s.resolveModelVersion('credit', 'champion').version).toBe(1);
    expect(s.resolveModelVersion('credit', 'v2').aliases).toEqual([]);
    expect(() => s.setAlias('credit', 'champion', 9)).toThrow(/no version 9/);
    s.close();
  });
});
