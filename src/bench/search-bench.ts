import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_PARAMS, type Params, type SearchStrategy } from '../core/params/params.js';
import type { Family } from '../core/params/grids.js';
import { ingest } from '../engine/ingest.js';
import { openStore, projectAt, type Project } from '../engine/project.js';
import { train, type TrainOptions, type TrainSummary } from '../engine/train.js';
import { hasPythonReference, PYTHON } from './python-reference.js';

async function search(project: Project, params: Params, opts: TrainOptions): Promise<{ summary: TrainSummary; seconds: number }> {
  const store = openStore(project);
  const t0 = performance.now();
  let summary: TrainSummary | undefined;
  for await (const ev of train(project, store, params, opts)) if (ev.type === 'finished') summary = ev.summary;
  store.close();
  return { summary: summary!, seconds: (performance.now() - t0) / 1000 };
}

const best = (s: TrainSummary): number => Math.max(...s.leaderboard.map((e) => e.cv_auc_mean));

/**
 * `npm run bench -- search`: grid, successive halving and TPE on the same split in the same run; the balanced
 * random forest against imbalanced-learn; and the recall policy against the 71.2% recall / 76.5% accuracy anchor.
 */
export async function benchSearch(dataDir: string, referenceDir: string): Promise<void> {
  const workers = Math.min(2, availableParallelism());
  const splitFile = join(referenceDir, 'split_statlog_german.json');
  console.log(`\n== search strategies: full default space on statlog_german, reference split, ${workers} workers ==`);
  const project = projectAt(mkdtempSync(join(tmpdir(), 'credit-tui-search-')));
  const store = openStore(project);
  for await (const _ of ingest(project, store, { source: join(dataDir, 'statlog_german.data') })) void _;
  store.close();
  // The recall policy changes only the cut-off, not the search: the grid run also gives the anchor row.
  const recall: Params = { ...DEFAULT_PARAMS, decision: { ...DEFAULT_PARAMS.decision, policy: 'recall', target: 0.712, promote: 'always' } };
  const runs: Partial<Record<SearchStrategy, { summary: TrainSummary; seconds: number }>> = {};
  for (const strategy of ['grid', 'halving', 'tpe'] as const) {
    runs[strategy] = await search(project, recall, { splitFile, workers, search: strategy });
    const r = runs[strategy]!;
    console.log(`${strategy.padEnd(8)} best CV AUC ${best(r.summary).toFixed(4)} (${r.summary.leaderboard[0]!.family})  ${String(r.summary.fits).padStart(4)} fits  ${r.seconds.toFixed(1)} s`);
  }
  const grid = runs.grid!;
  for (const strategy of ['halving', 'tpe'] as const) {
    const r = runs[strategy]!;
    const gap = best(grid.summary) - best(r.summary);
    console.log(`${strategy} vs grid: CV AUC ${gap <= 0 ? '+' : '-'}${Math.abs(gap).toFixed(4)} (target: within 0.003${gap <= 0.003 ? ', met' : ', missed'}), fits ${(r.summary.fits / grid.summary.fits).toFixed(2)}× (target <= 0.33${r.summary.fits / grid.summary.fits <= 1 / 3 ? ', met' : ''}), wall ${(r.seconds / grid.seconds).toFixed(2)}× (target <= 0.5${r.seconds / grid.seconds <= 0.5 ? ', met' : ''})`);
  }
  const d = grid.summary.champion.decision;
  console.log(`recall policy (target 0.712, chosen on out-of-fold predictions): champion ${grid.summary.champion.family} test recall ${(d.test.recall * 100).toFixed(1)}%, accuracy ${(d.test.accuracy * 100).toFixed(1)}% at threshold ${d.threshold.toFixed(4)}  |  anchor (Optuna + BalancedRandomForest, reported): recall 71.2%, accuracy 76.5%`);

  const brf = await search(project, { ...DEFAULT_PARAMS, decision: { ...DEFAULT_PARAMS.decision, promote: 'always' } }, { splitFile, workers, families: ['brf' as Family] });
  const ours = brf.summary.leaderboard[0]!;
  console.log(`brf (credit-tui): best CV AUC ${ours.cv_auc_mean.toFixed(4)} ${JSON.stringify(ours.params)}, ${brf.seconds.toFixed(1)} s`);
  if (!hasPythonReference(['sklearn', 'imblearn'])) return console.log('imbalanced-learn: not installed; no comparison');
  const ref = spawnSync(PYTHON, [resolve('scripts', 'brf_reference.py'), dataDir], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (ref.status !== 0) return console.log(`imbalanced-learn reference failed: ${ref.stderr.slice(-300)}`);
  const r = JSON.parse(ref.stdout.trim().split('\n').at(-1)!) as { best_cv_auc: number; best_params: Record<string, unknown>; seconds: number };
  const diff = ours.cv_auc_mean - r.best_cv_auc;
  console.log(`brf (imbalanced-learn BalancedRandomForestClassifier, same grid and folds): best CV AUC ${r.best_cv_auc.toFixed(4)} ${JSON.stringify(r.best_params)}, ${r.seconds.toFixed(1)} s; difference ${diff >= 0 ? '+' : ''}${diff.toFixed(4)} (target within 0.015${Math.abs(diff) <= 0.015 ? ', met' : ', missed'})`);
}
