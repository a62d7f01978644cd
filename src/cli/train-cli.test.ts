import { describe, expect, it } from 'vitest';
import { HAS_STATLOG, runCli, STATLOG, tmpHome } from '../test-support/helpers.js';

describe.skipIf(!HAS_STATLOG)('credit-tui train / models / runs as processes', () => {
  const home = tmpHome();

  it('train --headless: progress on stderr, leaderboard on stdout, exit 0', () => {
    expect(runCli(['ingest', STATLOG], { home }).status).toBe(0);
    const r = runCli(['train', '--headless', '--quick', '--families', 'logreg,tree'], { home });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/search [0-9a-f]{16} on statlog_german@1: 4 candidates × 5 folds = 20 fits/);
    expect(r.stderr).toMatch(/\[4\/4\] .* eta .* best /);
    expect(r.stdout).toContain('Leaderboard (statlog_german@1');
    expect(r.stdout).toMatch(/Champion: (logreg|tree) .* model version 1/);
  });

  it('train --json: NDJSON events and a summary line with leaderboard and champion', () => {
    // --force: its champion may be the same logreg as the first run's, which would otherwise resolve to version 1.
    const r = runCli(['train', '--json', '--quick', '--families', 'logreg,knn', '--workers', '1', '--promote', 'always', '--force'], { home });
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ type: 'started' });
    const summary = lines.at(-1) as { type: string; leaderboard: Record<string, unknown>[]; champion: Record<string, unknown> & { test: Record<string, number> }; wall_seconds: number };
    expect(summary.type).toBe('summary');
    expect(summary.leaderboard).toHaveLength(2);
    for (const e of summary.leaderboard) expect(Object.keys(e)).toEqual(expect.arrayContaining(['family', 'params', 'cv_auc_mean', 'cv_auc_std', 'fits', 'seconds']));
    expect(summary.champion.version).toBe(2);
    expect(summary.champion['promotion']).toEqual({ promoted: true, reason: 'promoted: decision.promote is always', against: null });
    expect(summary.champion['decision']).toMatchObject({ policy: 'cost', threshold: 1 / 6 });
    expect(Object.keys(summary.champion.test)).toEqual(expect.arrayContaining(['roc_auc', 'gini', 'ks', 'accuracy', 'precision', 'recall', 'f1', 'g_mean', 'brier', 'cost_at_0_5', 'cost_at_optimal']));
    // Wall time measures the search: more than its slowest candidate's fit time, less than the process's life.
    expect(summary.wall_seconds).toBeGreaterThan(Math.max(...summary.leaderboard.map((e) => Number(e['seconds']) / Number(e['fits']))));
  });

  it('models list / promote, runs compare --diff', () => {
    const list = JSON.parse(runCli(['models', 'list', '--json'], { home }).stdout) as { version: number; aliases: string[] }[];
    expect(list.map((v) => [v.version, v.aliases])).toEqual([[2, ['champion']], [1, []]]);
    expect(runCli(['models', 'promote', '1'], { home }).status).toBe(0);
    const after = JSON.parse(runCli(['models', 'list', '--json'], { home }).stdout) as { version: number; aliases: string[] }[];
    expect(after.find((v) => v.version === 1)!.aliases).toEqual(['champion']);
    const bad = runCli(['models', 'promote', '9'], { home });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("model 'credit-risk' has no version 9");
    const runs = JSON.parse(runCli(['runs', 'list', '--experiment', 'train', '--json'], { home }).stdout) as { run_id: string }[];
    const cmp = runCli(['runs', 'compare', runs[0]!.run_id, runs[1]!.run_id, '--diff'], { home });
    expect(cmp.status).toBe(0);
    expect(cmp.stdout).toContain('param families');
    expect(cmp.stdout).not.toContain('param seed');
  });

  it('bad training input is one clear line', () => {
    const r = runCli(['train', '--headless', '--families', 'logreg,gbm'], { home });
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe("error: unknown family 'gbm' (choose from logreg, tree, forest, xgboost, knn, svm, mlp, brf, scorecard)");
    // An empty project trains on the built-in sample (first-run.test.ts); a named dataset must exist.
    const empty = runCli(['train', '--headless', '--dataset', 'nope'], { home: tmpHome() });
    expect(empty.status).toBe(1);
    expect(empty.stderr.trim().split('\n')).toHaveLength(1);
    expect(empty.stderr).toMatch(/^error: .*nope/);
  });
});
