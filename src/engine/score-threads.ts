import { Worker } from 'node:worker_threads';
import type { ModelBundle } from '../core/registry/bundle.js';
import type { BatchScorer, ChunkResult, ScorerConfig } from '../core/scoring/batch-scorer.js';
import { workerScript } from './worker-script.js';

export interface ChunkJob {
  readonly bytes: Uint8Array;
  readonly firstLine: number;
}

export type ChunkReply = { readonly ok: true; readonly result: ChunkResult } | { readonly ok: false; readonly error: string };

/** Scores chunks of lines somewhere: on this thread or on worker threads. Results come back in any order. */
export interface ChunkScorer {
  score(job: ChunkJob): Promise<ChunkResult>;
  close(): Promise<void>;
}

/** On this thread, one chunk per macrotask so signals and progress get a turn between chunks. */
export function inProcessScorer(scorer: BatchScorer): ChunkScorer {
  return {
    score: (job) =>
      new Promise((resolve, reject) =>
        setImmediate(() => {
          try {
            resolve(scorer.scoreBytes(job.bytes, job.firstLine));
          } catch (e) {
            reject(e as Error);
          }
        }),
      ),
    close: async () => undefined,
  };
}

/**
 * One scorer per worker thread, each with its own copy of the model. A worker takes one chunk at a time;
 * the chunk's bytes are moved, not copied, to the worker.
 */
export function threadScorer(size: number, bundle: ModelBundle, config: ScorerConfig): ChunkScorer {
  const idle: Worker[] = [];
  const queue: { job: ChunkJob; resolve: (r: ChunkResult) => void; reject: (e: Error) => void }[] = [];
  const workers = Array.from({ length: size }, () => new Worker(workerScript('score-worker'), { workerData: { bundle, config } }));
  idle.push(...workers);
  const pump = (): void => {
    while (idle.length > 0 && queue.length > 0) {
      const w = idle.pop()!;
      const { job, resolve, reject } = queue.shift()!;
      const onMessage = (reply: ChunkReply): void => {
        w.off('error', onError);
        idle.push(w);
        if (reply.ok) resolve(reply.result);
        else reject(new Error(reply.error));
        pump();
      };
      const onError = (e: Error): void => {
        w.off('message', onMessage);
        reject(e);
      };
      w.once('message', onMessage);
      w.once('error', onError);
      w.postMessage(job, [job.bytes.buffer as ArrayBuffer]);
    }
  };
  return {
    score: (job) =>
      new Promise((resolve, reject) => {
        queue.push({ job, resolve, reject });
        pump();
      }),
    close: async () => {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
