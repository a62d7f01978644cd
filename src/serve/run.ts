import cluster from 'node:cluster';
import type { Params } from '../core/params/params.js';
import type { RunStore } from '../core/store/run-store.js';
import { PredictionLog } from '../engine/prediction-log.js';
import type { Project, StoreSetting } from '../engine/project.js';
import { clearServerStatus, writeServerStatus, type ServerStatus } from './status.js';
import { POLL_TIMEOUT_MS, ServedModel, type ModelEvent } from '../engine/serving.js';
import { StoreUnavailableError } from '../core/store/contract.js';
import { buildServer } from './server.js';
import { ServeStats, type StatsSnapshot } from './stats.js';

export interface ServeOptions {
  readonly host: string;
  readonly port: number;
  readonly model: string;
  readonly workers: number;
  readonly logPredictions: boolean;
  readonly token?: string;
  readonly bodyLimit: number;
  readonly version: string;
  /** How often the registry is asked whether the followed alias moved (ms). */
  readonly pollMs?: number;
  /** The store settings of the command line and params.yaml, for the /dashboard pages' own connection. */
  readonly store?: StoreSetting;
}

type WorkerMessage = { readonly type: 'listening'; readonly url: string; readonly model: string } | { readonly type: 'stats'; readonly stats: StatsSnapshot } | { readonly type: 'event'; readonly line: string };

function describe(e: ModelEvent): string {
  switch (e.type) {
    case 'loaded': return `model v${e.version} (${e.family}) loaded`;
    case 'switched': return `switched from model v${e.from} to v${e.to} (${e.family})`;
    case 'refused': return `refused model v${e.version}: ${e.message}; the current model keeps serving`;
    case 'store-lost': return `store degraded: ${e.message}; the loaded model keeps serving and the alias is followed again when the store answers`;
    case 'store-back': return `store back after ${(e.after / 1000).toFixed(1)} s: following the alias again`;
  }
}

/** While the store is degraded the registry is asked less often, so a hung server blocks the loop less. */
const DEGRADED_POLL_MS = 2000;

/** One process's server: loads the model, follows its alias, listens, and stops gracefully when asked. */
async function serveHere(project: Project, store: RunStore, params: Params, opts: ServeOptions, say: (line: string) => void, stats: ServeStats) {
  const served = new ServedModel(store, opts.model, params.scoring, (e) => say(describe(e)));
  served.refresh();
  if (!served.current) {
    // Say why once (no model, missing file, bad sha256); /ping answers 503 until one loads.
    try {
      store.resolveModelVersion('credit-risk', opts.model);
    } catch (e) {
      say(`no model to serve yet: ${(e as Error).message}`);
    }
  }
  const pollMs = opts.pollMs ?? 1000;
  let poll: NodeJS.Timeout;
  const next = (): void => {
    poll = setTimeout(() => {
      try {
        served.refresh();
      } finally {
        next();
      }
    }, served.storeHealth.status === 'ok' ? pollMs : Math.max(pollMs, DEGRADED_POLL_MS));
    poll.unref();
  };
  next();
  // Indexing a segment is bounded like the alias polls: a hung store must not stall the service.
  const log = opts.logPredictions ? new PredictionLog(project, { store, indexTimeoutMs: 5_000 }) : null;
  const app = await buildServer({ project, served, version: opts.version, bodyLimit: opts.bodyLimit, log, stats, ...(opts.token ? { token: opts.token } : {}), ...(opts.store ? { store: opts.store } : {}) });
  const address = await app.listen({ host: opts.host, port: opts.port });
  const model = served.current ? `model v${served.current.version.version}, ${served.current.bundle.family}` : 'no model yet';
  const close = async (): Promise<void> => {
    clearTimeout(poll);
    await app.close();
    log?.close();
  };
  return { url: address.replace('[::1]', 'localhost'), model, close };
}

/**
 * `credit-tui serve`: with one worker, everything runs in this process; with more, this process is the
 * primary of a cluster whose workers share the port (each scores, follows the alias and logs predictions on
 * its own), while the primary records the serving run in runs.db (requests, errors, latency quantiles,
 * updated every few seconds) and stops the workers gracefully on SIGTERM/SIGINT.
 */
