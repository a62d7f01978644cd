import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CancelledError } from '../core/errors.js';
import { QUICK_GRIDS } from '../core/params/grids.js';
import { DEFAULT_PARAMS, type Params } from '../core/params/params.js';
import { takeRows } from '../core/data/dataset.js';
import { transform } from '../core/features/preprocess.js';
import { seededSplit, splitFromJson } from '../core/search/split.js';
import { evaluate } from '../core/metrics/classification.js';
import { HAS_REAL_DATA, HAS_STATLOG, REFERENCE_DIR, REPO_ROOT, STATLOG, tmpHome } from '../test-support/helpers.js';
import { integrityOk } from '../test-support/snapshot.js';
import { ingestedProject, runTrain } from '../test-support/train.js';
import { loadStoredDataset } from './datasets.js';
import { ingest } from './ingest.js';
import { openStore, projectAt } from './project.js';
import { loadRegisteredModel } from './registry.js';
import { train, type TrainEvent, type TrainSummary } from './train.js';

const run = runTrain;

describe.skipIf(!HAS_REAL_DATA)('train on Statlog (quick grids)', () => {
  const home = tmpHome();
  const project = projectAt(home);
  const families = ['logreg', 'tree', 'knn', 'xgboost'] as const;
  let first: { events: TrainEvent[]; summary: TrainSummary };

  beforeAll(async () => {
    const store = openStore(project);
    for await (const _ of ingest(project, store, { source: STATLOG })) void _;
    store.close();
    first = await run(project, DEFAULT_PARAMS, { families: [...families], quick: true, workers: 2 });
  });

  it('emits started, one event per candidate with progress, refits, and a summary', () => {
    const { events, summary } = first;
    expect(events[0]).toMatchObject({ type: 'started', candidates: 7, folds: 5, fits: 35 });
    const cands = events.filter((e) => e.type === 'candidate');
    expect(cands).toHaveLength(7);
    expect(cands.map((e) => (e.type === 'candidate' ? e.done : 0))).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(summary.leaderboard.map((e) => e.family).sort()).toEqual([...families].sort());
    for (let i = 1; i < summary.leaderboard.length; i++) expect(summary.leaderboard[i - 1]!.cv_auc_mean).toBeGreaterThanOrEqual(summary.leaderboard[i]!.cv_auc_mean);
    expect(summary.champion.family).toBe(summary.leaderboard[0]!.family);
    expect(summary.champion.threshold).toBeCloseTo(1 / 6, 12);
    expect(summary.champion.test.roc_auc).toBeGreaterThan(0.7);
  });

  it('records a parent run with one FINISHED child per candidate and per-fold metric history', () => {
    const store = openStore(project);
    const parent = store.getRun(first.summary.run_id);
    expect(parent.status).toBe('FINISHED');
    const children = store.listRuns({ parent: parent.run_id, limit: 100 });
    expect(children).toHaveLength(7);
    expect(children.every((c) => c.status === 'FINISHED')).toBe(true);
    const hist = store.metricHistory(children[0]!.run_id).filter((m) => m.key === 'roc_auc');
    expect(hist.map((m) => m.step)).toEqual([1, 2, 3, 4, 5]);
    expect(store.runInputs(parent.run_id)[0]).toMatchObject({ dataset: 'statlog_german', version: 1 });
    expect(store.artifacts(parent.run_id)).toHaveLength(1);
    store.close();
    expect(integrityOk(home)).toBe(true);
  });

  it('the registered bundle loads, verifies and reproduces the test probabilities', () => {
    const store = openStore(project);
    const { bundle, model, version } = loadRegisteredModel(store, 'champion');
    expect(version.version).toBe(first.summary.champion.version);
    expect(version.aliases).toContain('champion');
    const ds = loadStoredDataset(store.resolveDataset('statlog_german'));
    store.close();
    // Same rows the summary was scored on: the seeded split of the same params.
    const test = takeRows(ds, seededSplit(ds.target, DEFAULT_PARAMS.split.test_size, DEFAULT_PARAMS.split.cv_folds, DEFAULT_PARAMS.seed).test);
    const p = model.predictProba(transform(bundle.preprocessor, test));
    expect(evaluate(test.target, p, DEFAULT_PARAMS.cost).roc_auc).toBeCloseTo(first.summary.champion.test.roc_auc, 12);
  });

  it('the same params and data give the same leaderboard, whatever the number of workers', async () => {
    const again = await run(project, DEFAULT_PARAMS, { families: [...families], quick: true, workers: 1 });
    const strip = (s: TrainSummary) => s.leaderboard.map((e) => ({ family: e.family, params: e.params, cv: e.cv_auc_mean, std: e.cv_auc_std, test: e.test }));
    expect(strip(again.summary)).toEqual(strip(first.summary));
    // The same model from the same data, params, code and seed resolves to the version already registered.
    expect(again.summary.champion.version).toBe(first.summary.champion.version);
  });

  it('a cancelled search ends KILLED, children included, and the store stays valid', async () => {
    const controller = new AbortController();
    const store = openStore(project);
    const gen = train(project, store, DEFAULT_PARAMS, { families: ['logreg', 'tree'], quick: true, workers: 2, signal: controller.signal });
    let runId = '';
    await expect((async () => {
      for await (const ev of gen) {
        if (ev.type === 'started') runId = ev.runId;
        if (ev.type === 'candidate') controller.abort();
      }
    })()).rejects.toBeInstanceOf(CancelledError);
    expect(store.getRun(runId).status).toBe('KILLED');
    expect(store.listRuns({ parent: runId }).every((r) => r.status !== 'RUNNING')).toBe(true);
    store.close();
    expect(integrityOk(home)).toBe(true);
  });

  it('the reference split file gives exactly the reference logistic-regression CV AUC', async () => {
    const p = await ingestedProject();
    const params: Params = { ...DEFAULT_PARAMS, search: { ...DEFAULT_PARAMS.search, grids: { ...DEFAULT_PARAMS.search.grids, logreg: { C: [0.1], class_weight: [null], smote: [false] } } } };
    const { summary } = await run(p, params, { families: ['logreg'], splitFile: join(REFERENCE_DIR, 'split_statlog_german.json'), workers: 1 });
    // scikit-learn with reference_train.py's pipeline (logreg C=0.1, no SMOTE); regenerate: /usr/bin/python3 scripts/sklearn_fixtures.py
    const ref = (JSON.parse(readFileSync(join(REPO_ROOT, 'src', 'core', 'models', 'fixtures', 'sklearn.json'), 'utf8')) as { statlog_reference_logreg: { cv_auc_mean: number; cv_auc_std: number; test_roc_auc: number } }).statlog_reference_logreg;
    expect(summary.leaderboard[0]!.cv_auc_mean).toBeCloseTo(ref.cv_auc_mean, 6);
    expect(summary.leaderboard[0]!.cv_auc_std).toBeCloseTo(ref.cv_auc_std, 6);
    expect(summary.champion.test.roc_auc).toBeCloseTo(ref.test_roc_auc, 6);
    expect(splitFromJson(readFileSync(join(REFERENCE_DIR, 'split_statlog_german.json'), 'utf8'), 1000, 'x').test).toHaveLength(200);
  });
});

