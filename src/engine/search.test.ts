import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS, type Params } from '../core/params/params.js';
import { halvingSchedule } from '../core/search/halving.js';
import { HAS_REAL_DATA, REFERENCE_DIR } from '../test-support/helpers.js';
import { ingestedProject, runTrain } from '../test-support/train.js';
import { openStore, type Project } from './project.js';
import type { TrainOptions, TrainSummary } from './train.js';

const run = (project: Project, params: Params, opts: TrainOptions) =>
  runTrain(project, params, { workers: 2, promote: 'always', splitFile: join(REFERENCE_DIR, 'split_statlog_german.json'), ...opts });
const project = (): Promise<Project> => ingestedProject();

const board = (s: TrainSummary) => s.leaderboard.map((e) => ({ family: e.family, params: e.params, cv: e.cv_auc_mean, test: e.test?.roc_auc }));

describe.skipIf(!HAS_REAL_DATA)('search strategies in train (Statlog, reference split)', () => {
  it('halving: rungs as scikit-learn schedules them, recorded as child runs with their resource; deterministic', async () => {
    const p = await project();
    const a = await run(p, DEFAULT_PARAMS, { families: ['logreg', 'tree'], search: 'halving' });
    const b = await run(p, DEFAULT_PARAMS, { families: ['logreg', 'tree'], search: 'halving' });
    expect(board(b.summary)).toEqual(board(a.summary));
    expect(a.summary.strategy).toBe('halving');
    const schedules = [halvingSchedule(16, 800, 5, 3, true), halvingSchedule(24, 800, 5, 3, true)];
    // scikit-learn's last rung is 792 of the 800 rows; ours takes all of them (the champion needs whole folds).
    expect(halvingSchedule(16, 800, 5).map((r) => r.resource)).toEqual([88, 264, 792]);
    expect(schedules[0]!.map((r) => r.resource)).toEqual([88, 264, 800]);
    const evaluations = schedules.flat().reduce((n, r) => n + r.candidates, 0);
    expect(a.events.filter((e) => e.type === 'candidate')).toHaveLength(evaluations);
    expect(a.summary.fits).toBe(evaluations * 5);
    const store = openStore(p);
    const children = store.listRuns({ parent: a.summary.run_id, limit: 1000 });
    const tagged = children.map((c) => store.tags(c.run_id));
    store.close();
    expect(tagged.filter((t) => t['family'] === 'tree').map((t) => t['resource']).sort()).toEqual(schedules[1]!.flatMap((r) => new Array<string>(r.candidates).fill(String(r.resource))).sort());
    // The winner comes from the last rung.
    const lastRung = String(schedules[0]!.length - 1);
    expect(tagged.some((t) => t['family'] === 'logreg' && t['rung'] === lastRung && t['grid_index'] !== undefined)).toBe(true);
  }, 300_000);

  it('tpe: a seeded budget of trials, pruned folds not counted, the same leaderboard twice', async () => {
    const p = await project();
    const params: Params = { ...DEFAULT_PARAMS, search: { ...DEFAULT_PARAMS.search, trials: 16 } };
    const a = await run(p, params, { families: ['logreg', 'tree', 'xgboost'], search: 'tpe' });
    const b = await run(p, params, { families: ['logreg', 'tree', 'xgboost'], search: 'tpe' });
    expect(board(b.summary)).toEqual(board(a.summary));
    expect(a.summary.strategy).toBe('tpe');
    const finished = a.events.filter((e) => e.type === 'candidate').length;
    const pruned = a.events.filter((e) => e.type === 'stage' && / pruned after fold /.test(e.message)).length;
    expect(finished + pruned).toBe(16);
    expect(a.summary.fits).toBeLessThanOrEqual(16 * 5);
    expect(a.summary.fits).toBeGreaterThanOrEqual(finished * 5 + pruned);
    // Hyper-parameters come from the ranges, not the grid (a log-scale C, say).
    expect(a.summary.leaderboard.some((e) => Object.values(e.params).some((v) => typeof v === 'number' && !Number.isInteger(v) && ![0.01, 0.1, 0.05].includes(v)))).toBe(true);
  }, 300_000);
});
