import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../core/data/dataset.js';
import { decodeModel } from '../core/export/onnx-proto.js';
import { onnxInputs } from '../core/export/onnx-export.js';
import { transform } from '../core/features/preprocess.js';
import type { Family } from '../core/params/grids.js';
import { DEFAULT_PARAMS, type Params } from '../core/params/params.js';
import { HAS_REAL_DATA, KAGGLE, runCli, STATLOG } from '../test-support/helpers.js';
import { loadStoredDataset } from './datasets.js';
import { exportModel } from './export.js';
import { ingestedProject, runTrain } from '../test-support/train.js';
import { openStore, type Project } from './project.js';
import { loadRegisteredModel } from './registry.js';

/** Trains one family (quick grid) and returns the winner's version. */
const trainFamily = async (project: Project, params: Params, family: Family): Promise<number> => (await runTrain(project, params, { families: [family], quick: true, workers: 2 })).summary.champion.version;
const ingested = (source: string): Promise<Project> => ingestedProject(source);

/** ONNX Runtime's feeds for the first `n` rows: float32 numbers (NaN = missing), strings ("" = missing). */
function feeds(ds: Dataset, inputs: readonly { name: string; type: 'float' | 'string' }[], n: number): Record<string, ort.Tensor> {
  const out: Record<string, ort.Tensor> = {};
  for (const input of inputs) {
    const col = ds.features.find((f) => f.name === input.name)!;
    out[input.name] = col.kind === 'numeric'
      ? new ort.Tensor('float32', Float32Array.from(col.values.subarray(0, n)), [n, 1])
      : new ort.Tensor('string', col.values.slice(0, n).map((v) => v ?? ''), [n, 1]);
  }
  return out;
}

/** Real rows with every `every`-th value of each column blanked (staggered by column), to exercise imputation. */
function blank(ds: Dataset, every: number): Dataset {
  if (every === 0) return ds;
  const features = ds.features.map((f, j) => f.kind === 'numeric'
    ? { ...f, values: f.values.map((v, i) => ((i + j) % every === 0 ? NaN : v)) }
    : { ...f, values: f.values.map((v, i) => ((i + j) % every === 0 ? null : v)) });
  return { ...ds, features };
}

interface Comparison {
  readonly maxAbs: number;
  readonly rows: number;
  /** Rows whose ONNX label differs from credit-tui's decision (decline when p(bad) >= threshold), all rows counted. */
  readonly labelMismatches: number;
  /** Rows with credit-tui's p(bad) within 1e-5 of the threshold (an isotonic plateau can put dozens there). */
  readonly nearThreshold: number;
}

/** Exports a version, runs it in ONNX Runtime on up to 1,000 real rows and compares with credit-tui's scorer. */
async function compare(project: Project, version: number, blankEvery = 0): Promise<Comparison> {
  const store = openStore(project);
  try {
    const file = join(project.home, 'out', `v${version}.onnx`);
    exportModel(project, store, { model: String(version), format: 'onnx', output: file, scale: DEFAULT_PARAMS.scoring });
    const { bundle, model } = loadRegisteredModel(store, String(version));
    const ds = blank(loadStoredDataset(store.resolveDataset(`${bundle.dataset.name}@${bundle.dataset.version}`)), blankEvery);
    const n = Math.min(1000, ds.rows);
    const ours = model.predictProba(transform(bundle.preprocessor, ds));
    const session = await ort.InferenceSession.create(readFileSync(file));
    const result = await session.run(feeds(ds, onnxInputs(bundle), n));
    const probs = result['probabilities']!.data as Float32Array;
    const labels = result['label']!.data as BigInt64Array;
    expect(result['probabilities']!.dims).toEqual([n, 2]);
    let maxAbs = 0;
    let labelMismatches = 0;
    let nearThreshold = 0;
    for (let i = 0; i < n; i++) {
      maxAbs = Math.max(maxAbs, Math.abs(probs[i * 2 + 1]! - ours[i]!), Math.abs(probs[i * 2]! - (1 - ours[i]!)));
      if (Math.abs(ours[i]! - bundle.threshold) <= 1e-5) nearThreshold++;
      // The product's own tie rule: p(bad) equal to the threshold is a decline. No row is left out.
      if (Number(labels[i]) !== (ours[i]! >= bundle.threshold ? 1 : 0)) labelMismatches++;
    }
    return { maxAbs, rows: n, labelMismatches, nearThreshold };
  } finally {
    store.close();
  }
}

