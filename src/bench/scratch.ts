import { readFileSync } from 'node:fs';
import { datasetFromRaw, detectTextFormat, rawTableFromText } from '../core/data/formats.js';
import { takeRows } from '../core/data/dataset.js';
import { prepareFolds } from '../core/search/folds.js';
import { splitFromJson } from '../core/search/split.js';
import { executeTask } from '../core/search/task.js';
import { rocAuc } from '../core/metrics/classification.js';
import { DEFAULT_GRIDS, expandGrid, type Family } from '../core/params/grids.js';
import { DEFAULT_PARAMS } from '../core/params/params.js';

const file = '/work/shared/data/statlog_german.data';
const text = readFileSync(file, 'utf8');
const fmt = detectTextFormat(text);
const ds = datasetFromRaw(rawTableFromText(text, file, fmt), fmt, { name: 's' });
const split = splitFromJson(readFileSync('/work/shared/reference/split_statlog_german.json', 'utf8'), ds.rows, 'x');
const train = takeRows(ds, split.train);
const t0 = performance.now();
const folds = prepareFolds(train, split.folds, DEFAULT_PARAMS.preprocessing, true, 5, 42);
console.log('prep', ((performance.now() - t0) / 1000).toFixed(2), folds[0]!.X.cols);
const fams = (process.argv[2] ?? 'logreg,tree,forest,xgboost,knn,svm,mlp').split(',') as Family[];
for (const fam of fams) {
  const cands = expandGrid(DEFAULT_GRIDS[fam]);
  const t1 = performance.now();
  let best = { auc: 0, c: '' };
  for (const sm of [false, true]) {
    const cs = cands.filter((c) => c['smote'] === sm).map((c) => { const { smote: _s, ...rest } = c; return rest; });
    // group naive: all in one call only for shareable families
    const groups = new Map<string, typeof cs>();
    for (const c of cs) {
      const key = fam === 'forest' || fam === 'xgboost' ? JSON.stringify({ ...c, n_estimators: null }) : fam === 'knn' ? 'all' : JSON.stringify(c);
      groups.set(key, [...(groups.get(key) ?? []), c]);
    }
    for (const g of groups.values()) {
      const aucs = g.map(() => [] as number[]);
      folds.forEach((f, k) => {
        const X = sm ? f.smoted!.X : f.X;
        const y = sm ? f.smoted!.y : f.y;
        const r = executeTask({ kind: 'fold', id: 0, family: fam, fold: k, candidates: g, seed: 42, X, y, evals: [f.Xval] });
        if (r.kind === 'fold') r.probs.forEach((p, ci) => aucs[ci]!.push(rocAuc(f.yval, p[0]!)));
      });
      g.forEach((c, ci) => {
        const m = aucs[ci]!.reduce((a, b) => a + b, 0) / 5;
        if (m > best.auc) best = { auc: m, c: JSON.stringify({ ...c, smote: sm }) };
      });
    }
  }
  console.log(fam, best.auc.toFixed(4), best.c, ((performance.now() - t1) / 1000).toFixed(2) + 's');
}
