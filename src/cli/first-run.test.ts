import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { storedUsefulness, usefulness } from '../core/metrics/classification.js';
import { HAS_REAL_DATA, KAGGLE, REPO_ROOT, runCli, STATLOG, tmpHome } from '../test-support/helpers.js';

/** The README's main command: the first fenced line of its Set-up section. */
function readmeMainCommand(): string {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const setup = readme.slice(readme.indexOf('## Set-up'));
  const line = /^ {4}(\S.*)$/m.exec(setup)?.[1];
  if (!line) throw new Error('README: no main command under ## Set-up');
  return line;
}

describe('first run on a fresh clone, offline', () => {
  it("the README's main command registers a champion with no ../shared and no network", () => {
    const main = readmeMainCommand();
    expect(main).toMatch(/^npm install && \.\/bin\/credit-tui /);
    const root = tmpHome('credit-tui-clone-');
    const clone = join(root, 'credit-tui');
    execFileSync('git', ['clone', '-q', REPO_ROOT, clone]);
    // The clone gets this checkout's installed packages (npm install needs the registry, which is not the point
    // here); everything after `npm install &&` runs as a new user would run it, with every download refused.
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(clone, 'node_modules'), 'dir');
    const env: Record<string, string> = {
      PATH: process.env['PATH'] ?? '', HOME: root, NO_COLOR: '1',
      HTTPS_PROXY: 'http://127.0.0.1:9', HTTP_PROXY: 'http://127.0.0.1:9', CREDIT_TUI_STATLOG_URL: 'http://127.0.0.1:9/german.data',
    };
    const build = spawnSync('npm', ['run', 'build'], { cwd: clone, env, encoding: 'utf8' });
    expect(build.status, build.stderr).toBe(0);
    mkdirSync(join(root, 'work'));
    const rest = main.replace(/^npm install && /, '');
    const r = spawnSync('bash', ['-c', rest], { cwd: clone, env, encoding: 'utf8', timeout: 600_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('no dataset ingested yet: ingesting the built-in UCI Statlog sample');
    expect(r.stdout).toMatch(/Champion: \w+ .* -> model version 1/);
    const list = spawnSync(process.execPath, [join(clone, 'bin', 'credit-tui'), 'models', 'list'], { cwd: clone, env, encoding: 'utf8' });
    expect(list.stdout).toMatch(/registered model: credit-risk\n[\s\S]*v1\s+champ/);
  }, 900_000);
});

describe('plain words', () => {
  it('a directory or an empty path is one human line, never EISDIR/ENOENT', () => {
    const home = tmpHome();
    for (const args of [['ingest', home], ['drift', home, home], ['score', home], ['ingest', '']]) {
      const r = runCli(args, { home });
      expect(r.status, args.join(' ')).toBe(1);
      const lines = r.stderr.trim().split('\n');
      expect(lines, args.join(' ')).toHaveLength(1);
      expect(lines[0]).toMatch(/^error: /);
      expect(lines[0]).not.toMatch(/E[A-Z]{3,}|at .*\.js/);
    }
    expect(runCli(['ingest', home], { home }).stderr).toContain('is a directory, not a file');
    expect(runCli(['ingest', ''], { home }).stderr).toContain('the path is empty');
  });
});

describe('a model no better than a trivial policy is called useless', () => {
  it('compares the cost at the threshold with declining or approving everyone', () => {
    expect(usefulness({ cost_at_optimal: 0.725, cost_decline_all: 0.7, cost_approve_all: 1.5 })).toEqual({
      useless: true, text: 'useless: expected test cost 0.725 per applicant is no better than declining everyone (0.700)',
    });
    expect(usefulness({ cost_at_optimal: 0.2, cost_decline_all: 0.9, cost_approve_all: 0.25 })!.text).toBe('saves 0.050 per applicant against approving everyone (0.200 vs 0.250)');
    expect(storedUsefulness({ test_cost_at_optimal: 0.5 })).toBeNull();
  });

  it.skipIf(!HAS_REAL_DATA)('on the Kaggle variant a quick tree is useless: train, models list and --json say so', () => {
    const home = tmpHome();
    expect(runCli(['ingest', KAGGLE], { home }).status).toBe(0);
    const r = runCli(['train', '--headless', '--quick', '--families', 'tree'], { home });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/⚠ useless: expected test cost 0\.\d{3} per applicant is no better than declining everyone \(0\.700\)/);
    const list = runCli(['models', 'list'], { home });
    expect(list.stdout).toMatch(/v1\s+champ\S*\s+tree .*USELESS/);
    expect(list.stdout).toContain('⚠ v1 is useless');
    const j = runCli(['train', '--json', '--quick', '--families', 'logreg'], { home });
    const summary = JSON.parse(j.stdout.trim().split('\n').at(-1)!) as { champion: { useless: boolean; test: { cost_decline_all: number } } };
    expect(summary.champion.useless).toBe(false);
    expect(summary.champion.test.cost_decline_all).toBeCloseTo(0.7, 10);
  });
});

describe('human output fits the terminal', () => {
  it('runs compare --diff shows one row per grid key within 80 columns; --json keeps the full values', () => {
    const home = tmpHome();
    expect(runCli(['ingest', STATLOG], { home }).status).toBe(0);
    expect(runCli(['train', '--headless', '--quick', '--families', 'logreg'], { home }).status).toBe(0);
    expect(runCli(['train', '--headless', '--quick', '--families', 'logreg,tree'], { home }).status).toBe(0);
    const ids = (JSON.parse(runCli(['runs', 'list', '--experiment', 'train', '--json'], { home }).stdout) as { run_id: string }[]).map((r) => r.run_id);
    const [b, a] = ids;
    // Piped output is cut only to a width asked for (COLUMNS), as a terminal of 80 columns would be.
    const human = runCli(['runs', 'compare', a!, b!, '--diff'], { home, env: { COLUMNS: '80' } });
    expect(human.status).toBe(0);
    const lines = human.stdout.trimEnd().split('\n');
    for (const l of lines) expect([...l].length, l).toBeLessThanOrEqual(80);
    expect(human.stdout).toMatch(/param grids\.tree\s/);
    expect(human.stdout).not.toMatch(/param grids\.logreg\s/); // the same in both runs: not a difference
    const json = JSON.parse(runCli(['runs', 'compare', a!, b!, '--diff', '--json'], { home }).stdout) as { rows: { key: string; a: string; b: string }[] };
    const grids = json.rows.find((r) => r.key === 'param grids')!;
    expect(JSON.parse(grids.b)).toHaveProperty('tree');
    for (const l of runCli(['models', 'list'], { home, env: { COLUMNS: '80' } }).stdout.trimEnd().split('\n')) expect([...l].length, l).toBeLessThanOrEqual(80);
  });
});
