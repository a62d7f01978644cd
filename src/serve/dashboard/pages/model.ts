import type { ModelVersionRow } from '../../../core/store/run-store.js';
import { fmt } from '../chart-frame.js';
import { histogram } from '../histogram.js';
import { html, type Html } from '../html.js';
import { lineChart } from '../line-chart.js';
import type { ModelFigures } from '../model-figures.js';

const pct = (x: number | null): string => (x === null ? '–' : `${(x * 100).toFixed(1)}%`);
const SHARE = { unit: 'share' } as const;

/** `/dashboard/models`: the registered versions, newest first. */
export function modelsPage(versions: readonly ModelVersionRow[]): Html {
  if (versions.length === 0) return html`<p>No model registered yet: <code>credit-tui train --headless</code>.</p>`;
  return html`<table id="versions"><thead><tr><th>version</th><th>aliases</th><th>family</th><th>test AUC</th><th>CV AUC</th><th>created</th></tr></thead><tbody>${versions.map((v) => html`<tr><td><a href="/dashboard/models/${v.version}">v${v.version}</a></td><td>${v.aliases.join(', ')}</td><td>${v.family}</td><td class="num">${fmt(v.metrics['test_roc_auc'], 4)}</td><td class="num">${fmt(v.metrics['cv_auc_mean'], 4)}</td><td>${new Date(v.created_at).toISOString().slice(0, 19).replace('T', ' ')}</td></tr>`)}</tbody></table>`;
}

/** `/dashboard/models/N`: the version's curves on its test rows, its cut-off and its fairness figures. */
export function modelPage(f: ModelFigures): Html {
  const m = f.model;
  const cal = f.calibration;
  const reliability = (r: typeof cal.before) => r.bins.filter((b) => b.n > 0).map((b) => [b.mean_p, b.observed] as const);
  const charts = [
    lineChart({
      id: 'roc', title: `ROC curve (AUC ${fmt(f.roc.auc, 4)})`, x: { label: 'false positive rate', ...SHARE, min: 0, max: 1 }, y: { label: 'true positive rate', ...SHARE, min: 0, max: 1 },
      series: [{ name: `v${m.version} ${m.family}`, points: f.roc.points }], reference: { from: [0, 0], to: [1, 1], name: 'chance' },
    }),
    lineChart({
      id: 'pr', title: 'Precision–recall curve', x: { label: 'recall of bad applicants', ...SHARE, min: 0, max: 1 }, y: { label: 'precision', ...SHARE, min: 0, max: 1 },
      series: [{ name: `v${m.version} ${m.family}`, points: f.pr.points }], note: `A model that declines at random has precision ${fmt(f.bad_rate)} (the test bad rate).`,
    }),
    lineChart({
      id: 'calibration', title: `Calibration: ECE ${fmt(cal.before.ece, 4)} before, ${fmt(cal.after.ece, 4)} after (${cal.method})`,
      x: { label: 'mean predicted p(bad)', ...SHARE, min: 0, max: 1 }, y: { label: 'observed bad rate', ...SHARE, min: 0, max: 1 },
      series: [{ name: `before calibration (ECE ${fmt(cal.before.ece, 4)})`, points: reliability(cal.before), dots: true, dashed: true }, { name: cal.method === 'none' ? 'no calibrator: after = before' : `after ${cal.method} (ECE ${fmt(cal.after.ece, 4)})`, points: reliability(cal.after), dots: true }],
      reference: { from: [0, 0], to: [1, 1], name: 'perfect' }, note: 'Ten equal-width bins of p(bad); empty bins are left out.',
    }),
    histogram({
      id: 'scores', title: 'Score distribution by outcome', bins: f.scores.bins, series: [{ name: 'good applicants', values: f.scores.good }, { name: 'bad applicants', values: f.scores.bad }],
      x: { label: 'p(bad)', unit: 'probability' }, y: { label: 'share of the outcome', ...SHARE },
    }),
    lineChart({
      id: 'cost', title: `Expected cost over cut-offs (${fmt(f.expected_cost.at_threshold, 4)} at ${fmt(m.threshold, 4)})`,
      x: { label: 'cut-off on p(bad)', unit: 'probability', min: 0, max: 1 }, y: { label: 'expected cost', unit: 'per applicant' },
      series: [{ name: 'expected cost', points: f.expected_cost.points }], markers: [{ x: m.threshold, label: `cut-off ${fmt(m.threshold, 4)}` }],
      note: `Cost matrix: approving a bad applicant costs ${f.cost.bad_predicted_good}, declining a good one ${f.cost.good_predicted_bad}. Decline when p(bad) ≥ the cut-off.`,
    }),
  ];
  const attrs = f.fairness.attributes.map((a) => {
    const groups = f.fairness.groups.filter((g) => g.attribute === a.attribute);
    return histogram({
      id: `fairness-${a.attribute.replace(/[^A-Za-z0-9_-]/g, '_')}`, title: `Approval rate by ${a.attribute}: adverse impact ratio ${fmt(a.adverse_impact_ratio, 3)} (${a.flag})`,
      bins: groups.map((g) => g.group), series: [{ name: 'approval rate', values: groups.map((g) => g.approval_rate ?? NaN) }],
      x: { label: a.attribute }, y: { label: 'approval rate', ...SHARE }, note: 'Adverse impact ratio: lowest group approval rate / highest (four-fifths rule: flag below 0.8); groups under 30 rows are not judged.',
    });
  });
  return html`<p>v${m.version} (${m.family})${m.aliases.length ? html` · <strong>${m.aliases.join(', ')}</strong>` : ''} · trained on ${m.dataset} in run <code>${m.run_id.slice(0, 10)}</code> · ${f.test_rows} test rows, bad rate ${pct(f.bad_rate)}</p>
<p id="cutoff" data-threshold="${m.threshold}">Decline when p(bad) ≥ <strong>${fmt(m.threshold, 4)}</strong> (${m.policy} policy${m.rationale ? html`: ${m.rationale}` : ''}); at that cut-off the test approval rate is ${pct(f.expected_cost.approval_rate)}. Calibration: ${m.calibration}.</p>
<div class="charts">${charts}</div>
${f.points ? html`<h2>Points table</h2><table id="points"><thead><tr><th>characteristic</th><th>bin</th><th>WoE</th><th>coefficient</th><th>points</th></tr></thead><tbody>${f.points.map((r) => html`<tr><td>${r[0]}</td><td>${r[1]}</td><td class="num">${r[2]}</td><td class="num">${r[3]}</td><td class="num">${r[4]}</td></tr>`)}</tbody></table>` : ''}
<h2>Fairness</h2>
${f.fairness.attributes.length ? html`<div class="charts">${attrs}</div>
<table id="fairness"><thead><tr><th>attribute</th><th>group</th><th>n</th><th>approval rate</th><th>bad rate among approved</th><th>AUC</th><th></th></tr></thead><tbody>${f.fairness.groups.map((g) => html`<tr><td>${g.attribute}</td><td>${g.group}</td><td class="num">${g.n}</td><td class="num">${pct(g.approval_rate)}</td><td class="num">${pct(g.bad_rate_approved)}</td><td class="num">${fmt(g.auc, 3)}</td><td>${g.too_few ? 'too few to judge' : ''}</td></tr>`)}</tbody></table>` : html`<p>No protected attribute in this data set.</p>`}
${f.fairness.skipped.map((s) => html`<p class="muted">Skipped ${s}.</p>`)}`;
}