/**
 * Every row counts, those on the threshold included: the graph applies the product's tie rule (decline when
 * p(bad) >= threshold) in double precision, so not one decision may differ. The rows near the threshold are
 * reported, so a run shows how many a plateau put there (63 for isotonic xgboost on the Kaggle variant).
 */
function expectSameDecisions(c: Comparison, label: string): void {
  expect(c.labelMismatches, `${label}: ${c.nearThreshold} of ${c.rows} rows within 1e-5 of the threshold`).toBe(0);
}

describe.skipIf(!HAS_REAL_DATA)('ONNX export verified by ONNX Runtime on real rows', () => {
  it('every exportable family on Statlog (one-hot, standard scaling): p(bad) within 1e-5, same decisions', async () => {
    const project = await ingested(STATLOG);
    for (const family of ['logreg', 'tree', 'forest', 'brf', 'xgboost', 'mlp', 'svm', 'scorecard'] as const) {
      const v = await trainFamily(project, DEFAULT_PARAMS, family);
      const c = await compare(project, v);
      expect(c.rows, family).toBe(1000);
      expect(c.maxAbs, family).toBeLessThanOrEqual(1e-5);
      expectSameDecisions(c, family);
    }
  }, 600_000);

  it('missing values, WoE / ordinal encodings, Yeo-Johnson, min-max scaling, sigmoid and isotonic calibration (Kaggle variant)', async () => {
    const project = await ingested(KAGGLE);
    const variants: [Family, Params['preprocessing']][] = [
      ['logreg', { ...DEFAULT_PARAMS.preprocessing, encoding: 'woe', power_transform: true, scaling: 'minmax' }],
      ['xgboost', { ...DEFAULT_PARAMS.preprocessing, encoding: 'woe', power_transform: true, impute_categorical: 'missing_level' }],
      ['mlp', { ...DEFAULT_PARAMS.preprocessing, encoding: 'ordinal', impute_numeric: 'mean', impute_categorical: 'missing_level' }],
      ['forest', { ...DEFAULT_PARAMS.preprocessing, encoding: 'onehot', power_transform: true, scaling: 'none' }],
      // A scorecard on WoE-encoded categoricals bins them as scalars (grouping levels by their WoE).
      ['scorecard', { ...DEFAULT_PARAMS.preprocessing, encoding: 'woe', power_transform: true }],
    ];
    // Calibrators are part of the graph too: sigmoid on one variant, isotonic on another.
    const calibration: Record<string, Params['decision']> = {
      logreg: { ...DEFAULT_PARAMS.decision, calibration: 'sigmoid', policy: 'recall', target: 0.7 },
      xgboost: { ...DEFAULT_PARAMS.decision, calibration: 'isotonic', policy: 'approval_rate', target: 0.6 },
    };
    for (const [family, preprocessing] of variants) {
      const v = await trainFamily(project, { ...DEFAULT_PARAMS, preprocessing, decision: calibration[family] ?? DEFAULT_PARAMS.decision }, family);
      const c = await compare(project, v, 7);
      expect(c.maxAbs, `${family} ${preprocessing.encoding}`).toBeLessThanOrEqual(1e-5);
      expectSameDecisions(c, `${family} ${preprocessing.encoding}`);
    }
  }, 600_000);
});

