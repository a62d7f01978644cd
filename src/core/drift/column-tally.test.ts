import { describe, expect, it } from 'vitest';
import { STATLOG_COLUMNS } from '../data/codebooks.js';
import { Rng } from '../random.js';
import { ColumnTally, memorySpill } from './column-tally.js';
import { asRuns } from './runs.js';

/** The column's sample expanded back to one ascending array. */
const sortedOf = (c: ReturnType<ColumnTally['finish']>): Float64Array => {
  if (c.kind !== 'numeric') throw new Error('not numeric');
  const r = asRuns(typeof c.sample === 'function' ? c.sample() : c.sample);
  const out: number[] = [];
  r.values.forEach((v, i) => out.push(...new Array<number>(r.counts[i]!).fill(v)));
  return Float64Array.from(out);
};

describe('ColumnTally', () => {
  it('numbers past the distinct-token limit spill, and the column is the same as without a limit', () => {
    const rng = new Rng(5);
    const tokens = Array.from({ length: 5000 }, () => (rng.int(2000) === 0 ? 'NA' : (rng.next() * 1000).toFixed(rng.int(3))));
    const wide = new ColumnTally('x', memorySpill());
    const narrow = new ColumnTally('x', memorySpill(), 50);
    for (const t of tokens) [wide, narrow].forEach((c) => c.addString(t));
    const a = wide.finish('f.csv');
    const b = narrow.finish('f.csv');
    expect(b).toMatchObject({ kind: 'numeric', missing: a.missing, total: 5000 });
    const expected = Float64Array.from(tokens.filter((t) => t !== 'NA').map(Number)).sort();
    expect(sortedOf(b)).toEqual(expected);
    expect(sortedOf(a)).toEqual(expected);
    expect(sortedOf(b)).toEqual(expected); // built again on each call, from the spill
  });

  it('types a column as the in-memory reader does: numeric only when every present token is a number', () => {
    const c = new ColumnTally('purpose', memorySpill());
    for (const t of ['1', ' 2 ', 'x', '', 'x']) c.addString(t);
    expect(c.finish('f.csv')).toMatchObject({ kind: 'categorical', counts: new Map([['1', 1], ['2', 1], ['x', 2]]), missing: 1, total: 5 });
  });

  it('decodes a known codebook and refuses a text column too large to compare as categories', () => {
    const c = new ColumnTally('checking_status', memorySpill());
    for (const t of ['A11', 'A11', '< 0 DM', 'A14', 'constructor']) c.addString(t);
    const spec = STATLOG_COLUMNS.find((s) => s.name === 'checking_status')!;
    expect(c.finish('f.csv', spec)).toMatchObject({ counts: new Map([['< 0 DM', 3], ['no checking account', 1], ['constructor', 1]]) });
    const big = new ColumnTally('name', memorySpill(), 10);
    for (let i = 0; i < 20; i++) big.addString(`n${i}`);
    big.addString('12');
    expect(() => big.finish('f.csv')).toThrow(/f\.csv.*column 'name'.*more than 10 distinct values/);
  });
});
