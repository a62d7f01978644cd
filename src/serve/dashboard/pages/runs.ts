import type { RunStatus } from '../../../core/store/run-store.js';
import { fmt } from '../chart-frame.js';
import { html, query, type Html } from '../html.js';
import { HEADLINE_METRICS, type RunFilters, type RunSummary } from '../runs-query.js';

export interface RunsPage {
  readonly filters: RunFilters;
  readonly options: { readonly experiments: readonly string[]; readonly datasets: readonly string[]; readonly families: readonly string[]; readonly statuses: readonly RunStatus[] };
  readonly runs: readonly RunSummary[];
}

const time = (ms: number | null): string => (ms === null ? '–' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19));

function select(name: string, label: string, values: readonly string[], chosen: string | undefined): Html {
  return html`<label>${label}<select name="${name}"><option value="">any</option>${values.map((v) => html`<option${v === chosen ? html` selected` : ''}>${v}</option>`)}</select></label>`;
}

function leaderboard(r: RunSummary): Html {
  if (r.leaderboard.length === 0) return html``;
  return html`<details><summary>Leaderboard: best ${r.leaderboard.length} of ${r.children} candidates</summary><table class="leaderboard"><thead><tr><th>#</th><th>family</th><th>candidate</th><th>selection</th><th>CV AUC</th><th>± sd</th></tr></thead><tbody>${r.leaderboard.map((c) => html`<tr><td class="num">${c.rank}</td><td>${c.family ?? '–'}</td><td>${c.name}</td><td class="num">${fmt(c.selection, 4)}</td><td class="num">${fmt(c.cv_auc_mean, 4)}</td><td class="num">${fmt(c.cv_auc_std, 4)}</td></tr>`)}</tbody></table></details>`;
}

/** `/dashboard`: runs newest first, filters on top, each run with its headline metrics and leaderboard. */
export function runsPage(d: RunsPage): Html {
  const f = d.filters;
  const shown = HEADLINE_METRICS.filter((k) => d.runs.some((r) => r.metrics[k] !== undefined));
  return html`<form class="filters" method="get" action="/dashboard">
${select('experiment', 'experiment', d.options.experiments, f.experiment)}${select('dataset', 'dataset', d.options.datasets, f.dataset)}${select('family', 'family', d.options.families, f.family)}${select('status', 'status', d.options.statuses, f.status)}
<label>at most<input name="limit" type="number" min="1" max="5000" value="${f.limit}"></label><button>Filter</button></form>
<form class="filters" method="get" action="/dashboard/compare"><label>compare run<input name="a" size="12" placeholder="run id"></label><label>with<input name="b" size="12" placeholder="run id"></label><button>Compare</button></form>
<p class="muted" id="count">${d.runs.length} run${d.runs.length === 1 ? '' : 's'}, newest first</p>
<table id="runs"><thead><tr><th>run</th><th>experiment</th><th>name</th><th>status</th><th>started</th><th>seconds</th><th>dataset</th><th>families</th>${shown.map((k) => html`<th>${k}</th>`)}</tr></thead>
<tbody>${d.runs.map((r, i) => html`<tr class="run-row"><td><code>${r.run_id.slice(0, 10)}</code>${i + 1 < d.runs.length ? html` <a href="/dashboard/compare${query({ a: r.run_id, b: d.runs[i + 1]!.run_id })}" title="compare with the run below">⇄</a>` : ''}</td><td>${r.experiment}</td><td>${r.name}${leaderboard(r)}${r.error ? html`<div class="alert">${r.error}</div>` : ''}</td><td class="status-${r.status}">${r.status}</td><td class="nowrap">${time(r.start_time)}</td><td class="num">${r.end_time === null ? '–' : fmt((r.end_time - r.start_time) / 1000, 1)}</td><td>${r.datasets.join(', ')}</td><td>${r.families.join(', ')}</td>${shown.map((k) => html`<td class="num">${fmt(r.metrics[k], 4)}</td>`)}</tr>`)}</tbody></table>`;
}
