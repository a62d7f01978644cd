import { mkdtempSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LineChunks } from './line-stream.js';
import { fnv1a, TokenTable } from './token-table.js';

async function collect(text: string, skipHeader: boolean, chunkBytes: number): Promise<{ lines: [number, string][]; sha: string }> {
  const path = join(mkdtempSync(join(tmpdir(), 'credit-tui-lines-')), 'f.csv');
  writeFileSync(path, text);
  const chunks = new LineChunks(path, { skipHeader, chunkBytes });
  const lines: [number, string][] = [];
  for await (const c of chunks.chunks()) {
    Buffer.from(c.bytes).toString('utf8').replace(/\n$/, '').split('\n').forEach((l, i) => lines.push([c.firstLine + i, l]));
  }
  return { lines, sha: chunks.sha256 };
}

describe('LineChunks', () => {
  const text = '\ufeff\n  \nid,a\n1,x\r\n2,é\n\n3,z';
  it('numbers lines as an editor does, across any chunk size, skipping BOM and the first non-blank line', async () => {
    const expected: [number, string][] = [[4, '1,x\r'], [5, '2,é'], [6, ''], [7, '3,z']];
    for (const size of [1, 2, 3, 5, 7, 64, 1 << 20]) {
      const r = await collect(text, true, size);
      expect(r.lines, `chunk ${size}`).toEqual(expected);
      expect(r.sha).toBe(createHash('sha256').update(text).digest('hex'));
    }
  });

  it('without a header every line is data; a file of only a header yields nothing', async () => {
    expect((await collect('a b\nc d\n', false, 3)).lines).toEqual([[1, 'a b'], [2, 'c d']]);
    expect((await collect('id,a\n', true, 2)).lines).toEqual([]);
    expect((await collect('', true, 2)).lines).toEqual([]);
  });
});

describe('TokenTable', () => {
  const bytes = (s: string): Uint8Array => Buffer.from(s);
  it('finds every token where it lies in a buffer, grows past its first size, and misses absent ones', () => {
    const t = new TokenTable<number>(100_000);
    const tokens = Array.from({ length: 5000 }, (_, i) => `A${i * 7919}`);
    tokens.forEach((s, i) => t.set(bytes(s), 0, s.length, fnv1a(bytes(s), 0, s.length), i));
    expect(t.size).toBe(5000);
    const line = Buffer.from(`x,${tokens[4321]},y`);
    const from = 2;
    const to = 2 + tokens[4321]!.length;
    expect(t.get(line, from, to, fnv1a(line, from, to))).toBe(4321);
    for (const s of ['A1', 'A', '', 'B0', `${tokens[10]}x`]) expect(t.get(bytes(s), 0, s.length, fnv1a(bytes(s), 0, s.length))).toBeUndefined();
    expect(t.get(bytes('A0'), 0, 2, fnv1a(bytes('A0'), 0, 2))).toBe(0);
  });

  it('tells apart keys whose hashes collide, and stops adding at its limit', () => {
    const t = new TokenTable<string>(2);
    t.set(bytes('ab'), 0, 2, 7, 'first');
    t.set(bytes('cd'), 0, 2, 7, 'second');
    t.set(bytes('ef'), 0, 2, 7, 'third');
    expect(t.get(bytes('ab'), 0, 2, 7)).toBe('first');
    expect(t.get(bytes('cd'), 0, 2, 7)).toBe('second');
    expect(t.get(bytes('ef'), 0, 2, 7)).toBeUndefined();
    expect(t.size).toBe(2);
  });
});
