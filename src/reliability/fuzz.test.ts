import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CancelledError, UserError } from '../core/errors.js';
import { DEFAULT_PARAMS, parseParams, type Params } from '../core/params/params.js';
import { paramsTemplate } from '../core/params/template.js';
import { stringify as stringifyYaml } from 'yaml';
import { Rng } from '../core/random.js';
import { runDrift } from '../engine/drift.js';
import { ingest } from '../engine/ingest.js';
import { openStore, projectAt } from '../engine/project.js';
import { scoreFile } from '../engine/score.js';
import { train } from '../engine/train.js';
import { HAS_REAL_DATA, KAGGLE, runCli, STATLOG, tmpHome } from '../test-support/helpers.js';
import { integrityOk } from '../test-support/snapshot.js';

/** Seeded generator of malformed inputs, built from the real files so most cases are "almost valid". */
function malformedInputs(seed: number, count: number, statlog: string, kaggle: string): { name: string; data: Buffer }[] {
  const rng = new Rng(seed);
  const pick = <T,>(xs: readonly T[]): T => xs[rng.int(xs.length)]!;
  const sLines = statlog.trim().split('\n').slice(0, 120);
  const kLines = kaggle.trim().split('\n').slice(0, 120);
  const oddities = ['\u200b', '\u202e', '😀', '\u0000', '\ufffd', 'é', '\u00a0', '"', '\\', '\r'];
  const numbers = ['1e400', '-1e400', 'NaN', 'Infinity', '-Infinity', '99999999999999999999999', '0x1F', '1,5', '', ' ', '--3', '1e-400'];
  const mutations: ((lines: string[], sep: string) => string)[] = [
    (l) => l.map((x) => (rng.next() < 0.1 ? x.slice(0, rng.int(x.length)) : x)).join('\n'),
    (l, sep) => l.map((x) => (rng.next() < 0.2 ? x.split(sep).map((c) => (rng.next() < 0.2 ? pick(numbers) : c)).join(sep) : x)).join('\n'),
    (l, sep) => l.map((x) => (rng.next() < 0.2 ? x.split(sep).map((c) => (rng.next() < 0.3 ? `${c}${pick(['Z', 'A99', 'xx'])}` : c)).join(sep) : x)).join('\n'),
    (l, sep) => l.map((x) => (rng.next() < 0.3 ? x.replaceAll(sep, pick([';', '\t', '|', ' ', ''])) : x)).join('\n'),
    (l) => l.map((x) => (rng.next() < 0.2 ? [...x].map((ch) => (rng.next() < 0.05 ? pick(oddities) : ch)).join('') : x)).join('\n'),
    (l) => l.slice(1).join('\n'),
    (l, sep) => [l[0]!.split(sep).map((h, i) => (i === 2 ? l[0]!.split(sep)[1]! : h)).join(sep), ...l.slice(1)].join('\n'),
    (l) => l.slice(0, 1 + rng.int(2)).join('\n'),
    (l) => `${l.join('\r\n')}\r\n`,
    (l) => `"${l.join('\n')}`,
  ];
  const out: { name: string; data: Buffer }[] = [
    { name: 'empty', data: Buffer.alloc(0) },
    { name: 'newline-only', data: Buffer.from('\n\n\n') },
    { name: 'one-line-statlog', data: Buffer.from(sLines[0]!) },
    { name: 'header-only-kaggle', data: Buffer.from(kLines[0]!) },
    { name: 'huge-single-line', data: Buffer.from('x,'.repeat(5 * 1024 * 1024)) },
    { name: 'bom-only', data: Buffer.from('\ufeff') },
  ];
  // Distinct inputs only: a repeated file would inflate the count without testing anything new.
  const seen = new Set(out.map((c) => createHash('sha256').update(c.data).digest('hex')));
  const add = (name: string, data: Buffer): void => {
    const h = createHash('sha256').update(data).digest('hex');
    if (seen.has(h)) return;
    seen.add(h);
    out.push({ name, data });
  };
  while (out.length < count) {
    const kind = rng.int(10);
    if (kind === 0) {
      const bytes = Buffer.alloc(1 + rng.int(4096));
      for (let i = 0; i < bytes.length; i++) bytes[i] = rng.int(256);
      add(`random-bytes-${out.length}`, bytes);
      continue;
    }
    const useKaggle = rng.next() < 0.5;
    const m = pick(mutations);
    add(`${useKaggle ? 'kaggle' : 'statlog'}-${mutations.indexOf(m)}-${out.length}`, Buffer.from(m([...(useKaggle ? kLines : sLines)], useKaggle ? ',' : ' ')));
  }
  return out;
}

/** Every outcome must be success or one clean line; anything else (a crash, a stack) fails the test. */
async function outcome(fn: () => Promise<unknown>): Promise<'ok' | 'error'> {
  try {
    await fn();
    return 'ok';
  } catch (e) {
    if (!(e instanceof UserError) && !(e instanceof CancelledError)) throw new Error(`not a clean error: ${(e as Error).stack}`);
    expect(e.message.length).toBeGreaterThan(0);
    expect(e.message).not.toContain('\n');
    return 'error';
  }
}

