import { sqliteDb, type RunRow, type RunStatus, type RunStore } from '../../core/store/run-store.js';

/** The filters of the runs page; an empty field does not filter. */
export interface RunFilters {
  readonly experiment?: string;
  /** A dataset name or name@version the run read. */
  readonly dataset?: string;
  /** A model family the run searched or fitted. */
  readonly family?: string;
  readonly status?: RunStatus;
  readonly limit: number;
}

/** One candidate of a search, as its leaderboard shows it. */
export interface LeaderboardRow {
  readonly rank: number;
  readonly run_id: string;
  readonly name: string;
  readonly family: string | null;
  readonly selection: number | null;
  readonly cv_auc_mean: number | null;
  readonly cv_auc_std: number | null;
}

/** A top-level run as the runs page shows it: the store's row and what the page adds. */
export interface RunSummary extends Omit<RunRow, 'parent_run_id'> {
  readonly datasets: readonly string[];
  readonly families: readonly string[];
  readonly children: number;
  /** Headline metrics only (the full history is `credit-tui runs show`). */
  readonly metrics: Readonly<Record<string, number>>;
  /** The best candidates of a search by its selection metric (top 10). */
  readonly leaderboard: readonly LeaderboardRow[];
}

/** The metrics a runs page shows per run: what each experiment is judged by. */
export const HEADLINE_METRICS = ['test_roc_auc', 'cv_auc_mean', 'test_ks', 'test_brier', 'test_cost_at_optimal', 'candidates', 'wall_seconds', 'rows', 'bad_rate', 'drift_share', 'drifted_columns', 'requests'] as const;

const LEADERBOARD_SIZE = 10;

/**
 * Top-level runs, newest first, with their datasets, families, headline metrics and leaderboards, in four
 * statements whatever the number of runs (a page of 1,000 runs must answer in well under 300 ms).
 */
