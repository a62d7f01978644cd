import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { hostname } from 'node:os';
import { UserError } from '../errors.js';
import { isProcessAlive } from '../process.js';
import { StoreUnavailableError, type ArtifactBytes, type IndexedPrediction, type PredictionSegment, type RunStoreContract, type StoreLocation } from './contract.js';
import { PgBridge, PgQueryError } from './pg-bridge.js';
import { PG_MIGRATIONS } from './pg-migrations.js';
import type { DatasetRow, MetricRow, ModelVersionRow, NewDataset, RunRow, RunStatus } from './run-store.js';
import { assembleRunSummaries, HEADLINE_METRICS, RUN_STATUSES, runFilterWhere, type CandidateRow, type RunFilterOptions, type RunFilters, type RunSummary, type SummaryRow } from './run-summaries.js';
import { CANDIDATE_FIGURES, datasetRow, modelVersionRows, pickModelVersion, rolesKey } from './store-rules.js';
import { dumpOrder, STORE_TABLES, type StoreTable, type TableRow } from './store-tables.js';
import { pgTarget, type PgTarget } from './store-url.js';

export { pgTarget, type PgTarget };

/** Serialises schema migration between processes opening the same database at once. */
const MIGRATION_LOCK = 29_029;

const COLUMNS_RUN = `r.run_id, r.name, e.name AS experiment, r.status, r.start_time, r.end_time, r.parent_run_id, r.error`;

/**
 * The tracking store in PostgreSQL 15, for a team or several machines: the same contract and the same
 * tables as the SQLite RunStore. Every statement is parameterised and goes through one connection held
 * by a worker thread (PgBridge), so `atomically` is a real BEGIN/COMMIT on that connection.
 */
export class PgRunStore implements RunStoreContract {
  readonly location: StoreLocation;
  private readonly pg: PgBridge;
  private depth = 0;

  private readonly target: PgTarget;
  private readonly cacheDir: string | null;
  private readonly connectTimeoutMs: number;
  /** A shared directory that holds artifact bytes instead of artifact_blobs (`--artifacts DIR`), or null. */
  private readonly artifactDir: ArtifactBytes | null;
  /** The connection was lost: the next statement outside a transaction connects again first. */
  private lost = false;
  /** Set by `bounded`: how long each statement (and a new connection) may take. */
  private limitMs: number | null = null;

  private constructor(pg: PgBridge, target: PgTarget, cacheDir: string | null, connectTimeoutMs: number, artifactDir: ArtifactBytes | null) {
    this.pg = pg;
    this.artifactDir = artifactDir;
    this.target = target;
    this.cacheDir = cacheDir;
    this.connectTimeoutMs = connectTimeoutMs;
    this.location = { kind: 'postgresql', display: `${target.host}:${target.port}/${target.database}` };
  }

  /** Connects, creates or migrates the schema, reaps this host's orphaned runs. Failures are one line. */
  /**
   * `cacheDir`: where datasets registered on another machine are written back from the database (verified
   * by sha256) so the Parquet reader can open them; without it such a dataset stays "missing".
   * `artifacts`: a directory the machines share that keeps artifact bytes instead of the database.
   */
  static open(url: string, opts: { connectTimeoutMs?: number; cacheDir?: string; artifacts?: ArtifactBytes } = {}): PgRunStore {
    const target = pgTarget(url);
    const bridge = new PgBridge(url, { connectTimeoutMs: opts.connectTimeoutMs ?? 10_000 });
    try {
      bridge.query('SELECT 1');
    } catch (e) {
      bridge.close();
      const reason = (e instanceof Error ? e.message : String(e)).split(decodeURIComponent(new URL(url).password) || '\u0000').join('***');
      throw new UserError(`cannot open the PostgreSQL store at host ${target.host}, port ${target.port}, database ${target.database}: ${reason}`, {}, 'check --store / CREDIT_TUI_STORE / store.url');
    }
    const store = new PgRunStore(bridge, target, opts.cacheDir ?? null, opts.connectTimeoutMs ?? 10_000, opts.artifacts ?? null);
    store.migrate();
    store.reapOrphans();
    return store;
  }

