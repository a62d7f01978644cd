import { rocAuc } from '../../core/metrics/classification.js';
import { compareRows, expandParams, type CompareRow } from '../../core/store/compare.js';
import type { RunRow, RunStore } from '../../core/store/run-store.js';
import { REGISTERED_MODEL } from '../../core/registry/bundle.js';
import { curves, testPredictions } from './model-figures.js';

export interface ComparedRun {
  readonly run: RunRow;
  /** The version the run registered (a search run, or the search a candidate belongs to), if any. */
  readonly version: number | null;
  /** Its ROC curve on its test rows; null without a registered version. */
  readonly roc: { readonly auc: number; readonly points: readonly (readonly [number, number])[] } | null;
}

export interface CompareView {
  readonly a: ComparedRun;
  readonly b: ComparedRun;
  /** Params (JSON blocks one key per row) and metrics side by side, as `credit-tui runs compare`. */
  readonly rows: readonly CompareRow[];
}

function compared(store: RunStore, run: RunRow): ComparedRun {
  const versions = store.listModelVersions(REGISTERED_MODEL);
  const v = versions.find((x) => x.run_id === run.run_id) ?? (run.parent_run_id ? versions.find((x) => x.run_id === run.parent_run_id) : undefined);
  if (!v) return { run, version: null, roc: null };
  const t = testPredictions(store, String(v.version));
  return { run, version: v.version, roc: { auc: rocAuc(t.rows.target, t.p), points: curves(t.rows.target, t.p).roc } };
}

/** Two runs side by side; each id may be a unique prefix. */
export function compareView(store: RunStore, a: string, b: string): CompareView {
  const A = store.getRun(a);
  const B = store.getRun(b);
  const rows = compareRows(...expandParams(store.params(A.run_id), store.params(B.run_id)), store.latestMetrics(A.run_id), store.latestMetrics(B.run_id));
  return { a: compared(store, A), b: compared(store, B), rows };
}
