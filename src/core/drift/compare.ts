import type { Params } from '../params/params.js';
import { ks2samp } from './ks.js';
import { asRuns, type Runs } from './runs.js';
import { alignCounts, chi2Contingency, jensenShannon, populationStd, psiFromShares, quantileBinShares, wasserstein, type Sample } from './stats.js';

/**
 * One column of one sample, reduced to what the statistics need. Missing values are counted, not used.
 * A numeric sample is its ascending values or their runs; a streamed file may give it as a function, so
 * spilled values are read only while that column is compared.
 */
export type DriftColumn =
  | { readonly name: string; readonly kind: 'numeric'; readonly sample: Sample | (() => Sample); readonly missing: number; readonly total: number }
  | { readonly name: string; readonly kind: 'categorical'; readonly counts: ReadonlyMap<string, number>; readonly missing: number; readonly total: number };

/** Thresholds of params.yaml's `drift` section. */
export type DriftThresholds = Params['drift'];

export type DriftTest = 'ks' | 'chi2' | 'wasserstein' | 'jensenshannon';

export interface ColumnDrift {
  readonly column: string;
  readonly kind: 'numeric' | 'categorical';
  /** The test that decides the verdict (Evidently's default for the reference size). */
  readonly test: DriftTest;
  readonly ks_stat: number | null;
  readonly ks_p: number | null;
  readonly psi: number;
  readonly psi_band: 'stable' | 'investigate' | 'significant';
  readonly wasserstein: number | null;
  readonly wasserstein_normed: number | null;
  readonly chi2: number | null;
  readonly chi2_p: number | null;
  readonly js_distance: number | null;
  readonly miss_ref: number;
  readonly miss_cur: number;
  readonly drifted: boolean;
  /** Why the column drifted (or 'no drift'), in words. */
  readonly reason: string;
  /** Reference and current shares per bin or category, for histograms. */
  readonly bins: { readonly labels: readonly string[]; readonly ref: readonly number[]; readonly cur: readonly number[] };
}

export interface DatasetDrift {
  readonly dataset_drift: boolean;
  readonly drift_share: number;
  readonly drifted_columns: number;
  readonly columns: readonly ColumnDrift[];
}

const SMALL_SAMPLE = 1000;
const FEW_VALUES = 5;

type NumericColumn = Extract<DriftColumn, { kind: 'numeric' }> & { readonly sample: Runs };

/** The column with its sample as runs in memory. */
function materialize(c: DriftColumn): NumericColumn | Extract<DriftColumn, { kind: 'categorical' }> {
  if (c.kind !== 'numeric') return c;
  return { ...c, sample: asRuns(typeof c.sample === 'function' ? c.sample() : c.sample) };
}

/** A numeric column with few distinct values is compared as categories (Evidently's rule). */
function asCategorical(c: NumericColumn): Extract<DriftColumn, { kind: 'categorical' }> {
  const counts = new Map<string, number>();
  const r = c.sample;
  for (let i = 0; i < r.values.length; i++) counts.set(String(r.values[i]), (counts.get(String(r.values[i])) ?? 0) + r.counts[i]!);
  return { name: c.name, kind: 'categorical', counts, missing: c.missing, total: c.total };
}

function band(psi: number, t: DriftThresholds): ColumnDrift['psi_band'] {
  return psi >= t.psi_significant ? 'significant' : psi >= t.psi_investigate ? 'investigate' : 'stable';
}

const fmt = (x: number): string => (Math.abs(x) >= 0.001 || x === 0 ? x.toFixed(3) : x.toExponential(1));

