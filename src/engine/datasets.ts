import { existsSync } from 'node:fs';
import type { Dataset } from '../core/data/dataset.js';
import { profileDataset, type EdaReport } from '../core/data/eda.js';
import { datasetFromParquet } from '../core/data/parquet.js';
import { UserError } from '../core/errors.js';
import type { DatasetRow, RunStore } from '../core/store/run-store.js';

/** The typed dataset behind a store row; a missing processed file is reported, not guessed around. */
export function loadStoredDataset(row: DatasetRow): Dataset {
  if (!existsSync(row.path)) throw new UserError('processed data file is missing', { file: row.path }, `re-ingest ${row.source}`);
  return datasetFromParquet(row.path, row.schema, `${row.name}@${row.version}`);
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
