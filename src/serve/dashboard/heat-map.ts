import { dataTable, fmt, MARGIN, tickLabels, WIDTH } from './chart-frame.js';
import { html, type Html } from './html.js';

export interface HeatMapOptions {
  readonly id: string;
  readonly title: string;
  /** Row labels (e.g. input columns) and column labels (e.g. periods). */
  readonly rows: readonly string[];
  readonly columns: readonly string[];
  /** values[row][column]; null = not measured. */
  readonly values: readonly (readonly (number | null)[])[];
  readonly value: { readonly label: string; readonly unit?: string };
  /** Colour steps: a value at or above `from` takes the step's colour (ascending `from`). */
  readonly steps: readonly { readonly from: number; readonly colour: string; readonly name: string }[];
  readonly rowLabel: string;
  readonly columnLabel: string;
}

/** A grid of coloured cells (rows × columns) with a stepped colour legend and the values as a table. */
export function heatMap(o: HeatMapOptions): Html {
  const left = 150;
  const cellW = Math.max(8, Math.min(60, (WIDTH - left - MARGIN.right) / Math.max(1, o.columns.length)));
  const cellH = 16;
  const height = MARGIN.top + o.rows.length * cellH + 40;
  const colourOf = (v: number | null): string => {
    if (v === null || !Number.isFinite(v)) return '#f4f4f4';
    let c = o.steps[0]?.colour ?? '#fff';
    for (const s of o.steps) if (v >= s.from) c = s.colour;
    return c;
  };
  const short = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
  const every = Math.ceil(o.columns.length / 10);
  const cells = o.rows.map((r, i) => html`<g class="series" data-name="${r}" data-points="${o.columns.length}"><text x="${left - 6}" y="${MARGIN.top + i * cellH + 12}" text-anchor="end" font-size="11">${short(r, 22)}</text>${o.columns.map((c, j) => {
    const v = o.values[i]?.[j] ?? null;
    return html`<rect x="${left + j * cellW}" y="${MARGIN.top + i * cellH}" width="${cellW - 1}" height="${cellH - 1}" fill="${colourOf(v)}"><title>${r} × ${c}: ${o.value.label} ${fmt(v)}</title></rect>`;
  })}</g>`);
  const bottom = MARGIN.top + o.rows.length * cellH;
  const shown = tickLabels(o.columns, Math.max(3, Math.floor((cellW * every) / 6.5)));
  const colLabels = o.columns.map((_, j) => (j % every === 0 ? html`<text x="${left + j * cellW + cellW / 2}" y="${bottom + 14}" text-anchor="middle" font-size="11">${shown[j]}</text>` : ''));
  const svgHeight = height;
  const unit = o.value.unit ? ` (${o.value.unit})` : '';
  return html`<figure class="chart" id="${o.id}" data-kind="heatmap"><figcaption>${o.title}</figcaption>
<svg viewBox="0 0 ${WIDTH} ${svgHeight}" role="img" aria-label="${o.title}" xmlns="http://www.w3.org/2000/svg"><g class="plot">${cells}${colLabels}<text x="${left + (o.columns.length * cellW) / 2}" y="${bottom + 32}" text-anchor="middle" font-size="11">${o.columnLabel}</text><text x="6" y="${MARGIN.top - 2}" font-size="11">${o.rowLabel}</text></g></svg>
<ul class="legend">${o.steps.map((s) => html`<li><svg width="14" height="10" aria-hidden="true"><rect width="14" height="10" fill="${s.colour}"/></svg>${s.name}: ${o.value.label} ≥ ${fmt(s.from)}${unit}</li>`)}</ul>
${dataTable([o.rowLabel, ...o.columns], o.rows.map((r, i) => [r, ...o.columns.map((_, j) => o.values[i]?.[j] ?? null)]))}</figure>`;
}
