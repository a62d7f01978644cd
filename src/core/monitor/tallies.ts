import type { DriftColumn } from '../drift/compare.js';
import type { Runs } from '../drift/runs.js';

/** p(bad) is kept to 1e-6: tallies stay bounded by distinct values while AUC and PSI are unchanged in practice. */
export const P_RESOLUTION = 1e6;
export const roundP = (p: number): number => Math.round(p * P_RESOLUTION) / P_RESOLUTION;

/** Counts per distinct number, turned into drift runs on demand. */
export class NumberTally {
  readonly counts = new Map<number, number>();
  n = 0;

  add(v: number, c = 1): void {
    this.counts.set(v, (this.counts.get(v) ?? 0) + c);
    this.n += c;
  }

  runs(): Runs {
    const entries = [...this.counts].sort((a, b) => a[0] - b[0]);
    return { values: Float64Array.from(entries, (e) => e[0]), counts: Float64Array.from(entries, (e) => e[1]), n: this.n };
  }
}

/** One input column of one period: its value counts and how many rows lacked it. */
export class ColumnCounts {
  readonly numbers = new NumberTally();
  readonly labels = new Map<string, number>();
  missing = 0;
  total = 0;

  constructor(readonly name: string, readonly kind: 'numeric' | 'categorical') {}

  add(v: string | number | null): void {
    this.total++;
    if (v === null || (typeof v === 'number' && Number.isNaN(v))) this.missing++;
    else if (this.kind === 'numeric') this.numbers.add(typeof v === 'number' ? v : Number(v));
    else this.labels.set(String(v), (this.labels.get(String(v)) ?? 0) + 1);
  }

  merge(o: ColumnCounts): void {
    for (const [v, c] of o.numbers.counts) this.numbers.add(v, c);
    for (const [v, c] of o.labels) this.labels.set(v, (this.labels.get(v) ?? 0) + c);
    this.missing += o.missing;
    this.total += o.total;
  }

  driftColumn(): DriftColumn {
    return this.kind === 'numeric'
      ? { name: this.name, kind: 'numeric', sample: this.numbers.runs(), missing: this.missing, total: this.total }
      : { name: this.name, kind: 'categorical', counts: this.labels, missing: this.missing, total: this.total };
  }
}

/** Distinct p(bad) values with their weights of bad and good applicants (observed, or expected from p). */
export interface WeightedScores {
  readonly p: Float64Array;
  readonly bad: Float64Array;
  readonly good: Float64Array;
}

function weighted(bad: ReadonlyMap<number, number>, good: ReadonlyMap<number, number>): WeightedScores {
  const ps = [...new Set([...bad.keys(), ...good.keys()])].sort((a, b) => a - b);
  return { p: Float64Array.from(ps), bad: Float64Array.from(ps, (p) => bad.get(p) ?? 0), good: Float64Array.from(ps, (p) => good.get(p) ?? 0) };
}

/** Observed outcomes per p(bad): realised performance. */
export function observedScores(badAt: ReadonlyMap<number, number>, goodAt: ReadonlyMap<number, number>): WeightedScores {
  return weighted(badAt, goodAt);
}

/**
 * Expected outcomes per p(bad) when labels are not known yet: an applicant scored p is p bad and 1 - p good
 * (confidence-based performance estimation, NannyML's CBPE; it assumes p(bad) is calibrated).
 */
export function expectedScores(pTally: NumberTally): WeightedScores {
  const bad = new Map<number, number>();
  const good = new Map<number, number>();
  for (const [p, c] of pTally.counts) {
    bad.set(p, c * p);
    good.set(p, c * (1 - p));
  }
  return weighted(bad, good);
}

/** ROC AUC from weighted scores: P(score of a bad > score of a good), ties counted half (= roc_auc_score). */
export function weightedAuc(s: WeightedScores): number | null {
  let goodBelow = 0;
  let area = 0;
  let nBad = 0;
  let nGood = 0;
  for (let i = 0; i < s.p.length; i++) {
    area += s.bad[i]! * (goodBelow + s.good[i]! / 2);
    goodBelow += s.good[i]!;
    nBad += s.bad[i]!;
    nGood += s.good[i]!;
  }
  return nBad > 0 && nGood > 0 ? area / (nBad * nGood) : null;
}

/** Kolmogorov–Smirnov distance between the score distributions of bad and good applicants. */
export function weightedKs(s: WeightedScores): number | null {
  const nBad = s.bad.reduce((a, b) => a + b, 0);
  const nGood = s.good.reduce((a, b) => a + b, 0);
  if (nBad === 0 || nGood === 0) return null;
  let cb = 0;
  let cg = 0;
  let ks = 0;
  for (let i = 0; i < s.p.length; i++) {
    cb += s.bad[i]! / nBad;
    cg += s.good[i]! / nGood;
    ks = Math.max(ks, Math.abs(cb - cg));
  }
  return ks;
}
