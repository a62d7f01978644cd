import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { takeRows, type Dataset } from '../core/data/dataset.js';
import { synthesize } from '../core/data/synth.js';
import { fitPreprocessor, transform } from '../core/features/preprocess.js';
import { rocAuc } from '../core/metrics/classification.js';
import { ENGINES } from '../core/models/engines.js';
import { expandGrid, QUICK_GRIDS, type Candidate, type Family } from '../core/params/grids.js';
import { DEFAULT_PARAMS } from '../core/params/params.js';
import { seededSplit, trainPositions } from '../core/search/split.js';
import { learnerSeed } from '../core/search/task.js';
import { readDataset } from '../engine/ingest.js';
import { hasPythonReference, PYTHON } from './python-reference.js';

/** Sizes from `npm run bench -- scale 10000,50000` or CREDIT_TUI_SCALE_ROWS; default the curve. */
function sizes(): number[] {
  const arg = process.argv.slice(2).find((a) => /^[\d,_]+$/.test(a)) ?? process.env['CREDIT_TUI_SCALE_ROWS'] ?? '10000,100000,1000000';
  return arg.split(',').map((s) => Number(s.replace(/_/g, ''))).filter((n) => n > 0);
}

const FAMILIES: readonly Family[] = (process.env['CREDIT_TUI_SCALE_FAMILIES'] ?? 'logreg,forest,brf,xgboost').split(',') as Family[];

interface Side {
  seconds: number;
  /** Per candidate, validation AUC per fold. */
  aucs: number[][];
}

const quickCandidates = (f: Family): Candidate[] =>
  expandGrid(QUICK_GRIDS[f]).filter((c) => c['smote'] !== true).map((c) => Object.fromEntries(Object.entries(c).filter(([k]) => k !== 'smote')));

/** The search's fold task for one family: candidates grouped as one fit serves them, scored on validation and own rows. */
function fitOurs(f: Family, cands: readonly Candidate[], X: ReturnType<typeof transform>, y: Uint8Array, Xval: ReturnType<typeof transform>, yval: Uint8Array, fold: number, side: Side): void {
  const engine = ENGINES[f];
  const groups = new Map<string, number[]>();
  cands.forEach((c, i) => groups.set(engine.shareKey(c), [...(groups.get(engine.shareKey(c)) ?? []), i]));
  for (const members of groups.values()) {
    const c0 = process.cpuUsage();
    const probs = engine.fitGroup(members.map((i) => cands[i]!), X, y, [Xval, X], learnerSeed(DEFAULT_PARAMS.seed, f, fold));
    const cu = process.cpuUsage(c0);
    side.seconds += (cu.user + cu.system) / 1e6;
    members.forEach((ci, j) => (side.aucs[ci] ??= []).push(rocAuc(yval, probs[j]![0]!)));
  }
}

const bestMean = (aucs: number[][]): number => Math.max(...aucs.map((a) => a.reduce((s, v) => s + v, 0) / a.length));

/**
 * `npm run bench -- scale`: Statlog-shaped applicants from `synthesize` at each size, the quick grid's
 * logreg, forest, brf and xgboost cross-validated as the search does (5 folds, each fold's validation and
 * own rows scored), one thread, against scikit-learn / imbalanced-learn / XGBoost `hist` fitted one thread
 * on the very same fold matrices in the same run, fold by fold. Seconds are process CPU seconds of the fits.
 */