/** Compares one column of the reference with the current sample. */
export function compareColumn(refColumn: DriftColumn, curColumn: DriftColumn, t: DriftThresholds): ColumnDrift {
  const ref = materialize(refColumn);
  const cur = materialize(curColumn);
  const missRef = ref.total ? ref.missing / ref.total : 0;
  const missCur = cur.total ? cur.missing / cur.total : 0;
  const refPresent = ref.total - ref.missing;
  const missingFlag = Math.abs(missCur - missRef) >= t.missing_share_change;
  const small = refPresent <= SMALL_SAMPLE;
  const numeric = ref.kind === 'numeric' && cur.kind === 'numeric' && ref.sample.values.length > FEW_VALUES;
  let out: Omit<ColumnDrift, 'drifted' | 'reason'>;
  let statDrift: boolean;
  let statText: string;
  if (numeric) {
    const a = ref.sample;
    const b = cur.sample;
    const ks = a.n && b.n ? ks2samp(a, b) : { statistic: NaN, pvalue: NaN };
    const w = a.n && b.n ? wasserstein(a, b) : NaN;
    const wn = w / Math.max(populationStd(a), 0.001);
    const shares = quantileBinShares(a, b, t.psi_bins);
    const psi = psiFromShares(shares.ref, shares.cur);
    const labels = [...shares.edges.map((e, i) => `${i === 0 ? '≤' : ''}${e.toPrecision(4)}`), `>${(shares.edges.at(-1) ?? a.values[0] ?? 0).toPrecision(4)}`];
    out = {
      column: ref.name, kind: 'numeric', test: small ? 'ks' : 'wasserstein', ks_stat: ks.statistic, ks_p: ks.pvalue, psi, psi_band: band(psi, t),
      wasserstein: w, wasserstein_normed: wn, chi2: null, chi2_p: null, js_distance: null, miss_ref: missRef, miss_cur: missCur,
      bins: { labels, ref: shares.ref, cur: shares.cur },
    };
    statDrift = small ? ks.pvalue < t.p_value : wn >= t.distance_threshold;
    statText = small ? `KS p=${fmt(ks.pvalue)} < ${t.p_value}` : `Wasserstein (normed) ${fmt(wn)} >= ${t.distance_threshold}`;
  } else {
    const rc = ref.kind === 'numeric' ? asCategorical(ref) : ref;
    const cc = cur.kind === 'numeric' ? asCategorical(cur) : cur;
    const { categories, ref: rn, cur: cn } = alignCounts(rc.counts, cc.counts);
    const sr = rn.reduce((x, y) => x + y, 0);
    const scn = cn.reduce((x, y) => x + y, 0);
    const refShares = rn.map((v) => v / Math.max(1, sr));
    const curShares = cn.map((v) => v / Math.max(1, scn));
    const chi = sr && scn ? chi2Contingency(rn, cn) : { statistic: NaN, pvalue: NaN };
    const js = sr && scn ? jensenShannon(rn, cn) : NaN;
    const psi = psiFromShares(refShares, curShares);
    out = {
      column: ref.name, kind: 'categorical', test: small ? 'chi2' : 'jensenshannon', ks_stat: null, ks_p: null, psi, psi_band: band(psi, t),
      wasserstein: null, wasserstein_normed: null, chi2: chi.statistic, chi2_p: chi.pvalue, js_distance: js, miss_ref: missRef, miss_cur: missCur,
      bins: { labels: categories, ref: refShares, cur: curShares },
    };
    statDrift = small ? chi.pvalue < t.p_value : js >= t.distance_threshold;
    statText = small ? `chi-squared p=${fmt(chi.pvalue)} < ${t.p_value}` : `Jensen-Shannon ${fmt(js)} >= ${t.distance_threshold}`;
  }
  const reasons: string[] = [];
  if (statDrift) reasons.push(statText);
  if (missingFlag) reasons.push(`missing share ${(missRef * 100).toFixed(1)}% -> ${(missCur * 100).toFixed(1)}%`);
  return { ...out, drifted: statDrift || missingFlag, reason: reasons.length ? reasons.join('; ') : 'no drift' };
}

/** Per-column comparison and the dataset verdict: drift when the drifted share reaches the threshold. */
export function compareDatasets(ref: readonly DriftColumn[], cur: readonly DriftColumn[], t: DriftThresholds): DatasetDrift {
  const columns = ref.map((r) => compareColumn(r, cur.find((c) => c.name === r.name)!, t));
  const drifted = columns.filter((c) => c.drifted).length;
  const share = columns.length ? drifted / columns.length : 0;
  return { dataset_drift: share >= t.drift_share, drift_share: share, drifted_columns: drifted, columns };
}
