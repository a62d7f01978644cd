import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { STATLOG } from '../../test-support/helpers.js';
import { ENGINES } from '../models/engines.js';
import { rocAuc } from '../metrics/classification.js';
import { DEFAULT_PARAMS } from '../params/params.js';
import { prepareTraining } from '../search/folds.js';
import { transform } from '../features/preprocess.js';
import { badRate, type Dataset } from './dataset.js';
import { datasetFromRaw, detectTextFormat, rawTableFromText } from './formats.js';
import { synthesize } from './synth.js';

function load(file: string): Dataset {
  const text = readFileSync(file, 'utf8');
  const format = detectTextFormat(text);
  return datasetFromRaw(rawTableFromText(text, file, format), format, { name: 'statlog' });
}

function rowKeys(ds: Dataset): string[] {
  return Array.from({ length: ds.rows }, (_, i) => JSON.stringify(ds.features.map((c) => (c.kind === 'numeric' ? c.values[i] : c.values[i]))));
}

const real = load(STATLOG);

describe('synthesize on the real Statlog rows', () => {
  const synth = synthesize(real, 5000, { seed: 42 });

  it('copies no real row', () => {
    const realKeys = new Set(rowKeys(real));
    const copies = rowKeys(synth).filter((k) => realKeys.has(k));
    expect(copies).toEqual([]);
  });

  it('keeps the class balance (exact counts) and the columns and their kinds', () => {
    expect(synth.rows).toBe(5000);
    expect(badRate(synth)).toBeCloseTo(badRate(real), 10);
    expect(synth.features.map((c) => `${c.name}:${c.kind}`)).toEqual(real.features.map((c) => `${c.name}:${c.kind}`));
  });

  it('keeps every value inside what the real column holds (levels, range, whole numbers)', () => {
    for (const [j, c] of synth.features.entries()) {
      const r = real.features[j]!;
      if (c.kind === 'categorical' && r.kind === 'categorical') {
        const levels = new Set(r.values);
        expect(c.values.every((v) => levels.has(v))).toBe(true);
      } else if (c.kind === 'numeric' && r.kind === 'numeric') {
        const lo = Math.min(...r.values);
        const hi = Math.max(...r.values);
        expect(c.values.every((v) => v >= lo && v <= hi && Number.isInteger(v))).toBe(true);
      }
    }
  });

  it('jitters numbers: amounts that are in no real row appear', () => {
    const amount = (ds: Dataset) => ds.features.find((c) => c.name === 'credit_amount')!.values as Float64Array;
    const realAmounts = new Set(amount(real));
    const fresh = amount(synth).filter((v) => !realAmounts.has(v)).length;
    expect(fresh / synth.rows).toBeGreaterThan(0.5);
  });

  it('keeps each class: bad rows hold the bad class’s share of "< 0 DM" checking accounts, not the good class’s', () => {
    const share = (ds: Dataset, cls: number) => {
      const col = ds.features.find((c) => c.name === 'checking_status')!;
      let n = 0;
      let hit = 0;
      for (let i = 0; i < ds.rows; i++) {
        if (ds.target[i] !== cls) continue;
        n++;
        if (col.kind === 'categorical' && col.values[i] === '< 0 DM') hit++;
      }
      return hit / n;
    };
    expect(Math.abs(share(synth, 1) - share(real, 1))).toBeLessThan(0.04);
    expect(Math.abs(share(synth, 0) - share(real, 0))).toBeLessThan(0.03);
  });

  it('is deterministic for a seed and differs for another', () => {
    expect(rowKeys(synthesize(real, 300, { seed: 7 }))).toEqual(rowKeys(synthesize(real, 300, { seed: 7 })));
    expect(rowKeys(synthesize(real, 300, { seed: 8 }))).not.toEqual(rowKeys(synthesize(real, 300, { seed: 7 })));
  });

  it('a model trained on synthetic rows only ranks the real applicants (AUC well above 0.5)', () => {
    const set = prepareTraining(synth, DEFAULT_PARAMS.preprocessing, false, 5, 1);
    const model = ENGINES.logreg.fit({ C: 1 }, set.X, set.y, 1);
    const auc = rocAuc(real.target, model.predictProba(transform(set.prep, real)));
    expect(auc).toBeGreaterThan(0.72);
  });

  it('refuses a bad row count and a source with one class', () => {
    expect(() => synthesize(real, 0, { seed: 1 })).toThrow(/positive whole number/);
    const goodOnly: Dataset = { ...real, target: new Uint8Array(real.rows) };
    expect(() => synthesize(goodOnly, 10, { seed: 1 })).toThrow(/no bad rows/);
  });
});
