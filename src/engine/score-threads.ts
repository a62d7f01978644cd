import { Worker } from 'node:worker_threads';
import type { BufferPool } from '../core/data/buffer-pool.js';
import type { ModelBundle } from '../core/registry/bundle.js';
import type { BatchScorer, ChunkResult, ScorerConfig } from '../core/scoring/batch-scorer.js';
import { workerScript } from './worker-script.js';

export interface ChunkJob {
  readonly bytes: Uint8Array;
  readonly firstLine: number;
  /** An output buffer already written out, for the worker's sink to reuse. */
  readonly spare?: ArrayBuffer;
}

export type ChunkReply = { readonly ok: true; readonly result: ChunkResult; readonly input: ArrayBuffer } | { readonly ok: false; readonly error: string };

/**
 * Scores chunks of lines somewhere: on this thread or on worker threads. Results come back in any order.
 * Buffers go round rather than being dropped (see BufferPool): each chunk's input buffer returns to
 * `inputs` once scored, and `recycle` takes back an output buffer once it has been written.
 */
export interface ChunkScorer {
  score(job: ChunkJob): Promise<ChunkResult>;
  recycle(out: Uint8Array): void;
  close(): Promise<void>;
}

/** On this thread, one chunk per macrotask so signals and progress get a turn between chunks. */
export function inProcessScorer(scorer: BatchScorer, inputs: BufferPool): ChunkScorer {
  return {
    score: (job) =>
      new Promise((resolve, reject) =>
        setImmediate(() => {
          try {
            resolve(scorer.scoreBytes(job.bytes, job.firstLine));
            inputs.give(job.bytes.buffer);
          } catch (e) {
            reject(e as Error);
          }
        }),
      ),
    recycle: (out) => scorer.recycleOutput(out.buffer),
    close: async () => undefined,
  };
}

/**
 * One scorer per worker thread, each with its own copy of the model. A worker takes one chunk at a time;
 * the chunk's bytes are moved, not copied, to the worker.
 */
export function threadScorer(size: number, bundle: ModelBundle, config: ScorerConfig, inputs: BufferPool): ChunkScorer {
  const idle: Worker[] = [];
  const spares: ArrayBuffer[] = [];
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
        if (reply.ok) {
          inputs.give(reply.input);
          resolve(reply.result);
        } else reject(new Error(reply.error));
        pump();
      };
      const onError = (e: Error): void => {
        w.off('message', onMessage);
        reject(e);
      };
      w.once('message', onMessage);
      w.once('error', onError);
      const spare = spares.pop();
      w.postMessage(spare ? { ...job, spare } : job, spare ? [job.bytes.buffer as ArrayBuffer, spare] : [job.bytes.buffer as ArrayBuffer]);
    }
  };
  return {
    score: (job) =>
      new Promise((resolve, reject) => {
        queue.push({ job, resolve, reject });
        pump();
      }),
    recycle: (out) => {
      if (out.buffer instanceof ArrayBuffer && out.buffer.byteLength > 0 && spares.length < size) spares.push(out.buffer);
    },
    close: async () => {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