describe('ONNX export: refusals, metadata, JSON bundle', () => {
  let project: Project;
  let knnVersion: number;
  let logregVersion: number;
  beforeAll(async () => {
    project = await ingested(STATLOG);
    knnVersion = await trainFamily(project, DEFAULT_PARAMS, 'knn');
    logregVersion = await trainFamily(project, DEFAULT_PARAMS, 'logreg');
  }, 300_000);

  it('refuses knn with a one-line reason and writes nothing', () => {
    const store = openStore(project);
    const file = join(project.home, 'knn.onnx');
    try {
      expect(() => exportModel(project, store, { model: String(knnVersion), format: 'onnx', output: file, scale: DEFAULT_PARAMS.scoring })).toThrow(/knn models are not exported to ONNX: the model is its training matrix/);
      expect(existsSync(file)).toBe(false);
    } finally {
      store.close();
    }
  });

  it('records version, dataset sha256, threshold, points scale and column order as metadata', () => {
    const store = openStore(project);
    try {
      const file = join(project.home, 'm.onnx');
      exportModel(project, store, { model: 'champion', format: 'onnx', output: file, scale: DEFAULT_PARAMS.scoring });
      const { bundle, version } = loadRegisteredModel(store, 'champion');
      const m = decodeModel(readFileSync(file));
      const meta = Object.fromEntries(m.metadata_props.map((p) => [p.key, p.value]));
      expect(version.version).toBe(logregVersion);
      expect(meta['model_version']).toBe(String(logregVersion));
      expect(meta['dataset_sha256']).toBe(bundle.dataset.digest);
      expect(Number(meta['threshold'])).toBe(bundle.threshold);
      expect(JSON.parse(meta['points_scale']!)).toEqual(DEFAULT_PARAMS.scoring);
      expect(JSON.parse(meta['column_order']!)).toEqual(bundle.schema.filter((c) => c.role !== 'target').map((c) => c.name));
      expect(m.graph.input.map((i) => i.name)).toEqual(JSON.parse(meta['column_order']!));
      expect(m.graph.output.map((o) => o.name)).toEqual(['label', 'probabilities']);
    } finally {
      store.close();
    }
  });

  it('--format json writes the verified bundle byte for byte; wrong extensions and the models folder are refused', () => {
    const store = openStore(project);
    try {
      const file = join(project.home, 'bundle.json');
      exportModel(project, store, { model: 'champion', format: 'json', output: file, scale: DEFAULT_PARAMS.scoring });
      const { version } = loadRegisteredModel(store, 'champion');
      expect(readFileSync(file).equals(readFileSync(version.path))).toBe(true);
      expect(JSON.parse(readFileSync(file, 'utf8')).format).toBe('credit-tui-model/1');
      expect(() => exportModel(project, store, { model: 'champion', format: 'onnx', output: join(project.home, 'x.json'), scale: DEFAULT_PARAMS.scoring })).toThrow(/must be written to a \.onnx file/);
      expect(() => exportModel(project, store, { model: 'champion', format: 'onnx', output: join(project.modelsDir, 'x.onnx'), scale: DEFAULT_PARAMS.scoring })).toThrow(/may not be written into the project's data\/, models\/ or outputs\/predictions\//);
    } finally {
      store.close();
    }
  });

  it('the binary: `export` writes the champion; a knn version exits non-zero with one line and no file', () => {
    const ok = runCli(['export', '--format', 'onnx', '-o', join(project.home, 'cli.onnx')], { home: project.home });
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/wrote model v\d+ \(logreg\) as onnx to .*cli\.onnx \([\d,]+ bytes\)/);
    expect(decodeModel(readFileSync(join(project.home, 'cli.onnx'))).producer_name).toBe('credit-tui');
    const refused = runCli(['export', String(knnVersion), '-o', join(project.home, 'knn.onnx')], { home: project.home });
    expect(refused.status).not.toBe(0);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toContain('knn models are not exported to ONNX');
    expect(existsSync(join(project.home, 'knn.onnx'))).toBe(false);
  });
});
