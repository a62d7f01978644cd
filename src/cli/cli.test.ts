import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HAS_REAL_DATA, KAGGLE, runCli, STATLOG, tmpHome } from '../test-support/helpers.js';
import { integrityOk, snapshotProject } from '../test-support/snapshot.js';

describe('the credit-tui binary', () => {
  it('prints help with examples for the program and every command', () => {
    const top = runCli(['--help']);
    expect(top.status).toBe(0);
    expect(top.stdout).toContain('Usage: credit-tui');
    const commands = [...top.stdout.matchAll(/^  ([a-z]+)(?: \[options\])?/gm)].map((m) => m[1]!).filter((c) => c !== 'help');
    expect(commands).toEqual(expect.arrayContaining(['init', 'ingest', 'eda', 'runs', 'datasets']));
    for (const c of commands) {
      const r = runCli([c, '--help']);
      expect(r.status, c).toBe(0);
      expect(r.stdout, c).toMatch(/Examples:|Commands:/);
    }
  });

  it('writes a commented params.yaml with init and refuses to overwrite it', () => {
    const home = tmpHome();
    expect(runCli(['init'], { home }).status).toBe(0);
    expect(existsSync(join(home, 'params.yaml'))).toBe(true);
    const again = runCli(['init'], { home });
    expect(again.status).toBe(1);
    expect(again.stderr.trim()).toMatch(/^error: .*params\.yaml: params\.yaml already exists \(pass --force/);
  });

  it('a bad params.yaml is one line naming the key, exit 1', () => {
    const home = tmpHome();
    writeFileSync(join(home, 'params.yaml'), 'split:\n  test_size: 1.5\n');
    const r = runCli(['params'], { home });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain("invalid value 1.5 for 'split.test_size': expected a share in (0, 1)");
  });

  it('an unknown command or option fails with exit 1', () => {
    expect(runCli(['frobnicate']).status).toBe(1);
    expect(runCli(['ingest', '--nope']).status).toBe(1);
  });

  it.skipIf(!HAS_REAL_DATA)('ingests, profiles and lists runs as a process', () => {
    const home = tmpHome();
    const ing = runCli(['ingest', STATLOG, '--json'], { home });
    expect(ing.status).toBe(0);
    const events = ing.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; dataset?: { rows: number } });
    expect(events.at(-1)).toMatchObject({ type: 'ingested', dataset: { rows: 1000 } });
    const eda = runCli(['eda', '--json'], { home });
    expect(eda.status).toBe(0);
    const report = JSON.parse(eda.stdout) as { rows: number; bad_rate: number; columns: { name: string; iv: number; missing: number; missing_share: number; distinct: number; role: string; dtype: string }[] };
    expect(report.rows).toBe(1000);
    expect(report.bad_rate).toBe(0.3);
    expect(report.columns.find((c) => c.name === 'duration')).toMatchObject({ role: 'numeric', dtype: 'f64', missing: 0, distinct: 33 });
    const text = runCli(['eda'], { home });
    expect(text.stdout).toContain('Information value ranking');
    const runs = JSON.parse(runCli(['runs', 'list', '--json'], { home }).stdout) as { experiment: string; status: string }[];
    expect(runs.map((r) => `${r.experiment}:${r.status}`)).toEqual(['eda:FINISHED', 'eda:FINISHED', 'ingest:FINISHED']);
    expect(integrityOk(home)).toBe(true);
  });

  it.skipIf(!HAS_REAL_DATA)('a malformed file: one line naming file, row and column; exit 1; nothing changed', () => {
    const home = tmpHome();
    expect(runCli(['ingest', KAGGLE], { home }).status).toBe(0);
    const before = snapshotProject(home);
    const bad = join(home, 'bad.csv');
    writeFileSync(bad, 'amount,region,target\n' + Array.from({ length: 20 }, (_, i) => `${i === 4 ? '12x' : i * 100},r${i % 2},${i % 2 ? 'bad' : 'good'}`).join('\n') + '\n');
    const r = runCli(['ingest', bad], { home });
    expect(r.status).toBe(1);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('error'))).toHaveLength(1);
    expect(r.stderr.trim().split('\n').at(-1)).toBe(`error: ${bad}, row 6, column 'amount': non-numeric value "12x" in numeric column (set data.roles.amount: categorical in params.yaml if the column is categorical)`);
    expect(snapshotProject(home)).toBe(before);
  });
});
