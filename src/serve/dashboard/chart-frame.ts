import { html, type Html } from './html.js';

/** Size of every chart, in SVG user units (the SVG scales to the page width). */
export const WIDTH = 640;
export const HEIGHT = 300;
export const MARGIN = { left: 58, right: 16, top: 14, bottom: 46 } as const;
export const PLOT = { x: MARGIN.left, y: MARGIN.top, width: WIDTH - MARGIN.left - MARGIN.right, height: HEIGHT - MARGIN.top - MARGIN.bottom } as const;

/** Series colours, distinguishable in greyscale order too; the dashed style is the second cue. */
export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#17becf', '#7f7f7f'] as const;
export const colour = (i: number): string => PALETTE[i % PALETTE.length]!;

/** An axis: its label, its unit (shown in brackets) and its range. */
export interface Axis {
  readonly label: string;
  readonly unit?: string;
  readonly min: number;
  readonly max: number;
}

export interface Scale {
  readonly axis: Axis;
  (v: number): number;
}

/** Maps [min, max] of an axis onto a pixel range; a degenerate axis maps everything to the middle. */
export function scale(axis: Axis, from: number, to: number): Scale {
  const span = axis.max - axis.min;
  const f = (v: number): number => (span > 0 ? from + ((v - axis.min) / span) * (to - from) : (from + to) / 2);
  return Object.assign(f, { axis });
}

/** About `count` round tick values inside [min, max] (1, 2 or 5 times a power of ten apart). */
export function ticks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const out: number[] = [];
  for (let v = Math.ceil(min / step - 1e-9) * step; v <= max + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** A number as a chart shows it: few digits, no exponent for everyday values. */
export function fmt(v: number | null | undefined, digits = 3): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 0.001 || a >= 1e6) ? v.toExponential(2) : String(Number(v.toFixed(digits)));
}

const axisTitle = (a: Axis): string => (a.unit ? `${a.label} (${a.unit})` : a.label);

/** Both axes with ticks, grid lines and titles (with units) around the plot area. */
export function axes(x: Scale, y: Scale, opts: { readonly xTicks?: readonly number[]; readonly yTicks?: readonly number[]; readonly xFormat?: (v: number) => string } = {}): Html {
  const bottom = PLOT.y + PLOT.height;
  const xt = opts.xTicks ?? ticks(x.axis.min, x.axis.max);
  const yt = opts.yTicks ?? ticks(y.axis.min, y.axis.max);
  return html`<g class="axes" font-size="11" fill="#333">
<rect x="${PLOT.x}" y="${PLOT.y}" width="${PLOT.width}" height="${PLOT.height}" fill="none" stroke="#999"/>
${yt.map((v) => html`<line x1="${PLOT.x}" x2="${PLOT.x + PLOT.width}" y1="${y(v)}" y2="${y(v)}" stroke="#eee"/><text x="${PLOT.x - 6}" y="${y(v) + 4}" text-anchor="end">${fmt(v)}</text>`)}
${xt.map((v) => html`<line x1="${x(v)}" x2="${x(v)}" y1="${bottom}" y2="${bottom + 4}" stroke="#999"/><text x="${x(v)}" y="${bottom + 16}" text-anchor="middle">${(opts.xFormat ?? fmt)(v)}</text>`)}
<text class="x-title" x="${PLOT.x + PLOT.width / 2}" y="${HEIGHT - 6}" text-anchor="middle">${axisTitle(x.axis)}</text>
<text class="y-title" transform="translate(13 ${PLOT.y + PLOT.height / 2}) rotate(-90)" text-anchor="middle">${axisTitle(y.axis)}</text>
</g>`;
}

/** The legend under the chart: one swatch per series, as HTML so long names wrap. */
export function legend(items: readonly { readonly name: string; readonly colour: string; readonly dashed?: boolean }[]): Html {
  return html`<ul class="legend">${items.map((s) => html`<li><svg width="22" height="10" aria-hidden="true"><line x1="1" x2="21" y1="5" y2="5" stroke="${s.colour}" stroke-width="3"${s.dashed ? html` stroke-dasharray="4 3"` : ''}/></svg>${s.name}</li>`)}</ul>`;
}

/** The chart's text alternative: its numbers as a table behind a `<details>`. */
export function dataTable(header: readonly string[], rows: readonly (readonly (string | number | null)[])[]): Html {
  return html`<details class="data"><summary>Data as a table (${rows.length} rows)</summary><table><thead><tr>${header.map((h) => html`<th>${h}</th>`)}</tr></thead><tbody>${rows.map((r) => html`<tr>${r.map((c) => html`<td>${typeof c === 'number' ? fmt(c, 4) : c ?? '–'}</td>`)}</tr>`)}</tbody></table></details>`;
}

/** A figure: title, the SVG (described for screen readers), the legend and the table. */
export function figure(opts: { readonly id: string; readonly title: string; readonly kind: string; readonly svg: Html; readonly legend?: Html; readonly table: Html; readonly note?: Html | string }): Html {
  return html`<figure class="chart" id="${opts.id}" data-kind="${opts.kind}"><figcaption>${opts.title}</figcaption>
<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${opts.title}" xmlns="http://www.w3.org/2000/svg">${opts.svg}</svg>
${opts.legend ?? ''}${opts.note ? html`<p class="note">${opts.note}</p>` : ''}${opts.table}</figure>`;
}

/**
 * Tick texts for long category names (periods such as "applicants5.csv 2bd191f1"): a prefix every name shares
 * is dropped, so the part that tells them apart shows, then each is cut to `max` characters.
 */
export function tickLabels(labels: readonly string[], max: number): string[] {
  let common = 0;
  if (labels.length > 1) {
    const first = labels[0]!;
    while (common < first.length && labels.every((l) => l[common] === first[common])) common++;
  }
  const keep = common > 3 ? common : 0;
  return labels.map((l) => {
    const s = l.slice(keep);
    return s.length > max ? `${s.slice(0, Math.max(1, max - 1))}…` : s;
  });
}
