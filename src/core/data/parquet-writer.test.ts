import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { tmpHome } from '../../test-support/helpers.js';
import { polars } from './polars.js';
import { ParquetStreamWriter, type PageCodec, type ParquetColumnSpec } from './parquet-writer.js';

const COLUMNS: ParquetColumnSpec[] = [
  { name: 'id', type: 'string' },
  { name: 'p_bad', type: 'double' },
  { name: 'score', type: 'int64' },
  { name: 'reason', type: 'string' },
];

function write(codec: PageCodec, groups: number, rowsPerGroup: number): { path: string; ids: string[]; p: number[]; score: number[]; reason: string[] } {
  const w = new ParquetStreamWriter(COLUMNS, codec);
  const parts: Uint8Array[] = [w.start()];
  const all = { ids: [] as string[], p: [] as number[], score: [] as number[], reason: [] as string[] };
  for (let g = 0; g < groups; g++) {
    const n = rowsPerGroup + g; // groups of different sizes
    const ids = Array.from({ length: n }, (_, i) => `a-${g}-${i}`);
    const p = Array.from({ length: n }, (_, i) => (i * 0.37 + g) % 1);
    const score = Array.from({ length: n }, (_, i) => 300 + ((i * 7 + g) % 551) - (i % 3 === 0 ? 1000 : 0));
    const reason = Array.from({ length: n }, (_, i) => (i % 4 === 0 ? '' : `checking status < 0 DM (48% of "bad"), ünï ${i % 5}`));
    parts.push(...w.rowGroup([ids, p, score, reason]));
    all.ids.push(...ids);
    all.p.push(...p);
    all.score.push(...score);
    all.reason.push(...reason);
  }
  parts.push(w.finish('credit-tui test'));
  const path = join(tmpHome(), 'out.parquet');
  writeFileSync(path, Buffer.concat(parts));
  return { path, ...all };
}

describe('streamed Parquet writer', () => {
  it.each([
    ['uncompressed', { id: 0, compress: (b: Uint8Array) => b }],
    ['GZIP pages', { id: 2, compress: (b: Uint8Array) => gzipSync(b, { level: 1 }) }],
  ] as const)('%s: Polars reads back every value of every row group, in order', (_label, codec) => {
    const f = write(codec as PageCodec, 4, 1000);
    const df = polars().readParquet(f.path);
    expect(df.columns).toEqual(['id', 'p_bad', 'score', 'reason']);
    expect(df.height).toBe(4 * 1000 + 6);
    expect(df.getColumn('id').toArray()).toEqual(f.ids);
    expect(df.getColumn('p_bad').toArray()).toEqual(f.p);
    expect(df.getColumn('score').toArray().map(Number)).toEqual(f.score);
    expect(df.getColumn('reason').toArray()).toEqual(f.reason);
    expect(String(df.getColumn('id').dtype)).toMatch(/String|Utf8/);
    expect(String(df.getColumn('score').dtype)).toMatch(/Int64/);
  });

  it('an empty file (no row groups) is a valid table with no rows', () => {
    const f = write({ id: 0, compress: (b) => b }, 0, 0);
    expect(polars().readParquet(f.path).height).toBe(0);
  });
});
