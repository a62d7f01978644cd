import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ColumnDrift } from '../core/drift/compare.js';
import type { RunStore } from '../core/store/run-store.js';
import type { DriftReport } from './drift.js';
import { writeFileAtomic, type Project } from './project.js';

/** The report as archived: everything but in-memory samples, histogram shares included. */
export type ArchivedDriftReport = Omit<DriftReport, 'columns' | 'prediction'> & {
  readonly columns: readonly ColumnDrift[];
  readonly prediction: (ColumnDrift & { readonly model_version: number }) | null;
};

/** Artifact path of a drift run's report, under the project's outputs. */
const ARTIFACT = 'drift-report.json';

/**
 * Keeps a drift run's full report (per-column histogram shares, which the run's metrics lack) as an artifact
 * of the run, so the dashboard can draw the last report without re-reading the two files.
 */
export function archiveDriftReport(project: Project, store: RunStore, report: DriftReport): string {
  const dir = join(project.outputsDir, 'drift');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${report.run_id}.json`);
  const text = JSON.stringify(report);
  writeFileAtomic(path, text);
  store.logArtifact(report.run_id, ARTIFACT, createHash('sha256').update(text).digest('hex'), Buffer.byteLength(text));
  return path;
}

/** The newest finished drift run's archived report; null when there is none (or it predates archiving). */
export function lastDriftReport(project: Project, store: RunStore): { report: ArchivedDriftReport | null; run_id: string | null; started: number | null } {
  const run = store.listRuns({ experiment: 'drift', limit: 20, parent: null }).find((r) => r.status === 'FINISHED');
  if (!run) return { report: null, run_id: null, started: null };
  const path = join(project.outputsDir, 'drift', `${run.run_id}.json`);
  const recorded = store.artifacts(run.run_id).some((a) => a.path === ARTIFACT);
  if (!recorded || !existsSync(path)) return { report: null, run_id: run.run_id, started: run.start_time };
  return { report: JSON.parse(readFileSync(path, 'utf8')) as ArchivedDriftReport, run_id: run.run_id, started: run.start_time };
}
