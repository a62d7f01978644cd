import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tmpHome } from '../../test-support/helpers.js';
import type { Dataset } from './dataset.js';
import { datasetFromParquet, readParquetRaw, writeDatasetParquet } from './parquet.js';
import { schemaOf } from './dataset.js';
import { polars } from './polars.js';

describe('nodejs-polars on this Node', () => {
  it('is the pinned 0.24.x whose native binary loads on Node 20', () => {
    const require = createRequire(import.meta.url);
    const pkg = JSON.parse(readFileSync(require.resolve('nodejs-polars/package.json'), 'utf8')) as { version: string };
    expect(pkg.version).toMatch(/^0\.24\./);
    // The native binary itself: a frame is built and summed in Rust.
    const df = polars().DataFrame({ a: [1, 2, 3] });
    expect(df.getColumn('a').sum()).toBe(6);
  });

  it('round-trips typed columns with nulls through Parquet', () => {
    const ds: Dataset = {
      name: 't', targetName: 'y', rows: 3, target: Uint8Array.from([0, 1, 0]),
      features: [
        { name: 'amount', kind: 'numeric', values: Float64Array.from([1.5, NaN, -3]) },
        { name: 'grade', kind: 'categorical', ordinal: true, values: ['b', null, 'a'], levels: ['a', 'b'] },
      ],
    };
    const path = join(tmpHome(), 't.parquet');
    writeDatasetParquet(ds, path);
    const raw = readParquetRaw(path);
    expect(raw.header).toEqual(['amount', 'grade', 'y']);
    expect(raw.dtypes).toEqual(['num', 'str', 'str']);
    const back = datasetFromParquet(path, schemaOf(ds), 't');
    expect(back).toEqual(ds);
  });
});
