import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATLOG_COLUMNS } from '../core/data/codebooks.js';
import { BIN, runCli, STATLOG, tmpHome } from '../test-support/helpers.js';

const COLUMNS = STATLOG_COLUMNS.map((c) => c.name).filter((c) => c !== 'class');
const ROWS = readFileSync(STATLOG, 'utf8').trim().split('\n').slice(0, 3).map((l) => l.trim().split(/\s+/).slice(0, 20));
/** The third applicant's duration is not a number: line 4 of the CSV (the header is line 1). */
const BAD = ROWS.map((r, i) => (i === 2 ? r.map((v, j) => (COLUMNS[j] === 'duration' ? 'abc' : v)) : r));
const CSV = `${COLUMNS.join(',')}\n${BAD.map((r) => r.join(',')).join('\n')}\n`;
const records = BAD.map((r) => Object.fromEntries(COLUMNS.map((c, j) => [c, r[j]!])));

describe('one row-number convention: the line an editor shows (header = row 1), in score, /invocations and /v1/score', () => {
  const home = tmpHome();
  let url = '';
  let stop = (): void => undefined;
  beforeAll(async () => {
    expect(runCli(['ingest', STATLOG], { home }).status).toBe(0);
    expect(runCli(['train', '--headless', '--quick', '--families', 'logreg'], { home }).status).toBe(0);
    const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1' };
    delete env['CREDIT_TUI_TOKEN'];
    const proc = spawn(process.execPath, [BIN, '--home', home, 'serve', '--port', '0', '--workers', '1'], { env });
    let stderr = '';
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const t0 = Date.now();
    while (!/listening on (\S+)/.test(stderr)) {
      if (proc.exitCode !== null || Date.now() - t0 > 20_000) throw new Error(`server did not start: ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    url = /listening on (\S+)/.exec(stderr)![1]!;
    stop = () => void proc.kill('SIGTERM');
  }, 120_000);
  afterAll(() => stop());

  const post = async (path: string, body: string, type = 'application/json'): Promise<{ status: number; json: Record<string, unknown> }> => {
    const r = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': type }, body });
    return { status: r.status, json: (await r.json()) as Record<string, unknown> };
  };

  it('the same bad line is row 4 everywhere', async () => {
    const file = join(home, 'applicants.csv');
    writeFileSync(file, CSV);
    const out = join(home, 'scored.csv');
    const r = runCli(['score', file, '-o', out], { home });
    expect(r.status).toBe(4);
    const rejects = readFileSync(join(home, 'scored.rejects.csv'), 'utf8').trim().split('\n');
    expect(rejects).toHaveLength(2);
    expect(rejects[1]).toMatch(/^4,duration,/);

    const csv = await post('/invocations', CSV, 'text/csv');
    expect(csv.status).toBe(400);
    expect(csv.json['message']).toMatch(/^row 4, column 'duration': /);
    const recs = await post('/invocations', JSON.stringify({ dataframe_records: records }));
    expect(recs.json['message']).toMatch(/^row 4, column 'duration': /);
    const split = await post('/invocations', JSON.stringify({ dataframe_split: { columns: COLUMNS, data: BAD } }));
    expect(split.json['message']).toMatch(/^row 4, column 'duration': /);
    const v1 = await post('/v1/score', JSON.stringify({ applicants: records }));
    expect(v1.status).toBe(200);
    expect(v1.json['rejected']).toEqual([{ index: 2, row: 4, column: 'duration', reason: expect.any(String) }]);
  });

  it('a file with nothing rejected gets no rejects file (and an earlier run\'s is removed)', () => {
    const file = join(home, 'clean.csv');
    writeFileSync(file, `${COLUMNS.join(',')}\n${ROWS.map((r) => r.join(',')).join('\n')}\n`);
    const out = join(home, 'clean.scored.csv');
    writeFileSync(join(home, 'clean.scored.rejects.csv'), 'row,column,reason\n4,duration,old\n');
    const r = runCli(['score', file, '-o', out], { home });
    expect(r.status).toBe(0);
    expect(existsSync(out)).toBe(true);
    expect(existsSync(join(home, 'clean.scored.rejects.csv'))).toBe(false);
    expect(r.stdout).not.toMatch(/rejects:/);
  });
});
