import { parentPort, workerData } from 'node:worker_threads';
import { UserError } from '../core/errors.js';
import { loadDriftTable, type DriftLoadOptions } from './drift-tables.js';

// Reads one side of a drift comparison on its own thread, so both files decode at once on two cores.
const { file, opts } = workerData as { file: string; opts: DriftLoadOptions };
loadDriftTable(file, opts).then(
  (table) => parentPort!.postMessage({ ok: true, table }),
  (e: unknown) => {
    const err = e as Error;
    parentPort!.postMessage(e instanceof UserError ? { ok: false, user: { message: err.message, location: e.location, hint: e.hint, exitCode: e.exitCode } } : { ok: false, error: err.stack ?? String(err) });
  },
);