async function drain<T>(gen: AsyncGenerator<unknown, T>): Promise<T> {
  for (;;) {
    const r = await gen.next();
    if (r.done) return r.value;
  }
}

/** Hidden partial files anywhere under the project (data/raw, data/processed, models, outputs, the root). */
function partialFiles(home: string): string[] {
  return readdirSync(home, { recursive: true, encoding: 'utf8' }).filter((f) => /\.partial-\d+$/.test(f));
}

/** Runs `fn` with an environment variable set (the drift streaming threshold is read per call). */
async function withEnv<T>(key: string, value: string, fn: () => Promise<T>): Promise<T> {
  const old = process.env[key];
  process.env[key] = value;
  try {
    return await fn();
  } finally {
    if (old === undefined) delete process.env[key];
    else process.env[key] = old;
  }
}

const CASES = 1000;

describe.skipIf(!HAS_REAL_DATA)('fuzz: 1,000 distinct malformed inputs to each of ingest, score and drift; 1,000 params.yaml mutations', () => {
  const home = tmpHome();
  const project = projectAt(home);
  const cases = malformedInputs(20261123, CASES, readFileSync(STATLOG, 'utf8'), readFileSync(KAGGLE, 'utf8'));
  const refParquet = () => openStore(project).resolveDataset('statlog_german').path;

  beforeAll(async () => {
    const store = openStore(project);
    await drain(ingest(project, store, { source: STATLOG }));
    const p: Params = { ...DEFAULT_PARAMS, search: { ...DEFAULT_PARAMS.search, grids: { ...DEFAULT_PARAMS.search.grids, logreg: { C: [1], class_weight: [null], smote: [false] } } } };
    await drain(train(project, store, p, { families: ['logreg'], workers: 1 }));
    store.close();
  });

  it('ingest, score (in-process and threaded) and drift (in-memory and streamed) end in a result or one clean line; no partial output anywhere; the store stays valid', async () => {
    const counts = { ingest: 0, score: 0, threadedScore: 0, drift: 0, streamedDrift: 0 };
    const seen = new Set<string>();
    const ref = refParquet();
    expect(new Set(cases.map((c) => createHash('sha256').update(c.data).digest('hex'))).size).toBe(CASES);
    for (const [i, c] of cases.entries()) {
      const file = join(home, `case-${c.name}.csv`);
      writeFileSync(file, c.data);
      const store = openStore(project);
      try {
        seen.add(`ingest:${await outcome(() => drain(ingest(project, store, { source: file, name: 'fuzz' })))}`);
        counts.ingest++;
        // Every 10th case goes through the worker-thread scorer, the rest through the in-process one.
        const threaded = i % 10 === 0;
        const outFile = join(home, `scored-${c.name}.csv`);
        const r = await outcome(() => drain(scoreFile(project, store, { input: file, output: outFile, scale: DEFAULT_PARAMS.scoring, ...(threaded ? { workers: 2 } : {}) })));
        seen.add(`${threaded ? 'threaded-score' : 'score'}:${r}`);
        if (r === 'error') expect(existsSync(outFile)).toBe(false);
        else expect(readFileSync(outFile, 'utf8').endsWith('\n')).toBe(true);
        counts[threaded ? 'threadedScore' : 'score']++;
        // Every 4th case is compared by the streamed reader used for files from 32 MB.
        const streamed = i % 4 === 1;
        const d = streamed ? await withEnv('CREDIT_TUI_STREAM_CSV_BYTES', '1', () => outcome(() => runDrift(store, ref, file, DEFAULT_PARAMS.drift))) : await outcome(() => runDrift(store, ref, file, DEFAULT_PARAMS.drift));
        seen.add(`${streamed ? 'streamed-drift' : 'drift'}:${d}`);
        counts[streamed ? 'streamedDrift' : 'drift']++;
      } finally {
        store.close();
      }
    }
    expect(counts.ingest).toBe(CASES);
    expect(counts.score + counts.threadedScore).toBe(CASES);
    expect(counts.drift + counts.streamedDrift).toBe(CASES);
    expect(counts.threadedScore).toBe(CASES / 10);
    expect(counts.streamedDrift).toBe(CASES / 4);
    // The generator must reach both outcomes of every path, or it tests nothing.
    expect([...seen].sort()).toEqual(['drift:error', 'drift:ok', 'ingest:error', 'ingest:ok', 'score:error', 'score:ok', 'streamed-drift:error', 'streamed-drift:ok', 'threaded-score:error', 'threaded-score:ok']);
    expect(partialFiles(home)).toEqual([]);
    expect(integrityOk(home)).toBe(true);
    const runs = openStore(project);
    expect(runs.listRuns({ limit: 10_000 }).filter((r) => r.status === 'RUNNING')).toEqual([]);
    runs.close();
  }, 1_200_000); // a hang guard, not a speed target: under a loaded machine the 3,000 operations took over 600 s

  it('params.yaml: 1,000 distinct mutations, each valid or one line naming the key (or the row of a syntax error)', () => {
    const rng = new Rng(7);
    const pick = <T,>(xs: readonly T[]): T => xs[rng.int(xs.length)]!;
    const defaults = JSON.parse(JSON.stringify(DEFAULT_PARAMS)) as Record<string, unknown>;
    // Every settable path of the defaults: leaves (numbers, strings, lists, null) and the mappings above them.
    const leaves: string[][] = [];
    const mappings: string[][] = [[]];
    const walk = (o: unknown, path: string[]): void => {
      if (typeof o === 'object' && o !== null && !Array.isArray(o)) {
        if (path.length) mappings.push(path);
        for (const [k, v] of Object.entries(o)) walk(v, [...path, k]);
      } else leaves.push(path);
    };
    walk(defaults, []);
    const badValues: unknown[] = ['x', -1, 0, 1e400, -0.5, 2.5, [], {}, true, null, 'NaN', [0], ['zz'], '', 1e9, [[1]], { a: 1 }];
    const setAt = (o: Record<string, unknown>, path: readonly string[], v: unknown): void => {
      let cur = o;
      for (const k of path.slice(0, -1)) cur = cur[k] as Record<string, unknown>;
      cur[path.at(-1)!] = v;
    };
    const template = paramsTemplate().split('\n');
    const junk = ['{', '[', ']', ': :', '- x', '\t', '\u0000', '&a [*a]', '!!binary AAA', 'key: "unterminated', '  - [', '? x'];
    const texts = new Set<string>();
    let valid = 0;
    let namedKey = 0;
    let namedRow = 0;
    while (texts.size < 1000) {
      const kind = rng.int(3);
      let text: string;
      let expected: RegExp;
      if (kind === 0) {
        const path = pick(leaves);
        const o = JSON.parse(JSON.stringify(defaults)) as Record<string, unknown>;
        setAt(o, path, pick(badValues));
        text = stringifyYaml(o);
        // A TPE range is checked as a whole: a bad low is reported at high ("above low") and the other way round.
        const named = path[1] === 'spaces' && path.length > 4 ? path.slice(0, 4) : path;
        // A list's element is named by its index: fairness.attributes[0].
        expected = new RegExp(`invalid value .* for '${named.join('\\.')}(\\.[^']+|\\[\\d+\\][^']*)?'|unknown key '${named.join('\\.')}\\.`);
      } else if (kind === 1) {
        const path = pick(mappings);
        const key = `zz_${rng.int(1000)}`;
        const o = JSON.parse(JSON.stringify(defaults)) as Record<string, unknown>;
        setAt(o, [...path, key], rng.int(5));
        text = stringifyYaml(o);
        // Free-form mappings (data.roles) accept any column name but not the value given to it.
        expected = new RegExp(`unknown key '${[...path, key].join('\\.')}'|invalid value .* for '${[...path, key].join('\\.')}'`);
      } else {
        const lines = [...template];
        for (let j = 1 + rng.int(3); j > 0; j--) {
          const at = rng.int(lines.length);
          lines[at] = rng.next() < 0.5 ? pick(junk) : lines[at]!.slice(0, rng.int(lines[at]!.length + 1));
        }
        text = lines.join('\n');
        // A broken line can make any text a key ("x - 0.02" when a list item lands in a mapping): it is named as it is.
        expected = /^params\.yaml(, row \d+)?: (not valid YAML|invalid value .* for '[^'\n]+'|unknown key '[^'\n]+'|expected a mapping of settings at the top level)/;
      }
      if (texts.has(text)) continue;
      texts.add(text);
      try {
        parseParams(text, 'params.yaml');
        valid++;
      } catch (e) {
        expect(e).toBeInstanceOf(UserError);
        const message = (e as Error).message;
        expect(message).toMatch(/^params\.yaml/);
        expect(message).not.toContain('\n');
        expect(message, text).toMatch(expected);
        if (/, row \d+:/.test(message)) namedRow++;
        else namedKey++;
      }
    }
    expect(texts.size).toBe(1000);
    // Both outcomes must be common, or the mutations test nothing.
    expect(valid).toBeGreaterThan(50);
    expect(namedKey).toBeGreaterThan(400);
    expect(namedRow).toBeGreaterThan(20);
  });

  it('through the real binary: malformed files give exit 1 (or 4 for partly scored) and no stack trace', () => {
    // The six hand-made edge cases and every 150th generated one: 13 files × 3 commands through the binary.
    const sample = [...cases.slice(0, 6), ...cases.slice(6).filter((_, i) => i % 150 === 0)];
    expect(sample).toHaveLength(13);
    for (const c of sample) {
      const file = join(home, `bin-${c.name}.csv`);
      writeFileSync(file, c.data);
      for (const args of [['ingest', file, '--name', 'binfuzz'], ['score', file], ['drift', refParquet(), file]]) {
        const r = runCli(args, { home });
        expect([0, 1, 3, 4], `${args.join(' ')}: ${r.stderr}`).toContain(r.status);
        expect(r.stderr).not.toMatch(/\n\s+at /);
        expect(r.stderr).not.toContain('internal error');
      }
    }
    expect(partialFiles(home)).toEqual([]);
    expect(integrityOk(home)).toBe(true);
  });
});
