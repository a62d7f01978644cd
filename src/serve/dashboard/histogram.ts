import { axes, colour, dataTable, figure, legend, PLOT, scale, tickLabels, ticks } from './chart-frame.js';
import { html, type Html } from './html.js';

export interface HistogramOptions {
  readonly id: string;
  readonly title: string;
  /** Bin or category labels along x. */
  readonly bins: readonly string[];
  /** One bar per bin for each series, side by side (e.g. reference and current shares). */
  readonly series: readonly { readonly name: string; readonly values: readonly number[] }[];
  readonly x: { readonly label: string; readonly unit?: string };
  readonly y: { readonly label: string; readonly unit?: string };
  readonly note?: Html | string;
}

/** Grouped bars over labelled bins, with axes, a legend and the numbers as a table. */
export function histogram(o: HistogramOptions): Html {
  const n = o.bins.length;
  const top = Math.max(0, ...o.series.flatMap((s) => s.values.filter(Number.isFinite)));
  const x = scale({ ...o.x, min: -0.5, max: n - 0.5 }, PLOT.x, PLOT.x + PLOT.width);
  const y = scale({ ...o.y, min: 0, max: top > 0 ? top * 1.05 : 1 }, PLOT.y + PLOT.height, PLOT.y);
  const slot = PLOT.width / Math.max(1, n);
  const bar = (slot * 0.8) / Math.max(1, o.series.length);
  const every = Math.ceil(n / 8);
  const bars = o.series.map((s, k) => html`<g class="series" data-name="${s.name}" data-points="${s.values.length}" fill="${colour(k)}">${s.values.map((v, i) => {
    const h = Number.isFinite(v) ? y(0) - y(v) : 0;
    return html`<rect x="${(x(i) - slot * 0.4 + k * bar).toFixed(1)}" y="${(y(0) - h).toFixed(1)}" width="${bar.toFixed(1)}" height="${h.toFixed(1)}"><title>${o.bins[i] ?? ''}: ${s.name} ${v}</title></rect>`;
  })}</g>`);
  const xTicks = o.bins.map((_, i) => i).filter((i) => i % every === 0);
  const shown = tickLabels(o.bins, Math.max(4, Math.floor(PLOT.width / Math.max(1, xTicks.length) / 6.5)));
  const svg = html`<g class="plot">${axes(x, y, { xTicks, yTicks: ticks(0, y.axis.max), xFormat: (i) => shown[i] ?? '' })}${bars}</g>`;
  const rows = o.bins.map((b, i) => [b, ...o.series.map((s) => s.values[i] ?? null)]);
  return figure({
    id: o.id, title: o.title, kind: 'histogram', svg,
    legend: legend(o.series.map((s, k) => ({ name: s.name, colour: colour(k) }))),
    table: dataTable([o.x.label, ...o.series.map((s) => s.name)], rows),
    ...(o.note ? { note: o.note } : {}),
  });
}
