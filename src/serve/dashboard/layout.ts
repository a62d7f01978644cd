import { html, Html } from './html.js';

const CSS = `
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#222;background:#fafafa}
header{background:#20262e;color:#fff;padding:.6em 1.2em}header a{color:#cfe3ff;margin-right:1.2em;text-decoration:none}
header strong{margin-right:1.5em}main{padding:1em 1.2em;max-width:1100px}
h1{font-size:1.35em;margin:.2em 0 .6em}h2{font-size:1.1em;margin:1.4em 0 .4em}
table{border-collapse:collapse;margin:.4em 0;background:#fff}td,th{border:1px solid #ddd;padding:.2em .5em;text-align:left;vertical-align:top}
th{background:#f0f2f5}td.num{text-align:right;font-variant-numeric:tabular-nums}tr.differs td{background:#fff6d6}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(460px,1fr));gap:1em}
figure.chart{margin:0;background:#fff;border:1px solid #ddd;padding:.5em}figure.chart>svg{width:100%;height:auto}td.nowrap{white-space:nowrap}
figcaption{font-weight:600;margin-bottom:.3em}.legend{list-style:none;padding:0;margin:.2em 0;display:flex;flex-wrap:wrap;gap:.3em 1em;font-size:12px}
.legend svg{margin-right:.3em;vertical-align:middle}.note{font-size:12px;color:#555;margin:.2em 0}
details.data{font-size:12px}form.filters{display:flex;gap:.6em;flex-wrap:wrap;align-items:end;margin-bottom:1em}
form.filters label{display:flex;flex-direction:column;font-size:12px}.status-FINISHED{color:#17692b}.status-FAILED,.status-KILLED{color:#b00}.status-RUNNING{color:#0a5bb5}
.run{background:#fff;border:1px solid #ddd;padding:.4em .7em;margin:.5em 0}.run summary{cursor:pointer}.muted{color:#666}.alert{color:#b00;font-weight:600}.ok{color:#17692b}
`;

/** The page's own constant CSS, inserted as is: a <style> element does not decode entities, and it holds no data. */
const STYLE = new Html(CSS);

/** Every page: the navigation, a title, the content, and a link to the same data as JSON. */
export function page(opts: { readonly title: string; readonly path: string; readonly body: Html; readonly query?: string }): Html {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">
<title>${opts.title} · credit-tui</title><style>${STYLE}</style></head>
<body><header><strong>credit-tui</strong><a href="/dashboard">Runs</a><a href="/dashboard/models">Models</a><a href="/dashboard/drift">Drift</a><a href="/dashboard/monitor">Monitor</a></header>
<main><h1>${opts.title}</h1>${opts.body}
<p class="muted">This page as JSON: <a href="${opts.path}.json${opts.query ?? ''}">${opts.path}.json</a></p></main></body></html>`;
}

