import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATLOG_COLUMNS } from '../core/data/codebooks.js';
import { PgBridge } from '../core/store/pg-bridge.js';
import { projectAt } from '../engine/project.js';
import { buildDashboardServer } from '../serve/dashboard/app.js';
import { BIN, runCli, SAMPLE_STATLOG, tmpHome } from '../test-support/helpers.js';
import { HAS_POSTGRES, startPostgres, type PgServer } from '../test-support/postgres.js';
import { startServe } from '../test-support/serve.js';

let pg: PgServer | undefined;
let url = '';
let env: Record<string, string> = {};
const dirA = tmpHome('credit-tui-a-');
const dirB = tmpHome('credit-tui-b-');
const dirC = tmpHome('credit-tui-c-');
const columns = STATLOG_COLUMNS.map((c) => c.name).filter((c) => c !== 'class');
const lines = readFileSync(SAMPLE_STATLOG, 'utf8').trim().split('\n').map((l) => l.trim().split(/\s+/));

beforeAll(async () => {
  if (!HAS_POSTGRES) return;
  pg = await startPostgres();
  url = pg.url('predictions');
  env = { CREDIT_TUI_STORE: url };
}, 60_000);
afterAll(() => pg?.stop());

function sql(text: string): Record<string, unknown>[] {
  const db = new PgBridge(url);
  try {
    return db.query(text).rows;
  } finally {
    db.close();
  }
}

