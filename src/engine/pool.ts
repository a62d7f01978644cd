import { Worker } from 'node:worker_threads';
import { CancelledError } from '../core/errors.js';
import { executeTask, type SearchTask, type TaskResult } from '../core/search/task.js';
import { workerScript } from './worker-script.js';


type Reply = { ok: true; result: TaskResult } | { ok: false; error: string };

/**
 * Runs search tasks on worker threads (one per core by default) so grid search uses every core and the
 * main thread stays free to repaint the TUI. With one worker it runs in-process, yielding between tasks.
 * Results do not depend on the number of workers: every task carries its own seed.
 */
export class TaskPool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: { task: SearchTask; resolve: (r: TaskResult) => void; reject: (e: Error) => void }[] = [];
  private readonly running = new Map<Worker, (e: Error) => void>();
  private closed = false;

  constructor(readonly size: number) {
    if (size <= 1) return;
    for (let i = 0; i < size; i++) {
      const w = new Worker(workerScript('search-worker'));
      w.unref();
      this.workers.push(w);
      this.idle.push(w);
    }
  }

  run(task: SearchTask): Promise<TaskResult> {
    if (this.closed) return Promise.reject(new CancelledError());
    if (this.size <= 1) {
      return new Promise((resolve, reject) =>
        setImmediate(() => {
          if (this.closed) return reject(new CancelledError());
          try {
            resolve(executeTask(task));
          } catch (e) {
            reject(e as Error);
          }
        }),
      );
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ task, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const w = this.idle.pop()!;
      const job = this.queue.shift()!;
      this.running.set(w, job.reject);
      const onMessage = (reply: Reply): void => {
        this.running.delete(w);
        w.off('error', onError);
        this.idle.push(w);
        if (reply.ok) job.resolve(reply.result);
        else job.reject(new Error(reply.error));
        this.pump();
      };
      const onError = (e: Error): void => {
        this.running.delete(w);
        w.off('message', onMessage);
        job.reject(e);
      };
      w.once('message', onMessage);
      w.once('error', onError);
      w.postMessage(job.task);
    }
  }

  /** Stops every worker; queued and running tasks reject as cancelled. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new CancelledError());
    for (const reject of this.running.values()) reject(new CancelledError());
    this.running.clear();
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
