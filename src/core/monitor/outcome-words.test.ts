import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, STATLOG, tmpHome } from '../../test-support/helpers.js';
import { BAD_WORDS, GOOD_WORDS, readOutcome } from './outcome-words.js';

describe('outcomes: --help says what the reader really does', () => {
  it('a class column coded 1/2 is Statlog\'s (2 = bad, so "1" is good there); elsewhere the word lists decide; --bad names the one bad value', () => {
    expect(readOutcome('2', 'class', null)).toBe(1);
    expect(readOutcome('1', 'class', null)).toBe(0);
    expect(readOutcome('1', 'outcome', null)).toBe(1);
    expect(readOutcome('Defaulted', 'outcome', null)).toBe(1);
    expect(readOutcome('repaid', 'outcome', null)).toBe(0);
    expect(readOutcome('maybe', 'outcome', null)).toBeUndefined();
    expect(readOutcome('maybe', 'outcome', 'maybe')).toBe(1);
    expect(readOutcome('bad', 'outcome', 'maybe')).toBe(0);
  });

  it('the real binary: help names the 1/2 coding and every word; a Statlog class column imports its 300 bad rows', () => {
    const help = runCli(['outcomes', '--help']).stdout.replace(/\s+/g, ' ');
    expect(help).toContain('a column named class holding 1/2 is Statlog\'s coding (1 = good, 2 = bad)');
    for (const w of [...BAD_WORDS, ...GOOD_WORDS]) expect(help).toContain(w);
    expect(help).not.toContain('(default: bad/1/yes/true)');
    const home = tmpHome();
    const file = join(home, 'outcomes.csv');
    const rows = readFileSync(STATLOG, 'utf8').trim().split('\n').map((l) => l.trim().split(/\s+/).at(-1)!);
    writeFileSync(file, `id,class\n${rows.map((c, i) => `${i},${c}`).join('\n')}\n`);
    const r = runCli(['outcomes', file, '--json'], { home });
    expect(r.status).toBe(0);
    const s = JSON.parse(r.stdout) as { rows: number; bad: number };
    expect(s.rows).toBe(1000);
    expect(s.bad).toBe(rows.filter((c) => c === '2').length);
    expect(s.bad).toBe(300);
  });
});
