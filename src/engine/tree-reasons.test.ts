import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { transform } from '../core/features/preprocess.js';
import { loadModel } from '../core/models/engines.js';
import type { Family } from '../core/params/grids.js';
import { DEFAULT_PARAMS, type Params } from '../core/params/params.js';
import type { ReasonMethod } from '../core/scoring/reason-reference.js';
import { STATLOG } from '../test-support/helpers.js';
import { ingestedProject, runTrain } from '../test-support/train.js';
import { loadStoredDataset } from './datasets.js';
import { openStore } from './project.js';
import { loadRegisteredModel } from './registry.js';
import { scoreFile } from './score.js';

const CASES: [Family, ReasonMethod, number][] = [
  // cut-off: max(20, 5% of 800 training rows) applicants at or just above it; average: 100 drawn at random.
  ['xgboost', 'cutoff', 40],
  ['forest', 'average', 100],
];

describe.each(CASES)('%s reason codes are exact TreeSHAP against the %s reference set', (family, method, refRows) => {
  it('every declined Statlog applicant\'s reason_code_1..4 follow attributions that add up to f(x) − E_ref[f] (1e-9)', async () => {
    const params: Params = { ...DEFAULT_PARAMS, reasons: { method }, search: { ...DEFAULT_PARAMS.search, workers: 1 } };
    const project = await ingestedProject(STATLOG);
    await runTrain(project, params, { families: [family], quick: true, workers: 1 });
    const store = openStore(project);
    try {
      const out = join(project.home, 'scored.csv');
      const gen = scoreFile(project, store, { input: STATLOG, output: out, scale: params.scoring, workers: 1 });
      for (let r = await gen.next(); !r.done; r = await gen.next()) void r;
      const lines = readFileSync(out, 'utf8').trim().split('\n');
      const head = lines[0]!.split(',');
      const codes = head.filter((h) => h.startsWith('reason_code_')).length;
      expect(codes).toBe(4);
      // Reason texts may hold quoted commas; id, decision and codes never do: read from both ends.
      const scored = new Map(lines.slice(1).map((l) => l.split(',')).map((c) => [Number(c[0]), { decision: c[2]!, codes: c.slice(-codes).filter((x) => x !== '') }]));

      const { bundle } = loadRegisteredModel(store);
      const rows = bundle.input.reason_reference_rows!;
      expect(rows).toHaveLength(refRows);
      const model = loadModel(bundle.model);
      const explainer = model.treeExplainer!({ rows: rows.length, cols: rows[0]!.length, data: Float64Array.from(rows.flat()) });
      expect(explainer.referenceRows).toBeGreaterThan(0);
      const ds = loadStoredDataset(store.resolveDataset(null));
      const X = transform(bundle.preprocessor, ds);
      const p = model.predictProba(X);
      const f = (q: number): number => (family === 'xgboost' ? Math.log(q / (1 - q)) : q);
      const sources = bundle.preprocessor.featureSources;
      let declined = 0;
      for (let i = 0; i < X.rows; i++) {
        const o = scored.get(i + 1)!;
        if (o.decision !== 'decline') {
          // Reasons are owed to declined applicants only (README: Reason codes).
          expect(o.codes, `row ${i + 1}`).toEqual([]);
          continue;
        }
        declined++;
        const phi = new Float64Array(X.cols);
        const fx = explainer.explainRow(X, i, phi);
        expect(Math.abs(fx - f(p[i]!)), `row ${i + 1}`).toBeLessThan(1e-9);
        expect(Math.abs(phi.reduce((a, b) => a + b, 0) - (fx - explainer.expected)), `row ${i + 1}`).toBeLessThan(1e-9);
        const byColumn = new Map<string, number>();
        sources.forEach((c, j) => byColumn.set(c, (byColumn.get(c) ?? 0) + phi[j]!));
        const ranked = [...byColumn].filter(([, e]) => e > 1e-12).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
        expect(o.codes, `row ${i + 1}`).toEqual(ranked.slice(0, 4).map(([c]) => c));
      }
      expect(declined).toBeGreaterThan(100);
    } finally {
      store.close();
    }
  }, 120_000);
});
