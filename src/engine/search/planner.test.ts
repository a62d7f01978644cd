import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { takeRows } from '../../core/data/dataset.js';
import { ENGINES } from '../../core/models/engines.js';
import { expandGrid, QUICK_GRIDS } from '../../core/params/grids.js';
import { DEFAULT_PARAMS, type Params } from '../../core/params/params.js';
import { prepareFolds } from '../../core/search/folds.js';
import { candidateResult } from '../../core/search/leaderboard.js';
import { learnerSeed } from '../../core/search/task.js';
import { STATLOG, tmpHome } from '../../test-support/helpers.js';
import { ingestedProject, runTrain } from '../../test-support/train.js';
import { loadStoredDataset } from '../datasets.js';
import { openStore, projectAt, type Project } from '../project.js';
import { synthFile } from '../synth.js';
import { resolveSplit, type TrainEvent } from '../train.js';

const started = (events: readonly TrainEvent[]) => {
  const e = events[0];
  if (e?.type !== 'started') throw new Error('the first event is not started');
  return e;
};

describe('the search on the 1,000 Statlog rows: planner leaves it alone, strategies over one CV step', () => {
  let project: Project;
  beforeAll(async () => {
    project = await ingestedProject(STATLOG);
  });

  it('grid: every leaderboard figure equals a direct cross-validation of the same folds (no adaptation, estimate in the events)', async () => {
    const { events, summary } = await runTrain(project, DEFAULT_PARAMS, { families: ['logreg', 'knn'], quick: true, workers: 2, promote: 'always' });
    const s = started(events);
    expect(s.estimate.adaptations).toEqual([]);
    expect(Object.keys(s.estimate.perFamily).sort()).toEqual(['knn', 'logreg']);
    expect(s.estimate.seconds).toBeGreaterThan(0);
    expect(Number.isFinite(s.estimate.seconds)).toBe(true);
    expect(events.some((e) => e.type === 'stage' && e.message.startsWith('planner:'))).toBe(false);
    // `auto` (the default strategy) keeps the grid well within planner.grid_budget.
    expect(DEFAULT_PARAMS.search.strategy).toBe('auto');
    expect(s.strategy).toBe('grid');

    // The same folds, fitted here without the search machinery.
    const store = openStore(project);
    const row = store.resolveDataset(null);
    const runParams = store.params(summary.run_id);
    store.close();
    expect(JSON.parse(runParams['adaptations']!)).toEqual([]);
    expect([runParams['strategy'], runParams['strategy_requested'], runParams['strategy_reason']]).toEqual(['grid', 'auto', '']);
    const ds = loadStoredDataset(row);
    const split = resolveSplit(ds, DEFAULT_PARAMS, {});
    const folds = prepareFolds(takeRows(ds, split.train), split.folds, DEFAULT_PARAMS.preprocessing, false, 5, DEFAULT_PARAMS.seed);
    for (const family of ['logreg', 'knn'] as const) {
      const cands = expandGrid(QUICK_GRIDS[family]);
      const perFold = folds.map((f, k) => ENGINES[family].fitGroup(cands.map(({ smote: _s, ...c }) => c), f.X, f.y, [f.Xval, f.X], learnerSeed(DEFAULT_PARAMS.seed, family, k), { rankOnly: true }));
      const direct = cands.map((c, i) => candidateResult(family, i, c, folds.map((f, k) => ({ y: f.yval, p: perFold[k]![i]![0]!, yTrain: f.y, pTrain: perFold[k]![i]![1]! })), 'roc_auc', DEFAULT_PARAMS.cost, 0));
      const best = [...direct].sort((a, b) => b.selection - a.selection || a.index - b.index)[0]!;
      const entry = summary.leaderboard.find((e) => e.family === family)!;
      expect({ params: entry.params, cv: entry.cv_auc_mean, std: entry.cv_auc_std, train: entry.train_auc }).toEqual({ params: best.params, cv: best.cv_auc_mean, std: best.cv_auc_std, train: best.train_auc });
    }
  }, 120_000);

  it('--time bounds the grid: a budget that ends before the first fold fit stops the search with one clear error', async () => {
    await expect(runTrain(project, DEFAULT_PARAMS, { families: ['logreg', 'tree'], workers: 2, time: 0.001 })).rejects.toThrow('the time budget ended before any candidate finished');
  }, 60_000);

  it('--time bounds the grid: a budget long enough for everything changes nothing', async () => {
    const bounded = await runTrain(project, DEFAULT_PARAMS, { families: ['logreg'], quick: true, workers: 2, time: 3600, promote: 'never' });
    const free = await runTrain(project, DEFAULT_PARAMS, { families: ['logreg'], quick: true, workers: 2, promote: 'never' });
    const board = (s: typeof free.summary) => s.leaderboard.map((e) => [e.family, e.params, e.cv_auc_mean, e.cv_auc_std]);
    expect(board(bounded.summary)).toEqual(board(free.summary));
    expect(bounded.summary.fits).toBe(free.summary.fits);
    expect(bounded.events.some((e) => e.type === 'stage' && /time budget reached/.test(e.message))).toBe(false);
  }, 120_000);

  it('--time bounds halving, whose families run side by side on one budget: too short stops with the same error, long enough changes nothing', async () => {
    const families = ['logreg', 'tree', 'knn'] as const;
    await expect(runTrain(project, DEFAULT_PARAMS, { families: [...families], workers: 2, search: 'halving', time: 0.001 })).rejects.toThrow('the time budget ended before any candidate finished');
    const bounded = await runTrain(project, DEFAULT_PARAMS, { families: [...families], workers: 2, search: 'halving', time: 3600, promote: 'never' });
    const free = await runTrain(project, DEFAULT_PARAMS, { families: [...families], workers: 2, search: 'halving', promote: 'never' });
    expect(started(bounded.events).strategy).toBe('halving');
    const board = (s: typeof free.summary) => s.leaderboard.map((e) => [e.family, e.params, e.cv_auc_mean, e.cv_auc_std]);
    expect(board(bounded.summary)).toEqual(board(free.summary));
    expect(bounded.summary.fits).toBe(free.summary.fits);
    expect(bounded.events.some((e) => e.type === 'stage' && /time budget reached/.test(e.message))).toBe(false);
  }, 180_000);
});

