import type { RunRow, RunStatus } from './run-store.js';

/** The filters of the dashboard's runs page; an empty field does not filter. */
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

/** The values the runs page's filter menus offer. */
export interface RunFilterOptions {
  readonly experiments: string[];
  readonly datasets: string[];
  readonly families: string[];
  readonly statuses: RunStatus[];
}

/** The metrics a runs page shows per run: what each experiment is judged by. */
export const HEADLINE_METRICS = ['test_roc_auc', 'cv_auc_mean', 'test_ks', 'test_brier', 'test_cost_at_optimal', 'candidates', 'wall_seconds', 'rows', 'bad_rate', 'drift_share', 'drifted_columns', 'requests'] as const;

export const RUN_STATUSES: readonly RunStatus[] = ['RUNNING', 'FINISHED', 'FAILED', 'KILLED'];

const LEADERBOARD_SIZE = 10;

/** What each store's first statement returns per run: lists as comma-joined text. */
export type SummaryRow = Omit<RunSummary, 'datasets' | 'families' | 'metrics' | 'leaderboard'> & { datasets: string | null; families: string | null };
/** One candidate row of each store's third statement. */
export type CandidateRow = Omit<LeaderboardRow, 'rank'> & { parent: string };

/**
 * The WHERE conditions of the runs page's filters, in SQL both stores speak; `bind` adds a value and returns
 * its placeholder (`?` for SQLite, `$n` for PostgreSQL).
 */
export function runFilterWhere(f: RunFilters, bind: (v: string) => string): string[] {
  const where: string[] = ['r.parent_run_id IS NULL'];
  if (f.experiment) where.push(`e.name = ${bind(f.experiment)}`);
  if (f.status) where.push(`r.status = ${bind(f.status)}`);
  if (f.dataset) {
    where.push(`EXISTS (SELECT 1 FROM inputs i JOIN datasets d USING (dataset_id) WHERE i.run_id = r.run_id AND (d.name = ${bind(f.dataset)} OR d.name || '@' || d.version = ${bind(f.dataset)}))`);
  }
  if (f.family) {
    where.push(`(EXISTS (SELECT 1 FROM params p WHERE p.run_id = r.run_id AND ((p.key = 'families' AND ',' || p.value || ',' LIKE '%,' || ${bind(f.family)} || ',%') OR (p.key = 'family' AND p.value = ${bind(f.family)})))
      OR EXISTS (SELECT 1 FROM runs c JOIN params p ON p.run_id = c.run_id WHERE c.parent_run_id = r.run_id AND p.key = 'family' AND p.value = ${bind(f.family)}))`);
  }
  return where;
}

/** The page's runs from the three statements' rows: lists split, headline metrics attached, candidates ranked here. */
export function assembleRunSummaries(rows: readonly SummaryRow[], metricRows: Iterable<{ run_id: string; key: string; value: number }>, candidates: readonly CandidateRow[]): RunSummary[] {
  const metrics = new Map<string, Record<string, number>>();
  for (const m of metricRows) {
    let r = metrics.get(m.run_id);
    if (!r) metrics.set(m.run_id, (r = {}));
    r[m.key] = m.value;
  }
  const byParent = new Map<string, CandidateRow[]>();
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