  close(): void {
    // A lost or hung server gets a second to say goodbye, not the statement timeout.
    this.pg.close(this.lost ? 1000 : this.limitMs ?? undefined);
  }

  bounded<T>(ms: number, fn: () => T): T {
    const before = this.limitMs;
    this.limitMs = ms;
    try {
      return fn();
    } finally {
      this.limitMs = before;
    }
  }

  private q<T = Record<string, unknown>>(sql: string, params: readonly unknown[] = []): T[] {
    // Never inside a transaction: its earlier statements died with the old connection.
    const reconnect = this.lost && this.depth === 0;
    try {
      const rows = this.pg.query(sql, params, {
        ...(this.limitMs === null ? {} : { timeoutMs: this.limitMs }),
        ...(reconnect ? { reconnectMs: this.limitMs ?? this.connectTimeoutMs } : {}),
      }).rows as T[];
      if (reconnect) this.lost = false;
      return rows;
    } catch (e) {
      // A server that went away mid-command (SQLSTATE class 08 or 57P, a socket error such as ECONNREFUSED on
      // connecting again, or no code: the socket closed or the answer timed out) is the user's to fix, in one
      // line; a statement the server rejected is a bug and keeps its message. (Every SQLSTATE has a digit.)
      if (e instanceof PgQueryError && (e.code === undefined || e.code.startsWith('08') || e.code.startsWith('57P') || /^E[A-Z]+$/.test(e.code))) {
        this.lost = true;
        const t = this.target;
        throw new StoreUnavailableError(`lost the PostgreSQL store at host ${t.host}, port ${t.port}, database ${t.database}: ${e.message}`, 'check the server, then run the command again');
      }
      throw e;
    }
  }

  private one<T = Record<string, unknown>>(sql: string, params: readonly unknown[] = []): T | undefined {
    return this.q<T>(sql, params)[0];
  }

