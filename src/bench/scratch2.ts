import { readFileSync } from 'node:fs';
import { datasetFromRaw, detectTextFormat, rawTableFromText } from '../core/data/formats.js';
import { takeRows } from '../core/data/dataset.js';
import { prepareFolds } from '../core/search/folds.js';
import { splitFromJson } from '../core/search/split.js';
import { mlpEngine } from '../core/models/mlp.js';
import { DEFAULT_PARAMS } from '../core/params/params.js';
const file = '/work/shared/data/statlog_german.data';
const text = readFileSync(file, 'utf8');
const fmt = detectTextFormat(text);
const ds = datasetFromRaw(rawTableFromText(text, file, fmt), fmt, { name: 's' });
const split = splitFromJson(readFileSync('/work/shared/reference/split_statlog_german.json', 'utf8'), ds.rows, 'x');
const f = prepareFolds(takeRows(ds, split.train), split.folds, DEFAULT_PARAMS.preprocessing, false, 5, 42)[0]!;
for (const h of [[32], [64, 32]]) for (const a of [1e-4, 1e-2]) {
  const t = performance.now();
  const m = mlpEngine.fit({ hidden_layer_sizes: h, alpha: a }, f.X, f.y, 42);
  const p = m.predictProba(f.X);
  let ll = 0;
  p.forEach((v, i) => (ll -= f.y[i] ? Math.log(Math.max(v, 1e-15)) : Math.log(Math.max(1 - v, 1e-15))));
  console.log(h, a, (ll / p.length).toFixed(5), ((performance.now() - t) / 1000).toFixed(2));
}
