import { compareColumn, type DriftThresholds } from '../drift/compare.js';
import { psiFromShares, quantileBinShares } from '../drift/stats.js';
import { UserError } from '../errors.js';
import { estimatePerformance, type PerformanceEstimate } from './cbpe.js';
import type { ValueApprovals } from './group-approvals.js';
import { ColumnCounts, expectedScores, NumberTally, observedScores, roundP, weightedAuc, weightedKs } from './tallies.js';

/** How scored rows are cut into periods: one per scoring batch, per calendar unit (UTC), or every N rows. */
export type PeriodBy = { readonly kind: 'batch' | 'day' | 'week' | 'month' } | { readonly kind: 'rows'; readonly n: number };

export function parsePeriodBy(text: string): PeriodBy {
  if (text === 'batch' || text === 'day' || text === 'week' || text === 'month') return { kind: text };
  const n = Number(/^(\d+)(?:\s*rows)?$/.exec(text.trim())?.[1]);
  if (Number.isInteger(n) && n >= 10) return { kind: 'rows', n };
  throw new UserError(`invalid --by ${JSON.stringify(text)}`, {}, "use batch, day, week, month, or a number of rows (at least 10), e.g. '500 rows'");
}

/** One scored applicant as monitoring sees it: decoded inputs, p(bad), the decision, and the outcome if known. */
export interface MonitorRow {
  readonly ts: string;
  /** The scoring batch (run id of `score`) or the serving process the row came from. */
  readonly batch: string;
  readonly id: string | null;
  readonly inputs: Readonly<Record<string, string | number | null>>;
  readonly p_bad: number;
  readonly decision: 'approve' | 'decline';
  /** 1 = bad, 0 = good, null = not known yet. */
  readonly bad: 0 | 1 | null;
}

/** The period a row belongs to; `index` is the row's position in time order (for N-row chunks). */
export function periodOf(by: PeriodBy, row: Pick<MonitorRow, 'ts' | 'batch'>, index: number): string {
  switch (by.kind) {
    case 'batch':
      return row.batch;
    case 'day':
      return row.ts.slice(0, 10);
    case 'month':
      return row.ts.slice(0, 7);
    case 'week': {
      // ISO weeks start on Monday: the period is named after its Monday.
      const d = new Date(`${row.ts.slice(0, 10)}T00:00:00Z`);
      d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
      return `week of ${d.toISOString().slice(0, 10)}`;
    }
    case 'rows':
      return `rows ${Math.floor(index / by.n) * by.n + 1}-${(Math.floor(index / by.n) + 1) * by.n}`;
  }
}

export interface InputSpec {
  readonly name: string;
  readonly kind: 'numeric' | 'categorical';
}

/** Costs of the two errors (params.yaml `cost`), to price the decisions of labelled rows. */
export interface Costs {
  readonly bad_predicted_good: number;
  readonly good_predicted_bad: number;
}

export interface PeriodOptions {
  /** A row's reconstruction error (multivariate drift). */
  readonly rowError?: (inputs: MonitorRow['inputs']) => number;
  /** Columns whose approvals are counted per value (the protected attributes' sources). */
  readonly groupColumns?: readonly string[];
}

/** Everything a period needs, in memory bounded by distinct values (not rows). */
export class PeriodState {
  rows = 0;
  approvals = 0;
  pSum = 0;
  pSqSum = 0;
  /** Sum of p(bad) over the approved: their expected number of bads. */
  approvedPSum = 0;
  labeled = 0;
  bads = 0;
  labeledApproved = 0;
  badApproved = 0;
  cost = 0;
  /** Sum of the rows' reconstruction errors (multivariate drift), when a reconstruction is given. */
  errorSum = 0;
  from = '';
  to = '';
  readonly pTally = new NumberTally();
  readonly badAt = new Map<number, number>();
  readonly goodAt = new Map<number, number>();
  readonly columns: ColumnCounts[];

  /** Rows and approvals per distinct value of the protected attributes' columns (fairness per period). */
  readonly approvalsBy = new Map<string, ValueApprovals>();
  private readonly rowError: ((inputs: MonitorRow['inputs']) => number) | undefined;

  constructor(readonly key: string, inputs: readonly InputSpec[], opts: PeriodOptions = {}) {
    this.columns = inputs.map((c) => new ColumnCounts(c.name, c.kind));
    this.rowError = opts.rowError;
    for (const c of opts.groupColumns ?? []) if (inputs.some((i) => i.name === c)) this.approvalsBy.set(c, new Map());
  }

