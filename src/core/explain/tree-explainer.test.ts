import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { takeRows } from '../data/dataset.js';
import { datasetFromRaw, detectTextFormat, rawTableFromText } from '../data/formats.js';
import { fitPreprocessor, transform } from '../features/preprocess.js';
import { takeMatrixRows, type Matrix } from '../matrix.js';
import { ENGINES } from '../models/engines.js';
import type { TreeState } from '../models/tree-structure.js';
import type { Candidate } from '../params/grids.js';
import { DEFAULT_PARAMS } from '../params/params.js';
import { STATLOG } from '../../test-support/helpers.js';
import { TreeExplainer } from './tree-explainer.js';
import { interventionalShap } from './tree-shap.js';

function statlog() {
  const text = readFileSync(STATLOG, 'utf8');
  const format = detectTextFormat(text);
  return datasetFromRaw(rawTableFromText(text, STATLOG, format), format, { name: 'statlog', target: null, badValue: null, roles: {} });
}

const logit = (p: number): number => Math.log(p / (1 - p));

describe('TreeSHAP on real Statlog models (the explainer reason codes use)', () => {
  const ds = statlog();
  const train = takeRows(ds, Array.from({ length: 700 }, (_, i) => i));
  const test = takeRows(ds, Array.from({ length: 300 }, (_, i) => 700 + i));
  const prep = fitPreprocessor(train, DEFAULT_PARAMS.preprocessing);
  const X = transform(prep, train);
  const Xt = transform(prep, test);
  // 40 training applicants as the reference set, as a bundle's would be.
  const refs = takeMatrixRows(X, Array.from({ length: 40 }, (_, k) => k * 17));
  const cases: { family: 'xgboost' | 'forest'; cand: Candidate; f: (p: number) => number; scale: (n: number) => number }[] = [
    { family: 'xgboost' as const, cand: { n_estimators: 60, max_depth: 4, learning_rate: 0.1 }, f: (p: number) => logit(p), scale: (_n: number) => 1 },
    { family: 'forest' as const, cand: { n_estimators: 30, max_depth: 6, max_features: 'sqrt' }, f: (p: number) => p, scale: (n: number) => 1 / n },
  ];

  it.each(cases)('$family: interventional attributions add up to f(x) − mean f(reference) to 1e-9 and equal the enumeration-tested TreeSHAP', ({ family, cand, f, scale }) => {
    const model = ENGINES[family].fit(cand, X, train.target, 5);
    const explainer = model.treeExplainer!(refs);
    const pRef = model.predictProba(refs);
    const expected = Array.from(pRef).reduce((s, p) => s + f(p), 0) / refs.rows;
    expect(explainer.expected).toBeCloseTo(expected, 9);
    const p = model.predictProba(Xt);
    const trees = (model.toJSON() as unknown as { trees: TreeState[] }).trees;
    const refRows = Array.from({ length: refs.rows }, (_, r) => refs.data.subarray(r * refs.cols, (r + 1) * refs.cols));
    let moved = 0;
    for (let i = 0; i < 60; i++) {
      const phi = new Float64Array(Xt.cols);
      const fx = explainer.explainRow(Xt, i, phi);
      expect(fx).toBeCloseTo(f(p[i]!), 9);
      const sum = phi.reduce((a, b) => a + b, 0);
      expect(Math.abs(sum - (f(p[i]!) - expected)), `row ${i}`).toBeLessThan(1e-9);
      // The walk written for scoring gives the values of the implementation tested against enumeration.
      const slow = new Float64Array(Xt.cols);
      for (const t of trees) interventionalShap(t, Xt.data.subarray(i * Xt.cols, (i + 1) * Xt.cols), refRows, slow);
      for (let j = 0; j < Xt.cols; j++) expect(Math.abs(phi[j]! - scale(trees.length) * slow[j]!)).toBeLessThan(1e-12);
      if (phi.some((v) => Math.abs(v) > 1e-6)) moved++;
      // Trees walked pair by pair (paths too long for a leaf mask) give the same values.
      if (i < 10) {
        const walked = new Float64Array(Xt.cols);
        new TreeExplainer(trees, scale(trees.length), Xt.cols, refs, 0).explainRow(Xt, i, walked);
        for (let j = 0; j < Xt.cols; j++) expect(Math.abs(walked[j]! - phi[j]!)).toBeLessThan(1e-12);
      }
    }
    expect(moved).toBeGreaterThan(50);
  });

  it.each(cases)('$family: without a reference set, path-dependent attributions add up to f(x) − E[f] under the cover', ({ family, cand, f }) => {
    const model = ENGINES[family].fit(cand, X, train.target, 5);
    const explainer = model.treeExplainer!(null);
    const p = model.predictProba(Xt);
    for (let i = 0; i < 20; i++) {
      const phi = new Float64Array(Xt.cols);
      explainer.explainRow(Xt, i, phi);
      expect(Math.abs(phi.reduce((a, b) => a + b, 0) - (f(p[i]!) - explainer.expected)), `row ${i}`).toBeLessThan(1e-9);
    }
  });

  it('an empty reference set is no reference set', () => {
    const model = ENGINES.xgboost.fit(cases[0]!.cand, X, train.target, 5);
    const none: Matrix = { rows: 0, cols: X.cols, data: new Float64Array(0) };
    expect(model.treeExplainer!(none).expected).toBe(model.treeExplainer!(null).expected);
  });
});
