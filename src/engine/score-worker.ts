import { calibratedModel } from '../core/decision/calibration.js';
import { parentPort, workerData } from 'node:worker_threads';
import { loadModel } from '../core/models/engines.js';
import type { ModelBundle } from '../core/registry/bundle.js';
import { BatchScorer, type ScorerConfig } from '../core/scoring/batch-scorer.js';
import type { ChunkJob, ChunkReply } from './score-threads.js';

// A scoring worker thread: one model, chunks of complete lines in, scored text out.
const init = workerData as { bundle: ModelBundle; config: ScorerConfig };
const scorer = new BatchScorer(init.bundle, calibratedModel(loadModel(init.bundle.model), init.bundle.calibration), init.config);
parentPort?.on('message', (job: ChunkJob) => {
  if (job.spare) scorer.recycleOutput(job.spare);
  let reply: ChunkReply;
  try {
    reply = { ok: true, result: scorer.scoreBytes(job.bytes, job.firstLine), input: job.bytes.buffer as ArrayBuffer };
  } catch (e) {
    reply = { ok: false, error: (e as Error).stack ?? String(e) };
  }
  // The output bytes move to the main thread (a clone would copy the sink's whole ArrayBuffer), and the
  // input buffer goes back for the next read.
  const moved: ArrayBuffer[] = [];
  if (reply.ok) {
    const out = reply.result.out.buffer;
    if (out instanceof ArrayBuffer && out.byteLength > 0) moved.push(out);
    if (reply.input.byteLength > 0 && reply.input !== out) moved.push(reply.input);
  }
  parentPort!.postMessage(reply, moved);
});
