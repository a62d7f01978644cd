import { binIndex, mean, pearson, quantileEdges, quantileSorted, sortedPresent, std } from '../stats.js';
import { badRate, type Dataset, type FeatureColumn } from './dataset.js';

export interface WoeBin {
  readonly label: string;
  readonly count: number;
  readonly bad: number;
  readonly bad_rate: number;
  readonly woe: number;
}

export interface LevelStats extends WoeBin {}

export interface NumericSummary {
  readonly mean: number;
  readonly std: number;
  readonly min: number;
  readonly q25: number;
  readonly median: number;
  readonly q75: number;
  readonly max: number;
  /** Equal-width histogram over [min, max]. */
  readonly histogram: { readonly edges: readonly number[]; readonly counts: readonly number[] };
}

export interface ColumnProfile {
  readonly name: string;
  readonly role: 'numeric' | 'categorical' | 'ordinal';
  readonly dtype: 'f64' | 'str';
  readonly missing: number;
  readonly missing_share: number;
  readonly distinct: number;
  readonly iv: number;
  readonly numeric: NumericSummary | null;
  readonly levels: readonly LevelStats[] | null;
  /** Weight-of-evidence bins: levels for categoricals, quantile bins for numerics; missing is its own bin. */
  readonly woe_bins: readonly WoeBin[];
}

export interface EdaReport {
  readonly dataset: string;
  readonly rows: number;
  readonly bad_rate: number;
  readonly columns: readonly ColumnProfile[];
  readonly correlations: { readonly columns: readonly string[]; readonly matrix: readonly (readonly number[])[] };
  /** Features ranked by information value, most predictive first. */
  readonly iv_ranking: readonly { readonly name: string; readonly iv: number; readonly strength: string }[];
}

const HIST_BINS = 10;
const WOE_BINS = 10;

/**
 * WoE = ln(share of goods / share of bads) per bin, the credit-scoring convention (positive = safer).
 * Empty cells get 0.5 so a bin with no bads has a finite WoE.
 */
export function woeBins(labels: readonly string[], counts: readonly number[], bads: readonly number[], totalBad: number, totalGood: number): { bins: WoeBin[]; iv: number } {
  let iv = 0;
  const bins = labels.map((label, i) => {
    const n = counts[i]!;
    const b = bads[i]!;
    const g = n - b;
    const pg = (g === 0 ? 0.5 : g) / totalGood;
    const pb = (b === 0 ? 0.5 : b) / totalBad;
    const woe = Math.log(pg / pb);
    iv += (pg - pb) * woe;
    return { label, count: n, bad: b, bad_rate: n === 0 ? 0 : b / n, woe };
  });
  return { bins, iv };
}

export function ivStrength(iv: number): string {
  if (iv < 0.02) return 'useless';
  if (iv < 0.1) return 'weak';
  if (iv < 0.3) return 'medium';
  if (iv < 0.5) return 'strong';
  return 'suspicious';
}

function profileColumn(c: FeatureColumn, y: Uint8Array, totalBad: number, totalGood: number): ColumnProfile {
  const n = y.length;
  if (c.kind === 'numeric') {
    const sorted = sortedPresent(c.values);
    const missing = n - sorted.length;
    let distinct = 0;
    for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct++;
    const min = sorted[0] ?? NaN;
    const max = sorted[sorted.length - 1] ?? NaN;
    const width = (max - min) / HIST_BINS;
    const hist = new Array<number>(HIST_BINS).fill(0);
    for (const v of sorted) hist[width > 0 ? Math.min(HIST_BINS - 1, Math.floor((v - min) / width)) : 0]!++;
    const edges = quantileEdges(sorted, WOE_BINS);
    const labels = [...edges.map((e, i) => `${i === 0 ? '-inf' : fmt(edges[i - 1]!)} .. ${fmt(e)}`), `> ${fmt(edges[edges.length - 1] ?? -Infinity)}`];
    const counts = new Array<number>(labels.length + 1).fill(0);
    const bads = new Array<number>(labels.length + 1).fill(0);
    for (let i = 0; i < n; i++) {
      const v = c.values[i]!;
      const k = Number.isNaN(v) ? labels.length : binIndex(edges, v);
      counts[k]!++;
      bads[k]! += y[i]!;
    }
    if (missing > 0) labels.push('(missing)');
    else {
      counts.pop();
      bads.pop();
    }
    const { bins, iv } = woeBins(labels, counts, bads, totalBad, totalGood);
    return {
      name: c.name, role: 'numeric', dtype: 'f64', missing, missing_share: missing / n, distinct, iv,
      numeric: {
        mean: mean(sorted), std: std(sorted, 1), min, q25: quantileSorted(sorted, 0.25), median: quantileSorted(sorted, 0.5),
        q75: quantileSorted(sorted, 0.75), max,
        histogram: { edges: Array.from({ length: HIST_BINS + 1 }, (_, i) => min + i * width), counts: hist },
      },
      levels: null,
      woe_bins: bins,
    };
  }
  const index = new Map<string, number>(c.levels.map((l, i) => [l, i]));
  const labels = [...c.levels];
  const counts = new Array<number>(labels.length).fill(0);
  const bads = new Array<number>(labels.length).fill(0);
  let missing = 0;
  for (let i = 0; i < n; i++) {
    const v = c.values[i];
    if (v === null || v === undefined) {
      missing++;
      continue;
    }
    let k = index.get(v);
    if (k === undefined) {
      k = labels.length;
      index.set(v, k);
      labels.push(v);
      counts.push(0);
      bads.push(0);
    }
    counts[k]!++;
    bads[k]! += y[i]!;
  }
  // Codebook levels that never occur carry no evidence; keep them out of WoE/IV.
  const present = labels.map((_, i) => i).filter((i) => counts[i]! > 0);
  const pl = present.map((i) => labels[i]!);
  const pc = present.map((i) => counts[i]!);
  const pb = present.map((i) => bads[i]!);
  if (missing > 0) {
    let mb = 0;
    for (let i = 0; i < n; i++) if (c.values[i] === null) mb += y[i]!;
    pl.push('(missing)');
    pc.push(missing);
    pb.push(mb);
  }
  const { bins, iv } = woeBins(pl, pc, pb, totalBad, totalGood);
  return {
    name: c.name, role: c.ordinal ? 'ordinal' : 'categorical', dtype: 'str', missing, missing_share: missing / n,
    distinct: present.length, iv, numeric: null,
    levels: bins.filter((b) => b.label !== '(missing)'),
    woe_bins: bins,
  };
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toPrecision(4);
}

/** The full exploratory profile of a dataset: per-column statistics, WoE/IV, and numeric correlations. */
export function profileDataset(ds: Dataset): EdaReport {
  const rate = badRate(ds);
  const totalBad = Math.round(rate * ds.rows);
  const totalGood = ds.rows - totalBad;
  const columns = ds.features.map((c) => profileColumn(c, ds.target, totalBad, totalGood));
  const numeric = ds.features.filter((c) => c.kind === 'numeric');
  const matrix = numeric.map((a) => numeric.map((b) => (a === b ? 1 : pearson(a.values, b.values))));
  return {
    dataset: ds.name,
    rows: ds.rows,
    bad_rate: rate,
    columns,
    correlations: { columns: numeric.map((c) => c.name), matrix },
    iv_ranking: [...columns].sort((a, b) => b.iv - a.iv || a.name.localeCompare(b.name)).map((c) => ({ name: c.name, iv: c.iv, strength: ivStrength(c.iv) })),
  };
}
