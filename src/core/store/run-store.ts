import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import Database from 'better-sqlite3';
import type { ColumnSchema } from '../data/dataset.js';
import { UserError } from '../errors.js';
import { isProcessAlive } from '../process.js';
import type { IndexedPrediction, PredictionSegment, RunStoreContract, StoreLocation } from './contract.js';
import { dumpOrder, STORE_TABLES, type StoreTable, type TableRow } from './store-tables.js';
import { MIGRATIONS } from './migrations.js';
import { assembleRunSummaries, HEADLINE_METRICS, RUN_STATUSES, runFilterWhere, type CandidateRow, type RunFilterOptions, type RunFilters, type RunSummary, type SummaryRow } from './run-summaries.js';
import { CANDIDATE_FIGURES, datasetRow, modelVersionRows, pickModelVersion, rolesKey } from './store-rules.js';

export type RunStatus = 'RUNNING' | 'FINISHED' | 'FAILED' | 'KILLED';

export interface RunRow {
  readonly run_id: string;
  readonly name: string;
  readonly experiment: string;
  readonly status: RunStatus;
  readonly start_time: number;
  readonly end_time: number | null;
  readonly parent_run_id: string | null;
  readonly error: string | null;
}

export interface MetricRow {
  readonly key: string;
  readonly value: number;
  readonly step: number;
  readonly timestamp: number;
}

export interface DatasetRow {
  readonly dataset_id: number;
  readonly name: string;
  readonly version: number;
  readonly digest: string;
  readonly source: string;
  readonly format: string;
  readonly path: string;
  readonly raw_path: string;
  readonly rows: number;
  readonly columns: number;
  readonly schema: readonly ColumnSchema[];
  /** Column-role overrides used when typing the file. */
  readonly roles: Readonly<Record<string, string>>;
  readonly created_at: number;
  /** sha256 of the processed file when it was registered (null for a row whose ingest run logged none). */
  readonly file_sha256: string | null;
}

export interface ModelVersionRow {
  readonly name: string;
  readonly version: number;
  readonly run_id: string;
  readonly family: string;
  readonly path: string;
  readonly sha256: string;
  readonly dataset_digest: string;
  readonly metrics: Readonly<Record<string, number>>;
  readonly created_at: number;
  readonly aliases: readonly string[];
}

export type NewDataset = Omit<DatasetRow, 'dataset_id' | 'version' | 'columns' | 'created_at' | 'file_sha256'>;

/**
 * The project's tracking store. Every write is a parameterised statement inside a transaction, WAL keeps
 * readers unblocked, and the busy timeout lets concurrent processes queue instead of failing.
 */
export class SqliteRunStore implements RunStoreContract {
  readonly db: Database.Database;
  readonly location: StoreLocation;

  private constructor(db: Database.Database, path: string) {
    this.db = db;
    this.location = { kind: 'sqlite', display: path };
  }

  static open(path: string): SqliteRunStore {
    const db = new Database(path, { timeout: 15_000 });
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    const store = new SqliteRunStore(db, path);
    store.migrate();
    store.reapOrphans();
    return store;
  }

  close(): void {
    this.db.close();
  }

