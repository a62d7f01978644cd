import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STATLOG_COLUMNS } from '../core/data/codebooks.js';
import { parseShift } from '../core/drift/shift.js';
import { runCli, STATLOG, tmpHome } from '../test-support/helpers.js';
import { readShiftTable, shiftFile } from './shift.js';

/** The first `n` real Statlog rows as a scoring input: an id column first, the 20 features, no label. */
function applicantsCsv(dir: string, n: number, withClass = false): string {
  const names = STATLOG_COLUMNS.map((c) => c.name);
  const rows = readFileSync(STATLOG, 'utf8').trim().split('\n').slice(0, n).map((l) => l.trim().split(/\s+/));
  const keep = withClass ? names.length : names.length - 1;
  const lines = [['applicant_id', ...names.slice(0, keep)].join(',')];
  rows.forEach((r, i) => lines.push([`A-${String(i + 1).padStart(4, '0')}`, ...r.slice(0, keep)].join(',')));
  const file = join(dir, withClass ? 'labelled.csv' : 'applicants.csv');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const csvRows = (file: string): string[][] => readFileSync(file, 'utf8').trim().split('\n').map((l) => l.split(','));

describe('shift works on any scoring input and keeps every column it does not shift', () => {
  it('an applicants file without a label: the binary doubles credit_amount and keeps applicant_id and every other value', () => {
    const home = tmpHome();
    const input = applicantsCsv(home, 200);
    const output = join(home, 'applicants2.csv');
    const r = runCli(['shift', input, output, '--scale', 'credit_amount=2'], { home });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const before = readShiftTable(input);
    const after = readShiftTable(output);
    expect(after.rows).toBe(200);
    expect(after.columns.map((c) => c.name)).toEqual(before.columns.map((c) => c.name));
    expect(after.columns[0]!.name).toBe('applicant_id');
    for (const c of after.columns) {
      const b = before.columns.find((x) => x.name === c.name)!;
      if (c.name === 'credit_amount') expect(Array.from(c.values as Float64Array)).toEqual(Array.from(b.values as Float64Array, (v) => v * 2));
      else expect([...c.values]).toEqual([...b.values]);
    }
    // The ids are written as they were (leading zeros too), so outcomes still join.
    expect(csvRows(output).slice(1).map((r) => r[0])).toEqual(csvRows(input).slice(1).map((r) => r[0]));
  });

  it('a labelled file keeps its id and label; reweighting moves whole rows, so each id keeps its own values', () => {
    const home = tmpHome();
    mkdirSync(home, { recursive: true });
    const input = applicantsCsv(home, 300, true);
    const output = join(home, 'shifted.parquet');
    const shifted = shiftFile(input, output, [parseShift('reweight', 'purpose=business:5'), parseShift('offset', 'age=10')], 7);
    const back = readShiftTable(output);
    expect(back.columns.map((c) => c.name)).toEqual(['applicant_id', ...STATLOG_COLUMNS.map((c) => c.name)]);
    const original = readShiftTable(input);
    const col = (t: typeof back, n: string) => t.columns.find((c) => c.name === n)!.values;
    const byId = new Map((col(original, 'applicant_id') as string[]).map((id, i) => [id, i]));
    const ids = col(back, 'applicant_id') as string[];
    expect(ids.filter((id) => id !== null).length).toBe(300);
    let business = 0;
    ids.forEach((id, i) => {
      const j = byId.get(id)!;
      expect(j).toBeDefined();
      expect(col(back, 'duration')[i]).toBe(col(original, 'duration')[j]);
      expect(col(back, 'class')[i]).toBe(col(original, 'class')[j]);
      expect(col(back, 'age')[i]).toBe((col(original, 'age')[j] as number) + 10);
      if (col(back, 'purpose')[i] === 'business') business++;
    });
    const before = (col(original, 'purpose') as string[]).filter((p) => p === 'business').length;
    expect(business).toBeGreaterThan(2 * before);
    expect(shifted.rows).toBe(300);
  });
});
