import { describe, expect, it } from 'vitest';
import { quantileSorted } from '../core/stats.js';
import { PointsTally } from './score.js';

describe('PointsTally', () => {
  it('gives the same quantiles, mean and extremes as the full sorted array', () => {
    const values = Array.from({ length: 5000 }, (_, i) => 300 + ((i * 7919) % 401));
    const t = new PointsTally();
    for (const v of values) t.add(v);
    const sorted = Float64Array.from(values).sort();
    for (const q of [0, 0.1, 0.25, 0.5, 0.9, 1]) expect(t.quantile(q)).toBeCloseTo(quantileSorted(sorted, q), 12);
    expect(t.min()).toBe(sorted[0]);
    expect(t.max()).toBe(sorted[sorted.length - 1]);
    expect(t.mean()).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 9);
  });
});
