import { fmt } from '../chart-frame.js';
import type { CompareView, ComparedRun } from '../compare-view.js';
import { html, query, type Html } from '../html.js';
import { lineChart } from '../line-chart.js';

const label = (c: ComparedRun): string => `${c.run.run_id.slice(0, 10)} ${c.run.name}`;

/** `/dashboard/compare?a=&b=`: what differs between two runs, and their ROC curves overlaid. */
export function comparePage(v: CompareView, opts: { readonly all: boolean }): Html {
  const rows = opts.all ? v.rows : v.rows.filter((r) => r.differs);
  const both = [v.a, v.b].filter((c) => c.roc);
  const roc = both.length
    ? lineChart({
      id: 'roc', title: 'ROC curves on each version\'s test rows', x: { label: 'false positive rate', unit: 'share', min: 0, max: 1 }, y: { label: 'true positive rate', unit: 'share', min: 0, max: 1 },
      series: both.map((c, i) => ({ name: `${label(c)}: v${c.version} (AUC ${fmt(c.roc!.auc, 4)})`, points: c.roc!.points, ...(i ? { dashed: true } : {}) })),
      reference: { from: [0, 0], to: [1, 1], name: 'chance' },
    })
    : html`<p class="muted">Neither run registered a model version, so there is no ROC curve to draw.</p>`;
  const missing = [v.a, v.b].filter((c) => !c.roc).map((c) => html`<p class="muted">${label(c)} registered no model version: no ROC curve.</p>`);
  return html`<p>A: <code>${v.a.run.run_id}</code> ${v.a.run.experiment} / ${v.a.run.name}<br>B: <code>${v.b.run.run_id}</code> ${v.b.run.experiment} / ${v.b.run.name}</p>
<div class="charts">${roc}</div>${both.length ? missing : ''}
<h2>${opts.all ? 'All params and metrics' : 'What differs'} (${rows.length} rows)</h2>
<p><a href="/dashboard/compare${query({ a: v.a.run.run_id, b: v.b.run.run_id, all: opts.all ? undefined : 1 })}">${opts.all ? 'show only what differs' : 'show every row'}</a></p>
<table id="compare"><thead><tr><th></th><th>A</th><th>B</th></tr></thead><tbody>${rows.map((r) => html`<tr${r.differs ? html` class="differs"` : ''}><td>${r.key}</td><td>${r.a}</td><td>${r.b}</td></tr>`)}</tbody></table>`;
}
