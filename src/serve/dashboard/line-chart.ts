import { axes, colour, dataTable, figure, fmt, legend, PLOT, scale, tickLabels, type Axis } from './chart-frame.js';
import { html, type Html } from './html.js';

/** Band fills: pale tints apart from the series palette, so a band never reads as a line. */
const BAND_TINTS = ['#9ecae1', '#fdae6b', '#bcbddc'] as const;

export interface LineSeries {
  readonly name: string;
  /** Points in x order; a null y breaks the line (a period without labels). */
  readonly points: readonly (readonly [number, number | null])[];
  readonly dashed?: boolean;
  /** Draw a dot on every point (for few, discrete points such as periods). */
  readonly dots?: boolean;
  /** A colour of its own, e.g. an interval drawn in its estimate's colour (default: the palette by position). */
  readonly colour?: string;
}

export interface LineChartOptions {
  readonly id: string;
  readonly title: string;
  readonly x: Omit<Axis, 'min' | 'max'> & Partial<Pick<Axis, 'min' | 'max'>>;
  readonly y: Omit<Axis, 'min' | 'max'> & Partial<Pick<Axis, 'min' | 'max'>>;
  readonly series: readonly LineSeries[];
  /** Vertical markers, e.g. the chosen cut-off. */
  readonly markers?: readonly { readonly x: number; readonly label: string }[];
  /** Horizontal bands, e.g. an alert band (mean ± 3 sd); a null side is open. */
  readonly bands?: readonly { readonly name: string; readonly lower: number | null; readonly upper: number | null }[];
  /** A dotted reference line from (x0,y0) to (x1,y1), e.g. the diagonal of a ROC plot. */
  readonly reference?: { readonly from: readonly [number, number]; readonly to: readonly [number, number]; readonly name: string };
  /** Labels of the x values for the table and ticks (periods), instead of numbers. */
  readonly xLabels?: readonly string[];
  readonly note?: Html | string;
}

function extent(values: readonly number[], fallback: [number, number]): [number, number] {
  const v = values.filter(Number.isFinite);
  if (v.length === 0) return fallback;
  const lo = Math.min(...v);
  const hi = Math.max(...v);
  return lo === hi ? [lo - 0.5, hi + 0.5] : [lo, hi];
}

/** A line chart with axes, units, a legend and its data as a table. */
export function lineChart(o: LineChartOptions): Html {
  const xs = o.series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = [
    ...o.series.flatMap((s) => s.points.map((p) => p[1]).filter((v): v is number => v !== null)),
    ...(o.bands ?? []).flatMap((b) => [b.lower, b.upper].filter((v): v is number => v !== null)),
  ];
  const [x0, x1] = extent(xs, [0, 1]);
  const [y0, y1] = extent(ys, [0, 1]);
  const x = scale({ ...o.x, min: o.x.min ?? x0, max: o.x.max ?? x1 }, PLOT.x, PLOT.x + PLOT.width);
  const y = scale({ ...o.y, min: o.y.min ?? y0, max: o.y.max ?? y1 }, PLOT.y + PLOT.height, PLOT.y);
  const xTicks = o.xLabels ? o.xLabels.map((_, i) => i).filter((i) => o.xLabels!.length <= 12 || i % Math.ceil(o.xLabels!.length / 12) === 0) : undefined;
  // About 6.5 px per character at the axes' 11 px font: a tick text fits the gap to the next tick.
  const ticksText = o.xLabels && xTicks ? tickLabels(o.xLabels, Math.max(4, Math.floor(PLOT.width / Math.max(1, xTicks.length) / 6.5))) : [];
  const clampY = (v: number): number => Math.min(Math.max(v, y.axis.min), y.axis.max);
  const bands = (o.bands ?? []).map((b, i) => {
    const top = y(clampY(b.upper ?? y.axis.max));
    const bottom = y(clampY(b.lower ?? y.axis.min));
    return html`<rect class="band" data-name="${b.name}" x="${PLOT.x}" width="${PLOT.width}" y="${top}" height="${Math.max(0, bottom - top)}" fill="${BAND_TINTS[i % BAND_TINTS.length]!}" fill-opacity="0.25"/>`;
  });
  const lines = o.series.map((s, i) => {
    // Each unbroken run of points is one polyline, so a missing value leaves a gap instead of a false line.
    const runs: string[][] = [[]];
    for (const [px, py] of s.points) {
      if (py === null || !Number.isFinite(py)) runs.push([]);
      else runs[runs.length - 1]!.push(`${x(px).toFixed(1)},${y(py).toFixed(1)}`);
    }
    const present = s.points.filter((p) => p[1] !== null && Number.isFinite(p[1])).length;
    const c = s.colour ?? colour(i);
    return html`<g class="series" data-name="${s.name}" data-points="${present}" stroke="${c}" fill="none" stroke-width="2"${s.dashed ? html` stroke-dasharray="5 4"` : ''}>${runs.filter((r) => r.length).map((r) => html`<polyline points="${r.join(' ')}"/>`)}${s.dots ? s.points.filter((p): p is readonly [number, number] => p[1] !== null && Number.isFinite(p[1])).map((p) => html`<circle cx="${x(p[0]).toFixed(1)}" cy="${y(p[1]).toFixed(1)}" r="3" fill="${c}"/>`) : ''}</g>`;
  });
  const ref = o.reference ? html`<line class="reference" x1="${x(o.reference.from[0])}" y1="${y(o.reference.from[1])}" x2="${x(o.reference.to[0])}" y2="${y(o.reference.to[1])}" stroke="#aaa" stroke-dasharray="2 3"/>` : '';
  const markers = (o.markers ?? []).map((m) => html`<g class="marker" data-value="${m.x}"><line x1="${x(m.x)}" x2="${x(m.x)}" y1="${PLOT.y}" y2="${PLOT.y + PLOT.height}" stroke="#000" stroke-width="1.5" stroke-dasharray="6 3"/><text x="${x(m.x) + 4}" y="${PLOT.y + 12}" font-size="11">${m.label}</text></g>`);
  const svg = html`<g class="plot" data-x-min="${x.axis.min}" data-x-max="${x.axis.max}" data-left="${PLOT.x}" data-width="${PLOT.width}">${bands}${axes(x, y, xTicks ? { xTicks, xFormat: (v) => ticksText[v] ?? String(v) } : {})}${ref}${lines}${markers}</g>`;
  const xLabel = (v: number): string | number => (o.xLabels ? o.xLabels[v] ?? String(v) : v);
  const items = [
    ...o.series.map((s, i) => ({ name: s.name, colour: s.colour ?? colour(i), ...(s.dashed ? { dashed: true } : {}) })),
    ...(o.bands ?? []).map((b, i) => ({ name: `${b.name} band`, colour: BAND_TINTS[i % BAND_TINTS.length]! })),
    ...(o.markers ?? []).map((m) => ({ name: m.label, colour: '#000', dashed: true })),
  ];
  const rows = o.series.flatMap((s) => s.points.map((p) => [s.name, xLabel(p[0]), p[1]] as (string | number | null)[]));
  const header = ['series', `${o.x.label}${o.x.unit ? ` (${o.x.unit})` : ''}`, `${o.y.label}${o.y.unit ? ` (${o.y.unit})` : ''}`];
  const bandNote = (o.bands ?? []).map((b) => `${b.name} band: ${fmt(b.lower)} to ${fmt(b.upper)}`).join('; ');
  return figure({ id: o.id, title: o.title, kind: 'line', svg, legend: legend(items), table: dataTable(header, rows), ...(o.note || bandNote ? { note: o.note ?? bandNote } : {}) });
}

