import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CancelledError, UserError } from '../core/errors.js';
import { DEFAULT_PARAMS, parseParams, type Params } from '../core/params/params.js';
import { paramsTemplate } from '../core/params/template.js';
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
  while (out.length < count) {
    const kind = rng.int(10);
    if (kind === 0) {
      const bytes = Buffer.alloc(1 + rng.int(4096));
      for (let i = 0; i < bytes.length; i++) bytes[i] = rng.int(256);
      out.push({ name: `random-bytes-${out.length}`, data: bytes });
      continue;
    }
    const useKaggle = rng.next() < 0.5;
    const m = pick(mutations);
    out.push({ name: `${useKaggle ? 'kaggle' : 'statlog'}-${mutations.indexOf(m)}-${out.length}`, data: Buffer.from(m([...(useKaggle ? kLines : sLines)], useKaggle ? ',' : ' ')) });
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

describe.skipIf(!HAS_REAL_DATA)('fuzz: 1,000+ malformed inputs to ingest, score, drift and params.yaml', () => {
  const home = tmpHome();
  const project = projectAt(home);
  const cases = malformedInputs(20261123, 260, readFileSync(STATLOG, 'utf8'), readFileSync(KAGGLE, 'utf8'));
  const refParquet = () => openStore(project).resolveDataset('statlog_german').path;

  beforeAll(async () => {
    const store = openStore(project);
    await drain(ingest(project, store, { source: STATLOG }));
    const p: Params = { ...DEFAULT_PARAMS, search: { ...DEFAULT_PARAMS.search, grids: { ...DEFAULT_PARAMS.search.grids, logreg: { C: [1], class_weight: [null], smote: [false] } } } };
    await drain(train(project, store, p, { families: ['logreg'], workers: 1 }));
    store.close();
  });

  it('ingest, score and drift end in a result or one clean line; no partial output; the store stays valid', async () => {
    const counts = { ingest: 0, score: 0, drift: 0 };
    const seen = new Set<string>();
    const ref = refParquet();
    for (const c of cases) {
      const file = join(home, `case-${c.name}.csv`);
      writeFileSync(file, c.data);
      const store = openStore(project);
      try {
        seen.add(`ingest:${await outcome(() => drain(ingest(project, store, { source: file, name: 'fuzz' })))}`);
        counts.ingest++;
        const outFile = join(home, `scored-${c.name}.csv`);
        const r = await outcome(() => drain(scoreFile(project, store, { input: file, output: outFile, scale: DEFAULT_PARAMS.scoring })));
        seen.add(`score:${r}`);
        if (r === 'error') expect(existsSync(outFile)).toBe(false);
        else expect(readFileSync(outFile, 'utf8').endsWith('\n')).toBe(true);
        counts.score++;
        seen.add(`drift:${await outcome(() => runDrift(store, ref, file, DEFAULT_PARAMS.drift))}`);
        counts.drift++;
      } finally {
        store.close();
      }
    }
    expect(counts.ingest + counts.score + counts.drift).toBeGreaterThanOrEqual(780);
    // The generator must exercise both paths of every command, or it tests nothing.
    expect([...seen].sort()).toEqual(['drift:error', 'drift:ok', 'ingest:error', 'ingest:ok', 'score:error', 'score:ok']);
    expect(readdirSync(home).filter((f) => f.includes('.partial-'))).toEqual([]);
    expect(integrityOk(home)).toBe(true);
    const runs = openStore(project);
    expect(runs.listRuns({ limit: 10_000 }).filter((r) => r.status === 'RUNNING')).toEqual([]);
    runs.close();
  });

  it('params.yaml loading: 300 mutated files, each valid or one line naming the key', () => {
    const rng = new Rng(7);
    const base = paramsTemplate().split('\n');
    const junk = ['{', '[', ']', ': :', '- x', 'seed: -1', 'split: 3', 'cost: {bad_predicted_good: "x"}', '\t', 'drift: {p_value: 2}', 'search: {grids: {mlp: {hidden_layer_sizes: [0]}}}', '\u0000', 'preprocessing: {encoding: one-hot}', '&a [*a]', '!!binary AAA'];
    let clean = 0;
    for (let i = 0; i < 300; i++) {
      const lines = [...base];
      const k = 1 + rng.int(3);
      for (let j = 0; j < k; j++) {
        const at = rng.int(lines.length);
        if (rng.next() < 0.5) lines[at] = junk[rng.int(junk.length)]!;
        else lines[at] = lines[at]!.slice(0, rng.int(lines[at]!.length + 1));
      }
      try {
        parseParams(lines.join('\n'), 'params.yaml');
        clean++;
      } catch (e) {
        expect(e).toBeInstanceOf(UserError);
        expect((e as Error).message).toMatch(/^params\.yaml/);
        expect((e as Error).message).not.toContain('\n');
      }
    }
    expect(clean).toBeLessThan(300);
  });

  it('through the real binary: malformed files give exit 1 (or 4 for partly scored) and no stack trace', () => {
    for (const c of cases.slice(0, 8)) {
      const file = join(home, `bin-${c.name}.csv`);
      writeFileSync(file, c.data);
      for (const args of [['ingest', file, '--name', 'binfuzz'], ['score', file], ['drift', refParquet(), file]]) {
        const r = runCli(args, { home });
        expect([0, 1, 3, 4], `${args.join(' ')}: ${r.stderr}`).toContain(r.status);
        expect(r.stderr).not.toMatch(/\n\s+at /);
        expect(r.stderr).not.toContain('internal error');
      }
    }
    expect(integrityOk(home)).toBe(true);
  });
});
