import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Dataset } from '../core/data/dataset.js';
import { profileDataset, type EdaReport } from '../core/data/eda.js';
import { datasetFromParquet } from '../core/data/parquet.js';
import { UserError } from '../core/errors.js';
import type { DatasetRow, RunStore } from '../core/store/run-store.js';

/** The typed dataset behind a store row, verified against its registered sha256 before it is read. */
export function loadStoredDataset(row: DatasetRow): Dataset {
  if (!existsSync(row.path)) throw new UserError('processed data file is missing', { file: row.path }, `re-ingest ${row.source}`);
  if (row.file_sha256 !== null) verifyRegisteredFile(row.path, row.file_sha256, `${row.name}@${row.version}`);
  return datasetFromParquet(row.path, row.schema, `${row.name}@${row.version}`);
}

/** Hashes already checked in this process, by path, with the size and times they were checked at. */
const verified = new Map<string, { size: number; mtimeMs: number; ctimeMs: number; sha256: string }>();

/**
 * Refuses a registered file whose bytes are no longer the ones the registry recorded: anything trained,
 * profiled or compared on it would carry a lineage that is not true. One hash per file per process; a
 * file touched since (size or times changed) is hashed again.
 */
export function verifyRegisteredFile(path: string, expected: string, dataset: string): void {
  const st = statSync(path);
  const seen = verified.get(path);
  let sha = seen && seen.size === st.size && seen.mtimeMs === st.mtimeMs && seen.ctimeMs === st.ctimeMs ? seen.sha256 : null;
  if (sha === null) {
    sha = createHash('sha256').update(readFileSync(path)).digest('hex');
    verified.set(path, { size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, sha256: sha });
  }
  if (sha !== expected) {
    throw new UserError(`dataset ${dataset} has changed since it was registered (sha256 ${sha.slice(0, 12)}…, registered ${expected.slice(0, 12)}…)`, { file: path }, 're-ingest its source to register the new bytes as a new version');
  }
}

/** A file named on the command line that is a registered dataset file gets the same check. */
export function verifyIfRegistered(store: RunStore, file: string): void {
  const path = resolve(file);
  const registered = store.registeredDatasetSha256(path);
  if (registered) verifyRegisteredFile(path, registered.sha256, registered.dataset);
}

/** Profiles a stored dataset and records the EDA as a run (metrics: rows, bad rate, IV per feature). */
export function runEda(store: RunStore, row: DatasetRow): { report: EdaReport; runId: string } {
  const report = profileDataset(loadStoredDataset(row));
  const runId = store.atomically(() => {
    const id = store.startRun('eda', `eda ${row.name}@${row.version}`);
    store.logInput(id, row.dataset_id, 'eda');
    store.logMetrics(id, { rows: report.rows, bad_rate: report.bad_rate, ...Object.fromEntries(report.columns.map((c) => [`iv.${c.name}`, c.iv])) });
    store.endRun(id, 'FINISHED');
    return id;
  });
  return { report, runId };
}
