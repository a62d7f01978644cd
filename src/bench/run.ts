/**
 * `npm run bench`: speed, memory and quality against the scikit-learn reference, measured in the same run
 * on the same machine. Figures are printed, not asserted (timed unit tests are flaky by nature).
 *
 *   npm run bench                 # training (full default grid), then scoring and drift where available
 *   npm run bench -- train        # one section
 *   npm run bench -- serve        # the HTTP service against FastAPI + uvicorn
 *   npm run bench -- search       # grid vs halving vs TPE, brf vs imbalanced-learn, the recall-policy anchor
 *   npm run bench -- startup      # --help and the TUI's first frame
 *   npm run bench -- store        # register, list, alias, log-metric latency on runs.db and a private PostgreSQL 15
 *   npm run bench -- dashboard    # the dashboard's runs page with 1,000 runs (target < 300 ms)
 *   npm run bench -- onnx         # the exported ONNX model in ONNX Runtime vs credit-tui's scorer, 1M rows
 *   npm run bench -- mlp          # the MLP grid over 5 seeds on 3 data sets, ours and scikit-learn's (minutes)
 *   npm run bench -- monitor      # monitor's memory on 10M logged predictions (minutes, ~6 GB of disk)
 *   npm run bench -- big          # memory on a ~2 GB input (minutes)
 *   npm run bench -- scale [N,..] # logreg/forest/brf/xgboost at 10k, 100k, 1M rows vs scikit-learn / XGBoost hist (CREDIT_TUI_SCALE_ROWS)
 */
import { join } from 'node:path';
import { benchDashboard } from './dashboard-bench.js';
import { benchBig, benchDrift, benchScoring } from './io-bench.js';
import { benchMlp } from './mlp-bench.js';
import { benchMonitor } from './monitor-bench.js';
import { benchOnnx } from './onnx-bench.js';
import { benchScale } from './scale-bench.js';
import { benchSearch } from './search-bench.js';
import { benchServe } from './serve-bench.js';
import { benchStartup } from './startup-bench.js';
import { benchStore } from './store-bench.js';
import { benchTraining } from './train-bench.js';

const DATA_DIR = process.env['CREDIT_TUI_DATA'] ?? join(process.cwd(), '..', 'shared', 'data');
const REFERENCE_DIR = join(DATA_DIR, '..', 'reference');

const sections = process.argv.slice(2);
const want = (s: string): boolean => sections.length === 0 || sections.includes(s);

if (want('train')) await benchTraining(DATA_DIR, REFERENCE_DIR);
if (want('score')) await benchScoring(DATA_DIR);
if (want('drift')) await benchDrift(DATA_DIR);
if (want('serve')) await benchServe(DATA_DIR);
if (want('onnx')) await benchOnnx(DATA_DIR);
if (want('search')) await benchSearch(DATA_DIR, REFERENCE_DIR);
if (want('startup')) await benchStartup();
if (want('dashboard')) await benchDashboard();
if (want('store')) await benchStore();
// Five seeds × three data sets × two libraries: only on request.
if (sections.includes('mlp')) await benchMlp(DATA_DIR, REFERENCE_DIR);
// 10M logged predictions write ~6 GB: only on request.
if (sections.includes('monitor')) await benchMonitor(DATA_DIR);
// The ~2 GB resource run takes minutes; only on request.
if (sections.includes('big')) await benchBig(DATA_DIR);
// Up to a million rows, both libraries: only on request.
if (sections.includes('scale')) await benchScale(DATA_DIR);