  add(r: MonitorRow, costs: Costs): void {
    this.rows++;
    const approved = r.decision === 'approve';
    if (approved) {
      this.approvals++;
      this.approvedPSum += r.p_bad;
    }
    this.pSum += r.p_bad;
    this.pSqSum += r.p_bad * r.p_bad;
    const p = roundP(r.p_bad);
    this.pTally.add(p);
    if (!this.from || r.ts < this.from) this.from = r.ts;
    if (r.ts > this.to) this.to = r.ts;
    for (const c of this.columns) c.add(r.inputs[c.name] ?? null);
    if (this.rowError) this.errorSum += this.rowError(r.inputs);
    for (const [column, tally] of this.approvalsBy) {
      const v = r.inputs[column] ?? null;
      const t = tally.get(v) ?? { n: 0, approved: 0 };
      t.n++;
      if (approved) t.approved++;
      tally.set(v, t);
    }
    if (r.bad === null) return;
    this.labeled++;
    this.bads += r.bad;
    if (approved) {
      this.labeledApproved++;
      this.badApproved += r.bad;
    }
    const at = r.bad ? this.badAt : this.goodAt;
    at.set(p, (at.get(p) ?? 0) + 1);
    if (r.bad && r.decision === 'approve') this.cost += costs.bad_predicted_good;
    if (!r.bad && r.decision === 'decline') this.cost += costs.good_predicted_bad;
  }
}

export interface PeriodMetrics extends PerformanceEstimate {
  readonly period: string;
  readonly from: string;
  readonly to: string;
  readonly rows: number;
  readonly approval_rate: number;
  readonly mean_p_bad: number;
  /** PSI of the p(bad) distribution against the reference's (prediction drift). */
  readonly score_psi: number;
  readonly drift_share: number;
  readonly drifted_columns: readonly string[];
  /** PSI of each input column against the reference, by name (the dashboard's heat map of columns by period). */
  readonly column_psi?: Readonly<Record<string, number>>;
  /** Rows whose outcome is known. */
  readonly labeled: number;
  readonly auc: number | null;
  readonly gini: number | null;
  readonly ks: number | null;
  readonly bad_rate: number | null;
  /** Realised bad rate among the approved whose outcome is known (beside estimated_bad_rate_approved). */
  readonly bad_rate_approved: number | null;
  readonly expected_cost: number | null;
  /** Expected bad rate of all rows: their mean p(bad). */
  readonly estimated_bad_rate: number;
}

/** The reference a period is compared with: its p(bad) distribution, its input columns and the figures bands start from. */
export interface ReferenceSummary {
  readonly pTally: NumberTally;
  readonly columns: readonly ColumnCounts[];
  readonly rows: number;
  readonly approval_rate: number;
  readonly mean_p_bad: number;
  /** Standard deviation of one row's p(bad). */
  readonly sd_p_bad: number;
}

export function summarizeReference(state: PeriodState): ReferenceSummary {
  const mean = state.pSum / state.rows;
  return {
    pTally: state.pTally, columns: state.columns, rows: state.rows, approval_rate: state.approvals / state.rows,
    mean_p_bad: mean, sd_p_bad: Math.sqrt(Math.max(0, state.pSqSum / state.rows - mean * mean)),
  };
}

/** A period's figures against the reference, with the existing drift statistics, unchanged. */
export function periodMetrics(s: PeriodState, ref: ReferenceSummary, t: DriftThresholds): PeriodMetrics {
  const shares = quantileBinShares(ref.pTally.runs(), s.pTally.runs(), t.psi_bins);
  const drift = s.columns.map((c, j) => compareColumn(ref.columns[j]!.driftColumn(), c.driftColumn(), t));
  const drifted = drift.filter((d) => d.drifted).map((d) => d.column);
  const observed = observedScores(s.badAt, s.goodAt);
  const auc = s.labeled > 0 ? weightedAuc(observed) : null;
  return {
    period: s.key, from: s.from, to: s.to, rows: s.rows,
    approval_rate: s.approvals / s.rows, mean_p_bad: s.pSum / s.rows, score_psi: psiFromShares(shares.ref, shares.cur),
    drift_share: drift.length ? drifted.length / drift.length : 0, drifted_columns: drifted,
    column_psi: Object.fromEntries(drift.map((d) => [d.column, d.psi])),
    labeled: s.labeled, auc, gini: auc === null ? null : 2 * auc - 1, ks: s.labeled > 0 ? weightedKs(observed) : null,
    bad_rate: s.labeled > 0 ? s.bads / s.labeled : null, bad_rate_approved: s.labeledApproved > 0 ? s.badApproved / s.labeledApproved : null,
    expected_cost: s.labeled > 0 ? s.cost / s.labeled : null,
    ...estimatePerformance(s.pTally, s.approvedPSum, s.approvals), estimated_bad_rate: s.pSum / s.rows,
  };
}

