import { UserError } from '../errors.js';
import type { RunFilterOptions, RunFilters, RunSummary } from './run-summaries.js';
import type { StoreTable, TableRow } from './store-tables.js';
import type { DatasetRow, MetricRow, ModelVersionRow, NewDataset, RunRow, RunStatus } from './run-store.js';

/** Which backend a store is and where it lives, safe to print: a path, or host:port/database (never a password). */
export interface StoreLocation {
  readonly kind: 'sqlite' | 'postgresql';
  readonly display: string;
}

/**
 * The store's server could not be reached or stopped answering (refused, reset, timed out): a condition of
 * the network or the server, not of the request, so a long-lived process (serve) reports itself degraded
 * and tries again instead of giving up. One line naming host, port and database, never a password.
 */
export class StoreUnavailableError extends UserError {
  /** The message without the hint a command prints after it: what a long-lived process reports. */
  readonly detail: string;
  constructor(message: string, hint?: string) {
    super(message, {}, hint);
    this.name = 'StoreUnavailableError';
    this.detail = message;
  }
}

/**
 * Artifact bytes kept by content outside the database: a directory every machine of the team mounts
 * (`--artifacts DIR`). Keys are sha256 hex strings; `get` verifies what it read against its key.
 */
export interface ArtifactBytes {
  /** Where the bytes live, safe to print. */
  readonly display: string;
  /** Keeps bytes the caller has hashed to `sha256`; keeping what is already there is a no-op. */
  put(sha256: string, bytes: Uint8Array): void;
  /** The bytes, verified against `sha256`; null when absent; bytes that do not hash to it are a UserError. */
  get(sha256: string): Uint8Array | null;
}

/** One segment of the prediction log as the store indexes it (its bytes: the file, or the store's copy). */
export interface PredictionSegment {
  /** The machine that wrote it, and its file name there (unique per host). */
  readonly host: string;
  readonly name: string;
  readonly sha256: string;
  readonly rows: number;
  readonly bytes: number;
  /** ISO times of its first and last prediction. */
  readonly first_ts: string;
  readonly last_ts: string;
}

/** What the index keeps of one logged prediction (its inputs stay in the segment). */
export interface IndexedPrediction {
  readonly ts: string;
  readonly model_version: number;
  readonly batch: string;
  readonly id: string | null;
  readonly p_bad: number;
  readonly decision: string;
  readonly score: number;
}

/**
 * The tracking store every engine function talks to, modelled on MLflow's AbstractStore: runs with their
 * params, metrics, tags, inputs and artifacts; datasets; the model registry with aliases; outcomes.
 * Two implementations: RunStore (SQLite, runs.db, the default) and PgRunStore (PostgreSQL 15). It is
 * synchronous on purpose: PgRunStore reaches the asynchronous driver through a blocking bridge, so no
 * caller has a second, asynchronous code path.
 */