export async function benchScale(dataDir: string): Promise<void> {
  const params = DEFAULT_PARAMS;
  const folds = Number(process.env['CREDIT_TUI_SCALE_FOLDS'] ?? params.split.cv_folds);
  const python = hasPythonReference(['sklearn', 'xgboost', 'numpy']);
  const pyFamilies = FAMILIES.filter((f) => f !== 'brf' || hasPythonReference(['imblearn']));
  const path = join(dataDir, 'statlog_german.data');
  const real = readDataset(readFileSync(path), 'statlog_german.data', path, { name: 'statlog_german' }).dataset;
  console.log(`== scale: quick grid (${FAMILIES.join(', ')}), ${folds}-fold CV, one thread; reference ${python ? 'scikit-learn / XGBoost hist on the same fold matrices' : 'not installed (apt-get install python3-sklearn python3-xgboost)'} ==`);
  console.log('rows       family   ours s    ref s  ratio   CV AUC ours   ref     diff    peak RSS ours / ref');
  for (const n of sizes()) {
    const ds: Dataset = synthesize(real, n, { seed: params.seed });
    const split = seededSplit(ds.target, params.split.test_size, folds, params.seed);
    const train = takeRows(ds, split.train);
    const ours = new Map(FAMILIES.map((f) => [f, { seconds: 0, aucs: [] } as Side]));
    const ref = new Map(FAMILIES.map((f) => [f, { seconds: 0, aucs: [] } as Side]));
    let refRss = 0;
    for (let k = 0; k < folds; k++) {
      const val = split.folds[k]!;
      const tr = takeRows(train, trainPositions(train.rows, val));
      const va = takeRows(train, val);
      const prep = fitPreprocessor(tr, params.preprocessing);
      const X = transform(prep, tr);
      const Xval = transform(prep, va);
      for (const f of FAMILIES) fitOurs(f, quickCandidates(f), X, tr.target, Xval, va.target, k, ours.get(f)!);
      if (!python) continue;
      const dir = mkdtempSync(join(tmpdir(), 'credit-tui-scale-'));
      try {
        writeFileSync(join(dir, 'X.bin'), X.data);
        writeFileSync(join(dir, 'y.bin'), tr.target);
        writeFileSync(join(dir, 'Xval.bin'), Xval.data);
        writeFileSync(join(dir, 'yval.bin'), va.target);
        const candidates = Object.fromEntries(pyFamilies.map((f) => [f, quickCandidates(f)]));
        writeFileSync(join(dir, 'meta.json'), JSON.stringify({ cols: X.cols, candidates, fold: { X: 'X.bin', y: 'y.bin', Xval: 'Xval.bin', yval: 'yval.bin', rows: X.rows, valRows: Xval.rows } }));
        const r = spawnSync(PYTHON, [join(process.cwd(), 'src', 'bench', 'scale_reference.py'), dir, pyFamilies.join(',')], {
          encoding: 'utf8', maxBuffer: 1 << 24, env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' },
        });
        if (r.status !== 0) throw new Error(`scale_reference.py failed: ${r.stderr.slice(-500)}`);
        const doc = JSON.parse(r.stdout) as Record<string, { seconds: number; aucs: number[] }> & { peak_rss_mb: number };
        refRss = Math.max(refRss, doc.peak_rss_mb);
        for (const f of pyFamilies) {
          const side = ref.get(f)!;
          side.seconds += doc[f]!.seconds;
          doc[f]!.aucs.forEach((a, ci) => (side.aucs[ci] ??= []).push(a));
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    const rss = process.resourceUsage().maxRSS / 1024;
    for (const f of FAMILIES) {
      const o = ours.get(f)!;
      const r = ref.get(f)!;
      const has = r.aucs.length > 0;
      const oa = bestMean(o.aucs);
      const ra = has ? bestMean(r.aucs) : NaN;
      console.log(
        `${String(n).padEnd(10)} ${f.padEnd(8)} ${o.seconds.toFixed(1).padStart(6)} ${has ? r.seconds.toFixed(1).padStart(8) : '       -'} ${has ? (o.seconds / r.seconds).toFixed(2).padStart(6) : '     -'}   ${oa.toFixed(4)}  ${has ? ra.toFixed(4) : '  -   '}  ${has ? ((oa - ra >= 0 ? '+' : '') + (oa - ra).toFixed(4)) : '   -   '}  ${rss.toFixed(0)} / ${has ? refRss.toFixed(0) : '-'} MB`,
      );
    }
  }
  console.log('(seconds: CPU seconds of fit + scoring the validation and own training rows, summed over folds; ratio = ours / reference; peak RSS of the bench process so far and of the largest reference process)');
}
