import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const PYTHON = process.env['CREDIT_TUI_PYTHON'] ?? '/usr/bin/python3';

/** True when the scikit-learn reference stack (Debian python3-sklearn, -xgboost, -imblearn) is importable. */
export function hasPythonReference(modules = ['sklearn', 'xgboost', 'imblearn', 'scipy', 'pandas']): boolean {
  if (!existsSync(PYTHON)) return false;
  return spawnSync(PYTHON, ['-c', `import ${modules.join(', ')}`], { encoding: 'utf8' }).status === 0;
}

export interface ReferenceFamily {
  readonly cv_auc_mean: number;
  readonly cv_auc_std: number;
  readonly search_seconds: number;
  readonly best_params: Record<string, unknown>;
  readonly test: { readonly roc_auc: number };
}

/** Runs ../shared/reference/reference_train.py and returns its JSON and wall time. */
export function runReferenceTraining(referenceDir: string, nJobs: number, out: string): { seconds: number; families: Record<string, ReferenceFamily>; total: number } {
  const t0 = performance.now();
  const r = spawnSync(PYTHON, [join(referenceDir, 'reference_train.py'), '--data', 'statlog_german', '--n-jobs', String(nJobs), '--out', out], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`reference_train.py failed: ${r.stderr.slice(-500)}`);
  const doc = JSON.parse(readFileSync(out, 'utf8')) as { families: Record<string, ReferenceFamily>; total_seconds: number };
  return { seconds, families: doc.families, total: doc.total_seconds };
}