export function listRunSummaries(store: RunStore, f: RunFilters): RunSummary[] {
  const where: string[] = ['r.parent_run_id IS NULL'];
  const args: (string | number)[] = [];
  if (f.experiment) {
    where.push('e.name = ?');
    args.push(f.experiment);
  }
  if (f.status) {
    where.push('r.status = ?');
    args.push(f.status);
  }
  if (f.dataset) {
    where.push(`EXISTS (SELECT 1 FROM inputs i JOIN datasets d USING (dataset_id) WHERE i.run_id = r.run_id AND (d.name = ? OR d.name || '@' || d.version = ?))`);
    args.push(f.dataset, f.dataset);
  }
  if (f.family) {
    where.push(`(EXISTS (SELECT 1 FROM params p WHERE p.run_id = r.run_id AND ((p.key = 'families' AND ',' || p.value || ',' LIKE '%,' || ? || ',%') OR (p.key = 'family' AND p.value = ?)))
      OR EXISTS (SELECT 1 FROM runs c JOIN params p ON p.run_id = c.run_id WHERE c.parent_run_id = r.run_id AND p.key = 'family' AND p.value = ?))`);
    args.push(f.family, f.family, f.family);
  }
  const rows = sqliteDb(store, 'the dashboard runs page').prepare(
    `SELECT r.run_id, r.name, e.name AS experiment, r.status, r.start_time, r.end_time, r.error,
       (SELECT group_concat(d.name || '@' || d.version, ',') FROM inputs i JOIN datasets d USING (dataset_id) WHERE i.run_id = r.run_id) AS datasets,
       (SELECT group_concat(p.value, ',') FROM params p WHERE p.run_id = r.run_id AND p.key IN ('families', 'family')) AS families,
       (SELECT COUNT(*) FROM runs c WHERE c.parent_run_id = r.run_id) AS children
     FROM runs r JOIN experiments e USING (experiment_id)
     WHERE ${where.join(' AND ')}
     ORDER BY r.start_time DESC, r.rowid DESC LIMIT ?`,
  ).all(...args, f.limit) as (Omit<RunSummary, 'datasets' | 'families' | 'metrics' | 'leaderboard'> & { datasets: string | null; families: string | null })[];
  if (rows.length === 0) return [];
  const ids = JSON.stringify(rows.map((r) => r.run_id));
  const metrics = new Map<string, Record<string, number>>();
  const keys = JSON.stringify(HEADLINE_METRICS);
  for (const m of sqliteDb(store, 'the dashboard runs page').prepare(
    `SELECT run_id, key, value FROM metrics WHERE step = 0 AND run_id IN (SELECT value FROM json_each(?)) AND key IN (SELECT value FROM json_each(?)) ORDER BY rowid`,
  ).iterate(ids, keys) as Iterable<{ run_id: string; key: string; value: number }>) {
    let r = metrics.get(m.run_id);
    if (!r) metrics.set(m.run_id, (r = {}));
    r[m.key] = m.value;
  }
  // Candidates of the listed searches with their figures pivoted in one pass over the metrics index, ranked here.
  const candidates = sqliteDb(store, 'the dashboard runs page').prepare(
    `SELECT c.parent_run_id AS parent, c.run_id, c.name, p.value AS family,
       MAX(CASE WHEN m.key = 'selection' THEN m.value END) AS selection,
       MAX(CASE WHEN m.key = 'cv_auc_mean' THEN m.value END) AS cv_auc_mean,
       MAX(CASE WHEN m.key = 'cv_auc_std' THEN m.value END) AS cv_auc_std
     FROM runs c
     LEFT JOIN params p ON p.run_id = c.run_id AND p.key = 'family'
     LEFT JOIN metrics m ON m.run_id = c.run_id AND m.key IN ('selection', 'cv_auc_mean', 'cv_auc_std') AND m.step = 0
     WHERE c.parent_run_id IN (SELECT value FROM json_each(?))
     GROUP BY c.run_id`,
  ).all(ids) as (Omit<LeaderboardRow, 'rank'> & { parent: string })[];
  const byParent = new Map<string, (Omit<LeaderboardRow, 'rank'> & { parent: string })[]>();
  for (const c of candidates) {
    let b = byParent.get(c.parent);
    if (!b) byParent.set(c.parent, (b = []));
    b.push(c);
  }
  const boards = new Map<string, LeaderboardRow[]>();
  for (const [parent, cs] of byParent) {
    cs.sort((a, b) => (b.selection ?? -Infinity) - (a.selection ?? -Infinity) || (a.run_id < b.run_id ? -1 : 1));
    boards.set(parent, cs.slice(0, LEADERBOARD_SIZE).map((c, i) => ({ rank: i + 1, run_id: c.run_id, name: c.name, family: c.family, selection: c.selection, cv_auc_mean: c.cv_auc_mean, cv_auc_std: c.cv_auc_std })));
  }
  const split = (s: string | null): string[] => (s ? [...new Set(s.split(',').filter(Boolean))] : []);
  return rows.map((r) => ({ ...r, datasets: split(r.datasets), families: split(r.families), metrics: metrics.get(r.run_id) ?? {}, leaderboard: boards.get(r.run_id) ?? [] }));
}

/** The values the filter menus offer: every experiment, dataset, family and status the store knows. */
export function filterOptions(store: RunStore): { experiments: string[]; datasets: string[]; families: string[]; statuses: RunStatus[] } {
  const col = (sql: string): string[] => (sqliteDb(store, 'the dashboard runs page').prepare(sql).all() as { v: string }[]).map((r) => r.v);
  return {
    experiments: col('SELECT name AS v FROM experiments ORDER BY name'),
    datasets: col(`SELECT DISTINCT name AS v FROM datasets ORDER BY name`),
    families: col(`SELECT DISTINCT value AS v FROM params WHERE key = 'family' ORDER BY value`),
    statuses: ['RUNNING', 'FINISHED', 'FAILED', 'KILLED'],
  };
}
