import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, STATLOG, tmpHome } from '../../test-support/helpers.js';
import { DEFAULT_PARAMS } from '../params/params.js';
import { pBadRange, points } from './decision.js';

const S = DEFAULT_PARAMS.scoring;

describe('points stay on the documented scale', () => {
  it('p(bad) 0 and 1 give the ends of [300, 850], not 1,882 and -1,107', () => {
    expect(points(0, S)).toBe(850);
    expect(points(1, S)).toBe(300);
    expect(points(1e-12, S)).toBe(850);
    expect(points(1 - 1e-12, S)).toBe(300);
  });

  it('inside the range the scale is unchanged: base_points at base_odds, +pdo per doubling', () => {
    expect(points(1 / 20, S)).toBe(600); // odds 19:1
    expect(points(1 / 39, S)).toBe(650); // odds 38:1, doubled
    expect(points(1 / 10.5, S)).toBe(550); // odds 9.5:1, halved
  });

  it('the clipping range maps exactly onto min_points and max_points, and follows the params', () => {
    const { low, high } = pBadRange(S);
    expect(low).toBeCloseTo(0.001642, 6);
    expect(high).toBeCloseTo(0.7711, 4);
    const own = { ...S, min_points: 0, max_points: 1000 };
    expect(points(0, own)).toBe(1000);
    expect(points(1, own)).toBe(0);
    for (let p = 0; p <= 1; p += 0.001) {
      const v = points(p, S);
      expect(v).toBeGreaterThanOrEqual(300);
      expect(v).toBeLessThanOrEqual(850);
    }
  });
});

describe('a real tree champion, whose leaves answer p(bad) 0 and 1', () => {
  it('scores every Statlog applicant within [300, 850], reaching both ends', () => {
    const home = tmpHome();
    expect(runCli(['ingest', STATLOG], { home }).status).toBe(0);
    expect(runCli(['train', '--headless', '--quick', '--families', 'tree'], { home }).status).toBe(0);
    const out = join(home, 'scored.csv');
    expect(runCli(['score', STATLOG, '-o', out], { home }).status).toBe(0);
    const [header, ...rows] = readFileSync(out, 'utf8').trim().split('\n').map((l) => l.split(','));
    const at = header!.indexOf('score');
    const p = header!.indexOf('p_bad');
    const scores = rows.map((r) => Number(r[at]));
    expect(Math.min(...scores)).toBe(300);
    expect(Math.max(...scores)).toBe(850);
    // The leaves that are sure of an answer are the ones at the ends.
    expect(rows.filter((r) => Number(r[p]) === 0).every((r) => Number(r[at]) === 850)).toBe(true);
    expect(rows.some((r) => Number(r[p]) === 0)).toBe(true);
  });

  it('on a min-max scale other families get points linear in p(bad), max_points at 0 and min_points at 1', () => {
    const M = { ...S, scale: 'minmax' as const, min_points: 0, max_points: 1000 };
    expect(points(0, M)).toBe(1000);
    expect(points(1, M)).toBe(0);
    expect(points(0.25, M)).toBe(750);
    expect(pBadRange(M)).toEqual({ low: 0, high: 1 });
  });
});