/** The metrics that get alert bands, and which side of a band is an alert. */
export const MONITORED = {
  approval_rate: 'both',
  mean_p_bad: 'both',
  score_psi: 'upper',
  drift_share: 'upper',
  auc: 'lower',
  estimated_auc: 'lower',
} as const;
export type MonitoredMetric = keyof typeof MONITORED;

export interface Band {
  readonly metric: MonitoredMetric;
  readonly lower: number | null;
  readonly upper: number | null;
  /** The figure under no change (the reference's); null for a band fixed in params.yaml. */
  readonly centre: number | null;
  /** Where the band came from: reference chunks (mean ± 3 sd), the reference at the period's size, or params.yaml. */
  readonly source: 'reference' | 'params';
}

/**
 * Mean ± 3 standard deviations of each metric over reference chunks (NannyML's default band). Chunks of the
 * reference hardly ever drift from the reference they belong to, so the drift-share band would be zero; its
 * upper edge is at least one column's share: one column flagged alone (expected by chance among many
 * columns at p < 0.05) is not an alert, two are.
 */
export function bandsFromChunks(chunks: readonly PeriodMetrics[], columns: number, sigmas = 3): Band[] {
  const bands: Band[] = [];
  for (const metric of Object.keys(MONITORED) as MonitoredMetric[]) {
    const xs = chunks.map((c) => c[metric]).filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
    if (xs.length < 2) continue;
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
    const side = MONITORED[metric];
    const upper = metric === 'drift_share' ? Math.max(mean + sigmas * sd, 1 / Math.max(1, columns)) : mean + sigmas * sd;
    bands.push({ metric, lower: side === 'upper' ? null : mean - sigmas * sd, upper: side === 'lower' ? null : upper, centre: mean, source: 'reference' });
  }
  return bands;
}

/**
 * The bands of a period of `n` rows. Approval rate and mean p(bad) are a proportion and a mean, so their
 * spread at n follows from the reference alone: binomial variance a(1 - a)/n and var(p)/n, plus the
 * reference's own sampling variance (its N rows are a sample too). A few reference chunks of another size
 * cannot give that: five chunks of 200 put a 500-row copy of the training data outside its band (#33).
 * AUCs shrink as 1/sqrt(n) too, so their chunk spread is rescaled from the chunk size to n, and score PSI's
 * band as 1/n + 1/N.
 */
export function bandsForSize(chunkBands: readonly Band[], ref: ReferenceSummary, n: number, chunkRows: number, sigmas = 3): Band[] {
  const width = (sdRow: number): number => sigmas * sdRow * Math.sqrt(1 / n + 1 / ref.rows);
  const a = ref.approval_rate;
  const sized: Band[] = [
    { metric: 'approval_rate', lower: a - width(Math.sqrt(a * (1 - a))), upper: a + width(Math.sqrt(a * (1 - a))), centre: a, source: 'reference' },
    { metric: 'mean_p_bad', lower: ref.mean_p_bad - width(ref.sd_p_bad), upper: ref.mean_p_bad + width(ref.sd_p_bad), centre: ref.mean_p_bad, source: 'reference' },
  ];
  const scale = Math.sqrt(chunkRows / n);
  for (const b of chunkBands) {
    if (b.metric === 'approval_rate' || b.metric === 'mean_p_bad') continue;
    if ((b.metric === 'auc' || b.metric === 'estimated_auc') && b.lower !== null && b.centre !== null) {
      // Only the half-width (3 sd) scales with the size, around the chunks' mean.
      sized.push({ ...b, lower: b.centre - (b.centre - b.lower) * scale });
    } else if (b.metric === 'score_psi' && b.upper !== null && b.centre !== null) {
      // With no change, PSI is a chi-square-like sum whose mean and spread both go as 1/n + 1/N: the whole
      // band scales from the chunks' size to the period's.
      const f = (1 / n + 1 / ref.rows) / (1 / chunkRows + 1 / ref.rows);
      sized.push({ ...b, upper: b.upper * f, centre: b.centre * f });
    } else sized.push(b);
  }
  return sized;
}
/** The metrics of a period that lie outside their band. */
export function alertsOf(m: PeriodMetrics, bands: readonly Band[]): MonitoredMetric[] {
  const out: MonitoredMetric[] = [];
  for (const b of bands) {
    const x = m[b.metric];
    if (typeof x !== 'number' || !Number.isFinite(x)) continue;
    if ((b.lower !== null && x < b.lower) || (b.upper !== null && x > b.upper)) out.push(b.metric);
  }
  return out;
}
