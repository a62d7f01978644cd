import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_PARAMS } from '../core/params/params.js';
import { ingest } from '../engine/ingest.js';
import { openStore, projectAt } from '../engine/project.js';
import { train, type TrainSummary } from '../engine/train.js';
import { hasPythonReference, runReferenceTraining } from './python-reference.js';

const pad = (s: string, n: number): string => s.padEnd(n);
const f4 = (x: number | undefined): string => (x === undefined || Number.isNaN(x) ? '   -   ' : x.toFixed(4));

/** Full default grid on Statlog with the reference split, 2 workers, against reference_train.py --n-jobs 2. */
export async function benchTraining(dataDir: string, referenceDir: string): Promise<void> {
  const workers = Math.min(2, availableParallelism());
  console.log(`== training: full default grid on statlog_german, reference split, ${workers} workers ==`);
  const home = mkdtempSync(join(tmpdir(), 'credit-tui-bench-'));
  const project = projectAt(home);
  const store = openStore(project);
  for await (const _ of ingest(project, store, { source: join(dataDir, 'statlog_german.data') })) void _;
  const t0 = performance.now();
  let summary: TrainSummary | undefined;
  for await (const ev of train(project, store, DEFAULT_PARAMS, { splitFile: join(referenceDir, 'split_statlog_german.json'), workers })) {
    if (ev.type === 'finished') summary = ev.summary;
  }
  const ours = (performance.now() - t0) / 1000;
  store.close();
  const rssMb = process.resourceUsage().maxRSS / 1024;
  console.log(`credit-tui: ${ours.toFixed(1)} s wall for ${summary!.fits} fits + ${summary!.leaderboard.length} refits; peak RSS ${rssMb.toFixed(0)} MB`);

  if (!hasPythonReference()) {
    console.log('scikit-learn reference: not installed (apt-get install python3-sklearn python3-xgboost python3-imblearn); no ratio');
    return;
  }
  const ref = runReferenceTraining(referenceDir, workers, join(home, 'reference.json'));
  console.log(`scikit-learn (n_jobs=${workers}): ${ref.total.toFixed(1)} s in GridSearchCV (${ref.seconds.toFixed(1)} s with interpreter start)`);
  console.log(`ratio credit-tui / scikit-learn: ${(ours / ref.total).toFixed(2)}  (target <= 1.0, aim 0.5)`);
  console.log('');
  console.log(`${pad('family', 9)} ${pad('CV AUC ours', 12)} ${pad('sklearn', 8)} ${pad('diff', 8)} ${pad('within 0.015', 13)} ${pad('ours s', 8)} ${pad('sklearn s', 9)}`);
  for (const e of summary!.leaderboard) {
    const r = ref.families[e.family];
    const diff = r ? e.cv_auc_mean - r.cv_auc_mean : NaN;
    console.log(`${pad(e.family, 9)} ${pad(f4(e.cv_auc_mean), 12)} ${pad(f4(r?.cv_auc_mean), 8)} ${pad((diff >= 0 ? '+' : '') + diff.toFixed(4), 8)} ${pad(Math.abs(diff) <= 0.015 ? 'yes' : 'NO', 13)} ${pad((e.seconds / workers).toFixed(1), 8)} ${pad(r ? r.search_seconds.toFixed(1) : '-', 9)}`);
  }
  console.log('(ours s = summed fit time of the family / workers; sklearn s = its GridSearchCV wall time)');
  rmSync(home, { recursive: true, force: true });
}