/** Serves from `home` with --log-predictions, posts `records`, and stops gracefully (the log is written at close). */
async function serveAndPost(home: string, records: readonly Record<string, string | number>[]): Promise<number> {
  const { proc, base, stderr } = await startServe(home, env, ['--log-predictions']);
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  try {
    const res = await fetch(`${base}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ dataframe_records: records }) });
    expect(res.status).toBe(200);
  } finally {
    proc.kill('SIGTERM');
  }
  expect(await exited, stderr()).toBe(0);
  return records.length;
}

describe.skipIf(!HAS_POSTGRES)('the prediction log indexed in PostgreSQL: monitor and outcomes see predictions logged on other machines', () => {
  it('A scores, C serves, both with --log-predictions; B, sharing no files, monitors all of it and matches outcomes by id', async () => {
    expect(runCli(['ingest', SAMPLE_STATLOG], { home: dirA, env }).status).toBe(0);
    const train = runCli(['train', '--headless', '--quick', '--families', 'logreg'], { home: dirA, env });
    expect(train.status, train.stderr).toBe(0);

    const applicants = join(dirA, 'applicants.csv');
    writeFileSync(applicants, `id,${columns.join(',')}\n${lines.slice(0, 200).map((l, i) => `${i},${l.slice(0, 20).join(',')}`).join('\n')}\n`);
    const score = runCli(['score', applicants, '--log-predictions', '-o', join(dirA, 'scored.csv')], { home: dirA, env });
    expect(score.status, score.stderr).toBe(0);

    const records = lines.slice(200, 250).map((l, i) => ({ id: String(200 + i), ...Object.fromEntries(l.slice(0, 20).map((v, j) => [columns[j]!, /^\d+$/.test(v) ? Number(v) : v])) }));
    await serveAndPost(dirC, records);

    // The index: two segments, 250 predictions, each segment's bytes kept and hashing to its sha256.
    const segments = sql('SELECT s.name, s.rows, s.sha256, b.bytes FROM prediction_segments s LEFT JOIN artifact_blobs b USING (sha256) ORDER BY s.first_ts');
    expect(segments.map((s) => s['rows'])).toEqual([200, 50]);
    for (const s of segments) expect(createHash('sha256').update(s['bytes'] as Uint8Array).digest('hex')).toBe(s['sha256']);
    expect(sql('SELECT COUNT(*)::int AS n, COUNT(DISTINCT id)::int AS ids FROM predictions')).toEqual([{ n: 250, ids: 250 }]);
    // The index rows are the segments' rows: C's file, line by line.
    const cFile = join(dirC, 'outputs', 'predictions', String(segments[1]!['name']));
    const fromFile = readFileSync(cFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; p_bad: number });
    const indexed = sql(`SELECT p.id, p.p_bad FROM predictions p JOIN prediction_segments s USING (segment_id) WHERE s.name = '${String(segments[1]!['name'])}' ORDER BY p.line`);
    expect(indexed).toEqual(fromFile.map((p) => ({ id: p.id, p_bad: p.p_bad })));

    const monitor = runCli(['monitor', '--json', '--by', 'batch'], { home: dirB, env });
    expect([0, 3]).toContain(monitor.status);
    const report = JSON.parse(monitor.stdout) as { rows_logged: number; periods: { period: string; rows: number }[] };
    expect(report.rows_logged).toBe(250);
    expect(report.periods.map((p) => p.rows).sort((x, y) => x - y)).toEqual([50, 200]);
    expect(existsSync(join(dirB, 'outputs', 'predictions'))).toBe(false);

    // Outcomes for ids 0..299 in B: the 250 logged elsewhere are known, 250..299 are not.
    const outcomes = join(dirB, 'outcomes.csv');
    writeFileSync(outcomes, `id,class\n${lines.slice(0, 300).map((l, i) => `${i},${l.at(-1)}`).join('\n')}\n`);
    const o = runCli(['outcomes', outcomes, '--json'], { home: dirB, env });
    expect(o.status, o.stderr).toBe(0);
    expect(JSON.parse(o.stdout)).toMatchObject({ rows: 300, inserted: 300, unknown_ids: 50 });

    // With outcomes in, B's monitor realises the AUC of A's scored batch from rows it never had.
    const labelled = JSON.parse(runCli(['monitor', '--json', '--by', 'batch'], { home: dirB, env }).stdout) as { periods: { rows: number; labeled: number; auc: number | null }[] };
    expect(labelled.periods.map((p) => p.labeled).sort((x, y) => x - y)).toEqual([50, 200]);
    // The dashboard's monitoring page in B reads the same log through the store.
    const dash = await buildDashboardServer({ project: projectAt(dirB), store: { flag: url } });
    try {
      const page = JSON.parse((await dash.inject({ url: '/dashboard/monitor.json?by=batch' })).body) as { report?: { rows_logged: number; periods: { labeled: number }[] } };
      expect(page.report?.rows_logged).toBe(250);
      expect(page.report!.periods.map((p) => p.labeled).sort((x, y) => x - y)).toEqual([50, 200]);
    } finally {
      await dash.close();
    }
    const since = runCli(['monitor', '--json', '--since', '2999-01-01'], { home: dirB, env });
    expect(since.status).toBe(1);
    expect(since.stderr).toMatch(/no logged predictions since 2999-01-01/);
  }, 90_000);

  it('serve logging while PostgreSQL is stopped keeps the segment as a file and indexes it once the server is back', async () => {
    const home = tmpHome('credit-tui-d-');
    const proc = spawn(process.execPath, [BIN, '--home', home, 'serve', '--port', '0', '--workers', '1', '--log-predictions'], { env: { ...process.env, ...env, NO_COLOR: '1', CREDIT_TUI_TOKEN: '' } });
    let stderr = '';
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
    const dir = join(home, 'outputs', 'predictions');
    const until = async (what: string, ok: () => boolean, ms: number): Promise<void> => {
      const t0 = Date.now();
      while (!ok()) {
        if (Date.now() - t0 > ms) throw new Error(`${what} within ${ms} ms: ${stderr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    try {
      await until('serve started', () => /listening on (\S+)/.test(stderr), 30_000);
      const base = /listening on (\S+)/.exec(stderr)![1]!;
      const before = Number(sql('SELECT COUNT(*)::int AS n FROM prediction_segments')[0]!['n']);
      pg!.halt();
      try {
        const records = lines.slice(300, 310).map((l, i) => ({ id: `down-${i}`, ...Object.fromEntries(l.slice(0, 20).map((v, j) => [columns[j]!, /^\d+$/.test(v) ? Number(v) : v])) }));
        const res = await fetch(`${base}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ dataframe_records: records }) });
        expect(res.status).toBe(200);
        // Flushed every 5 s: the file is written although the store cannot take it.
        await until('a segment file', () => existsSync(dir) && readdirSync(dir).some((f) => f.endsWith('.ndjson')), 15_000);
      } finally {
        pg!.restart();
      }
      await until('the segment indexed', () => Number(sql('SELECT COUNT(*)::int AS n FROM prediction_segments')[0]!['n']) === before + 1, 20_000);
      expect(sql(`SELECT COUNT(*)::int AS n FROM predictions WHERE id LIKE 'down-%'`)).toEqual([{ n: 10 }]);
    } finally {
      proc.kill('SIGTERM');
    }
    expect(await exited, stderr).toBe(0);
  }, 60_000);

  it('a segment file the store does not index (older than the index, or its process killed first) is indexed at the next start', () => {
    const dir = join(dirA, 'outputs', 'predictions');
    const [some] = readdirSync(dir).filter((f) => f.endsWith('.ndjson'));
    const legacy = readFileSync(join(dir, some!), 'utf8').trim().split('\n').slice(0, 3)
      .map((l, k) => JSON.stringify({ ...(JSON.parse(l) as Record<string, unknown>), ts: `2025-01-0${k + 1}T00:00:00.000Z`, id: `legacy-${k}` }));
    writeFileSync(join(dir, '20250101T000000Z-1-00000.ndjson'), `${legacy.join('\n')}\n`);
    expect(sql(`SELECT COUNT(*)::int AS n FROM predictions WHERE id LIKE 'legacy-%'`)).toEqual([{ n: 0 }]);
    const applicants = join(dirA, 'few.csv');
    writeFileSync(applicants, `id,${columns.join(',')}\n${lines.slice(400, 405).map((l, i) => `few-${i},${l.slice(0, 20).join(',')}`).join('\n')}\n`);
    const score = runCli(['score', applicants, '--log-predictions', '-o', join(dirA, 'few-scored.csv')], { home: dirA, env });
    expect(score.status, score.stderr).toBe(0);
    expect(sql(`SELECT s.first_ts, s.rows, COUNT(p.id)::int AS n FROM prediction_segments s JOIN predictions p USING (segment_id) WHERE s.name = '20250101T000000Z-1-00000.ndjson' GROUP BY s.segment_id`))
      .toEqual([{ first_ts: '2025-01-01T00:00:00.000Z', rows: 3, n: 3 }]);
    // Once: a second start indexes nothing again.
    expect(runCli(['score', applicants, '--log-predictions', '-o', join(dirA, 'few-scored.csv')], { home: dirA, env }).status).toBe(0);
    expect(sql(`SELECT COUNT(*)::int AS n FROM predictions WHERE id LIKE 'legacy-%'`)).toEqual([{ n: 3 }]);
    // B, with no file, sees them.
    const o = runCli(['monitor', '--json', '--since', '2025-01-01', '--by', 'month'], { home: dirB, env });
    expect((JSON.parse(o.stdout) as { periods: { period: string; rows: number }[] }).periods[0]).toMatchObject({ period: '2025-01', rows: 3 });
  }, 40_000);

  it('a segment whose kept bytes were altered is one line naming it, not rows read from a wrong copy', () => {
    const [s] = sql(`SELECT name, sha256 FROM prediction_segments ORDER BY first_ts LIMIT 1`);
    const db = new PgBridge(url);
    try {
      db.query(`UPDATE artifact_blobs SET bytes = bytes || '\\x0a'::bytea WHERE sha256 = $1`, [s!['sha256']]);
    } finally {
      db.close();
    }
    const r = runCli(['monitor', '--json'], { home: dirB, env });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`prediction-log segment ${String(s!['name'])}`);
    expect(r.stderr).toContain('does not match its sha256');
  }, 30_000);
});
