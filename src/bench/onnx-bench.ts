import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Dataset } from '../core/data/dataset.js';
import { onnxInputs } from '../core/export/onnx-export.js';
import { transform } from '../core/features/preprocess.js';
import type { Family } from '../core/params/grids.js';
import { DEFAULT_PARAMS } from '../core/params/params.js';
import { loadStoredDataset } from '../engine/datasets.js';
import { exportModel } from '../engine/export.js';
import { ingest } from '../engine/ingest.js';
import { openStore, projectAt } from '../engine/project.js';
import { loadRegisteredModel } from '../engine/registry.js';
import { train } from '../engine/train.js';

const ROWS = Number(process.env['CREDIT_TUI_BENCH_ROWS'] ?? 1_000_000);
const BATCH = 100_000;

/** The real rows repeated to `rows` rows, column by column. */
function cycled(ds: Dataset, rows: number): Dataset {
  const pick = <T>(n: number, at: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => at(i % ds.rows));
  const features = ds.features.map((f) => (f.kind === 'numeric'
    ? { ...f, values: Float64Array.from(pick(rows, (i) => f.values[i]!)) }
    : { ...f, values: pick(rows, (i) => f.values[i] ?? null) }));
  return { ...ds, features, target: Uint8Array.from(pick(rows, (i) => ds.target[i]!)), rows };
}

function slice(ds: Dataset, from: number, to: number): Dataset {
  const features = ds.features.map((f) => (f.kind === 'numeric' ? { ...f, values: f.values.subarray(from, to) } : { ...f, values: f.values.slice(from, to) }));
  return { ...ds, features, target: ds.target.subarray(from, to), rows: to - from };
}

/**
 * `npm run bench -- onnx`: the exported ONNX model in ONNX Runtime (CPU, 2 intra-op threads) against
 * credit-tui's own in-memory scorer (transform + predict, one thread), on the same 1M real rows in memory,
 * in batches of 100,000; and the largest p(bad) difference between the two.
 */
export async function benchOnnx(dataDir: string): Promise<void> {
  const ort = await import('onnxruntime-node');
  console.log(`\n== ONNX: ${ROWS.toLocaleString('en')} rows in memory, ONNX Runtime ${ort.env.versions.node} vs credit-tui's scorer ==`);
  const h = mkdtempSync(join(tmpdir(), 'credit-tui-onnx-'));
  const project = projectAt(h);
  const store = openStore(project);
  for await (const _ of ingest(project, store, { source: join(dataDir, 'statlog_german.data') })) void _;
  for (const family of ['logreg', 'xgboost', 'forest'] satisfies Family[]) {
    for await (const _ of train(project, store, DEFAULT_PARAMS, { families: [family], quick: true })) void _;
    const { bundle, model, version } = loadRegisteredModel(store);
    const file = join(h, `${family}.onnx`);
    exportModel(project, store, { model: String(version.version), format: 'onnx', output: file, scale: DEFAULT_PARAMS.scoring });
    const ds = cycled(loadStoredDataset(store.resolveDataset(`${bundle.dataset.name}@${bundle.dataset.version}`)), ROWS);
    const inputs = onnxInputs(bundle);
    const session = await ort.InferenceSession.create(readFileSync(file), { intraOpNumThreads: 2, interOpNumThreads: 1 });
    let t = performance.now();
    const theirs = new Float32Array(ROWS);
    for (let from = 0; from < ROWS; from += BATCH) {
      const to = Math.min(ROWS, from + BATCH);
      const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {};
      for (const input of inputs) {
        const col = ds.features.find((f) => f.name === input.name)!;
        feeds[input.name] = col.kind === 'numeric'
          ? new ort.Tensor('float32', Float32Array.from(col.values.subarray(from, to)), [to - from, 1])
          : new ort.Tensor('string', col.values.slice(from, to).map((v) => v ?? ''), [to - from, 1]);
      }
      const out = await session.run(feeds);
      const probs = out['probabilities']!.data as Float32Array;
      for (let i = 0; i < to - from; i++) theirs[from + i] = probs[i * 2 + 1]!;
    }
    const ortSeconds = (performance.now() - t) / 1000;
    t = performance.now();
    const ours = new Float64Array(ROWS);
    for (let from = 0; from < ROWS; from += BATCH) {
      const to = Math.min(ROWS, from + BATCH);
      ours.set(model.predictProba(transform(bundle.preprocessor, slice(ds, from, to))), from);
    }
    const oursSeconds = (performance.now() - t) / 1000;
    let maxAbs = 0;
    for (let i = 0; i < ROWS; i++) maxAbs = Math.max(maxAbs, Math.abs(theirs[i]! - ours[i]!));
    console.log(`${family.padEnd(8)} ONNX Runtime ${ortSeconds.toFixed(2)} s (${(ROWS / ortSeconds).toFixed(0)} rows/s, incl. building input tensors) | credit-tui transform+predict ${oursSeconds.toFixed(2)} s (${(ROWS / oursSeconds).toFixed(0)} rows/s) | ratio ORT/credit-tui time ${(ortSeconds / oursSeconds).toFixed(2)} | max |Δp| ${maxAbs.toExponential(1)}`);
    await session.release();
  }
  store.close();
  rmSync(h, { recursive: true, force: true });
}
