import { describe, expect, it } from 'vitest';
import { transform } from '../core/features/preprocess.js';
import { DEFAULT_PARAMS, type Params } from '../core/params/params.js';
import { STATLOG } from '../test-support/helpers.js';
import { ingestedProject, runTrain } from '../test-support/train.js';
import { loadStoredDataset } from './datasets.js';
import { openStore } from './project.js';
import { loadRegisteredModel } from './registry.js';
import { scoreApplicant } from './score.js';

describe('reasons.method: cutoff', () => {
  it('logreg reasons are β·(x − the applicants at the cut-off), largest first, with their column as code', async () => {
    const params: Params = { ...DEFAULT_PARAMS, reasons: { method: 'cutoff' }, search: { ...DEFAULT_PARAMS.search, workers: 1 } };
    const project = await ingestedProject(STATLOG);
    await runTrain(project, params, { families: ['logreg'], quick: true, workers: 1 });
    const store = openStore(project);
    try {
      const { bundle } = loadRegisteredModel(store);
      const ref = bundle.input.reason_reference!;
      expect(bundle.input.reason_method).toBe('cutoff');
      expect(ref).toHaveLength(bundle.input.feature_means.length);
      // The model puts the reference applicant (the mean of those at the cut-off) near the cut-off, not at the
      // mean applicant's p(bad) (0.3 here, against a cost cut-off of 1/6).
      const { coef, intercept } = bundle.model as unknown as { coef: number[]; intercept: number };
      const pOf = (v: readonly number[]): number => 1 / (1 + Math.exp(-v.reduce((s, x, j) => s + x * coef[j]!, intercept)));
      expect(Math.abs(pOf(ref) - bundle.threshold)).toBeLessThan(0.05);
      expect(Math.abs(pOf(bundle.input.feature_means) - bundle.threshold)).toBeGreaterThan(0.05);
      const ds = loadStoredDataset(store.resolveDataset(null));
      const X = transform(bundle.preprocessor, ds);
      for (let row = 0; row < 25; row++) {
        const record = Object.fromEntries(ds.features.map((f) => [f.name, f.kind === 'numeric' ? f.values[row]! : f.values[row]]));
        const s = scoreApplicant(store, record, { scale: params.scoring });
        const byCol = new Map<string, number>();
        bundle.preprocessor.featureSources.forEach((src, j) => byCol.set(src, (byCol.get(src) ?? 0) + coef[j]! * (X.data[row * X.cols + j]! - ref[j]!)));
        const expected = [...byCol].filter(([, e]) => e > 1e-12).sort((a, b) => b[1] - a[1]).slice(0, 4);
        expect(s.reasons.map((r) => r.column), `row ${row}`).toEqual(expected.map(([c]) => c));
      }
    } finally {
      store.close();
    }
  }, 120_000);
});
