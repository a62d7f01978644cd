import { describe, expect, it } from 'vitest';
import { runCli, STATLOG, tmpHome } from '../test-support/helpers.js';
import { isFigure, table } from './format.js';

const FIGURE_CELL = /(\d\.\d{4} ± \d\.\d{4})|(\[\d\.\d{3}, \d\.\d{3}\])/g;

describe('tables never cut a number', () => {
  it('a narrow width shrinks text columns, then leaves out whole columns and names them; figures stay whole', () => {
    const header = ['#', 'family', 'best params', 'CV AUC', 'fits', 'fit s'];
    const rows = [['1', 'logreg', 'C=0.1 class_weight=null smote=false', '0.7873 ± 0.0556', '10', '3.5'], ['2', 'forest', 'n_estimators=300 max_depth=8', '0.7987 ± 0.0312', '12', '14.2']];
    const wide = table(header, rows, Number.POSITIVE_INFINITY);
    expect(wide).toContain('C=0.1 class_weight=null smote=false');
    const narrow = table(header, rows, 44).split('\n');
    for (const l of narrow.slice(0, -1)) expect([...l].length).toBeLessThanOrEqual(44);
    expect(narrow.join('\n')).toContain('0.7873 ± 0.0556');
    expect(narrow.join('\n')).toContain('0.7987 ± 0.0312');
    expect(narrow.at(-1)).toMatch(/^\(too narrow for .*fit s: a wider terminal or --json shows them\)$/);
    expect(isFigure('[0.080, 0.952]')).toBe(true);
    expect(isFigure('2026-12-05 23:52:06')).toBe(true);
    expect(isFigure('statlog_german')).toBe(false);
  });

  it('the real binary: the train leaderboard at COLUMNS=100 fits without cutting CV AUC; piped fairness and datasets are not cut at all', () => {
    const home = tmpHome();
    expect(runCli(['ingest', STATLOG], { home }).status).toBe(0);
    const train = runCli(['train', '--headless', '--quick', '--families', 'logreg,tree'], { home, env: { COLUMNS: '100' } });
    expect(train.status).toBe(0);
    const board = train.stdout.split('\n\n')[0]!.split('\n');
    for (const l of board) expect([...l].length, l).toBeLessThanOrEqual(100);
    expect(board.join('\n')).not.toMatch(/\d…/);
    expect(board.filter((l) => /^\d  /.test(l)).map((l) => l.match(FIGURE_CELL)?.length)).toEqual([1, 1]);

    const env = { COLUMNS: '' }; // piped, and no width asked for
    const fairness = runCli(['fairness'], { home, env });
    expect(fairness.status).toBe(0);
    expect(fairness.stdout).not.toContain('…');
    expect(fairness.stdout.match(/\[\d\.\d{3}, \d\.\d{3}\]/g)!.length).toBeGreaterThanOrEqual(6);
    expect(fairness.stdout).toContain('fails four-fifths rule');
    const datasets = runCli(['datasets'], { home, env });
    expect(datasets.stdout).toMatch(/^statlog_german +v1/m);
    expect(datasets.stdout).not.toContain('…');
  });
});