describe.skipIf(!HAS_STATLOG)('determinism across worker counts', () => {
  it('every family (brf included), SMOTE off and on: 1, 2 and 4 workers give every candidate the same fold AUCs, and the same leaderboard and test metrics', async () => {
    const project = await ingestedProject();
    const grids = Object.fromEntries(Object.entries(QUICK_GRIDS).map(([f, g]) => [f, { ...g, smote: [false, true] }])) as unknown as Params['search']['grids'];
    const families = [...DEFAULT_PARAMS.search.families, 'brf' as const];
    const params: Params = { ...DEFAULT_PARAMS, search: { ...DEFAULT_PARAMS.search, families, grids } };
    const strip = (s: TrainSummary) => s.leaderboard.map((e) => ({ family: e.family, params: e.params, cv: e.cv_auc_mean, std: e.cv_auc_std, test: e.test }));
    // Every candidate, not only each family's best: a worker-dependent fold would show in any of them.
    const candidates = (events: readonly TrainEvent[]) =>
      events
        .flatMap((e) => (e.type === 'candidate' ? [e.result] : []))
        .map((r) => ({ family: r.family, index: r.index, params: r.params, folds: r.fold_auc, cv: r.cv_auc_mean, train: r.train_auc }))
        .sort((a, b) => a.family.localeCompare(b.family) || a.index - b.index);
    const boards = [];
    const all = [];
    let planned = 0;
    for (const workers of [1, 2, 4]) {
      const { events, summary } = await run(project, params, { workers });
      const started = events[0]!;
      if (started.type === 'started') planned = started.candidates;
      boards.push(strip(summary));
      all.push(candidates(events));
    }
    expect(boards[0]!.map((e) => e.family).sort()).toEqual([...families].sort());
    expect(all[0]!.length).toBe(planned);
    expect(new Set(all[0]!.map((c) => c.family))).toEqual(new Set(families));
    expect(all[1]).toEqual(all[0]);
    expect(all[2]).toEqual(all[0]);
    expect(boards[1]).toEqual(boards[0]);
    expect(boards[2]).toEqual(boards[0]);
  }, 600_000);
});