describe('a 50,000-row search: the planner approximates the RBF SVM and says so', () => {
  let project: Project;
  beforeAll(async () => {
    const scratch = projectAt(tmpHome());
    const csv = join(scratch.home, 'synth-50k.csv');
    synthFile(scratch, null, { rows: 50_000, output: csv, seed: 11 });
    project = await ingestedProject(csv, 'synth50k');
  }, 120_000);

  it('the SVM fits on a stated subsample (folds and refit), recorded in the run and in the saved model', async () => {
    const limit = 600;
    // A small SVM limit, three folds and no fairness bootstrap keep this case quick; the behaviour is the default's.
    const params: Params = {
      ...DEFAULT_PARAMS,
      split: { ...DEFAULT_PARAMS.split, cv_folds: 3 },
      fairness: { attributes: [] },
      // (train_score_rows has a case of its own below.)
      planner: { ...DEFAULT_PARAMS.planner, svm_max_rows: limit, probe_rows: 400, train_score_rows: null },
    };
    const { events, summary } = await runTrain(project, params, { dataset: 'synth50k', families: ['svm'], quick: true, workers: 2, promote: 'always' });
    const s = started(events);
    const line = 'svm: 26,667 training rows per fold exceed planner.svm_max_rows 600: the RBF SVM fits on a seeded subsample of 600 rows (refit too); validation uses every row';
    expect(s.estimate.adaptations).toEqual([line]);
    expect(events.filter((e) => e.type === 'stage' && e.message.startsWith('planner:')).map((e) => e.type === 'stage' && e.message)).toEqual([`planner: ${line}`]);
    expect(s.estimate.perFamily['svm']).toBeGreaterThan(0);

    const store = openStore(project);
    const runParams = store.params(summary.run_id);
    store.close();
    expect(JSON.parse(runParams['adaptations']!)).toEqual([line]);
    expect(JSON.parse(runParams['planner']!)).toMatchObject({ svm_max_rows: limit });

    // The saved champion is an SVM whose support vectors come from at most `limit` rows.
    const bundle = JSON.parse(readFileSync(summary.champion.path, 'utf8')) as { model: { family: string; rows: number } };
    expect(bundle.model.family).toBe('svm');
    expect(bundle.model.rows).toBeLessThanOrEqual(limit);
    expect(bundle.model.rows).toBeGreaterThan(limit / 10);
    // Still a model of the data: it ranks the 10,000 test applicants.
    expect(summary.champion.test.roc_auc).toBeGreaterThan(0.7);
  }, 180_000);

  it('auto: a grid estimated past planner.grid_budget runs as successive halving over the same grid, said once and recorded', async () => {
    const params: Params = {
      ...DEFAULT_PARAMS,
      split: { ...DEFAULT_PARAMS.split, cv_folds: 3 },
      fairness: { attributes: [] },
      search: { ...DEFAULT_PARAMS.search, grids: { ...DEFAULT_PARAMS.search.grids, tree: { max_depth: [3, 5, 8, 12, null], min_samples_leaf: [1, 5, 20, 50], class_weight: [null, 'balanced'], smote: [false] } } },
      planner: { ...DEFAULT_PARAMS.planner, probe_rows: 400, grid_budget: 1 },
    };
    const { events, summary } = await runTrain(project, params, { dataset: 'synth50k', families: ['tree'], workers: 2, promote: 'never' });
    const s = started(events);
    expect(s.strategy).toBe('halving');
    const said = events.flatMap((e) => (e.type === 'stage' && e.message.startsWith('planner: the grid') ? [e.message] : []));
    expect(said).toHaveLength(1);
    const m = /^planner: the grid \(40 candidates on every row\) is estimated at (\S+), over planner\.grid_budget 1s: successive halving over the same grid instead .*, estimated at (\S+); --search grid runs every candidate on every row$/.exec(said[0]!);
    expect(m).not.toBeNull();
    // Four rungs (40, 14, 5, 2 candidates on 1/27, 1/9, 1/3 and all of the rows), each candidate once per fold.
    expect(events.filter((e) => e.type === 'stage' && / rung \d of 4, /.test(e.message))).toHaveLength(4);
    expect(summary.fits).toBe((40 + 14 + 5 + 2) * 3);
    const store = openStore(project);
    const runParams = store.params(summary.run_id);
    store.close();
    expect([runParams['strategy'], runParams['strategy_requested']]).toEqual(['halving', 'auto']);
    expect(runParams['strategy_reason']).toBe(said[0]!.slice('planner: '.length));
    // Asked for by name, the grid stays a grid whatever its estimate.
    const grid = await runTrain(project, params, { dataset: 'synth50k', families: ['tree'], workers: 2, promote: 'never', search: 'grid', quick: true });
    expect(started(grid.events).strategy).toBe('grid');
  }, 300_000);

  it('forest: above planner.forest_max_samples each tree bootstraps that many rows (folds and refit), said and recorded', async () => {
    const params: Params = {
      ...DEFAULT_PARAMS,
      split: { ...DEFAULT_PARAMS.split, cv_folds: 3 },
      fairness: { attributes: [] },
      planner: { ...DEFAULT_PARAMS.planner, probe_rows: 400, forest_max_samples: 500, train_score_rows: null },
    };
    const { events, summary } = await runTrain(project, params, { dataset: 'synth50k', families: ['forest'], quick: true, workers: 2, promote: 'always', force: true });
    const line = "forest: 26,667 training rows per fold exceed planner.forest_max_samples 500: each tree bootstraps 500 rows (scikit-learn's max_samples; refit too), not 26,667; a candidate that sets max_samples keeps its own";
    expect(started(events).estimate.adaptations).toEqual([line]);
    const store = openStore(project);
    const runParams = store.params(summary.run_id);
    store.close();
    expect(JSON.parse(runParams['adaptations']!)).toEqual([line]);
    expect(summary.leaderboard[0]!.params['max_samples']).toBe(500);
    // The refitted forest's trees each drew 500 rows (a tree's root weight is its bootstrap's size).
    const bundle = JSON.parse(readFileSync(summary.champion.path, 'utf8')) as { model: { trees: { cover: number[] }[] } };
    expect(bundle.model.trees.length).toBeGreaterThan(0);
    for (const t of bundle.model.trees) expect(t.cover[0]).toBe(500);
  }, 180_000);

  it('train score: above planner.train_score_rows it is measured on a stated sample; CV scores are untouched', async () => {
    const params: Params = {
      ...DEFAULT_PARAMS,
      split: { ...DEFAULT_PARAMS.split, cv_folds: 3 },
      fairness: { attributes: [] },
      planner: { ...DEFAULT_PARAMS.planner, probe_rows: 400, train_score_rows: 2000 },
    };
    const sampled = await runTrain(project, params, { dataset: 'synth50k', families: ['logreg', 'tree'], quick: true, workers: 2, promote: 'never' });
    const line = "train score: 26,667 training rows per fold exceed planner.train_score_rows 2,000: each candidate's train AUC is measured on a seeded subsample of 2,000 of them; CV scores use every validation row";
    expect(started(sampled.events).estimate.adaptations).toEqual([line]);
    expect(sampled.events.some((e) => e.type === 'stage' && e.message === `planner: ${line}`)).toBe(true);
    const store = openStore(project);
    const runParams = store.params(sampled.summary.run_id);
    store.close();
    expect(JSON.parse(runParams['adaptations']!)).toEqual([line]);

    const every = await runTrain(project, { ...params, planner: { ...params.planner, train_score_rows: null } }, { dataset: 'synth50k', families: ['logreg', 'tree'], quick: true, workers: 2, promote: 'never' });
    expect(started(every.events).estimate.adaptations).toEqual([]);
    const figures = (s: typeof every.summary) => s.leaderboard.map((e) => ({ family: e.family, params: e.params, cv: e.cv_auc_mean, std: e.cv_auc_std }));
    expect(figures(sampled.summary)).toEqual(figures(every.summary));
    for (const [i, e] of every.summary.leaderboard.entries()) {
      const s = sampled.summary.leaderboard[i]!;
      // Another sample of the same rows: a different figure, within its sampling error.
      expect(s.train_auc).not.toBe(e.train_auc);
      expect(Math.abs(s.train_auc - e.train_auc)).toBeLessThan(0.015);
    }
  }, 180_000);
});
