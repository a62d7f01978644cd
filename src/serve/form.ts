import type { LoadedModel } from '../engine/registry.js';

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A middle value of the training range: a reasonable starting point for a number field. */
const middle = (min: number, max: number): number => Math.round((min + max) / 2);

/**
 * One self-contained page (no build step, no external assets): a form built from the model's input profile
 * (choice lists for categories, number fields with the training range) that posts to /v1/score and shows
 * p(bad), the decision, the points and the reasons.
 */
export function formPage(m: LoadedModel, opts: { readonly tokenRequired: boolean }): string {
  const fields = m.bundle.input.columns
    .map((c) => {
      const id = `f_${escapeHtml(c.name)}`;
      const label = `<label for="${id}">${escapeHtml(c.name.replace(/_/g, ' '))}</label>`;
      if (c.kind === 'categorical') {
        const options = c.levels.map((l) => `<option>${escapeHtml(l)}</option>`).join('');
        return `${label}<select id="${id}" name="${escapeHtml(c.name)}">${options}</select>`;
      }
      return `${label}<span><input id="${id}" name="${escapeHtml(c.name)}" type="number" step="any" value="${middle(c.min, c.max)}" data-numeric="1"> <small>training range ${c.min}–${c.max}</small></span>`;
    })
    .join('\n');
  const token = opts.tokenRequired ? '<label for="token">bearer token</label><input id="token" type="password" autocomplete="off">' : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>credit-tui · score an applicant</title>
<style>
body{font:15px/1.4 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
form{display:grid;grid-template-columns:14rem 1fr;gap:.4rem 1rem;align-items:center}
button{grid-column:2;justify-self:start;padding:.4rem 1.2rem;font-size:1rem}
#result{margin-top:1.5rem;padding:1rem;border:1px solid #ccc;border-radius:6px}
.approve{color:#15803d}.decline{color:#b91c1c}.error{color:#b91c1c}small{color:#666}
</style></head>
<body>
<h1>Score an applicant</h1>
<p>Model <b id="model">v${m.version.version} (${escapeHtml(m.bundle.family)})</b>, decision threshold p(bad) ≥ ${m.bundle.threshold.toFixed(4)}.</p>
<form id="applicant">
${token}
${fields}
<button type="submit" id="score">Score</button>
</form>
<div id="result" hidden></div>
<script>
const form = document.getElementById('applicant');
const out = document.getElementById('result');
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => '&#' + c.charCodeAt(0) + ';');
form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const applicant = {};
  for (const el of form.querySelectorAll('[name]')) applicant[el.name] = el.dataset.numeric ? (el.value === '' ? null : Number(el.value)) : el.value;
  const headers = { 'content-type': 'application/json' };
  const token = document.getElementById('token');
  if (token && token.value) headers.authorization = 'Bearer ' + token.value;
  out.hidden = false;
  out.textContent = 'scoring…';
  try {
    const res = await fetch('/v1/score', { method: 'POST', headers, body: JSON.stringify({ applicants: [applicant] }) });
    const body = await res.json();
    if (!res.ok) { out.innerHTML = '<p class="error" id="error">' + esc(body.message) + '</p>'; return; }
    if (body.rejected.length) { const r = body.rejected[0]; out.innerHTML = '<p class="error" id="error">' + esc(r.column) + ': ' + esc(r.reason) + '</p>'; return; }
    const r = body.results[0];
    out.innerHTML = '<p>p(bad) <b id="p_bad">' + r.p_bad.toFixed(4) + '</b></p>'
      + '<p>decision <b id="decision" class="' + r.decision + '">' + r.decision.toUpperCase() + '</b></p>'
      + '<p>score <b id="points">' + r.score + '</b> points</p>'
      + '<ol id="reasons">' + r.reasons.map((x) => '<li>' + esc(x.text) + '</li>').join('') + '</ol>'
      + '<p><small>model v' + body.model.version + ' (' + esc(body.model.family) + ')</small></p>';
  } catch (e) {
    out.innerHTML = '<p class="error" id="error">cannot reach the service: ' + esc(e.message) + '</p>';
  }
});
</script>
</body></html>
`;
}
