import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, STATLOG, tmpHome } from '../test-support/helpers.js';
import { ingestedProject } from '../test-support/train.js';
import { badRate } from '../core/data/dataset.js';
import { datasetFromRaw, detectTextFormat, rawTableFromText } from '../core/data/formats.js';
import { openStore } from './project.js';
import { synthFile } from './synth.js';

function readCsv(file: string) {
  const text = readFileSync(file, 'utf8');
  const format = detectTextFormat(text);
  return datasetFromRaw(rawTableFromText(text, file, format), format, { name: 'x' });
}

describe('credit-tui synth', () => {
  it('writes a CSV in Statlog codes that ingest reads back, with the class balance and no partial file left', () => {
    const home = tmpHome();
    const out = join(home, 'out', 'synth.csv');
    const r = runCli(['synth', '3000', '-o', out, '--seed', '5'], { home });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/wrote .*synth\.csv: 3000 rows \(900 bad, 30\.0%\) built from the built-in UCI Statlog sample \(seed 5\)/);
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('checking_status,duration,credit_history,purpose,credit_amount,savings,employment,installment_rate,personal_status,other_debtors,residence_since,property,age,other_plans,housing,existing_credits,job,num_dependents,telephone,foreign_worker,class');
    expect(lines[1]).toMatch(/^A1[1-4],\d+,A3\d,A4\d+,/);
    const back = readCsv(out);
    expect(back.rows).toBe(3000);
    expect(badRate(back)).toBeCloseTo(0.3, 10);
    expect(readdirSync(join(home, 'out'))).toEqual(['synth.csv']);
    // The same seed writes the same bytes.
    const again = join(home, 'again.csv');
    expect(runCli(['synth', '3k', '-o', again, '--seed', '5'], { home }).status).toBe(0);
    expect(readFileSync(again, 'utf8')).toBe(readFileSync(out, 'utf8'));
  });

  it('refuses a bad row count or output with one line and exit 1', () => {
    const home = tmpHome();
    const bad = runCli(['synth', 'many', '-o', join(home, 'x.csv')], { home });
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim()).toBe('error: invalid row count "many" (use a positive whole number, e.g. 5000, 200k or 1M)');
    const parquet = runCli(['synth', '10', '-o', join(home, 'x.parquet')], { home });
    expect(parquet.status).toBe(1);
    expect(parquet.stderr).toMatch(/the output must be a \.csv file/);
    expect(existsSync(join(home, 'x.parquet'))).toBe(false);
  });

  it('builds from an ingested dataset', async () => {
    const project = await ingestedProject(STATLOG, 'statlog');
    const store = openStore(project);
    try {
      const out = join(project.home, 'from-store.csv');
      const r = synthFile(project, store, { rows: 500, output: out, seed: 2, dataset: 'statlog' });
      expect(r.source).toBe('statlog@1');
      expect(r.bad).toBe(150);
      expect(readCsv(out).rows).toBe(500);
    } finally {
      store.close();
    }
  });
});
