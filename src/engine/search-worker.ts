import { parentPort } from 'node:worker_threads';
import { executeTask, type SearchTask } from '../core/search/task.js';

// A grid-search worker thread: runs tasks one at a time and posts results back.
parentPort?.on('message', (task: SearchTask) => {
  try {
    parentPort!.postMessage({ ok: true, result: executeTask(task) });
  } catch (e) {
    parentPort!.postMessage({ ok: false, error: (e as Error).stack ?? String(e) });
  }
});