export interface RunStoreContract {
  readonly location: StoreLocation;
  close(): void;
  /** Runs left RUNNING by a dead process on this host become KILLED; returns how many. */
  reapOrphans(): number;
  experimentId(name: string): number;
  startRun(experiment: string, name: string, parentRunId?: string): string;
  endRun(runId: string, status: Exclude<RunStatus, 'RUNNING'>, error?: string): void;
  endRunTree(runId: string, status: Exclude<RunStatus, 'RUNNING'>, error?: string): void;
  logParams(runId: string, params: Readonly<Record<string, unknown>>): void;
  logMetrics(runId: string, metrics: Readonly<Record<string, number>>, step?: number): void;
  setTags(runId: string, tags: Readonly<Record<string, string>>): void;
  logInput(runId: string, datasetId: number, context?: string): void;
  logArtifact(runId: string, path: string, sha256: string, bytes: number): void;
  /** All of `fn`'s writes land, or none (one transaction; nested calls are savepoints). */
  atomically<T>(fn: () => T): T;
  listRuns(opts?: { experiment?: string; limit?: number; parent?: string | null }): RunRow[];
  getRun(idOrPrefix: string): RunRow;
  params(runId: string): Record<string, string>;
  tags(runId: string): Record<string, string>;
  metricHistory(runId: string): MetricRow[];
  latestMetrics(runId: string): Record<string, number>;
  childCount(runId: string): number;
  artifacts(runId: string): { path: string; sha256: string; bytes: number }[];
  runInputs(runId: string): { dataset: string; version: number; digest: string; context: string }[];
  findDatasetByDigest(digest: string, roles?: Readonly<Record<string, string>>, name?: string): DatasetRow | undefined;
  nextDatasetVersion(name: string): number;
  addDataset(d: NewDataset, version: number): DatasetRow;
  getDatasetById(id: number): DatasetRow;
  listDatasets(): DatasetRow[];
  registeredDatasetSha256(path: string): { sha256: string; dataset: string } | null;
  resolveDataset(ref: string | null): DatasetRow;
  registerModelVersion(v: Omit<ModelVersionRow, 'version' | 'created_at' | 'aliases'>, aliases: readonly string[]): number;
  setAlias(name: string, alias: string, version: number): void;
  listModelVersions(name?: string): ModelVersionRow[];
  resolveModelVersion(name: string, ref: string): ModelVersionRow;
  upsertOutcomes(rows: readonly { id: string; bad: 0 | 1; observed_at: string | null }[], sourceSha256: string): { inserted: number; updated: number; unchanged: number };
  outcomeMap(): Map<string, 0 | 1>;
  /**
   * The bytes of an artifact by its sha256 when the store keeps them (PostgreSQL keeps every registered model
   * bundle), else null (SQLite: the file on disk is the artifact). The caller verifies the hash.
   */
  artifactBytes(sha256: string): Uint8Array | null;
  /** Every row of one shared table, in a fixed order (store-tables.ts): what `store copy` reads. */
  dumpTable(table: StoreTable): TableRow[];
  /** Rows dumped from another store, ids and times kept; the caller wraps the whole copy in `atomically`. */
  loadTable(table: StoreTable, rows: readonly TableRow[]): void;
  /**
   * Keeps an artifact's bytes in the store when it keeps bytes (PostgreSQL; true), else false (SQLite: the
   * caller writes the file). The caller has checked that the bytes hash to `sha256`.
   */
  keepBytes(sha256: string, bytes: Uint8Array): boolean;
  /**
   * Runs `fn` with each statement bounded to `ms` (connecting again included): what a long-lived process polls
   * with, so a server that is down or hung costs it at most about `ms` per statement, then StoreUnavailableError.
   * SQLite is a local file that cannot hang on a network: it just runs `fn`.
   */
  bounded<T>(ms: number, fn: () => T): T;
  /**
   * Indexes one prediction-log segment and each of its rows (line order), in one transaction; the bytes are
   * kept where the store keeps bytes (PostgreSQL: artifact_blobs or the artifacts directory; SQLite: the
   * segment file is the copy). A segment already indexed (same host and name) is left as it is.
   */
  logPredictionSegment(segment: PredictionSegment, rows: readonly IndexedPrediction[], bytes: Uint8Array): void;
  /** Indexed segments, oldest first; with `since`, only those holding a prediction at or after it. */
  predictionSegments(since?: string): PredictionSegment[];
  /** Which of `ids` appear in the indexed prediction log (what `outcomes` reports as known). */
  loggedPredictionIds(ids: readonly string[]): Set<string>;
  /**
   * The dashboard's runs page: top-level runs newest first with datasets, families, headline metrics and
   * top-10 leaderboards, in three statements whatever the number of runs.
   */
  runSummaries(f: RunFilters): RunSummary[];
  /** Every experiment, dataset, family and status the runs page's filters offer. */
  runFilterOptions(): RunFilterOptions;
  /** 'ok' when the store is consistent (SQLite's integrity_check; a live round trip on PostgreSQL). */
  integrityCheck(): string;
}
