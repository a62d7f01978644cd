import type { MonitorReport } from '../../../engine/monitor.js';
import { colour, fmt } from '../chart-frame.js';
import { heatMap } from '../heat-map.js';
import { html, type Html } from '../html.js';
import { lineChart, type LineSeries } from '../line-chart.js';

/** A figure of a period or band by any of its names (the monitor's field names grow as estimates are added). */
type Loose = Readonly<Record<string, unknown>>;
const numberAt = (o: Loose, ...keys: readonly string[]): number | null => {
  for (const k of keys) {
    const v = o[k];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  }
  return null;
};
const ESTIMATED_AUC = ['estimated_auc', 'auc_estimated'] as const;

export type MonitorPage = { readonly report: MonitorReport; readonly by: string } | { readonly error: string; readonly by: string };

/** PSI colour steps: the drift section's stable / investigate / significant bands. */
const PSI_STEPS = [
  { from: 0, colour: '#d9f0d3', name: 'stable' },
  { from: 0.1, colour: '#fdd49e', name: 'investigate' },
  { from: 0.25, colour: '#e34a33', name: 'significant' },
] as const;

/** `/dashboard/monitor`: realised and estimated AUC per period within their bands, PSI per column and period, alerts. */
export function monitorPage(d: MonitorPage): Html {
  if ('error' in d) return html`<p>${d.error}</p>`;
  const r = d.report;
  const periods = r.periods as unknown as readonly (Loose & { readonly period: string; readonly alerts: readonly string[]; readonly alert: boolean; readonly drifted_columns: readonly string[] })[];
  const labels = periods.map((p) => p.period);
  const bands = r.bands as unknown as readonly (Loose & { readonly metric: string; readonly lower: number | null; readonly upper: number | null })[];
  const band = (metric: string, name: string) => bands.filter((b) => b.metric === metric).map((b) => ({ name, lower: b.lower, upper: b.upper }));
  const series = (name: string, keys: readonly string[], dashed = false, tint?: string): LineSeries => ({ name, points: periods.map((p, i) => [i, numberAt(p, ...keys)] as const), dots: !tint, ...(dashed ? { dashed } : {}), ...(tint ? { colour: tint } : {}) });
  const hasEstimate = periods.some((p) => numberAt(p, ...ESTIMATED_AUC) !== null);
  const auc = lineChart({
    id: 'auc', title: 'AUC per period', x: { label: `period (by ${r.by})`, min: -0.5, max: Math.max(0.5, periods.length - 0.5) }, y: { label: 'AUC', unit: 'ROC area' }, xLabels: labels,
    series: [
      series('realised AUC', ['auc']), ...(hasEstimate ? [series('estimated AUC (CBPE)', ESTIMATED_AUC, true)] : []),
      // The estimate's own ±3σ interval per period, when the monitor reports one.
      ...(periods.some((p) => numberAt(p, 'estimated_auc_lower') !== null) ? [series('estimated AUC −3σ', ['estimated_auc_lower'], true, colour(1)), series('estimated AUC +3σ', ['estimated_auc_upper'], true, colour(1))] : []),
    ],
    bands: [...band('auc', 'realised AUC'), ...(hasEstimate ? ESTIMATED_AUC.flatMap((k) => band(k, 'estimated AUC')) : [])],
    note: 'Realised AUC needs imported outcomes (credit-tui outcomes); a period without them leaves a gap. Bands: mean ± 3 sd of reference chunks unless params.yaml fixes them.',
  });
  const approval = lineChart({
    id: 'approval', title: 'Approval rate per period', x: { label: `period (by ${r.by})`, min: -0.5, max: Math.max(0.5, periods.length - 0.5) }, y: { label: 'approval rate', unit: 'share' }, xLabels: labels,
    series: [series('approval rate', ['approval_rate'])], bands: band('approval_rate', 'approval rate'),
  });
  // Per-column PSI when the monitor reports it; the score's PSI always.
  const columns = [...new Set(periods.flatMap((p) => Object.keys((p['column_psi'] as Loose | undefined) ?? {})))];
  const heat = heatMap({
    id: 'psi', title: 'PSI against the reference, per column and period', rows: ['p(bad) score', ...columns], columns: labels, rowLabel: 'column', columnLabel: `period (by ${r.by})`,
    values: [periods.map((p) => numberAt(p, 'score_psi')), ...columns.map((c) => periods.map((p) => numberAt((p['column_psi'] as Loose | undefined) ?? {}, c)))],
    value: { label: 'PSI' }, steps: PSI_STEPS,
  });
  const alerting = periods.filter((p) => p.alert);
  return html`<p>Model v${r.model.version} (${r.model.family}); reference ${r.reference.source}: ${r.reference.rows} rows; ${periods.length} periods by ${r.by} from ${r.rows_logged} logged predictions.</p>
<form class="filters" method="get" action="/dashboard/monitor"><label>periods by<input name="by" value="${d.by}" size="10"></label><button>Show</button></form>
<p class="${r.latest_alert ? 'alert' : 'ok'}" id="latest">${r.latest_alert ? `The latest period alerts: ${periods.at(-1)?.alerts.join(', ')}` : 'The latest period is within its bands.'}</p>
<div class="charts">${auc}${approval}${heat}</div>
<h2>Alerts (${alerting.length} of ${periods.length} periods)</h2>
${alerting.length ? html`<table id="alerts"><thead><tr><th>period</th><th>rows</th><th>alerts</th><th>drifting columns</th></tr></thead><tbody>${alerting.map((p) => html`<tr><td>${p.period}</td><td class="num">${fmt(numberAt(p, 'rows'))}</td><td class="alert">${p.alerts.join(', ')}</td><td>${p.drifted_columns.join(', ') || 'none'}</td></tr>`)}</tbody></table>` : html`<p class="ok">No period alerts.</p>`}`;
}