  private migrate(): void {
    this.atomically(() => {
      this.q('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      this.q('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
      const row = this.one<{ version: number }>('SELECT version FROM schema_version');
      const current = row?.version ?? 0;
      if (!row) this.q('INSERT INTO schema_version (version) VALUES (0)');
      if (current > PG_MIGRATIONS.length) {
        throw new UserError(`PostgreSQL store schema version ${current} is newer than this credit-tui (${PG_MIGRATIONS.length}); upgrade credit-tui`);
      }
      for (let v = current; v < PG_MIGRATIONS.length; v++) {
        this.q(PG_MIGRATIONS[v]!);
        this.q('UPDATE schema_version SET version = $1', [v + 1]);
      }
    });
  }

  /** The schema version recorded in the database (PG_MIGRATIONS.length once migrated). */
  schemaVersion(): number {
    return this.one<{ version: number }>('SELECT version FROM schema_version')?.version ?? 0;
  }

  reapOrphans(): number {
    const rows = this.q<{ run_id: string; pid: number | null; host: string | null }>(`SELECT run_id, pid, host FROM runs WHERE status = 'RUNNING' AND host = $1`, [hostname()]);
    const dead = rows.filter((r) => r.pid !== null && r.pid !== process.pid && !isProcessAlive(r.pid));
    if (dead.length === 0) return 0;
    this.q(`UPDATE runs SET status = 'KILLED', end_time = $1, error = 'process ended without finishing the run' WHERE run_id = ANY($2) AND status = 'RUNNING'`, [Date.now(), dead.map((r) => r.run_id)]);
    return dead.length;
  }

  experimentId(name: string): number {
    this.q('INSERT INTO experiments (name, created_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [name, Date.now()]);
    return this.one<{ experiment_id: number }>('SELECT experiment_id FROM experiments WHERE name = $1', [name])!.experiment_id;
  }

  startRun(experiment: string, name: string, parentRunId?: string): string {
    const id = randomBytes(8).toString('hex');
    const exp = this.experimentId(experiment);
    this.q(`INSERT INTO runs (run_id, name, experiment_id, status, start_time, parent_run_id, pid, host) VALUES ($1, $2, $3, 'RUNNING', $4, $5, $6, $7)`, [
      id, name, exp, Date.now(), parentRunId ?? null, process.pid, hostname(),
    ]);
    return id;
  }

  endRun(runId: string, status: Exclude<RunStatus, 'RUNNING'>, error?: string): void {
    this.q(`UPDATE runs SET status = $1, end_time = $2, error = $3 WHERE run_id = $4 AND status = 'RUNNING'`, [status, Date.now(), error ?? null, runId]);
  }

  endRunTree(runId: string, status: Exclude<RunStatus, 'RUNNING'>, error?: string): void {
    this.atomically(() => {
      this.q(`UPDATE runs SET status = $1, end_time = $2, error = $3 WHERE parent_run_id = $4 AND status = 'RUNNING'`, [status, Date.now(), error ?? null, runId]);
      this.endRun(runId, status, error);
    });
  }

  /** Many rows of one table in one statement (each logged call is one round trip, not one per key). */
  private insertMany(sqlHead: string, conflict: string, rows: readonly (readonly unknown[])[]): void {
    if (rows.length === 0) return;
    const width = rows[0]!.length;
    const values = rows.map((_, i) => `(${Array.from({ length: width }, (__, j) => `$${i * width + j + 1}`).join(', ')})`).join(', ');
    this.q(`${sqlHead} VALUES ${values} ${conflict}`, rows.flat());
  }

  logParams(runId: string, params: Readonly<Record<string, unknown>>): void {
    const rows = Object.entries(params).map(([k, v]) => [runId, k, typeof v === 'string' ? v : JSON.stringify(v)]);
    this.insertMany('INSERT INTO params (run_id, key, value)', 'ON CONFLICT (run_id, key) DO UPDATE SET value = EXCLUDED.value', rows);
  }

  logMetrics(runId: string, metrics: Readonly<Record<string, number>>, step = 0): void {
    const now = Date.now();
    const rows = Object.entries(metrics).filter(([, v]) => Number.isFinite(v)).map(([k, v]) => [runId, k, v, step, now]);
    this.insertMany('INSERT INTO metrics (run_id, key, value, step, timestamp)', '', rows);
  }

  setTags(runId: string, tags: Readonly<Record<string, string>>): void {
    const rows = Object.entries(tags).map(([k, v]) => [runId, k, v]);
    this.insertMany('INSERT INTO tags (run_id, key, value)', 'ON CONFLICT (run_id, key) DO UPDATE SET value = EXCLUDED.value', rows);
  }

  logInput(runId: string, datasetId: number, context = 'training'): void {
    this.q('INSERT INTO inputs (run_id, dataset_id, context) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [runId, datasetId, context]);
  }

  logArtifact(runId: string, path: string, sha256: string, bytes: number): void {
    this.q('INSERT INTO artifacts (run_id, path, sha256, bytes) VALUES ($1, $2, $3, $4) ON CONFLICT (run_id, path) DO UPDATE SET sha256 = EXCLUDED.sha256, bytes = EXCLUDED.bytes', [runId, path, sha256, bytes]);
    // A registered dataset's processed file (ingest logs it right after adding the dataset): its bytes too,
    // so other machines can train on it. Other artifacts (score outputs, reports) stay files.
    if (this.one('SELECT 1 FROM datasets WHERE path = $1 LIMIT 1', [path])) this.keepFile(path, sha256);
  }

  /** BEGIN/COMMIT on the one connection, ROLLBACK if `fn` throws; a nested call is a savepoint. */
  atomically<T>(fn: () => T): T {
    const sp = this.depth === 0 ? null : `sp${this.depth}`;
    this.q(sp ? `SAVEPOINT ${sp}` : 'BEGIN');
    this.depth++;
    try {
      const out = fn();
      this.q(sp ? `RELEASE SAVEPOINT ${sp}` : 'COMMIT');
      return out;
    } catch (e) {
      try {
        this.q(sp ? `ROLLBACK TO SAVEPOINT ${sp}` : 'ROLLBACK');
      } catch {
        // the connection is gone: the server has rolled the transaction back already
      }
      throw e;
    } finally {
      this.depth--;
    }
  }

  // ---- runs -------------------------------------------------------------------------------------------

  listRuns(opts: { experiment?: string; limit?: number; parent?: string | null } = {}): RunRow[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (opts.experiment) {
      args.push(opts.experiment);
      where.push(`e.name = $${args.length}`);
    }
    if (opts.parent === null) where.push('r.parent_run_id IS NULL');
    else if (opts.parent !== undefined) {
      args.push(opts.parent);
      where.push(`r.parent_run_id = $${args.length}`);
    }
    args.push(opts.limit ?? 50);
    return this.q<RunRow>(
      `SELECT ${COLUMNS_RUN} FROM runs r JOIN experiments e USING (experiment_id)
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY r.start_time DESC, r.seq DESC LIMIT $${args.length}`,
      args,
    );
  }

  getRun(idOrPrefix: string): RunRow {
    const rows = this.q<RunRow>(`SELECT ${COLUMNS_RUN} FROM runs r JOIN experiments e USING (experiment_id) WHERE r.run_id LIKE $1 ESCAPE '\\' LIMIT 2`, [
      `${idOrPrefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`,
    ]);
    if (rows.length === 0) throw new UserError(`no run with id '${idOrPrefix}'`, {}, "see 'credit-tui runs list'");
    if (rows.length > 1) throw new UserError(`run id prefix '${idOrPrefix}' is ambiguous`, {}, 'give more characters');
    return rows[0]!;
  }

  params(runId: string): Record<string, string> {
    return Object.fromEntries(this.q<{ key: string; value: string }>('SELECT key, value FROM params WHERE run_id = $1 ORDER BY key', [runId]).map((r) => [r.key, r.value]));
  }

  tags(runId: string): Record<string, string> {
    return Object.fromEntries(this.q<{ key: string; value: string }>('SELECT key, value FROM tags WHERE run_id = $1 ORDER BY key', [runId]).map((r) => [r.key, r.value]));
  }

  metricHistory(runId: string): MetricRow[] {
    return this.q<MetricRow>('SELECT key, value, step, timestamp FROM metrics WHERE run_id = $1 ORDER BY key, step, seq', [runId]);
  }

  latestMetrics(runId: string): Record<string, number> {
    const out: Record<string, number> = {};
    for (const m of this.metricHistory(runId)) out[m.key] = m.value;
    for (const m of this.q<{ key: string; value: number }>('SELECT key, value FROM metrics WHERE run_id = $1 AND step = 0 ORDER BY seq', [runId])) out[m.key] = m.value;
    return out;
  }

  childCount(runId: string): number {
    return this.one<{ n: number }>('SELECT COUNT(*) AS n FROM runs WHERE parent_run_id = $1', [runId])!.n;
  }

  artifacts(runId: string): { path: string; sha256: string; bytes: number }[] {
    return this.q('SELECT path, sha256, bytes FROM artifacts WHERE run_id = $1 ORDER BY path', [runId]);
  }

  runInputs(runId: string): { dataset: string; version: number; digest: string; context: string }[] {
    return this.q(`SELECT d.name AS dataset, d.version, d.digest, i.context FROM inputs i JOIN datasets d USING (dataset_id) WHERE i.run_id = $1`, [runId]);
  }

  // ---- datasets ---------------------------------------------------------------------------------------

  private toDataset(r: Record<string, unknown>): DatasetRow {
    const path = r['path'] as string;
    const fileSha256 = this.registeredDatasetSha256(path)?.sha256 ?? null;
    return datasetRow(r, fileSha256, this.localCopy(path, fileSha256));
  }

  /**
   * The path to read a dataset file from on this machine: its own path when it is here, else a copy written
   * from the database into the cache directory (named by sha256, hashed before it is written, renamed into
   * place atomically); the reader verifies it again against the registry.
   */
  private localCopy(path: string, sha256: string | null): string {
    if (existsSync(path) || sha256 === null || this.cacheDir === null) return path;
    const copy = join(this.cacheDir, `${sha256}${extname(path)}`);
    if (existsSync(copy)) return copy;
    const bytes = this.artifactBytes(sha256);
    if (!bytes || createHash('sha256').update(bytes).digest('hex') !== sha256) return path;
    mkdirSync(this.cacheDir, { recursive: true });
    const partial = join(this.cacheDir, `.${sha256}.partial-${process.pid}`);
    writeFileSync(partial, bytes);
    renameSync(partial, copy);
    return copy;
  }

  findDatasetByDigest(digest: string, roles: Readonly<Record<string, string>> = {}, name?: string): DatasetRow | undefined {
    const r = name === undefined
      ? this.one('SELECT * FROM datasets WHERE digest = $1 AND roles_json = $2 ORDER BY dataset_id LIMIT 1', [digest, rolesKey(roles)])
      : this.one('SELECT * FROM datasets WHERE digest = $1 AND roles_json = $2 AND name = $3 ORDER BY dataset_id LIMIT 1', [digest, rolesKey(roles), name]);
    return r ? this.toDataset(r) : undefined;
  }

  nextDatasetVersion(name: string): number {
    return (this.one<{ v: number | null }>('SELECT MAX(version) AS v FROM datasets WHERE name = $1', [name])!.v ?? 0) + 1;
  }

  addDataset(d: NewDataset, version: number): DatasetRow {
    const r = this.one<{ dataset_id: number }>(
      `INSERT INTO datasets (name, version, digest, source, format, path, raw_path, rows, columns, schema_json, roles_json, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING dataset_id`,
      [d.name, version, d.digest, d.source, d.format, d.path, d.raw_path, d.rows, d.schema.length, JSON.stringify(d.schema), rolesKey(d.roles), Date.now()],
    )!;
    return this.getDatasetById(r.dataset_id);
  }

  getDatasetById(id: number): DatasetRow {
    return this.toDataset(this.one('SELECT * FROM datasets WHERE dataset_id = $1', [id])!);
  }

  listDatasets(): DatasetRow[] {
    return this.q('SELECT * FROM datasets ORDER BY dataset_id DESC').map((r) => this.toDataset(r));
  }

  registeredDatasetSha256(path: string): { sha256: string; dataset: string } | null {
    const processed = this.one<{ sha256: string; dataset: string }>(
      `SELECT a.sha256, d.name || '@' || d.version AS dataset FROM datasets d
       JOIN inputs i ON i.dataset_id = d.dataset_id AND i.context = 'ingested'
       JOIN artifacts a ON a.run_id = i.run_id AND a.path = d.path
       WHERE d.path = $1 ORDER BY d.dataset_id LIMIT 1`,
      [path],
    );
    if (processed) return processed;
    return this.one<{ sha256: string; dataset: string }>(`SELECT digest AS sha256, name || '@' || version AS dataset FROM datasets WHERE raw_path = $1 ORDER BY dataset_id LIMIT 1`, [path]) ?? null;
  }

  resolveDataset(ref: string | null): DatasetRow {
    if (ref === null) {
      const r = this.one('SELECT * FROM datasets ORDER BY dataset_id DESC LIMIT 1');
      if (!r) throw new UserError('no dataset ingested yet', {}, 'run: credit-tui ingest PATH (or with no PATH to download the UCI Statlog file)');
      return this.toDataset(r);
    }
    const [name, ver] = ref.split('@');
    const r = ver === undefined
      ? this.one('SELECT * FROM datasets WHERE name = $1 ORDER BY version DESC LIMIT 1', [name])
      : this.one('SELECT * FROM datasets WHERE name = $1 AND version = $2', [name, Number(ver.replace(/^v/, ''))]);
    if (!r) throw new UserError(`no dataset '${ref}'`, {}, `known: ${this.listDatasets().map((d) => `${d.name}@${d.version}`).join(', ') || 'none'}`);
    return this.toDataset(r);
  }

  // ---- model registry ---------------------------------------------------------------------------------

  /**
   * One transaction that locks the registered model's row before reading MAX(version): two machines
   * registering the same model at once queue on that lock and get consecutive numbers.
   */
  registerModelVersion(v: Omit<ModelVersionRow, 'version' | 'created_at' | 'aliases'>, aliases: readonly string[]): number {
    return this.atomically(() => {
      this.q('INSERT INTO registered_models (name, created_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [v.name, Date.now()]);
      this.q('SELECT name FROM registered_models WHERE name = $1 FOR UPDATE', [v.name]);
      const version = (this.one<{ v: number | null }>('SELECT MAX(version) AS v FROM model_versions WHERE name = $1', [v.name])!.v ?? 0) + 1;
      this.q(
        `INSERT INTO model_versions (name, version, run_id, family, path, sha256, dataset_digest, metrics_json, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [v.name, version, v.run_id, v.family, v.path, v.sha256, v.dataset_digest, JSON.stringify(v.metrics), Date.now()],
      );
      for (const a of aliases) this.setAlias(v.name, a, version);
      this.keepFile(v.path, v.sha256);
      return version;
    });
  }

  /**
   * The bundle's bytes go into the database in the registration's own transaction, so another machine can
   * load the version without the file. Only bytes that hash to the registered sha256 are kept.
   */
  private keepFile(path: string, sha256: string): void {
    if (!existsSync(path)) return;
    const bytes = readFileSync(path);
    if (createHash('sha256').update(bytes).digest('hex') !== sha256) return;
    this.keepBytes(sha256, bytes);
  }

  /**
   * Into the shared directory when there is one (written before the transaction commits: a rollback leaves
   * an unreferenced file, never a version without its bytes), else into artifact_blobs in the transaction.
   */
  keepBytes(sha256: string, bytes: Uint8Array): boolean {
    if (this.artifactDir) this.artifactDir.put(sha256, bytes);
    else this.q('INSERT INTO artifact_blobs (sha256, bytes, size, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (sha256) DO NOTHING', [sha256, Buffer.from(bytes), bytes.length, Date.now()]);
    return true;
  }

  dumpTable(table: StoreTable): TableRow[] {
    return this.q<TableRow>(`SELECT ${STORE_TABLES[table].join(', ')} FROM ${table} ORDER BY ${dumpOrder(table, 'seq')}`);
  }

  /** Batched under PostgreSQL's 65,535 bind parameters; serial counters move past the copied ids. */
  loadTable(table: StoreTable, rows: readonly TableRow[]): void {
    const cols = STORE_TABLES[table];
    const per = Math.floor(60_000 / cols.length);
    for (let i = 0; i < rows.length; i += per) {
      this.insertMany(`INSERT INTO ${table} (${cols.join(', ')})`, '', rows.slice(i, i + per).map((r) => cols.map((c) => r[c] ?? null)));
    }
    const serial = table === 'experiments' ? 'experiment_id' : table === 'datasets' ? 'dataset_id' : table === 'prediction_segments' ? 'segment_id' : null;
    if (serial) this.q(`SELECT setval(pg_get_serial_sequence('${table}', '${serial}'), COALESCE((SELECT MAX(${serial}) FROM ${table}), 0) + 1, false)`);
  }

  /** The shared directory first (verified there), then artifact_blobs (kept before the directory was set up). */
  artifactBytes(sha256: string): Uint8Array | null {
    const fromDir = this.artifactDir?.get(sha256);
    if (fromDir) return fromDir;
    return this.one<{ bytes: Uint8Array }>('SELECT bytes FROM artifact_blobs WHERE sha256 = $1', [sha256])?.bytes ?? null;
  }

  /**
   * The segment's row, its bytes and its predictions in one transaction; the rows go as one array per
   * column (unnest), so a segment of 50,000 predictions is one statement, not one per row.
   */
  logPredictionSegment(segment: PredictionSegment, rows: readonly IndexedPrediction[], bytes: Uint8Array): void {
    this.atomically(() => {
      const s = segment;
      const inserted = this.one<{ segment_id: number }>(
        `INSERT INTO prediction_segments (host, name, sha256, rows, bytes, first_ts, last_ts, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (host, name) DO NOTHING RETURNING segment_id`,
        [s.host, s.name, s.sha256, s.rows, s.bytes, s.first_ts, s.last_ts, Date.now()],
      );
      if (!inserted) return;
      this.keepBytes(s.sha256, bytes);
      // Batches keep each statement's arrays to a size the bridge's buffer and the server parse quickly.
      for (let i = 0; i < rows.length; i += 20_000) {
        const b = rows.slice(i, i + 20_000);
        this.q(
          `INSERT INTO predictions (segment_id, line, ts, model_version, batch, id, p_bad, decision, score)
           SELECT $1, * FROM unnest($2::int[], $3::text[], $4::int[], $5::text[], $6::text[], $7::float8[], $8::text[], $9::float8[])`,
          [inserted.segment_id, b.map((_, j) => i + j), b.map((p) => p.ts), b.map((p) => p.model_version), b.map((p) => p.batch), b.map((p) => p.id), b.map((p) => p.p_bad), b.map((p) => p.decision), b.map((p) => p.score)],
        );
      }
    });
  }

  /** The runs page's three statements; lists aggregated in the order SQLite's group_concat gives them. */
  runSummaries(f: RunFilters): RunSummary[] {
    const args: (string | number)[] = [];
    const where = runFilterWhere(f, (v) => (args.push(v), `$${args.length}`));
    args.push(f.limit);
    const rows = this.q<SummaryRow>(
      `SELECT r.run_id, r.name, e.name AS experiment, r.status, r.start_time, r.end_time, r.error,
         (SELECT string_agg(d.name || '@' || d.version, ',' ORDER BY i.dataset_id, i.context) FROM inputs i JOIN datasets d USING (dataset_id) WHERE i.run_id = r.run_id) AS datasets,
         (SELECT string_agg(p.value, ',' ORDER BY p.key) FROM params p WHERE p.run_id = r.run_id AND p.key IN ('families', 'family')) AS families,
         (SELECT COUNT(*) FROM runs c WHERE c.parent_run_id = r.run_id) AS children
       FROM runs r JOIN experiments e USING (experiment_id)
       WHERE ${where.join(' AND ')}
       ORDER BY r.start_time DESC, r.seq DESC LIMIT $${args.length}`,
      args,
    );
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.run_id);
    const metrics = this.q<{ run_id: string; key: string; value: number }>(
      'SELECT run_id, key, value FROM metrics WHERE step = 0 AND run_id = ANY($1::text[]) AND key = ANY($2::text[]) ORDER BY seq',
      [ids, [...HEADLINE_METRICS]],
    );
    const candidates = this.q<CandidateRow>(
      `${CANDIDATE_FIGURES} WHERE c.parent_run_id = ANY($1::text[]) GROUP BY c.run_id, c.parent_run_id, c.name, p.value`,
      [ids],
    );
    return assembleRunSummaries(rows, metrics, candidates);
  }

  runFilterOptions(): RunFilterOptions {
    const col = (sql: string): string[] => this.q<{ v: string }>(sql).map((r) => r.v);
    return {
      // Byte order, as SQLite sorts text, whatever the database's locale.
      experiments: col('SELECT name AS v FROM experiments ORDER BY name COLLATE "C"'),
      datasets: col('SELECT DISTINCT name COLLATE "C" AS v FROM datasets ORDER BY v'),
      families: col(`SELECT DISTINCT value COLLATE "C" AS v FROM params WHERE key = 'family' ORDER BY v`),
      statuses: [...RUN_STATUSES],
    };
  }

  predictionSegments(since?: string): PredictionSegment[] {
    const cols = 'host, name, sha256, rows, bytes::float8 AS bytes, first_ts, last_ts';
    return since === undefined
      ? this.q<PredictionSegment>(`SELECT ${cols} FROM prediction_segments ORDER BY first_ts, name, host`)
      : this.q<PredictionSegment>(`SELECT ${cols} FROM prediction_segments WHERE last_ts >= $1 ORDER BY first_ts, name, host`, [since]);
  }

  loggedPredictionIds(ids: readonly string[]): Set<string> {
    if (ids.length === 0) return new Set();
    // One index probe per asked id (the planner may otherwise scan the whole log for a long ANY list).
    return new Set(this.q<{ id: string }>('SELECT u.id FROM unnest($1::text[]) AS u(id) WHERE EXISTS (SELECT 1 FROM predictions p WHERE p.id = u.id)', [ids]).map((r) => r.id));
  }

  /** One upsert: readers see the old version or the new one, never no alias. */
  setAlias(name: string, alias: string, version: number): void {
    if (!this.one('SELECT 1 FROM model_versions WHERE name = $1 AND version = $2', [name, version])) {
      throw new UserError(`model '${name}' has no version ${version}`, {}, "see 'credit-tui models list'");
    }
    this.q('INSERT INTO model_aliases (name, alias, version) VALUES ($1, $2, $3) ON CONFLICT (name, alias) DO UPDATE SET version = EXCLUDED.version', [name, alias, version]);
  }

  listModelVersions(name?: string): ModelVersionRow[] {
    const rows = name
      ? this.q('SELECT * FROM model_versions WHERE name = $1 ORDER BY version DESC', [name])
      : this.q('SELECT * FROM model_versions ORDER BY name, version DESC');
    const aliases = this.q<{ name: string; alias: string; version: number }>('SELECT name, alias, version FROM model_aliases ORDER BY alias');
    return modelVersionRows(rows, aliases);
  }

  resolveModelVersion(name: string, ref: string): ModelVersionRow {
    return pickModelVersion(this.listModelVersions(name), name, ref);
  }

  upsertOutcomes(rows: readonly { id: string; bad: 0 | 1; observed_at: string | null }[], sourceSha256: string): { inserted: number; updated: number; unchanged: number } {
    return this.atomically(() => {
      const n = { inserted: 0, updated: 0, unchanged: 0 };
      const now = Date.now();
      const old = new Map(this.q<{ id: string; bad: number; observed_at: string | null }>('SELECT id, bad, observed_at FROM outcomes WHERE id = ANY($1)', [rows.map((r) => r.id)]).map((r) => [r.id, r]));
      // Keyed by id: an id twice in one file is compared with its first row, as on SQLite.
      const changed = new Map<string, readonly unknown[]>();
      for (const r of rows) {
        const o = old.get(r.id);
        if (o && o.bad === r.bad && o.observed_at === r.observed_at) {
          n.unchanged++;
          continue;
        }
        changed.set(r.id, [r.id, r.bad, r.observed_at, sourceSha256, now]);
        old.set(r.id, r);
        if (o) n.updated++;
        else n.inserted++;
      }
      const batch = [...changed.values()];
      // Batches keep each statement under PostgreSQL's 65,535 bind parameters.
      for (let i = 0; i < batch.length; i += 5_000) {
        this.insertMany(
          'INSERT INTO outcomes (id, bad, observed_at, source_sha256, imported_at)',
          'ON CONFLICT (id) DO UPDATE SET bad = EXCLUDED.bad, observed_at = EXCLUDED.observed_at, source_sha256 = EXCLUDED.source_sha256, imported_at = EXCLUDED.imported_at',
          batch.slice(i, i + 5_000),
        );
      }
      return n;
    });
  }

  outcomeMap(): Map<string, 0 | 1> {
    return new Map(this.q<{ id: string; bad: number }>('SELECT id, bad FROM outcomes').map((r) => [r.id, r.bad === 1 ? 1 : 0]));
  }

  integrityCheck(): string {
    try {
      return this.schemaVersion() === PG_MIGRATIONS.length ? 'ok' : `schema version ${this.schemaVersion()}, expected ${PG_MIGRATIONS.length}`;
    } catch (e) {
      return e instanceof PgQueryError ? e.message : String(e);
    }
  }
}
