import { describe, expect, it } from 'vitest';
import { PLOT, tickLabels, ticks } from './chart-frame.js';
import { heatMap } from './heat-map.js';
import { histogram } from './histogram.js';
import { escapeHtml, html } from './html.js';
import { lineChart } from './line-chart.js';

const XSS = '<img src=x onerror=alert(1)>';

describe('the html tagged template', () => {
  it('escapes every interpolated value, in text and in attributes, and keeps nested html as markup', () => {
    const name = `"${XSS}'&`;
    const cell = html`<td title="${name}">${name}</td>`;
    expect(cell.text).toBe('<td title="&quot;&lt;img src=x onerror=alert(1)&gt;&#39;&amp;">&quot;&lt;img src=x onerror=alert(1)&gt;&#39;&amp;</td>');
    expect(html`<tr>${[cell, name]}</tr>`.text).toBe(`<tr>${cell.text}${escapeHtml(name)}</tr>`);
    expect(html`${null}${undefined}${false}${0}`.text).toBe('0');
  });
});

describe('chart primitives', () => {
  it('a line chart draws one group per series with its points, a gap for a missing value, and the marker on the x scale', () => {
    const svg = lineChart({
      id: 'c', title: XSS, x: { label: 'cut-off', unit: 'p', min: 0, max: 1 }, y: { label: 'cost' },
      series: [{ name: XSS, points: [[0, 1], [0.5, null], [1, 2]] }, { name: 'b', points: [[0, 0], [1, 1]] }],
      markers: [{ x: 0.25, label: 'cut-off' }],
    }).text;
    expect(svg).not.toContain('<img');
    const groups = [...svg.matchAll(/<g class="series" data-name="([^"]*)" data-points="(\d+)"[^>]*>(.*?)<\/g>/g)];
    expect(groups.map((g) => [g[1], Number(g[2])])).toEqual([[escapeHtml(XSS), 2], ['b', 2]]);
    // The missing middle value splits the first series into two one-point polylines.
    expect(groups[0]![3]!.match(/<polyline/g)).toHaveLength(2);
    expect(Number(/<g class="marker" data-value="0.25"><line x1="([\d.]+)"/.exec(svg)![1])).toBeCloseTo(PLOT.x + 0.25 * PLOT.width, 9);
    expect(svg).toContain('<details class="data"><summary>Data as a table (5 rows)');
  });

  it('a histogram draws a bar per bin and series; a heat map a cell per row and column', () => {
    const h = histogram({ id: 'h', title: 't', bins: ['a', 'b', 'c'], series: [{ name: 'ref', values: [0.2, 0.5, 0.3] }, { name: 'cur', values: [0.1, 0.1, 0.8] }], x: { label: 'x' }, y: { label: 'share' } }).text;
    expect(h.match(/<\/title><\/rect>/g)).toHaveLength(6);
    const m = heatMap({ id: 'm', title: 't', rows: ['r1', XSS], columns: ['p1', 'p2', 'p3'], values: [[0, 0.2, 0.3], [null, 0.05, 1]], value: { label: 'PSI' }, steps: [{ from: 0, colour: '#0f0', name: 'ok' }, { from: 0.25, colour: '#f00', name: 'bad' }], rowLabel: 'column', columnLabel: 'period' }).text;
    expect(m.match(/<\/title><\/rect>/g)).toHaveLength(6);
    expect(m.match(/fill="#f00"/g)).toHaveLength(3); // 0.3 and 1 cells, and the legend swatch
    expect(m).not.toContain('<img');
  });

  it('ticks are round numbers inside the range; long tick texts lose their shared prefix first', () => {
    expect(ticks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    // A step of 1, 2 or 5 × 10^k at least (max − min) / 5: 0.1 here.
    expect(ticks(0.62, 0.91)).toEqual([0.7, 0.8, 0.9]);
    expect(tickLabels(['applicants5.csv 2bd1', 'applicants6.csv 372f'], 8)).toEqual(['5.csv 2…', '6.csv 3…']);
  });
});
