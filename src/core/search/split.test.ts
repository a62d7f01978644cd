import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { datasetFromRaw, detectTextFormat, rawTableFromText } from '../data/formats.js';
import { takeRows } from '../data/dataset.js';
import { DEFAULT_PARAMS } from '../params/params.js';
import { HAS_REAL_DATA, REFERENCE_DIR, STATLOG } from '../../test-support/helpers.js';
import { transform, fitPreprocessor } from '../features/preprocess.js';
import { prepareFolds } from './folds.js';
import { seededSplit, splitFromJson, stratifiedKFold, trainPositions } from './split.js';

const y = Uint8Array.from({ length: 103 }, (_, i) => (i % 10 < 3 ? 1 : 0));

describe('stratified splits', () => {
  it('k folds partition the rows and keep the bad share within one row per fold', () => {
    const folds = stratifiedKFold(y, 5, 42);
    expect(folds.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 103 }, (_, i) => i));
    const bads = folds.map((f) => f.filter((i) => y[i] === 1).length);
    const goods = folds.map((f) => f.filter((i) => y[i] === 0).length);
    expect(Math.max(...bads) - Math.min(...bads)).toBeLessThanOrEqual(1);
    expect(Math.max(...goods) - Math.min(...goods)).toBeLessThanOrEqual(1);
  });

  it('the hold-out keeps the class ratio and depends only on the seed', () => {
    const a = seededSplit(y, 0.2, 5, 42);
    const bad = y.reduce((s, v) => s + v, 0);
    expect(a.test.filter((i) => y[i] === 1).length).toBe(Math.round(bad * 0.2));
    expect(a.test.filter((i) => y[i] === 0).length).toBe(Math.round((103 - bad) * 0.2));
    expect(seededSplit(y, 0.2, 5, 42)).toEqual(a);
    expect(seededSplit(y, 0.2, 5, 43).test).not.toEqual(a.test);
    expect(new Set([...a.train, ...a.test]).size).toBe(103);
  });

  it('splits a million rows (a spread push of one class overflowed the call stack)', () => {
    const big = Uint8Array.from({ length: 1_000_000 }, (_, i) => +(i % 10 < 3));
    const s = seededSplit(big, 0.2, 5, 42);
    expect(s.test).toHaveLength(200_000);
    expect(s.train).toHaveLength(800_000);
    expect(s.test.filter((i) => big[i] === 1)).toHaveLength(60_000);
    expect(s.folds).toHaveLength(5);
  });

  it('rejects a malformed split file with its name', () => {
    expect(() => splitFromJson('{"split": {"train_idx": [0, 1], "test_idx": [1], "cv_folds": [{"val_positions": [0]}, {"val_positions": [1]}]}}', 10, 's.json')).toThrow('s.json: train and test rows overlap');
    expect(() => splitFromJson('nope', 10, 's.json')).toThrow(/s\.json: not valid JSON/);
  });
});

describe.skipIf(!HAS_REAL_DATA)('reference split and per-fold preprocessing on Statlog', () => {
  const text = readFileSync(STATLOG, 'utf8');
  const fmt = detectTextFormat(text);
  const ds = datasetFromRaw(rawTableFromText(text, STATLOG, fmt), fmt, { name: 's' });
  const split = splitFromJson(readFileSync(join(REFERENCE_DIR, 'split_statlog_german.json'), 'utf8'), ds.rows, 'split');

  it('loads the exact 800/200 rows and 5 folds of the scikit-learn reference', () => {
    expect(split.train).toHaveLength(800);
    expect(split.test).toHaveLength(200);
    expect(split.folds).toHaveLength(5);
    expect(split.folds.map((f) => f.length)).toEqual([160, 160, 160, 160, 160]);
  });

  it('SMOTE never touches validation rows: they are the plain transform of the original rows', () => {
    const train = takeRows(ds, split.train);
    const prepared = prepareFolds(train, split.folds, DEFAULT_PARAMS.preprocessing, true, 5, 42);
    prepared.forEach((f, k) => {
      const val = split.folds[k]!;
      const trRows = trainPositions(train.rows, val);
      const prep = fitPreprocessor(takeRows(train, trRows), DEFAULT_PARAMS.preprocessing);
      expect(Array.from(f.Xval.data)).toEqual(Array.from(transform(prep, takeRows(train, val)).data));
      expect(f.Xval.rows).toBe(160);
      expect(Array.from(f.yval)).toEqual(val.map((p) => train.target[p]!));
      // SMOTE output = the fold's training rows followed by synthetic bads only
      const s = f.smoted!;
      expect(Array.from(s.X.data.slice(0, f.X.data.length))).toEqual(Array.from(f.X.data));
      expect(Array.from(s.y.slice(f.y.length)).every((v) => v === 1)).toBe(true);
      expect(s.y.filter((v) => v === 1).length).toBe(s.y.filter((v) => v === 0).length);
    });
  });
});