  private migrate(): void {
    const current = this.db.pragma('user_version', { simple: true }) as number;
    if (current > MIGRATIONS.length) {
      throw new UserError(`runs.db schema version ${current} is newer than this credit-tui (${MIGRATIONS.length}); upgrade credit-tui`);
    }
    for (let v = current; v < MIGRATIONS.length; v++) {
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[v]!);
        this.db.pragma(`user_version = ${v + 1}`);
      }).immediate();
    }
  }

  /** Runs left RUNNING by a process on this host that no longer exists were killed: say so. */
  reapOrphans(): number {
    const rows = this.db.prepare(`SELECT run_id, pid, host FROM runs WHERE status = 'RUNNING'`).all() as { run_id: string; pid: number | null; host: string | null }[];
    const dead = rows.filter((r) => r.host === hostname() && r.pid !== null && r.pid !== process.pid && !isProcessAlive(r.pid));
    if (dead.length === 0) return 0;
    const upd = this.db.prepare(`UPDATE runs SET status = 'KILLED', end_time = ?, error = 'process ended without finishing the run' WHERE run_id = ? AND status = 'RUNNING'`);
    this.db.transaction(() => {
      for (const r of dead) upd.run(Date.now(), r.run_id);
    }).immediate();
    return dead.length;
  }

  experimentId(name: string): number {
    this.db.prepare('INSERT OR IGNORE INTO experiments (name, created_at) VALUES (?, ?)').run(name, Date.now());
    return (this.db.prepare('SELECT experiment_id FROM experiments WHERE name = ?').get(name) as { experiment_id: number }).experiment_id;
  }

  startRun(experiment: string, name: string, parentRunId?: string): string {
    const id = randomBytes(8).toString('hex');
    const exp = this.experimentId(experiment);
    this.db
      .prepare(`INSERT INTO runs (run_id, name, experiment_id, status, start_time, parent_run_id, pid, host) VALUES (?, ?, ?, 'RUNNING', ?, ?, ?, ?)`)
      .run(id, name, exp, Date.now(), parentRunId ?? null, process.pid, hostname());
    return id;
  }

  endRun(runId: string, status: Exclude<RunStatus, 'RUNNING'>, error?: string): void {
    this.db.prepare(`UPDATE runs SET status = ?, end_time = ?, error = ? WHERE run_id = ? AND status = 'RUNNING'`).run(status, Date.now(), error ?? null, runId);
  }

  /** Ends every still-running child of a parent too, e.g. when a search is cancelled. */
  endRunTree(runId: string, status: Exclude<RunStatus, 'RUNNING'>, error?: string): void {
    this.db.transaction(() => {
      this.db.prepare(`UPDATE runs SET status = ?, end_time = ?, error = ? WHERE parent_run_id = ? AND status = 'RUNNING'`).run(status, Date.now(), error ?? null, runId);
      this.endRun(runId, status, error);
    }).immediate();
  }

  logParams(runId: string, params: Readonly<Record<string, unknown>>): void {
    const ins = this.db.prepare('INSERT OR REPLACE INTO params (run_id, key, value) VALUES (?, ?, ?)');
    this.db.transaction(() => {
      for (const [k, v] of Object.entries(params)) ins.run(runId, k, typeof v === 'string' ? v : JSON.stringify(v));
    })();
  }

  logMetrics(runId: string, metrics: Readonly<Record<string, number>>, step = 0): void {
    const ins = this.db.prepare('INSERT INTO metrics (run_id, key, value, step, timestamp) VALUES (?, ?, ?, ?, ?)');
    const now = Date.now();
    this.db.transaction(() => {
      for (const [k, v] of Object.entries(metrics)) if (Number.isFinite(v)) ins.run(runId, k, v, step, now);
    })();
  }

  setTags(runId: string, tags: Readonly<Record<string, string>>): void {
    const ins = this.db.prepare('INSERT OR REPLACE INTO tags (run_id, key, value) VALUES (?, ?, ?)');
    this.db.transaction(() => {
      for (const [k, v] of Object.entries(tags)) ins.run(runId, k, v);
    })();
  }

  logInput(runId: string, datasetId: number, context = 'training'): void {
    this.db.prepare('INSERT OR IGNORE INTO inputs (run_id, dataset_id, context) VALUES (?, ?, ?)').run(runId, datasetId, context);
  }

  logArtifact(runId: string, path: string, sha256: string, bytes: number): void {
    this.db.prepare('INSERT OR REPLACE INTO artifacts (run_id, path, sha256, bytes) VALUES (?, ?, ?, ?)').run(runId, path, sha256, bytes);
  }

  /** Runs `fn` in one IMMEDIATE transaction: all of its writes land, or none. */
  atomically<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  // ---- runs -------------------------------------------------------------------------------------------

  listRuns(opts: { experiment?: string; limit?: number; parent?: string | null } = {}): RunRow[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (opts.experiment) {
      where.push('e.name = ?');
      args.push(opts.experiment);
    }
    if (opts.parent === null) where.push('r.parent_run_id IS NULL');
    else if (opts.parent !== undefined) {
      where.push('r.parent_run_id = ?');
      args.push(opts.parent);
    }
    args.push(opts.limit ?? 50);
    return this.db
      .prepare(
        `SELECT r.run_id, r.name, e.name AS experiment, r.status, r.start_time, r.end_time, r.parent_run_id, r.error
         FROM runs r JOIN experiments e USING (experiment_id)
         ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY r.start_time DESC, r.rowid DESC LIMIT ?`,
      )
      .all(...args) as RunRow[];
  }

  /** A run by id or unique id prefix. */
  getRun(idOrPrefix: string): RunRow {
    const rows = this.db
      .prepare(
        `SELECT r.run_id, r.name, e.name AS experiment, r.status, r.start_time, r.end_time, r.parent_run_id, r.error
         FROM runs r JOIN experiments e USING (experiment_id) WHERE r.run_id LIKE ? ESCAPE '\\' LIMIT 2`,
      )
      .all(`${idOrPrefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`) as RunRow[];
    if (rows.length === 0) throw new UserError(`no run with id '${idOrPrefix}'`, {}, "see 'credit-tui runs list'");
    if (rows.length > 1) throw new UserError(`run id prefix '${idOrPrefix}' is ambiguous`, {}, 'give more characters');
    return rows[0]!;
  }

  params(runId: string): Record<string, string> {
    const rows = this.db.prepare('SELECT key, value FROM params WHERE run_id = ? ORDER BY key').all(runId) as { key: string; value: string }[];
    return Object.fromEntries(rows.map((r) => [r.key, r.value]));
  }

  tags(runId: string): Record<string, string> {
    const rows = this.db.prepare('SELECT key, value FROM tags WHERE run_id = ? ORDER BY key').all(runId) as { key: string; value: string }[];
    return Object.fromEntries(rows.map((r) => [r.key, r.value]));
  }

  metricHistory(runId: string): MetricRow[] {
    return this.db.prepare('SELECT key, value, step, timestamp FROM metrics WHERE run_id = ? ORDER BY key, step, rowid').all(runId) as MetricRow[];
  }

  /** Last logged value of each metric at step 0 (summary metrics), falling back to the latest step. */
  latestMetrics(runId: string): Record<string, number> {
    const out: Record<string, number> = {};
    for (const m of this.metricHistory(runId)) out[m.key] = m.value;
    const summary = this.db.prepare('SELECT key, value FROM metrics WHERE run_id = ? AND step = 0 ORDER BY rowid').all(runId) as { key: string; value: number }[];
    for (const m of summary) out[m.key] = m.value;
    return out;
  }

  childCount(runId: string): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM runs WHERE parent_run_id = ?').get(runId) as { n: number }).n;
  }

  artifacts(runId: string): { path: string; sha256: string; bytes: number }[] {
    return this.db.prepare('SELECT path, sha256, bytes FROM artifacts WHERE run_id = ? ORDER BY path').all(runId) as { path: string; sha256: string; bytes: number }[];
  }

  runInputs(runId: string): { dataset: string; version: number; digest: string; context: string }[] {
    return this.db
      .prepare(`SELECT d.name AS dataset, d.version, d.digest, i.context FROM inputs i JOIN datasets d USING (dataset_id) WHERE i.run_id = ?`)
      .all(runId) as { dataset: string; version: number; digest: string; context: string }[];
  }

  // ---- datasets ---------------------------------------------------------------------------------------

  private toDataset(r: Record<string, unknown>): DatasetRow {
    return datasetRow(r, this.registeredDatasetSha256(r['path'] as string)?.sha256 ?? null);
  }

  /** A dataset ingested from the same bytes with the same role overrides, if any. */
  findDatasetByDigest(digest: string, roles: Readonly<Record<string, string>> = {}, name?: string): DatasetRow | undefined {
    const r = (name === undefined
      ? this.db.prepare('SELECT * FROM datasets WHERE digest = ? AND roles_json = ? ORDER BY dataset_id LIMIT 1').get(digest, rolesKey(roles))
      : this.db.prepare('SELECT * FROM datasets WHERE digest = ? AND roles_json = ? AND name = ? ORDER BY dataset_id LIMIT 1').get(digest, rolesKey(roles), name)) as Record<string, unknown> | undefined;
    return r ? this.toDataset(r) : undefined;
  }

  nextDatasetVersion(name: string): number {
    const r = this.db.prepare('SELECT MAX(version) AS v FROM datasets WHERE name = ?').get(name) as { v: number | null };
    return (r.v ?? 0) + 1;
  }

  addDataset(d: NewDataset, version: number): DatasetRow {
    const info = this.db
      .prepare(
        `INSERT INTO datasets (name, version, digest, source, format, path, raw_path, rows, columns, schema_json, roles_json, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(d.name, version, d.digest, d.source, d.format, d.path, d.raw_path, d.rows, d.schema.length, JSON.stringify(d.schema), rolesKey(d.roles), Date.now());
    return this.getDatasetById(Number(info.lastInsertRowid));
  }

  getDatasetById(id: number): DatasetRow {
    return this.toDataset(this.db.prepare('SELECT * FROM datasets WHERE dataset_id = ?').get(id) as Record<string, unknown>);
  }

  listDatasets(): DatasetRow[] {
    return (this.db.prepare('SELECT * FROM datasets ORDER BY dataset_id DESC').all() as Record<string, unknown>[]).map((r) => this.toDataset(r));
  }

  /**
   * The sha256 a dataset's file had when it was registered: the processed Parquet's artifact of its ingest
   * run, or the source bytes' digest for the raw copy; null when the path is not a registered dataset file.
   */
  registeredDatasetSha256(path: string): { sha256: string; dataset: string } | null {
    const processed = this.db
      .prepare(
        `SELECT a.sha256, d.name || '@' || d.version AS dataset FROM datasets d
         JOIN inputs i ON i.dataset_id = d.dataset_id AND i.context = 'ingested'
         JOIN artifacts a ON a.run_id = i.run_id AND a.path = d.path
         WHERE d.path = ? ORDER BY d.dataset_id LIMIT 1`,
      )
      .get(path) as { sha256: string; dataset: string } | undefined;
    if (processed) return processed;
    const raw = this.db.prepare(`SELECT digest AS sha256, name || '@' || version AS dataset FROM datasets WHERE raw_path = ? ORDER BY dataset_id LIMIT 1`).get(path) as
      | { sha256: string; dataset: string }
      | undefined;
    return raw ?? null;
  }

  /** `name` or `name@version`; null = the most recently ingested dataset. */
  resolveDataset(ref: string | null): DatasetRow {
    if (ref === null) {
      const r = this.db.prepare('SELECT * FROM datasets ORDER BY dataset_id DESC LIMIT 1').get() as Record<string, unknown> | undefined;
      if (!r) throw new UserError('no dataset ingested yet', {}, 'run: credit-tui ingest PATH (or with no PATH to download the UCI Statlog file)');
      return this.toDataset(r);
    }
    const [name, ver] = ref.split('@');
    const r = (ver === undefined
      ? this.db.prepare('SELECT * FROM datasets WHERE name = ? ORDER BY version DESC LIMIT 1').get(name)
      : this.db.prepare('SELECT * FROM datasets WHERE name = ? AND version = ?').get(name, Number(ver.replace(/^v/, '')))) as Record<string, unknown> | undefined;
    if (!r) throw new UserError(`no dataset '${ref}'`, {}, `known: ${this.listDatasets().map((d) => `${d.name}@${d.version}`).join(', ') || 'none'}`);
    return this.toDataset(r);
  }

  // ---- model registry ---------------------------------------------------------------------------------

  registerModelVersion(v: Omit<ModelVersionRow, 'version' | 'created_at' | 'aliases'>, aliases: readonly string[]): number {
    return this.atomically(() => {
      this.db.prepare('INSERT OR IGNORE INTO registered_models (name, created_at) VALUES (?, ?)').run(v.name, Date.now());
      const version = ((this.db.prepare('SELECT MAX(version) AS v FROM model_versions WHERE name = ?').get(v.name) as { v: number | null }).v ?? 0) + 1;
      this.db
        .prepare(
          `INSERT INTO model_versions (name, version, run_id, family, path, sha256, dataset_digest, metrics_json, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(v.name, version, v.run_id, v.family, v.path, v.sha256, v.dataset_digest, JSON.stringify(v.metrics), Date.now());
      for (const a of aliases) this.setAlias(v.name, a, version);
      return version;
    });
  }

  setAlias(name: string, alias: string, version: number): void {
    const exists = this.db.prepare('SELECT 1 FROM model_versions WHERE name = ? AND version = ?').get(name, version);
    if (!exists) throw new UserError(`model '${name}' has no version ${version}`, {}, "see 'credit-tui models list'");
    this.db.prepare('INSERT OR REPLACE INTO model_aliases (name, alias, version) VALUES (?, ?, ?)').run(name, alias, version);
  }

  listModelVersions(name?: string): ModelVersionRow[] {
    const rows = (name
      ? this.db.prepare('SELECT * FROM model_versions WHERE name = ? ORDER BY version DESC').all(name)
      : this.db.prepare('SELECT * FROM model_versions ORDER BY name, version DESC').all()) as Record<string, unknown>[];
    // By alias, as on PostgreSQL: both stores list a version's aliases in the same order.
    const aliases = this.db.prepare('SELECT name, alias, version FROM model_aliases ORDER BY alias').all() as { name: string; alias: string; version: number }[];
    return modelVersionRows(rows, aliases);
  }

  /** A version by number, `vN`, or alias (default `champion`). */
  resolveModelVersion(name: string, ref: string): ModelVersionRow {
    return pickModelVersion(this.listModelVersions(name), name, ref);
  }

  /**
   * Stores outcomes by id in one transaction: a new id is inserted, a changed label or date updated, the
   * same row left alone (so importing a file twice changes nothing).
   */
  upsertOutcomes(rows: readonly { id: string; bad: 0 | 1; observed_at: string | null }[], sourceSha256: string): { inserted: number; updated: number; unchanged: number } {
    const get = this.db.prepare<[string], { bad: number; observed_at: string | null }>('SELECT bad, observed_at FROM outcomes WHERE id = ?');
    const put = this.db.prepare('INSERT OR REPLACE INTO outcomes (id, bad, observed_at, source_sha256, imported_at) VALUES (?, ?, ?, ?, ?)');
    return this.atomically(() => {
      const n = { inserted: 0, updated: 0, unchanged: 0 };
      const now = Date.now();
      for (const r of rows) {
        const old = get.get(r.id);
        if (old && old.bad === r.bad && old.observed_at === r.observed_at) {
          n.unchanged++;
          continue;
        }
        put.run(r.id, r.bad, r.observed_at, sourceSha256, now);
        if (old) n.updated++;
        else n.inserted++;
      }
      return n;
    });
  }

  /** Every known outcome: id -> 1 (bad) or 0 (good). */
  outcomeMap(): Map<string, 0 | 1> {
    const rows = this.db.prepare<[], { id: string; bad: number }>('SELECT id, bad FROM outcomes').all();
    return new Map(rows.map((r) => [r.id, r.bad === 1 ? 1 : 0]));
  }

  /** runs.db keeps no artifact bytes: bundles live in models/ beside it. */
  dumpTable(table: StoreTable): TableRow[] {
    return this.db.prepare(`SELECT ${STORE_TABLES[table].join(', ')} FROM ${table} ORDER BY ${dumpOrder(table, 'rowid')}`).all() as TableRow[];
  }

  loadTable(table: StoreTable, rows: readonly TableRow[]): void {
    const cols = STORE_TABLES[table];
    const insert = this.db.prepare(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`);
    for (const r of rows) insert.run(...cols.map((c) => r[c] ?? null));
  }

  keepBytes(_sha256: string, _bytes: Uint8Array): boolean {
    return false;
  }

  bounded<T>(_ms: number, fn: () => T): T {
    return fn();
  }

  artifactBytes(_sha256: string): Uint8Array | null {
    return null;
  }

  runSummaries(f: RunFilters): RunSummary[] {
    const args: (string | number)[] = [];
    const where = runFilterWhere(f, (v) => (args.push(v), '?'));
    const rows = this.db.prepare(
      `SELECT r.run_id, r.name, e.name AS experiment, r.status, r.start_time, r.end_time, r.error,
         (SELECT group_concat(d.name || '@' || d.version, ',') FROM inputs i JOIN datasets d USING (dataset_id) WHERE i.run_id = r.run_id) AS datasets,
         (SELECT group_concat(p.value, ',') FROM params p WHERE p.run_id = r.run_id AND p.key IN ('families', 'family')) AS families,
         (SELECT COUNT(*) FROM runs c WHERE c.parent_run_id = r.run_id) AS children
       FROM runs r JOIN experiments e USING (experiment_id)
       WHERE ${where.join(' AND ')}
       ORDER BY r.start_time DESC, r.rowid DESC LIMIT ?`,
    ).all(...args, f.limit) as SummaryRow[];
    if (rows.length === 0) return [];
    const ids = JSON.stringify(rows.map((r) => r.run_id));
    const metrics = this.db.prepare(
      `SELECT run_id, key, value FROM metrics WHERE step = 0 AND run_id IN (SELECT value FROM json_each(?)) AND key IN (SELECT value FROM json_each(?)) ORDER BY rowid`,
    ).iterate(ids, JSON.stringify(HEADLINE_METRICS)) as Iterable<{ run_id: string; key: string; value: number }>;
    // Candidates of the listed searches with their figures pivoted in one pass over the metrics index.
    const candidates = this.db.prepare(
      `${CANDIDATE_FIGURES} WHERE c.parent_run_id IN (SELECT value FROM json_each(?)) GROUP BY c.run_id`,
    ).all(ids) as CandidateRow[];
    return assembleRunSummaries(rows, metrics, candidates);
  }

  runFilterOptions(): RunFilterOptions {
    const col = (sql: string): string[] => (this.db.prepare(sql).all() as { v: string }[]).map((r) => r.v);
    return {
      experiments: col('SELECT name AS v FROM experiments ORDER BY name'),
      datasets: col('SELECT DISTINCT name AS v FROM datasets ORDER BY name'),
      families: col(`SELECT DISTINCT value AS v FROM params WHERE key = 'family' ORDER BY value`),
      statuses: [...RUN_STATUSES],
    };
  }

  logPredictionSegment(segment: PredictionSegment, rows: readonly IndexedPrediction[], _bytes: Uint8Array): void {
    this.db.transaction(() => {
      const s = segment;
      const r = this.db.prepare(
        `INSERT INTO prediction_segments (host, name, sha256, rows, bytes, first_ts, last_ts, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (host, name) DO NOTHING`,
      ).run(s.host, s.name, s.sha256, s.rows, s.bytes, s.first_ts, s.last_ts, Date.now());
      if (r.changes === 0) return;
      const segmentId = Number(r.lastInsertRowid);
      const insert = this.db.prepare('INSERT INTO predictions (segment_id, line, ts, model_version, batch, id, p_bad, decision, score) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
      rows.forEach((p, line) => insert.run(segmentId, line, p.ts, p.model_version, p.batch, p.id, p.p_bad, p.decision, p.score));
    })();
  }

  predictionSegments(since?: string): PredictionSegment[] {
    const cols = 'host, name, sha256, rows, bytes, first_ts, last_ts';
    return (since === undefined
      ? this.db.prepare(`SELECT ${cols} FROM prediction_segments ORDER BY first_ts, name, host`).all()
      : this.db.prepare(`SELECT ${cols} FROM prediction_segments WHERE last_ts >= ? ORDER BY first_ts, name, host`).all(since)) as PredictionSegment[];
  }

  loggedPredictionIds(ids: readonly string[]): Set<string> {
    if (ids.length === 0) return new Set();
    const rows = this.db.prepare('SELECT DISTINCT p.id AS id FROM predictions p WHERE p.id IN (SELECT value FROM json_each(?))').all(JSON.stringify(ids)) as { id: string }[];
    return new Set(rows.map((r) => r.id));
  }

  integrityCheck(): string {
    return this.db.pragma('integrity_check', { simple: true }) as string;
  }
}

/**
 * `RunStore` as a type is the store contract (what every engine function takes, either backend); as a value
 * it is the SQLite class, so `RunStore.open(path)` keeps opening runs.db exactly as before.
 */
export type RunStore = RunStoreContract;
export const RunStore = SqliteRunStore;