export async function serve(project: Project, store: RunStore, params: Params, opts: ServeOptions, say: (line: string) => void): Promise<void> {
  if (cluster.isWorker) return serveWorker(project, store, params, opts);
  const runId = store.startRun('serve', `serve ${opts.host}:${opts.port}`);
  store.logParams(runId, { host: opts.host, port: opts.port, model: opts.model, workers: opts.workers, log_predictions: String(opts.logPredictions), auth: opts.token ? 'bearer' : 'none' });
  const local = new ServeStats();
  const perWorker = new Map<number, StatsSnapshot>();
  const total = (): ServeStats => (opts.workers > 1 ? ServeStats.sum([...perWorker.values()]) : local);
  let step = 0;
  // The serving run's record is best effort: a store that is down or refuses a write must not stop the
  // service (the model's own /health says when the store is degraded).
  const record = (): void => {
    try {
      store.bounded(POLL_TIMEOUT_MS, () => store.logMetrics(runId, total().metrics(), ++step));
    } catch {
      // the next record carries the totals so far
    }
  };
  const recorder = setInterval(record, 5000);
  let stopHere: (() => Promise<void>) | null = null;
  let status: ServerStatus;
  try {
    if (opts.workers <= 1) {
      const s = await serveHere(project, store, params, opts, say, local);
      stopHere = s.close;
      status = { pid: process.pid, url: s.url, model: s.model, workers: 1, started: new Date().toISOString() };
    } else {
      status = await startWorkers(opts, say, perWorker);
    }
  } catch (e) {
    clearInterval(recorder);
    store.endRun(runId, 'FAILED', (e as Error).message);
    throw e;
  }
  writeServerStatus(project, status);
  say(`listening on ${status.url} (${status.model})${opts.workers > 1 ? ` with ${opts.workers} workers` : ''}`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  say('stopping: finishing requests in flight');
  const force = setTimeout(() => process.exit(0), 4500);
  force.unref();
  if (stopHere) await stopHere();
  else await stopWorkers();
  clearInterval(recorder);
  record();
  try {
    store.bounded(POLL_TIMEOUT_MS, () => store.endRun(runId, 'FINISHED'));
  } catch (e) {
    // Left RUNNING: the next command on this host records it as KILLED.
    if (!(e instanceof StoreUnavailableError)) throw e;
  }
  clearServerStatus(project);
  say(`stopped after ${total().requests} requests`);
}

async function startWorkers(opts: ServeOptions, say: (line: string) => void, perWorker: Map<number, StatsSnapshot>): Promise<ServerStatus> {
  let listening = 0;
  let first: { url: string; model: string } | null = null;
  return new Promise<ServerStatus>((resolve, reject) => {
    for (let i = 0; i < opts.workers; i++) {
      const w = cluster.fork();
      w.on('message', (m: WorkerMessage) => {
        if (m.type === 'stats') perWorker.set(w.id, m.stats);
        else if (m.type === 'event') say(m.line);
        else if (m.type === 'listening') {
          first ??= m;
          if (++listening === opts.workers) resolve({ pid: process.pid, url: first.url, model: first.model, workers: opts.workers, started: new Date().toISOString() });
        }
      });
      w.on('exit', (code) => {
        if (listening < opts.workers) reject(new Error(`a serving worker exited (code ${code}) before listening`));
      });
    }
  });
}

async function stopWorkers(): Promise<void> {
  const workers = Object.values(cluster.workers ?? {}).filter((w) => w !== undefined);
  await Promise.all(workers.map((w) => new Promise<void>((resolve) => {
    if (w.isDead()) return resolve();
    w.once('exit', () => resolve());
    w.send({ type: 'shutdown' });
  })));
}

/** A cluster worker: its own store handle and model, stats sent to the primary every second. */
async function serveWorker(project: Project, store: RunStore, params: Params, opts: ServeOptions): Promise<void> {
  const send = (m: WorkerMessage): void => void process.send?.(m);
  const stats = new ServeStats();
  const s = await serveHere(project, store, params, opts, (line) => send({ type: 'event', line: `worker ${process.pid}: ${line}` }), stats);
  const ticker = setInterval(() => send({ type: 'stats', stats: stats.snapshot() }), 1000);
  send({ type: 'listening', url: s.url, model: s.model });
  // The primary decides when to stop; a terminal's Ctrl+C reaches every process of the group.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => undefined);
  await new Promise<void>((resolve) => process.on('message', (m: { type?: string }) => m.type === 'shutdown' && resolve()));
  await s.close();
  clearInterval(ticker);
  send({ type: 'stats', stats: stats.snapshot() });
  process.exit(0);
}
