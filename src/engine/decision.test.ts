import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { calibrate, calibrationReport, fitCalibrator } from '../core/decision/calibration.js';
import { chooseThreshold, decisionMetrics } from '../core/decision/policy.js';
import { transform } from '../core/features/preprocess.js';
import { loadModel } from '../core/models/engines.js';
import { DEFAULT_PARAMS, type Params } from '../core/params/params.js';
import { Rng } from '../core/random.js';
import { HAS_REAL_DATA, REFERENCE_DIR, STATLOG, tmpHome } from '../test-support/helpers.js';
import { loadStoredDataset } from './datasets.js';
import { ingestedProject, runTrain } from '../test-support/train.js';
import { openStore, type Project } from './project.js';
import { loadRegisteredModel } from './registry.js';
import type { TrainOptions, TrainSummary } from './train.js';

const trainOnce = async (project: Project, params: Params, opts: TrainOptions): Promise<TrainSummary> => (await runTrain(project, params, { workers: 2, ...opts })).summary;
const project = (source: string, name?: string): Promise<Project> => ingestedProject(source, name);

const withDecision = (d: Partial<Params['decision']>, families?: Params['search']['families']): Params => ({ ...DEFAULT_PARAMS, decision: { ...DEFAULT_PARAMS.decision, ...d }, search: { ...DEFAULT_PARAMS.search, ...(families ? { families } : {}) } });

describe('cut-off policies (on out-of-fold predictions)', () => {
  const rng = new Rng(5);
  const y = Uint8Array.from({ length: 2000 }, () => (rng.next() < 0.3 ? 1 : 0));
  const p = Float64Array.from(y, (v) => Math.min(0.999, Math.max(0.001, (v ? 0.45 : 0.25) + (rng.next() - 0.5) * 0.5)));
  const cost = DEFAULT_PARAMS.cost;

  it('recall: the highest cut-off whose recall reaches the target', () => {
    const { threshold } = chooseThreshold('recall', 0.712, p, y, cost);
    expect(decisionMetrics(y, p, threshold, cost).recall).toBeGreaterThanOrEqual(0.712);
    // Any higher cut-off (the next distinct p of a bad row) falls below the target.
    const higher = Math.min(...Array.from(p).filter((v, i) => y[i] === 1 && v > threshold));
    expect(decisionMetrics(y, p, higher, cost).recall).toBeLessThan(0.712);
  });

  it('approval_rate: approves the target share; bad_rate: the largest book under the bad-rate cap', () => {
    const a = chooseThreshold('approval_rate', 0.6, p, y, cost);
    expect(decisionMetrics(y, p, a.threshold, cost).approval_rate).toBeCloseTo(0.6, 2);
    const b = chooseThreshold('bad_rate', 0.15, p, y, cost);
    const m = decisionMetrics(y, p, b.threshold, cost);
    expect(m.bad_rate_approved).toBeLessThanOrEqual(0.15);
    expect(decisionMetrics(y, p, Math.min(...Array.from(p).filter((v) => v > b.threshold)), cost).bad_rate_approved).toBeGreaterThan(0.15);
  });

  it('cost: the Bayes-optimal cut-off, as before', () => {
    expect(chooseThreshold('cost', null, p, y, cost).threshold).toBeCloseTo(1 / 6, 12);
  });
});

describe('calibration', () => {
  it('isotonic is monotone, flat outside the data, and pools violators (hand-checked)', () => {
    const { calibrator } = fitCalibrator('isotonic', [0.1, 0.2, 0.3, 0.4, 0.5], [0, 1, 0, 1, 1], 1);
    // (1, 0) at 0.2-0.3 pool to 0.5; the rest stay.
    expect(calibrator).toEqual({ method: 'isotonic', x: [0.1, 0.2, 0.3, 0.4, 0.5], y: [0, 0.5, 0.5, 1, 1] });
    expect(calibrate(calibrator, 0.05)).toBe(0);
    expect(calibrate(calibrator, 0.35)).toBeCloseTo(0.75, 12);
    expect(calibrate(calibrator, 0.9)).toBe(1);
  });

  it('sigmoid and isotonic repair a miscalibrated score; auto picks by cross-validated Brier', () => {
    const rng = new Rng(9);
    const truth = Float64Array.from({ length: 4000 }, () => rng.next());
    const y = Uint8Array.from(truth, (t) => (rng.next() < t ? 1 : 0));
    const squashed = truth.map((t) => 0.4 + t * 0.2); // right order, wrong scale
    const before = calibrationReport(squashed, y);
    for (const method of ['sigmoid', 'isotonic', 'auto'] as const) {
      const { calibrator, cv_brier } = fitCalibrator(method, squashed, y, 1);
      const after = calibrationReport(squashed.map((v) => calibrate(calibrator, v)), y);
      expect(after.ece, method).toBeLessThan(before.ece / 3);
      expect(after.brier, method).toBeLessThan(before.brier);
      if (method === 'auto') {
        expect(calibrator.method).not.toBe('none');
        expect(cv_brier['none']).toBeGreaterThan(Math.min(cv_brier['sigmoid']!, cv_brier['isotonic']!));
      }
    }
  });
});

