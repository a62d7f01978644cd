import { existsSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS, type Params } from '../core/params/params.js';
import { transform } from '../core/features/preprocess.js';
import { HAS_STATLOG, runCli, STATLOG, tmpHome } from '../test-support/helpers.js';
import { integrityOk } from '../test-support/snapshot.js';
import { loadStoredDataset } from './datasets.js';
import { ingest } from './ingest.js';
import { openStore, projectAt } from './project.js';
import { loadRegisteredModel } from './registry.js';
import { scoreApplicant, scoreFile, type ScoreOptions, type ScoreSummary } from './score.js';
import { STATLOG_COLUMNS } from '../core/data/codebooks.js';
import { train } from './train.js';

const scale = DEFAULT_PARAMS.scoring;
const statlogLines = (): string[] => readFileSync(STATLOG, 'utf8').trim().split('\n');

function parseCsv(path: string): Record<string, string>[] {
  const [h, ...rows] = readFileSync(path, 'utf8').trim().split('\n');
  const header = h!.split(',');
  return rows.map((r) => {
    const cells: string[] = [];
    let cur = '';
    let q = false;
    for (let i = 0; i < r.length; i++) {
      const ch = r[i]!;
      if (ch === '"' && q && r[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') q = !q;
      else if (ch === ',' && !q) {
        cells.push(cur);
        cur = '';
      } else cur += ch;
    }
    cells.push(cur);
    return Object.fromEntries(header.map((k, i) => [k, cells[i]!]));
  });
}

describe.skipIf(!HAS_STATLOG)('score', () => {
  const home = tmpHome();
  const project = projectAt(home);
  const logregOnly: Params = { ...DEFAULT_PARAMS, search: { ...DEFAULT_PARAMS.search, grids: { ...DEFAULT_PARAMS.search.grids, logreg: { C: [0.1], class_weight: [null], smote: [false] } } } };

  async function scoreRun(input: string, output?: string, more: Partial<ScoreOptions> = {}) {
    const store = openStore(project);
    try {
      let s: ScoreSummary | undefined;
      for await (const ev of scoreFile(project, store, { input, ...(output ? { output } : {}), scale, ...more })) if (ev.type === 'finished') s = ev.summary;
      return s!;
    } finally {
      store.close();
    }
  }

  beforeAll(async () => {
    const store = openStore(project);
    for await (const _ of ingest(project, store, { source: STATLOG })) void _;
    for await (const _ of train(project, store, logregOnly, { families: ['logreg'], workers: 1 })) void _;
    store.close();
  });

  it('batch probabilities equal the in-process model on the same rows (raw Statlog codes in)', async () => {
    const out = join(home, 'scored.csv');
    const s = await scoreRun(STATLOG, out);
    expect(s.rows_read).toBe(1000);
    expect(s.scored).toBe(1000);
    expect(s.approve + s.decline).toBe(1000);
    const rows = parseCsv(out);
    expect(Object.keys(rows[0]!)).toEqual(['id', 'p_bad', 'decision', 'score', 'reason_1', 'reason_2', 'reason_3', 'reason_4', 'reason_code_1', 'reason_code_2', 'reason_code_3', 'reason_code_4']);
    const store = openStore(project);
    const { bundle, model } = loadRegisteredModel(store);
    const ds = loadStoredDataset(store.resolveDataset(null));
    store.close();
    const p = model.predictProba(transform(bundle.preprocessor, ds));
    rows.forEach((r, i) => expect(Number(r['p_bad'])).toBe(p[i]));
    rows.forEach((r) => expect(r['decision']).toBe(Number(r['p_bad']) >= bundle.threshold ? 'decline' : 'approve'));
  });

  it('worker threads and chunk boundaries change nothing: same rows, same rejects, same row numbers', async () => {
    const src = statlogLines().map((l) => l.trim().split(/\s+/).slice(0, 20));
    const lines = [`\ufeffid,${STATLOG_COLUMNS.slice(0, 20).map((c) => c.name).join(',')}`];
    const where = new Map<string, number>();
    for (let i = 0; i < 3000; i++) {
      if (i % 97 === 0) lines.push('');
      const t = [...src[i % 1000]!];
      if (i === 1234) t[0] = 'A19'; // unknown category
      if (i === 2000) t.forEach((v, k) => (t[k] = `"${v}"`)); // quoted: the string path
      if (i === 2500) t[0] = `${t[0]}\u00a0`; // non-ASCII padding that trims away: the string path
      lines.push(`${i + 1},${t.join(',')}${i % 5 === 0 ? '\r' : ''}`);
      where.set(String(i + 1), lines.length);
    }
    const input = join(home, 'chunks.csv');
    writeFileSync(input, lines.join('\n') + '\n');
    const runs = [{ workers: 1 }, { workers: 2, chunkBytes: 4096 }, { workers: 1, chunkBytes: 777 }];
    const texts = [];
    for (const [k, more] of runs.entries()) {
      const s = await scoreRun(input, join(home, `chunks-${k}.csv`), more);
      expect(s).toMatchObject({ rows_read: 3000, scored: 2999, rejected: 1 });
      texts.push([readFileSync(join(home, `chunks-${k}.csv`), 'utf8'), readFileSync(join(home, `chunks-${k}.rejects.csv`), 'utf8')]);
    }
    expect(texts[1]).toEqual(texts[0]);
    expect(texts[2]).toEqual(texts[0]);
    const rejects = parseCsv(join(home, 'chunks-0.rejects.csv'));
    expect(rejects).toEqual([{ row: String(where.get('1235')), column: 'checking_status', reason: expect.stringMatching(/unknown category "A19"/) as unknown as string }]);
    const byId = new Map(parseCsv(join(home, 'chunks-0.csv')).map((r) => [r['id']!, r]));
    const { id: _a, ...plain } = byId.get('1')!;
    const { id: _b, ...quoted } = byId.get('2001')!;
    const { id: _c, ...padded } = byId.get('2501')!;
    const { id: _d, ...padPlain } = byId.get('501')!;
    expect(quoted).toEqual(plain);
    expect(padded).toEqual(padPlain);
  });

  it('a Parquet output holds exactly the CSV output\'s rows, in order, and leaves no hidden file behind', async () => {
    const many = join(home, 'many.data');
    writeFileSync(many, `${Array.from({ length: 30 }, () => statlogLines().join('\n')).join('\n')}\n`); // 30,000 rows: many chunks
    const asCsv = join(home, 'many.scored.csv');
    const asParquet = join(home, 'many.scored.parquet');
    await scoreRun(many, asCsv, { chunkBytes: 64 * 1024 });
    const summary = await scoreRun(many, asParquet, { chunkBytes: 64 * 1024 });
    expect(summary.scored).toBe(30_000);
    const { polars } = await import('../core/data/polars.js');
    const df = polars().readParquet(asParquet);
    expect(df.columns).toEqual(['id', 'p_bad', 'decision', 'score', 'reason_1', 'reason_2', 'reason_3', 'reason_4', 'reason_code_1', 'reason_code_2', 'reason_code_3', 'reason_code_4']);
    const csv = parseCsv(asCsv);
    expect(df.height).toBe(csv.length);
    const cols = Object.fromEntries(df.columns.map((c) => [c, df.getColumn(c).toArray() as unknown[]]));
    for (let i = 0; i < csv.length; i += 997) {
      for (const k of ['id', 'decision', 'reason_1', 'reason_2', 'reason_3', 'reason_4', 'reason_code_1', 'reason_code_4']) expect(String(cols[k]![i] ?? ''), `row ${i} ${k}`).toBe(csv[i]![k]);
      expect(cols['p_bad']![i], `row ${i}`).toBe(Number(csv[i]!['p_bad']));
      expect(Number(cols['score']![i]), `row ${i}`).toBe(Number(csv[i]!['score']));
    }
    expect(readdirSync(home).filter((f) => f.includes('.partial-'))).toEqual([]);
  });

  it('one applicant scores exactly as its row in the batch, labels or codes alike', async () => {
    const out = join(home, 'one.csv');
    await scoreRun(STATLOG, out);
    const batch = parseCsv(out)[1]!;
    const tokens = statlogLines()[1]!.trim().split(/\s+/);
    const names = ['checking_status', 'duration', 'credit_history', 'purpose', 'credit_amount', 'savings', 'employment', 'installment_rate', 'personal_status', 'other_debtors', 'residence_since', 'property', 'age', 'other_plans', 'housing', 'existing_credits', 'job', 'num_dependents', 'telephone', 'foreign_worker'];
    const record = Object.fromEntries(names.map((n, i) => [n, tokens[i]!]));
    const store = openStore(project);
    const single = scoreApplicant(store, record, { scale });
    const labelled = scoreApplicant(store, { ...record, checking_status: '0 to 200 DM' }, { scale });
    store.close();
    expect(single.p_bad).toBe(Number(batch['p_bad']));
    expect(single.score).toBe(Number(batch['score']));
    expect(single.reasons.map((r) => r.text)).toEqual([batch['reason_1'], batch['reason_2'], batch['reason_3'], batch['reason_4']].filter(Boolean));
    expect(single.reasons.map((r) => r.column)).toEqual([batch['reason_code_1'], batch['reason_code_2'], batch['reason_code_3'], batch['reason_code_4']].filter(Boolean));
    expect(labelled.p_bad).toBe(single.p_bad); // row 2 has A12 = '0 to 200 DM'
  });

  it('reason codes of the logistic model are its exact coefficient contributions, largest first', () => {
    const store = openStore(project);
    const { bundle } = loadRegisteredModel(store);
    const tokens = statlogLines()[0]!.trim().split(/\s+/);
    const record = Object.fromEntries(bundle.input.columns.map((c, i) => [c.name, tokens[i]!]));
    const s = scoreApplicant(store, record, { scale });
    const ds = loadStoredDataset(store.resolveDataset(null));
    store.close();
    const X = transform(bundle.preprocessor, ds);
    const coef = (bundle.model as unknown as { coef: number[] }).coef;
    const byCol = new Map<string, number>();
    bundle.preprocessor.featureSources.forEach((src, j) => byCol.set(src, (byCol.get(src) ?? 0) + coef[j]! * (X.data[j]! - bundle.input.feature_means[j]!)));
    const expected = [...byCol].filter(([, e]) => e > 0).sort((a, b) => b[1] - a[1]).slice(0, 4);
    expect(s.reasons.map((r) => r.column)).toEqual(expected.map(([c]) => c));
    s.reasons.forEach((r, i) => expect(r.effect).toBeCloseTo(expected[i]![1], 12));
  });

  it('bad rows go to the rejects file with row, column and reason; the rest are scored; exit code 4', () => {
    const lines = statlogLines().slice(0, 6);
    const bad = [...lines];
    bad[1] = bad[1]!.replace(/^A12/, 'A19'); // unknown category
    bad[2] = bad[2]!.replace(/^(\S+) 12 /, '$1 twelve '); // non-numeric
    bad[3] = bad[3]!.replace(/^(\S+) (\d+) /, '$1 -40 '); // out of range
    bad[4] = bad[4]!.split(' ').slice(0, 10).join(' '); // wrong column count
    const input = join(home, 'bad.data');
    writeFileSync(input, bad.join('\n') + '\n');
    const out = join(home, 'bad-scored.csv');
    const r = runCli(['score', input, '-o', out], { home });
    expect(r.status).toBe(4);
    expect(parseCsv(out).map((x) => x['id'])).toEqual(['1', '6']);
    const rejects = parseCsv(join(home, 'bad-scored.rejects.csv'));
    expect(rejects.map((x) => [x['row'], x['column']])).toEqual([['2', 'checking_status'], ['3', 'duration'], ['4', 'duration'], ['5', '(row)']]);
    expect(rejects[0]!['reason']).toMatch(/unknown category "A19"/);
    expect(rejects[1]!['reason']).toMatch(/not a number: "twelve"/);
    expect(rejects[2]!['reason']).toMatch(/out of range: -40/);
    expect(rejects[3]!['reason']).toMatch(/expected 21 fields, found 10/);
    expect(r.stdout).toContain('scored 2 of 6 rows');
  });

  it('a missing required value is rejected; the Kaggle-style NA is only allowed where training had it', () => {
    const csv = join(home, 'missing.csv');
    const header = 'checking_status,duration,credit_history,purpose,credit_amount,savings,employment,installment_rate,personal_status,other_debtors,residence_since,property,age,other_plans,housing,existing_credits,job,num_dependents,telephone,foreign_worker';
    const row = statlogLines()[0]!.trim().split(/\s+/).slice(0, 20);
    const missingAge = [...row];
    missingAge[12] = 'NA';
    writeFileSync(csv, `${header}\n${row.join(',')}\n${missingAge.join(',')}\n`);
    const r = runCli(['score', csv, '-o', join(home, 'm.csv')], { home });
    expect(r.status).toBe(4);
    expect(parseCsv(join(home, 'm.rejects.csv'))[0]).toMatchObject({ row: '3', column: 'age', reason: 'missing required value' });
  });

  it('file-level problems are one line and exit 1, with no output left behind', () => {
    const noCols = join(home, 'nocols.csv');
    writeFileSync(noCols, 'a,b\n1,2\n');
    const r1 = runCli(['score', noCols, '-o', join(home, 'x.csv')], { home });
    expect(r1.status).toBe(1);
    expect(r1.stderr.trim()).toMatch(/^error: .*nocols\.csv, row 1, column 'checking_status': the file lacks columns the model needs: checking_status, duration/);
    const allBad = join(home, 'allbad.data');
    writeFileSync(allBad, statlogLines().slice(0, 3).map((l) => l.replace(/^A1\d/, 'A19')).join('\n') + '\n');
    const r2 = runCli(['score', allBad, '-o', join(home, 'y.csv')], { home });
    expect(r2.status).toBe(1);
    expect(r2.stderr).toContain('no usable rows: all 3 rows were rejected');
    const empty = join(home, 'empty.csv');
    writeFileSync(empty, '');
    expect(runCli(['score', empty], { home }).stderr).toContain('empty file');
    expect(readdirSync(home).filter((f) => /^(x|y)\.csv|\.partial-/.test(f))).toEqual([]);
    expect(runCli(['score', STATLOG, '-o', STATLOG], { home }).stderr).toContain('output would overwrite the input file');
  });

  it('refuses a tampered bundle and a registry entry whose file is gone', () => {
    const h = tmpHome();
    expect(runCli(['ingest', STATLOG], { home: h }).status).toBe(0);
    expect(runCli(['train', '--headless', '--quick', '--families', 'logreg'], { home: h }).status).toBe(0);
    const bundle = join(h, 'models', readdirSync(join(h, 'models'))[0]!);
    const text = readFileSync(bundle, 'utf8');
    writeFileSync(bundle, text.replace('"threshold":0.16666', '"threshold":0.96666'));
    const r = runCli(['score', STATLOG], { home: h });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/the file was changed; refusing it/);
    unlinkSync(bundle);
    const gone = runCli(['score', STATLOG], { home: h });
    expect(gone.status).toBe(1);
    expect(gone.stderr).toMatch(/model version 1 points at a missing file/);
  });

  it('records a scoring run with the model version, input hash and summary', async () => {
    const s = await scoreRun(STATLOG);
    const store = openStore(project);
    const run = store.getRun(s.run_id);
    expect(run.status).toBe('FINISHED');
    expect(store.params(s.run_id)['input_sha256']).toBe(s.input_sha256);
    expect(store.latestMetrics(s.run_id)).toMatchObject({ rows_read: 1000, scored: 1000, rejected: 0 });
    expect(store.metricHistory(s.run_id).filter((m) => m.key === 'score_hist')).toHaveLength(10);
    store.close();
    expect(integrityOk(home)).toBe(true);
  });
});
