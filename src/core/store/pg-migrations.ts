/**
 * The PostgreSQL schema: the same tables as migrations.ts (runs.db), in PostgreSQL types. Timestamps are
 * epoch milliseconds in BIGINT as in SQLite; `seq` columns stand in for SQLite's rowid where the order of
 * insertion matters (runs listed newest first, metrics in logging order). Entry N moves schema_version
 * from N to N + 1; never edit a shipped migration, append a new one.
 */
export const PG_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE experiments (
    experiment_id SERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
  );
  CREATE TABLE runs (
    seq BIGSERIAL UNIQUE,
    run_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    experiment_id INTEGER NOT NULL REFERENCES experiments(experiment_id),
    status TEXT NOT NULL CHECK (status IN ('RUNNING', 'FINISHED', 'FAILED', 'KILLED')),
    start_time BIGINT NOT NULL,
    end_time BIGINT,
    parent_run_id TEXT REFERENCES runs(run_id),
    pid INTEGER,
    host TEXT,
    error TEXT
  );
  CREATE INDEX runs_parent ON runs(parent_run_id);
  CREATE INDEX runs_status ON runs(status);
  CREATE TABLE params (
    run_id TEXT NOT NULL REFERENCES runs(run_id),
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (run_id, key)
  );
  CREATE TABLE metrics (
    seq BIGSERIAL PRIMARY KEY,
    run_id TEXT NOT NULL REFERENCES runs(run_id),
    key TEXT NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    step INTEGER NOT NULL DEFAULT 0,
    timestamp BIGINT NOT NULL
  );
  CREATE INDEX metrics_run_key ON metrics(run_id, key, step);
  CREATE TABLE tags (
    run_id TEXT NOT NULL REFERENCES runs(run_id),
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (run_id, key)
  );
  CREATE TABLE datasets (
    dataset_id SERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    digest TEXT NOT NULL,
    source TEXT NOT NULL,
    format TEXT NOT NULL,
    path TEXT NOT NULL,
    raw_path TEXT NOT NULL,
    rows INTEGER NOT NULL,
    columns INTEGER NOT NULL,
    schema_json TEXT NOT NULL,
    roles_json TEXT NOT NULL DEFAULT '{}',
    created_at BIGINT NOT NULL,
    UNIQUE (name, version),
    UNIQUE (name, digest, roles_json)
  );
  CREATE TABLE inputs (
    run_id TEXT NOT NULL REFERENCES runs(run_id),
    dataset_id INTEGER NOT NULL REFERENCES datasets(dataset_id),
    context TEXT NOT NULL DEFAULT 'training',
    PRIMARY KEY (run_id, dataset_id, context)
  );
  CREATE TABLE artifacts (
    run_id TEXT NOT NULL REFERENCES runs(run_id),
    path TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    bytes BIGINT NOT NULL,
    PRIMARY KEY (run_id, path)
  );
  CREATE TABLE registered_models (
    name TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL,
    description TEXT
  );
  CREATE TABLE model_versions (
    name TEXT NOT NULL REFERENCES registered_models(name),
    version INTEGER NOT NULL,
    run_id TEXT NOT NULL REFERENCES runs(run_id),
    family TEXT NOT NULL,
    path TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    dataset_digest TEXT NOT NULL,
    metrics_json TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (name, version)
  );
  CREATE TABLE model_aliases (
    name TEXT NOT NULL REFERENCES registered_models(name),
    alias TEXT NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (name, alias),
    FOREIGN KEY (name, version) REFERENCES model_versions(name, version)
  );
  CREATE TABLE outcomes (
    id TEXT PRIMARY KEY,
    bad INTEGER NOT NULL CHECK (bad IN (0, 1)),
    observed_at TEXT,
    source_sha256 TEXT NOT NULL,
    imported_at BIGINT NOT NULL
  );
  `,
  `
  -- Artifact bytes by content (model bundles for now), so a machine that never saw the file can load it;
  -- every read is verified against the sha256 the registry recorded.
  CREATE TABLE artifact_blobs (
    sha256 TEXT PRIMARY KEY,
    bytes BYTEA NOT NULL,
    size BIGINT NOT NULL,
    created_at BIGINT NOT NULL
  );
  `,
  `
  -- The prediction log's index (segments' bytes in artifact_blobs or the artifacts directory), so monitor
  -- and outcomes on any machine see predictions logged on every other.
  CREATE TABLE prediction_segments (
    segment_id BIGSERIAL PRIMARY KEY,
    host TEXT NOT NULL,
    name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    rows INTEGER NOT NULL,
    bytes BIGINT NOT NULL,
    first_ts TEXT NOT NULL,
    last_ts TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (host, name)
  );
  CREATE INDEX prediction_segments_last_ts ON prediction_segments(last_ts);
  CREATE TABLE predictions (
    segment_id BIGINT NOT NULL REFERENCES prediction_segments(segment_id),
    line INTEGER NOT NULL,
    ts TEXT NOT NULL,
    model_version INTEGER NOT NULL,
    batch TEXT NOT NULL,
    id TEXT,
    p_bad DOUBLE PRECISION NOT NULL,
    decision TEXT NOT NULL,
    score DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (segment_id, line)
  );
  CREATE INDEX predictions_ts ON predictions(ts);
  CREATE INDEX predictions_id ON predictions(id) WHERE id IS NOT NULL;
  `,
];
