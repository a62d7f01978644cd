import { Rng } from '../core/random.js';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATLOG_COLUMNS } from '../core/data/codebooks.js';
import { RunStore } from '../core/store/run-store.js';
import { BIN, HAS_STATLOG, runCli, STATLOG, tmpHome } from '../test-support/helpers.js';

const COLUMNS = STATLOG_COLUMNS.map((c) => c.name).filter((c) => c !== 'class');
/** Real applicants: the first rows of the Statlog file as raw codes, without the target. */
const ROWS = readFileSync(STATLOG, 'utf8').trim().split('\n').slice(0, 200).map((l) => l.trim().split(/\s+/).slice(0, 20).map((v) => (/^\d+$/.test(v) ? Number(v) : v)));
const record = (row: readonly (string | number)[]): Record<string, string | number> => Object.fromEntries(COLUMNS.map((c, j) => [c, row[j]!]));

interface Server {
  readonly url: string;
  readonly proc: ChildProcessWithoutNullStreams;
  stderr: string;
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; ms: number }>;
}

async function startServer(home: string, args: string[] = []): Promise<Server> {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1' };
  delete env['CREDIT_TUI_TOKEN'];
  const proc = spawn(process.execPath, [BIN, '--home', home, 'serve', '--port', '0', '--workers', '1', ...args], { env });
  const server = { proc, stderr: '', url: '' } as Server & { url: string };
  proc.stderr.on('data', (d: Buffer) => (server.stderr += d.toString()));
  const t0 = Date.now();
  while (!/listening on (\S+)/.test(server.stderr)) {
    if (proc.exitCode !== null || Date.now() - t0 > 20_000) throw new Error(`server did not start: ${server.stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  server.url = /listening on (\S+)/.exec(server.stderr)![1]!;
  server.stop = async (signal = 'SIGTERM') => {
    const t = Date.now();
    if (proc.exitCode !== null) return { code: proc.exitCode, ms: 0 };
    const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
    proc.kill(signal);
    return { code: await exited, ms: Date.now() - t };
  };
  return server;
}

/** Waits until `done` holds (polled every 25 ms), failing after 10 s: no fixed sleep decides a result. */
async function until(done: () => boolean, what: string): Promise<void> {
  const t0 = Date.now();
  while (!done()) {
    if (Date.now() - t0 > 10_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Response bodies are checked field by field below; their static type is not the point of these tests. */
const loose = (x: unknown): any => x;

const post = (url: string, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  fetch(url, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });

describe.skipIf(!HAS_STATLOG)('credit-tui serve', () => {
  const home = tmpHome();
  let server: Server;
  let scored: number[];

  beforeAll(async () => {
    expect(runCli(['ingest', STATLOG], { home }).status).toBe(0);
    expect(runCli(['train', '--headless', '--quick', '--families', 'logreg'], { home }).status).toBe(0);
    // `score` on the same rows: the service must give the same p_bad.
    const csv = join(home, 'applicants.csv');
    writeFileSync(csv, `${COLUMNS.join(',')}\n${ROWS.map((r) => r.join(',')).join('\n')}\n`);
    const out = join(home, 'outputs', 'applicants.scored.csv');
    expect(runCli(['score', csv, '-o', out], { home }).status).toBe(0);
    scored = readFileSync(out, 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[1]));
    server = await startServer(home, ['--log-predictions']);
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
  });

  it('answers /ping, /health and /version once the model is loaded', async () => {
    expect((await fetch(`${server.url}/ping`)).status).toBe(200);
    const health = await (await fetch(`${server.url}/health`)).json().then(loose);
    expect(health).toEqual({
      status: 'ok',
      model: { name: 'credit-risk', version: 1, alias: 'champion', family: 'logreg', threshold: expect.closeTo(1 / 6, 12) },
      store: { status: 'ok', backend: 'sqlite', location: join(home, 'runs.db') },
    });
    expect(await (await fetch(`${server.url}/version`)).text()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(server.stderr).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+ \(model v1, logreg\)/);
  });

  it('scores dataframe_split, dataframe_records and CSV exactly as `score` does', async () => {
    const split = await (await post(`${server.url}/invocations`, { dataframe_split: { columns: COLUMNS, data: ROWS } })).json().then(loose);
    expect(split.predictions).toHaveLength(ROWS.length);
    split.predictions.forEach((p: { p_bad: number }, i: number) => expect(Math.abs(p.p_bad - scored[i]!)).toBeLessThanOrEqual(1e-9));
    const records = await (await post(`${server.url}/invocations`, { dataframe_records: ROWS.slice(0, 20).map(record) })).json().then(loose);
    expect(records.predictions.map((p: { p_bad: number }) => p.p_bad)).toEqual(split.predictions.slice(0, 20).map((p: { p_bad: number }) => p.p_bad));
    const csv = `${COLUMNS.join(',')}\n${ROWS.slice(0, 5).map((r) => r.join(',')).join('\n')}\n`;
    const fromCsv = await (await post(`${server.url}/invocations`, csv, { 'content-type': 'text/csv' })).json().then(loose);
    expect(fromCsv.predictions.map((p: { p_bad: number }) => p.p_bad)).toEqual(split.predictions.slice(0, 5).map((p: { p_bad: number }) => p.p_bad));
    const p = split.predictions[0];
    expect(p.decision).toBe(p.p_bad >= 1 / 6 ? 'decline' : 'approve');
    expect(p.reasons.length).toBeLessThanOrEqual(4);
    // Decoded labels and numeric strings are accepted like codes and numbers.
    const decoded = { ...record(ROWS[0]!), checking_status: '< 0 DM', duration: '6' };
    const d = await (await post(`${server.url}/invocations`, { dataframe_records: [decoded] })).json().then(loose);
    expect(d.predictions[0].p_bad).toBe(split.predictions[0].p_bad);
  });

  it('refuses bad requests in MLflow error shape with the right status, never a stack trace', async () => {
    const bad = ROWS.slice(0, 3).map(record);
    bad[1] = { ...bad[1]!, duration: 'abc' };
    let r = await post(`${server.url}/invocations`, { dataframe_records: bad });
    expect(r.status).toBe(400);
    expect(await r.json().then(loose)).toEqual({ error_code: 'BAD_REQUEST', message: `row 3, column 'duration': not a number: "abc"` }); // record 2 is row 3: the header of its CSV form is row 1
    for (const type of ['application/xml', 'text/plain', 'text/plain; charset=utf-8']) {
      r = await post(`${server.url}/invocations`, 'id,duration\n1,2\n', { 'content-type': type });
      expect(r.status, type).toBe(415);
      expect((await r.json().then(loose)).error_code).toBe('UNSUPPORTED_MEDIA_TYPE');
    }
    r = await post(`${server.url}/invocations`, '{"dataframe_split": ', { 'content-type': 'application/json' });
    expect(r.status).toBe(400);
    expect((await r.json().then(loose)).message).toMatch(/^malformed JSON/);
    r = await post(`${server.url}/invocations`, { dataframe_split: { columns: COLUMNS, data: [] }, dataframe_records: [] });
    expect((await r.json().then(loose)).message).toContain('exactly one of dataframe_split or dataframe_records');
    r = await post(`${server.url}/invocations`, { dataframe_records: [{ duration: 6 }] });
    expect((await r.json().then(loose)).message).toMatch(/^column 'checking_status': missing from the request/);
    r = await fetch(`${server.url}/nope`);
    expect(r.status).toBe(404);
    expect(await r.json().then(loose)).toEqual({ error_code: 'ENDPOINT_NOT_FOUND', message: 'no route GET /nope' });
    // Over the body limit: answered 413 from the Content-Length alone, before the body is read. A raw socket
    // sends only the head, so no client races the server's early answer against writing 15 MB.
    const port = Number(new URL(server.url).port);
    const tooLarge = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => s.write(`POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${20 * 1024 * 1024}\r\n\r\n{"dataframe_records":[`));
      let raw = '';
      s.on('data', (d: Buffer) => {
        raw += d.toString();
        const m = /^HTTP\/1\.1 (\d+)[\s\S]*?\r\n\r\n([\s\S]*)$/.exec(raw);
        if (m && m[2]!.endsWith('}')) {
          s.destroy();
          resolve({ status: Number(m[1]), body: m[2]! });
        }
      });
      s.on('error', reject);
    });
    expect(tooLarge.status).toBe(413);
    expect(JSON.parse(tooLarge.body).error_code).toBe('REQUEST_TOO_LARGE');
  });

  it('/v1/score scores the good rows of a batch and lists the refused ones', async () => {
    const applicants: Record<string, unknown>[] = ROWS.slice(0, 4).map((row, i) => ({ applicant_id: `A-${i}`, ...record(row) }));
    applicants[2] = { ...applicants[2]!, purpose: 'spaceship' };
    const r = await (await post(`${server.url}/v1/score`, { applicants })).json().then(loose);
    expect(r.model).toEqual({ version: 1, family: 'logreg', threshold: expect.closeTo(1 / 6, 12) });
    expect(r.results.map((x: { index: number; id: string }) => [x.index, x.id])).toEqual([[0, 'A-0'], [1, 'A-1'], [3, 'A-3']]);
    expect(r.results[0].p_bad).toBeCloseTo(scored[0]!, 12);
    expect(r.rejected).toEqual([{ index: 2, row: 4, column: 'purpose', reason: expect.stringMatching(/^unknown category "spaceship"/) }]);
  });

  it('publishes an OpenAPI 3.1 document generated from the route schemas', async () => {
    const doc = await (await fetch(`${server.url}/openapi.json`)).json().then(loose);
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/ping', '/health', '/version', '/invocations', '/v1/score']));
    expect(doc.paths['/v1/score'].post.requestBody.content['application/json'].schema.required).toEqual(['applicants']);
  });

  it('follows the champion alias without a restart and refuses a tampered bundle', async () => {
    expect(runCli(['train', '--headless', '--quick', '--families', 'tree'], { home }).status).toBe(0);
    const store = RunStore.open(join(home, 'runs.db'));
    store.setAlias('credit-risk', 'champion', 1);
    // Requests keep flowing while the alias moves: none may fail.
    let failures = 0;
    let sent = 0;
    let running = true;
    const load = (async () => {
      while (running) {
        const res = await post(`${server.url}/invocations`, { dataframe_records: [record(ROWS[sent % ROWS.length]!)] });
        sent++;
        if (res.status !== 200) failures++;
      }
    })();
    await until(() => sent >= 10, 'requests under load before the switch');
    const t0 = Date.now();
    store.setAlias('credit-risk', 'champion', 2);
    let version = 1;
    while (version !== 2 && Date.now() - t0 < 5000) {
      version = (await (await fetch(`${server.url}/health`)).json().then(loose)).model.version;
      await new Promise((r) => setTimeout(r, 50));
    }
    const switchMs = Date.now() - t0;
    const sentAtSwitch = sent;
    await until(() => sent >= sentAtSwitch + 10, 'requests under load after the switch');
    running = false;
    await load;
    expect(version).toBe(2);
    expect(switchMs).toBeLessThan(2500);
    expect(failures).toBe(0);
    expect(sent).toBeGreaterThan(20);
    // A bundle whose bytes changed after registration is refused; v2 keeps serving.
    expect(runCli(['train', '--headless', '--quick', '--families', 'knn'], { home }).status).toBe(0);
    const v3 = store.listModelVersions().find((v) => v.version === 3)!;
    store.setAlias('credit-risk', 'champion', 2);
    writeFileSync(v3.path, `${readFileSync(v3.path, 'utf8')} `);
    store.setAlias('credit-risk', 'champion', 3);
    await until(() => /refused model v3: .*the current model keeps serving/.test(server.stderr), 'the server to refuse v3');
    expect((await (await fetch(`${server.url}/health`)).json().then(loose)).model.version).toBe(2);
    store.setAlias('credit-risk', 'champion', 1);
    store.close();
  });

  it('survives fuzzed requests, slow clients and thousands of dropped connections', async () => {
    const bodies: [string, string][] = [
      ['application/json', '{'], ['application/json', 'null'], ['application/json', '[]'], ['application/json', '"x"'], ['application/json', '{"dataframe_split":{"columns":"x","data":1}}'],
      ['application/json', '{"dataframe_records":[1,2]}'], ['application/json', '{"dataframe_records":[{"duration":{"a":1}}]}'], ['application/json', `{"dataframe_records":[${JSON.stringify({ ...record(ROWS[0]!), age: 1e308 })}]}`],
      ['application/json', '{"dataframe_records":[{"checking_status":"\u0000\ud800"}]}'], ['text/csv', ''], ['text/csv', 'a;b\n1'], ['text/csv', '\u00ff\u00fe'], ['application/json', '{"applicants":"x"}'],
      ['application/json', '\u00ef\u00bb\u00bf{}'], ['application/x-www-form-urlencoded', 'a=1'], ['application/json', '{"__proto__":{"x":1},"dataframe_records":[]}'],
    ];
    const rng = new Rng(7);
    const rnd = (n: number): number => rng.int(n);
    // Generated from real rows: one field set to a wrong type, a huge or odd value, dropped, or an unknown field
    // added; CSV bodies with cells swapped for junk; and truncations of everything.
    const oddValues: unknown[] = ['x', -1, 1e308, -1e308, null, true, [], {}, '\u0000', '😀', 'NaN', '', ' ', 1.5, '1e400', { $gt: 1 }];
    const generated = (): [string, string] => {
      const row = record(ROWS[rnd(ROWS.length)]!);
      const keys = Object.keys(row);
      const k = keys[rnd(keys.length)]!;
      switch (rnd(5)) {
        case 0: return ['application/json', JSON.stringify({ dataframe_records: [{ ...row, [k]: oddValues[rnd(oddValues.length)] }] })];
        case 1: return ['application/json', JSON.stringify({ dataframe_records: [Object.fromEntries(Object.entries(row).filter(([key]) => key !== k))] })];
        case 2: return ['application/json', JSON.stringify({ dataframe_split: { columns: keys, data: [keys.map((key) => (key === k ? oddValues[rnd(oddValues.length)] : row[key]))] } })];
        case 3: return ['application/json', JSON.stringify({ dataframe_records: [{ ...row, [`extra_${rnd(1000)}`]: rnd(100) }] })];
        default: return ['text/csv', `${keys.join(',')}\n${keys.map((key) => (key === k ? String(oddValues[rnd(oddValues.length)]) : String(row[key]))).join(',')}`];
      }
    };
    const sent = new Set<string>();
    let errors = 0;
    for (let tries = 0; sent.size < 1000; tries++) {
      if (tries > 20_000) throw new Error(`the generator repeats itself: ${sent.size} distinct bodies`);
      const [type, base] = rnd(4) === 0 ? bodies[rnd(bodies.length)]! : generated();
      const cut = rnd(3) === 0 ? base.slice(0, rnd(base.length + 1)) : base;
      const path = ['/invocations', '/v1/score'][rnd(2)]!;
      const key = `${path} ${type} ${cut}`;
      if (sent.has(key)) continue;
      sent.add(key);
      const r = await post(`${server.url}${path}`, cut, { 'content-type': type });
      const text = await r.text();
      expect(r.status, key).toBeGreaterThanOrEqual(200);
      expect(r.status, key).toBeLessThan(500);
      expect(text).not.toMatch(/at .+\.js:\d+|node_modules/);
      if (r.status >= 400) {
        errors++;
        expect(JSON.parse(text)).toEqual({ error_code: expect.any(String), message: expect.any(String) });
      }
    }
    // Both outcomes must be common: the generator reaches the scoring path as well as the refusals.
    expect(errors).toBeGreaterThan(200);
    expect(1000 - errors).toBeGreaterThan(50);
    // A slow client sends half a request and stalls; others are served meanwhile.
    const slow = connect(Number(new URL(server.url).port), '127.0.0.1');
    slow.write('POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"dataframe');
    for (let batch = 0; batch < 20; batch++) {
      await Promise.all(Array.from({ length: 500 }, () => new Promise<void>((resolve) => {
        const s = connect(Number(new URL(server.url).port), '127.0.0.1', () => s.destroy());
        s.on('close', () => resolve());
        s.on('error', () => resolve());
      })));
    }
    expect((await fetch(`${server.url}/ping`)).status).toBe(200);
    const ok = await post(`${server.url}/invocations`, { dataframe_records: [record(ROWS[0]!)] });
    expect(ok.status).toBe(200);
    slow.destroy();
  });

  it('requires the bearer token when one is set, except for /ping and /health', async () => {
    const s = await startServer(home, ['--token', 's3cret']);
    try {
      expect((await fetch(`${s.url}/ping`)).status).toBe(200);
      const denied = await post(`${s.url}/invocations`, { dataframe_records: [record(ROWS[0]!)] });
      expect(denied.status).toBe(401);
      expect((await denied.json().then(loose)).error_code).toBe('UNAUTHENTICATED');
      const allowed = await post(`${s.url}/invocations`, { dataframe_records: [record(ROWS[0]!)] }, { 'content-type': 'application/json', authorization: 'Bearer s3cret' });
      expect(allowed.status).toBe(200);
    } finally {
      await s.stop();
    }
  });

  it('stops gracefully on SIGTERM: exit 0 within 5 s, the prediction log and the serving run written', async () => {
    const before = (await (await post(`${server.url}/invocations`, { dataframe_records: ROWS.slice(0, 7).map(record) })).json().then(loose)).predictions;
    expect(before).toHaveLength(7);
    const { code, ms } = await server.stop('SIGTERM');
    expect(code).toBe(0);
    expect(ms).toBeLessThan(5000);
    const dir = join(home, 'outputs', 'predictions');
    const lines = readdirSync(dir).filter((f) => f.endsWith('.ndjson')).flatMap((f) => readFileSync(join(dir, f), 'utf8').trim().split('\n'));
    const last = JSON.parse(lines.at(-1)!) as { model_version: number; inputs: Record<string, unknown>; p_bad: number; decision: string; ts: string };
    expect(last.inputs['duration']).toBe(ROWS[6]![1]);
    expect(last.p_bad).toBe(before[6].p_bad);
    expect(Date.parse(last.ts)).toBeGreaterThan(Date.now() - 120_000);
    expect(readdirSync(dir).filter((f) => f.includes('.partial'))).toEqual([]);
    const store = RunStore.open(join(home, 'runs.db'));
    // Newest first: the oldest finished serving run is this suite's main server.
    const run = store.listRuns({ experiment: 'serve', limit: 10 }).filter((r) => r.status === 'FINISHED').at(-1)!;
    const m = store.latestMetrics(run.run_id);
    expect(m['requests']).toBeGreaterThan(300);
    expect(m['predictions']).toBe(lines.length);
    expect(m['latency_p99_ms']).toBeGreaterThan(0);
    expect(existsSync(join(home, 'outputs', 'serve.json'))).toBe(false);
    store.close();
  });

  it('runs on several workers sharing the port', async () => {
    const s = await startServer(home, ['--workers', '2']);
    try {
      const results = await Promise.all(Array.from({ length: 40 }, (_, i) => post(`${s.url}/invocations`, { dataframe_records: [record(ROWS[i]!)] }).then((r) => r.json().then(loose))));
      results.forEach((r, i) => expect(Math.abs(r.predictions[0].p_bad - scored[i]!)).toBeLessThanOrEqual(1e-9));
      expect(s.stderr).toContain('with 2 workers');
    } finally {
      const { code, ms } = await s.stop('SIGTERM');
      expect(code).toBe(0);
      expect(ms).toBeLessThan(5000);
    }
  });
});
