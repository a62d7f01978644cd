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

  it('writes the same bytes as a frame built from one JS value per row, and reads back across slices', () => {
    // 150,000 rows: more than two of the 65,536-row slices a column is read in; missing values in both kinds.
    const n = 150_000;
    const levels = ['no checking account', 'A', '< 0 DM', 'é'];
    const ds: Dataset = {
      name: 't', targetName: 'class', rows: n, target: Uint8Array.from({ length: n }, (_, i) => (i % 7 === 0 ? 1 : 0)),
      features: [
        { name: 'amount', kind: 'numeric', values: Float64Array.from({ length: n }, (_, i) => (i % 1000 === 3 ? NaN : (i * 37) % 5000 + 0.25 * (i % 3))) },
        { name: 'purpose', kind: 'categorical', ordinal: false, values: Array.from({ length: n }, (_, i) => (i % 501 === 0 ? null : levels[(i * 13) % 4]!)), levels },
        { name: 'count', kind: 'numeric', values: Float64Array.from({ length: n }, (_, i) => i % 4) },
      ],
    };
    const home = tmpHome();
    const path = join(home, 'new.parquet');
    writeDatasetParquet(ds, path);
    // The writer before it built every series from JS arrays, a value per row.
    const pl = polars();
    const series = ds.features.map((c) =>
      c.kind === 'numeric'
        ? pl.Series(c.name, Array.from(c.values, (v) => (Number.isNaN(v) ? null : v)), pl.Float64)
        : pl.Series(c.name, c.values as (string | null)[], pl.Utf8),
    );
    series.push(pl.Series(ds.targetName, Array.from(ds.target, (v) => (v === 1 ? 'bad' : 'good')), pl.Utf8));
    const oldPath = join(home, 'old.parquet');
    pl.DataFrame(series).writeParquet(oldPath, { compression: 'zstd' });
    expect(readFileSync(path).equals(readFileSync(oldPath))).toBe(true);
    expect(datasetFromParquet(path, schemaOf(ds), 't')).toEqual(ds);
    const raw = readParquetRaw(path);
    expect(raw.cells[1]).toEqual(ds.features[1]!.values);
    expect(raw.cells[0]).toEqual(Array.from((ds.features[0] as { values: Float64Array }).values, (v) => (Number.isNaN(v) ? null : v)));
    expect(raw.cells[3]!.slice(0, 8)).toEqual(['bad', 'good', 'good', 'good', 'good', 'good', 'good', 'bad']);
  });
});
