import type { ColumnCounts } from './tallies.js';

/** One column's data quality in one period, against the training profile (the reference). */
export interface ColumnQuality {
  readonly column: string;
  readonly missing_rate: number;
  readonly missing_rate_reference: number;
  /** Rows with a category the reference never had (categorical columns). */
  readonly unseen: number;
  readonly unseen_examples: readonly string[];
  /** Rows with a number below the reference's minimum or above its maximum (numeric columns). */
  readonly out_of_range: number;
  readonly alerts: readonly ('missing' | 'unseen' | 'out_of_range')[];
}

export interface DataQuality {
  /** Missing cells / all cells of the monitored inputs. */
  readonly missing_rate: number;
  readonly columns: readonly ColumnQuality[];
  readonly alert: boolean;
}

/**
 * Counts above what chance allows: a reference of N rows leaves each kind of surprise a small probability
 * even for new rows of the same population (a new maximum: 2/(N+1); a never-seen category: the share of
 * categories seen once, Good–Turing), so one out-of-range age in a batch of 500 is expected and not an
 * alert. A count alerts above n·p + 3·sd (binomial at the period's n), like every other band here.
 */
function exceeds(count: number, n: number, p: number, sigmas: number): boolean {
  return count > n * p + sigmas * Math.sqrt(n * p * (1 - p)) + 1e-9;
}

/** Missing rate, unseen categories and out-of-range numbers of a period's columns against the reference's. */
export function dataQuality(ref: readonly ColumnCounts[], cur: readonly ColumnCounts[], sigmas = 3): DataQuality {
  let missing = 0;
  let cells = 0;
  const columns = cur.map((c, j): ColumnQuality => {
    const r = ref[j]!;
    const N = Math.max(1, r.total);
    const n = Math.max(1, c.total);
    missing += c.missing;
    cells += c.total;
    const missRef = r.missing / N;
    let unseen = 0;
    const examples: string[] = [];
    let outOfRange = 0;
    let pSurprise = 0;
    if (c.kind === 'categorical') {
      for (const [label, count] of c.labels) {
        if (r.labels.has(label)) continue;
        unseen += count;
        if (examples.length < 3) examples.push(label);
      }
      const singletons = [...r.labels.values()].filter((k) => k === 1).length;
      pSurprise = Math.max(singletons, 1) / (N + 1);
    } else {
      let lo = Infinity;
      let hi = -Infinity;
      for (const v of r.numbers.counts.keys()) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      for (const [v, count] of c.numbers.counts) if (v < lo || v > hi) outOfRange += count;
      pSurprise = 2 / (N + 1);
    }
    const alerts: ColumnQuality['alerts'][number][] = [];
    // A column never missing in the reference may still miss now and then: at least 1/(N+1).
    if (exceeds(c.missing, n, Math.max(missRef, 1 / (N + 1)), sigmas)) alerts.push('missing');
    if (exceeds(unseen, n, pSurprise, sigmas)) alerts.push('unseen');
    if (exceeds(outOfRange, n, pSurprise, sigmas)) alerts.push('out_of_range');
    return { column: c.name, missing_rate: c.missing / n, missing_rate_reference: missRef, unseen, unseen_examples: examples, out_of_range: outOfRange, alerts };
  });
  return { missing_rate: cells ? missing / cells : 0, columns, alert: columns.some((c) => c.alerts.length > 0) };
}
