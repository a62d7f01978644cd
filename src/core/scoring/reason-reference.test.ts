import { describe, expect, it } from 'vitest';
import { reasonReference } from './reason-reference.js';

describe('reason reference set', () => {
  // 100 rows, one feature equal to the row's p(bad) × 100: the set's mean says which rows were taken.
  const p = Float64Array.from({ length: 100 }, (_, i) => i / 100);
  const X = { rows: 100, cols: 2, data: Float64Array.from({ length: 200 }, (_, k) => (k % 2 === 0 ? Math.floor(k / 2) : 1)) };

  it('average: none (the mean applicant serves)', () => {
    expect(reasonReference(X, p, 0.5, 'average')).toBeNull();
  });

  it('cutoff: the 20 rows at or just above the threshold (5% of 100 is fewer than 20)', () => {
    // Rows 50..69 have p(bad) 0.50..0.69: mean of the first feature 59.5.
    expect(reasonReference(X, p, 0.5, 'cutoff')).toEqual([59.5, 1]);
    // A threshold between rows: 0.505 starts at row 51.
    expect(reasonReference(X, p, 0.505, 'cutoff')![0]).toBeCloseTo(60.5, 12);
  });

  it('cutoff with nobody above it: the highest-risk rows', () => {
    expect(reasonReference(X, p, 2, 'cutoff')![0]).toBeCloseTo(89.5, 12);
  });
});
