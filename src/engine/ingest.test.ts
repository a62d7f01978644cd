import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { copyFileSync, existsSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { badRate } from '../core/data/dataset.js';
import { UserError } from '../core/errors.js';
import { RunStore } from '../core/store/run-store.js';
import { HAS_REAL_DATA, KAGGLE, SOUTH, STATLOG, tmpHome } from '../test-support/helpers.js';
import { snapshotProject } from '../test-support/snapshot.js';
import { loadStoredDataset } from './datasets.js';
import { ingest, SAMPLE_STATLOG, STATLOG_SHA256, type IngestOptions } from './ingest.js';
import { openStore, projectAt } from './project.js';

async function drain(home: string, opts: IngestOptions) {
  const project = projectAt(home);
  const store = openStore(project);
  try {
    const gen = ingest(project, store, opts);
    for (;;) {
      const r = await gen.next();
      if (r.done) return r.value;
    }
  } finally {
    store.close();
  }
}

async function ingestError(home: string, opts: IngestOptions): Promise<string> {
  try {
    await drain(home, opts);
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return (e as Error).message;
  }
  throw new Error('expected ingest to fail');
}

describe.skipIf(!HAS_REAL_DATA)('ingest of the three real files', () => {
  const home = tmpHome();
  it.each([
    ['statlog', STATLOG, 'statlog', 20],
    ['south german', SOUTH, 'south-german', 20],
    ['kaggle', KAGGLE, 'kaggle', 9],
  ])('%s: 1000 rows, 700 good / 300 bad, decoded and round-tripped through Parquet', async (_label, file, format, features) => {
    const row = await drain(home, { source: file });
    expect(row.format).toBe(format);
    expect(row.rows).toBe(1000);
    expect(row.digest).toBe(createHash('sha256').update(readFileSync(file)).digest('hex'));
    expect(existsSync(row.path)).toBe(true);
    expect(readFileSync(row.raw_path).equals(readFileSync(file))).toBe(true);
    const ds = loadStoredDataset(row);
    expect(ds.features).toHaveLength(features);
    expect(badRate(ds)).toBeCloseTo(0.3, 12);
    expect(ds.target.reduce((a, b) => a + b, 0)).toBe(300);
  });

  it('decodes Statlog codes with the codebook and keeps numbers numeric', async () => {
    const ds = loadStoredDataset(await drain(home, { source: STATLOG }));
    const status = ds.features.find((c) => c.name === 'checking_status');
    const amount = ds.features.find((c) => c.name === 'credit_amount');
    // first line of german.data: A11 6 A34 A43 1169 ... class 1
    expect(status?.kind === 'categorical' && status.values[0]).toBe('< 0 DM');
    expect(amount?.kind === 'numeric' && amount.values[0]).toBe(1169);
    expect(ds.target[0]).toBe(0);
    expect(ds.target[1]).toBe(1);
  });

  it('keeps the Kaggle NA cells missing (183 and 394)', async () => {
    const ds = loadStoredDataset(await drain(home, { source: KAGGLE }));
    const miss = (n: string) => {
      const c = ds.features.find((f) => f.name === n)!;
      return c.kind === 'categorical' ? c.values.filter((v) => v === null).length : -1;
    };
    expect(miss('Saving accounts')).toBe(183);
    expect(miss('Checking account')).toBe(394);
  });

  it('the same bytes under a name the user chose become that dataset (once)', async () => {
    const h = tmpHome();
    const first = await drain(h, { source: STATLOG });
    const named = await drain(h, { source: STATLOG, name: 'applicants_2026' });
    expect(named.name).toBe('applicants_2026');
    expect(named.version).toBe(1);
    expect(named.dataset_id).not.toBe(first.dataset_id);
    expect((await drain(h, { source: STATLOG, name: 'applicants_2026' })).dataset_id).toBe(named.dataset_id);
    expect((await drain(h, { source: STATLOG })).dataset_id).toBe(first.dataset_id);
  });

  it('recognises an identical file by its hash and versions a changed one', async () => {
    const h = tmpHome();
    const first = await drain(h, { source: STATLOG });
    const again = await drain(h, { source: STATLOG });
    expect(again.dataset_id).toBe(first.dataset_id);
    const copy = join(h, 'statlog_german.data');
    copyFileSync(STATLOG, copy);
    appendFileSync(copy, readFileSync(STATLOG, 'utf8').split('\n')[0] + '\n');
    const changed = await drain(h, { source: copy });
    expect(changed.name).toBe('statlog_german');
    expect(changed.version).toBe(2);
    expect(changed.rows).toBe(1001);
    const store = RunStore.open(join(h, 'runs.db'));
    expect(store.listDatasets().map((d) => d.version)).toEqual([2, 1]);
    expect(store.listRuns({ experiment: 'ingest' })).toHaveLength(2);
    store.close();
  });

  it('accepts a BOM and CRLF line ends', async () => {
    const h = tmpHome();
    const f = join(h, 'crlf.csv');
    writeFileSync(f, '\ufeff' + readFileSync(KAGGLE, 'utf8').replace(/\n/g, '\r\n'));
    const row = await drain(h, { source: f });
    expect(row.rows).toBe(1000);
    expect(row.schema.map((c) => c.name)).toContain('Risk');
  });
});

describe('bad input leaves data/ and runs.db as they were', () => {
  const home = tmpHome();
  const write = (name: string, text: string) => {
    const p = join(home, name);
    writeFileSync(p, text);
    return p;
  };
  const cases: [string, () => IngestOptions, RegExp][] = [
    ['empty file', () => ({ source: write('empty.csv', '') }), /empty\.csv: empty file/],
    ['header only', () => ({ source: write('header.csv', 'a,b,class\n') }), /header\.csv: no data rows/],
    ['ragged row', () => ({ source: write('ragged.csv', 'x,y,target\n1,2,0\n3,1\n') }), /ragged\.csv, row 3, column 'target': expected 3 fields, found 2/],
    ['wrong delimiter mid-file', () => ({ source: write('delim.csv', 'x,y,target\n1,2,0\n3;4;1\n') }), /delim\.csv, row 3.*';'-separated/],
    ['non-numeric value in a numeric column', () => ({
      source: write('nonnum.csv', 'x,y,target\n' + Array.from({ length: 30 }, (_, i) => `${i === 17 ? 'abc' : i},${i % 3},${i % 2}`).join('\n') + '\n'),
    }), /nonnum\.csv, row 19, column 'x': non-numeric value "abc"/],
    ['no target column', () => ({ source: write('notarget.csv', 'x,y\n1,2\n3,4\n') }), /notarget\.csv: no target column found.*--target/],
    ['target with three values', () => ({ source: write('three.csv', 'x,target\n1,a\n2,b\n3,c\n'), target: 'target' }), /three\.csv, column 'target': target has 3 distinct values/],
    ['target with one value', () => ({ source: write('one.csv', 'x,target\n1,a\n2,a\n'), target: 'target' }), /target has 1 distinct value/],
    ['unknown Statlog code', () => ({ source: write('bad.data', 'A11 6 A34 A43 1169 A65 A75 4 A93 A101 4 A121 67 A143 A152 2 A173 1 A192 A299 1\n') }), /bad\.data, row 1, column 'foreign_worker': unknown code "A299"/],
    ['Statlog with a word in a number', () => ({ source: write('word.data', 'A11 six A34 A43 1169 A65 A75 4 A93 A101 4 A121 67 A143 A152 2 A173 1 A192 A201 1\nA12 48 A32 A43 5951 A61 A73 2 A92 A101 2 A121 22 A143 A152 1 A173 1 A191 A201 2\n') }), /word\.data, row 1, column 'duration': non-numeric value "six"/],
    ['missing column of a known layout', () => ({ source: write('kag.csv', ',Age,Sex,Job,Housing,Saving accounts,Checking account,Credit amount,Purpose,Risk\n0,67,male,2,own,NA,little,1169,radio/TV,good\n') }), /kag\.csv, column 'Duration': missing column 'Duration'/],
    ['binary junk', () => ({ source: write('junk.bin', '\u0000\u0001\u0002PK') }), /junk\.bin: binary content/],
    ['missing file', () => ({ source: join(home, 'nope.csv') }), /nope\.csv: file not found/],
    ['unsafe dataset name', () => ({ source: write('ok.csv', 'x,target\n1,bad\n2,good\n'), name: '../escape' }), /invalid dataset name/],
    ['bad value not in target', () => ({ source: write('okb.csv', 'x,target\n1,yes\n2,no\n'), target: 'target', badValue: 'maybe' }), /bad value "maybe" does not occur/],
  ];

  it.each(cases)('%s', async (_label, opts, pattern) => {
    const o = opts();
    if (HAS_REAL_DATA) await drain(home, { source: STATLOG });
    const before = snapshotProject(home);
    const msg = await ingestError(home, o);
    expect(msg).toMatch(pattern);
    expect(msg).not.toContain('\n');
    expect(snapshotProject(home)).toBe(before);
  });

  it('ingests a generic CSV given --target and --bad', async () => {
    const f = write('generic.csv', 'income;region;defaulted\n' + Array.from({ length: 40 }, (_, i) => `${1000 + i * 10};${['n', 's', 'e'][i % 3]};${i % 4 === 0 ? 'yes' : 'no'}`).join('\n') + '\n');
    const row = await drain(home, { source: f, target: 'defaulted', badValue: 'yes' });
    expect(row.schema.map((c) => `${c.name}:${c.role}`)).toEqual(['income:numeric', 'region:categorical', 'defaulted:target']);
    expect(badRate(loadStoredDataset(row))).toBe(0.25);
  });
});

describe('download of the UCI Statlog file', () => {
  let server: Server;
  let base = '';
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/german.data' && HAS_REAL_DATA) res.end(readFileSync(STATLOG));
      else if (req.url === '/tampered.data') res.end('A11 6 A34 A43 1169 A65 A75 4 A93 A101 4 A121 67 A143 A152 2 A173 1 A192 A201 1\n');
      else {
        res.statusCode = 404;
        res.end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => server.close());

  it.skipIf(!HAS_REAL_DATA)('downloads, checks the sha256 and ingests', async () => {
    const row = await drain(tmpHome(), { download: true, url: `${base}/german.data` });
    expect(row.digest).toBe(STATLOG_SHA256);
    expect(row.rows).toBe(1000);
    expect(row.source).toBe(`${base}/german.data`);
  });

  it('with no source reads the built-in sample: no network, the UCI bytes, named statlog_german', async () => {
    const row = await drain(tmpHome(), { url: 'http://127.0.0.1:9/unreachable' });
    expect(row.digest).toBe(STATLOG_SHA256);
    expect(row.name).toBe('statlog_german');
    expect(row.rows).toBe(1000);
    expect(row.source).toBe(SAMPLE_STATLOG);
  });

  it('refuses a file whose sha256 differs, writing nothing', async () => {
    const h = tmpHome();
    const msg = await ingestError(h, { download: true, url: `${base}/tampered.data` });
    expect(msg).toMatch(/has sha256 [0-9a-f]{64}, expected b21f3d81.*refusing it/);
    expect(existsSync(join(h, 'data'))).toBe(false);
  });

  it('offline: says so and tells the user to pass a path', async () => {
    const msg = await ingestError(tmpHome(), { download: true, url: 'http://127.0.0.1:9/german.data' });
    expect(msg).toMatch(/cannot download .*offline\?.*credit-tui ingest PATH/);
  });
});