describe.skipIf(!HAS_REAL_DATA)('decisions in train (Statlog, reference split)', () => {
  const splitFile = join(REFERENCE_DIR, 'split_statlog_german.json');

  it('no test row influences the threshold or the calibrator: flipping every test label changes neither', async () => {
    // The reference split fixes the rows and folds, so the two data sets differ only in the test rows' labels.
    const split = JSON.parse(readFileSync(splitFile, 'utf8')) as { split: { test_idx: number[] } };
    const lines = readFileSync(STATLOG, 'utf8').trim().split('\n');
    for (const i of split.split.test_idx) {
      const cells = lines[i]!.trim().split(/\s+/);
      cells[cells.length - 1] = cells.at(-1) === '1' ? '2' : '1';
      lines[i] = cells.join(' ');
    }
    const flippedFile = join(tmpHome(), 'flipped.data');
    writeFileSync(flippedFile, `${lines.join('\n')}\n`);
    const params = withDecision({ policy: 'recall', target: 0.712, calibration: 'auto' }, ['logreg']);
    const a = await trainOnce(await project(STATLOG), params, { splitFile, quick: true });
    const b = await trainOnce(await project(flippedFile, 'statlog_flipped'), params, { splitFile, quick: true });
    expect(b.champion.decision.threshold).toBe(a.champion.decision.threshold);
    expect(b.champion.calibration.method).toBe(a.champion.calibration.method);
    expect(b.champion.decision.oof).toEqual(a.champion.decision.oof);
    // ...while the test figures, which do read the labels, differ.
    expect(b.champion.decision.test.recall).not.toBe(a.champion.decision.test.recall);
    expect(a.champion.decision.oof.recall).toBeGreaterThanOrEqual(0.712);
  }, 300_000);

  it('the calibrated champion scores with its calibrator: the bundle, the registry metrics and score agree', async () => {
    const p = await project(STATLOG);
    const s = await trainOnce(p, withDecision({ calibration: 'isotonic', policy: 'approval_rate', target: 0.7 }, ['xgboost']), { splitFile, quick: true });
    const store = openStore(p);
    try {
      const { bundle, model, version } = loadRegisteredModel(store, String(s.champion.version));
      expect(bundle.calibration?.method).toBe('isotonic');
      expect(bundle.threshold).toBe(s.champion.decision.threshold);
      expect(version.metrics['decision_test_approval_rate']).toBe(s.champion.decision.test.approval_rate);
      expect(version.metrics['calibration_test_ece_after']).toBe(s.champion.calibration.test_after.ece);
      // The registry's model is the raw model followed by the calibrator, and the calibrator changes p(bad).
      const X = transform(bundle.preprocessor, loadStoredDataset(store.resolveDataset('statlog_german')));
      const raw = loadModel(bundle.model).predictProba(X);
      const served = model.predictProba(X);
      expect(Array.from(served)).toEqual(Array.from(raw, (v) => calibrate(bundle.calibration!, v)));
      expect(Array.from(served)).not.toEqual(Array.from(raw));
    } finally {
      store.close();
    }
  }, 300_000);

  it('if-better keeps a better champion and registers the worse winner as challenger; always promotes; never does not', async () => {
    const p = await project(STATLOG);
    const good = await trainOnce(p, DEFAULT_PARAMS, { families: ['logreg'], quick: true, splitFile });
    expect(good.champion.promotion.promoted).toBe(true);
    const stumpGrid: Params = { ...DEFAULT_PARAMS, search: { ...DEFAULT_PARAMS.search, grids: { ...DEFAULT_PARAMS.search.grids, tree: { max_depth: [1], smote: [false] } } } };
    const worse = await trainOnce(p, stumpGrid, { families: ['tree'], splitFile });
    expect(worse.champion.promotion.promoted).toBe(false);
    expect(worse.champion.promotion.reason).toMatch(/^registered as challenger: test roc_auc 0\.\d{4} does not beat champion v1's 0\.\d{4} on the same test rows/);
    expect(worse.champion.promotion.against!.current).toBeGreaterThan(worse.champion.promotion.against!.candidate);
    const store = openStore(p);
    expect(store.resolveModelVersion('credit-risk', 'champion').version).toBe(good.champion.version);
    expect(store.resolveModelVersion('credit-risk', 'challenger').version).toBe(worse.champion.version);
    store.close();
    // The same stump again would resolve to its registered version: --force registers it anew, to be promoted.
    const forced = await trainOnce(p, stumpGrid, { families: ['tree'], splitFile, promote: 'always', force: true });
    expect(forced.champion.promotion).toMatchObject({ promoted: true, reason: 'promoted: decision.promote is always' });
    const never = await trainOnce(p, DEFAULT_PARAMS, { families: ['logreg'], quick: true, splitFile, promote: 'never' });
    expect(never.champion.promotion.promoted).toBe(false);
    const after = openStore(p);
    expect(after.resolveModelVersion('credit-risk', 'champion').version).toBe(forced.champion.version);
    after.close();
  }, 300_000);
});
