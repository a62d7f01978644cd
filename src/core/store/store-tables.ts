/**
 * The tables both stores share, with the columns `store copy` moves, in an order where every row's
 * references (experiment, parent run, dataset, registered model, version) are copied before it.
 * PostgreSQL's `seq` columns are not listed: they are the target's own insertion order.
 */
export const STORE_TABLES = {
  experiments: ['experiment_id', 'name', 'created_at'],
  runs: ['run_id', 'name', 'experiment_id', 'status', 'start_time', 'end_time', 'parent_run_id', 'pid', 'host', 'error'],
  params: ['run_id', 'key', 'value'],
  metrics: ['run_id', 'key', 'value', 'step', 'timestamp'],
  tags: ['run_id', 'key', 'value'],
  datasets: ['dataset_id', 'name', 'version', 'digest', 'source', 'format', 'path', 'raw_path', 'rows', 'columns', 'schema_json', 'roles_json', 'created_at'],
  inputs: ['run_id', 'dataset_id', 'context'],
  artifacts: ['run_id', 'path', 'sha256', 'bytes'],
  registered_models: ['name', 'created_at', 'description'],
  model_versions: ['name', 'version', 'run_id', 'family', 'path', 'sha256', 'dataset_digest', 'metrics_json', 'created_at'],
  model_aliases: ['name', 'alias', 'version'],
  outcomes: ['id', 'bad', 'observed_at', 'source_sha256', 'imported_at'],
  prediction_segments: ['segment_id', 'host', 'name', 'sha256', 'rows', 'bytes', 'first_ts', 'last_ts', 'created_at'],
  predictions: ['segment_id', 'line', 'ts', 'model_version', 'batch', 'id', 'p_bad', 'decision', 'score'],
} as const satisfies Record<string, readonly string[]>;

export type StoreTable = keyof typeof STORE_TABLES;

/** The tables in copying order. */
export const TABLE_ORDER = Object.keys(STORE_TABLES) as StoreTable[];

/** One row of a table as both stores return it: numbers, strings and nulls only. */
export type TableRow = Record<string, string | number | null>;

/**
 * The order rows are read in: insertion order where it is meaningful (runs newest-first listing, metric
 * history), else the primary key, so two stores with the same content dump the same sequence.
 */
export function dumpOrder(table: StoreTable, insertion: string): string {
  switch (table) {
    case 'runs':
    case 'metrics':
      return insertion;
    case 'experiments':
      return 'experiment_id';
    case 'datasets':
      return 'dataset_id';
    case 'params':
    case 'tags':
      return 'run_id, key';
    case 'inputs':
      return 'run_id, dataset_id, context';
    case 'artifacts':
      return 'run_id, path';
    case 'registered_models':
      return 'name';
    case 'model_versions':
      return 'name, version';
    case 'model_aliases':
      return 'name, alias';
    case 'outcomes':
      return 'id';
    case 'prediction_segments':
      return 'segment_id';
    case 'predictions':
      return 'segment_id, line';
  }
}
