import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { STATLOG_COLUMNS } from '../core/data/codebooks.js';
import { runCli, STATLOG, tmpHome } from '../test-support/helpers.js';

interface WhatIf { p_bad: number; score: number; base: { source: string; filled: string[]; values: Record<string, unknown> } }

const lines = readFileSync(STATLOG, 'utf8').trim().split('\n').map((l) => l.trim().split(/\s+/));
const FEATURES = STATLOG_COLUMNS.filter((c) => c.role !== 'target');
/** Row i of the real file as an applicant in the file's own codes. */
const applicant = (i: number): Record<string, string | number> => Object.fromEntries(FEATURES.map((c, j) => [c.name, c.role === 'numeric' ? Number(lines[i]![j]) : lines[i]![j]!]));

describe('score --set / --from: a what-if on one applicant starts from a full row', () => {
  const home = tmpHome();
  beforeAll(() => {
    expect(runCli(['ingest', STATLOG], { home }).status).toBe(0);
    expect(runCli(['train', '--headless', '--quick', '--families', 'logreg'], { home }).status).toBe(0);
  }, 120_000);

  it('two fields: the other 18 are the typical training applicant (medians, most frequent levels), and the output says so', () => {
    const r = runCli(['score', '--set', 'credit_amount=5000', '--set', 'duration=36', '--json'], { home });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const s = JSON.parse(r.stdout) as WhatIf;
    expect(s.base.filled).toHaveLength(18);
    expect(s.base.filled).not.toContain('duration');
    expect(s.base.source).toMatch(/typical training applicant of statlog_german@1/);
    // Worked out here from the raw file: the most frequent checking status is A14, and the median age.
    const counts = new Map<string, number>();
    for (const l of lines) counts.set(l[0]!, (counts.get(l[0]!) ?? 0) + 1);
    const top = [...counts].sort((a, b) => b[1] - a[1])[0]![0];
    expect(s.base.values['checking_status']).toBe(STATLOG_COLUMNS[0]!.codes![top]);
    const ages = lines.map((l) => Number(l[12])).sort((a, b) => a - b);
    expect(s.base.values['age']).toBe(ages[(ages.length - 1) >> 1]);
    expect(s.p_bad).toBeGreaterThan(0);
    expect(s.p_bad).toBeLessThan(1);
    const human = runCli(['score', '--set', 'credit_amount=5000', '--set', 'duration=36'], { home });
    expect(human.status).toBe(0);
    expect(human.stdout).toMatch(/^base +18 fields from typical training applicant of statlog_german@1 .*: checking_status=/m);
  });

  it('--from 1 --set duration=48 scores exactly the first applicant with a longer loan', () => {
    const r = runCli(['score', '--from', '1', '--set', 'duration=48', '--json'], { home });
    expect(r.status).toBe(0);
    const s = JSON.parse(r.stdout) as WhatIf;
    expect(s.base.source).toBe('row 1 of statlog_german@1');
    expect(s.base.filled).toHaveLength(19);
    const full = runCli(['score', '--applicant', JSON.stringify({ ...applicant(0), duration: 48 }), '--json'], { home });
    expect(full.status).toBe(0);
    const f = JSON.parse(full.stdout) as WhatIf;
    expect(f.base.filled).toEqual([]);
    expect(s.p_bad).toBeCloseTo(f.p_bad, 12);
    expect(s.score).toBe(f.score);
  });

  it('under --json an error is JSON on stdout (and one line on stderr), exit 1', () => {
    const r = runCli(['score', '--from', '99999', '--set', 'duration=12', '--json'], { home });
    expect(r.status).toBe(1);
    const e = JSON.parse(r.stdout) as { error: { code: string; message: string; exit_code: number } };
    expect(e.error.code).toBe('USER_ERROR');
    expect(e.error.message).toMatch(/no row 99999 in statlog_german@1/);
    expect(e.error.exit_code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    const bad = runCli(['score', '--set', 'duration=abc', '--json'], { home });
    expect(bad.status).toBe(1);
    expect((JSON.parse(bad.stdout) as { error: { column?: string } }).error.column).toBe('duration');
  });
});
