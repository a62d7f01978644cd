import type { RunStore } from '../../core/store/run-store.js';
import type { RunFilterOptions, RunFilters, RunSummary } from '../../core/store/run-summaries.js';

export { HEADLINE_METRICS, type LeaderboardRow, type RunFilterOptions, type RunFilters, type RunSummary } from '../../core/store/run-summaries.js';

/**
 * Top-level runs, newest first, with their datasets, families, headline metrics and leaderboards: one call to
 * the store (three statements whatever the number of runs, on SQLite and PostgreSQL alike).
 */
export function listRunSummaries(store: RunStore, f: RunFilters): RunSummary[] {
  return store.runSummaries(f);
}

/** The values the filter menus offer: every experiment, dataset, family and status the store knows. */
export function filterOptions(store: RunStore): RunFilterOptions {
  return store.runFilterOptions();
}
