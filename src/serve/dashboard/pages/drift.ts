import type { ColumnDrift } from '../../../core/drift/compare.js';
import type { ArchivedDriftReport } from '../../../engine/drift-archive.js';
import { fmt } from '../chart-frame.js';
import { histogram } from '../histogram.js';
import { html, type Html } from '../html.js';

export interface DriftPage {
  readonly run_id: string | null;
  readonly started: number | null;
  readonly report: ArchivedDriftReport | null;
}

const chartId = (i: number): string => `drift-col-${i}`;

function columnChart(c: ColumnDrift, i: number): Html {
  return histogram({
    id: chartId(i), title: `${c.column}: PSI ${fmt(c.psi, 3)} (${c.psi_band}), KS ${fmt(c.ks_stat, 3)}${c.drifted ? ' · drifted' : ''}`,
    bins: c.bins.labels, series: [{ name: 'reference', values: c.bins.ref }, { name: 'current', values: c.bins.cur }],
    x: { label: c.kind === 'numeric' ? `${c.column} (reference quantile bins)` : c.column }, y: { label: 'share of rows', unit: 'share' }, note: c.reason,
  });
}

/** `/dashboard/drift`: the last `credit-tui drift` report, one reference-against-current histogram per column. */
export function driftPage(d: DriftPage): Html {
  if (!d.run_id) return html`<p>No drift report yet: <code>credit-tui drift REFERENCE CURRENT</code>.</p>`;
  const r = d.report;
  if (!r) return html`<p>The last drift run <code>${d.run_id}</code> predates archived reports; run <code>credit-tui drift</code> again to see its histograms here.</p>`;
  const cols = [...r.columns].sort((a, b) => Number(b.drifted) - Number(a.drifted) || b.psi - a.psi);
  return html`<p>Run <code>${d.run_id}</code>${d.started ? ` at ${new Date(d.started).toISOString().slice(0, 19).replace('T', ' ')}` : ''}: <strong class="${r.dataset_drift ? 'alert' : 'ok'}">${r.dataset_drift ? 'dataset drift' : 'no dataset drift'}</strong>, ${r.drifted_columns} of ${r.columns.length} columns drifted (${fmt(r.drift_share * 100, 1)}%).</p>
<p>Reference ${r.reference.file} (${r.reference.rows} rows) against current ${r.current.file} (${r.current.rows} rows).</p>
<table id="drift-columns"><thead><tr><th>column</th><th>kind</th><th>test</th><th>PSI</th><th>KS</th><th>p-value</th><th>verdict</th></tr></thead><tbody>${cols.map((c) => html`<tr><td>${c.column}</td><td>${c.kind}</td><td>${c.test}</td><td class="num">${fmt(c.psi, 3)}</td><td class="num">${fmt(c.ks_stat, 3)}</td><td class="num">${fmt(c.ks_p ?? c.chi2_p, 4)}</td><td class="${c.drifted ? 'alert' : ''}">${c.reason}</td></tr>`)}</tbody></table>
${r.prediction ? html`<p>Prediction drift (model v${r.prediction.model_version}): PSI ${fmt(r.prediction.psi, 3)}, ${r.prediction.drifted ? 'drifted' : 'no drift'}.</p>` : ''}
<div class="charts">${[...(r.prediction ? [r.prediction] : []), ...cols].map((c, i) => columnChart(c, i))}</div>`;
}
