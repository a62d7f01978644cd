import type { InputColumn } from './profile.js';

/** Units of the numeric columns of the three known layouts, so a reason reads "duration 38 months". */
const UNITS: Readonly<Record<string, string>> = {
  duration: 'months', credit_amount: 'DM', age: 'years',
  laufzeit: 'months', hoehe: 'DM', alter: 'years',
  Duration: 'months', 'Credit amount': 'DM', Age: 'years',
};

/** How "more" reads for a column: a longer duration, an older applicant, a higher amount. */
const MORE: Readonly<Record<string, string>> = { duration: 'longer', laufzeit: 'longer', Duration: 'longer', age: 'older', alter: 'older', Age: 'older' };

const PERCENTILES = 100;

/** Training values at 0%, 1%, …, 100% (linear interpolation), stored in the bundle for reason texts. */
export function percentilesOf(sorted: ArrayLike<number>): number[] {
  const n = sorted.length;
  if (n === 0) return [];
  return Array.from({ length: PERCENTILES + 1 }, (_, q) => {
    const h = ((n - 1) * q) / PERCENTILES;
    const lo = Math.floor(h);
    const hi = Math.min(n - 1, lo + 1);
    return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
  });
}

/** Share of training applicants below `v`, read off the stored percentiles (to the nearest percent). */
export function shareBelow(percentiles: readonly number[], v: number): number {
  let below = 0;
  for (let q = 0; q < percentiles.length; q++) if (percentiles[q]! < v) below = q;
  if (v > percentiles.at(-1)!) return 1;
  return v <= percentiles[0]! ? 0 : below / PERCENTILES;
}

function formatNumber(v: number): string {
  return Math.abs(v) >= 10_000 || (Number.isInteger(v) && Math.abs(v) >= 1000) ? v.toLocaleString('en-US', { maximumFractionDigits: 2 }) : String(v);
}

/**
 * A reason in plain words with its context from the training rows: where a number sits among the
 * applicants ("duration 38 months (longer than 87% of applicants)", "credit amount 9,350 DM (top 10%)"),
 * and how often a category went bad ("checking status < 0 DM (49% of such applicants were bad)").
 * Bundles made before the context was stored get the plain "<column> is <value>".
 */
export function reasonText(words: string, column: InputColumn | undefined, value: number | string | null): string {
  if (value === null || (typeof value === 'number' && Number.isNaN(value))) return `${words} is missing`;
  if (column?.kind === 'numeric' && typeof value === 'number' && column.percentiles && column.percentiles.length > 1) {
    const unit = UNITS[column.name];
    const shown = `${words} ${formatNumber(value)}${unit ? ` ${unit}` : ''}`;
    const share = shareBelow(column.percentiles, value);
    if (share >= 0.9) return `${shown} (top ${Math.max(1, Math.round((1 - share) * 100))}%)`;
    if (share <= 0.1 && value <= column.percentiles[Math.round(PERCENTILES / 10)]!) return `${shown} (bottom ${Math.max(1, Math.round(share * 100) || 1)}%)`;
    return `${shown} (${MORE[column.name] ?? 'higher'} than ${Math.round(share * 100)}% of applicants)`;
  }
  if (column?.kind === 'categorical' && typeof value === 'string' && column.bad_rates && column.bad_rates[value] !== undefined) {
    return `${words} ${value} (${Math.round(column.bad_rates[value]! * 100)}% of such applicants were bad)`;
  }
  return `${words} is ${typeof value === 'number' ? String(value) : value}`;
}
