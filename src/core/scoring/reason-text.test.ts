import { describe, expect, it } from 'vitest';
import type { InputColumn } from './profile.js';
import { percentilesOf, reasonText, shareBelow } from './reason-text.js';

const values = Float64Array.from({ length: 101 }, (_, i) => i * 10); // 0, 10, …, 1000
const duration: InputColumn = { name: 'duration', kind: 'numeric', min: 0, max: 1000, missing_allowed: false, percentiles: percentilesOf(values) };
const amount: InputColumn = { name: 'credit_amount', kind: 'numeric', min: 0, max: 1000, missing_allowed: false, percentiles: percentilesOf(values.map((v) => v * 20)) };

describe('reason texts with context', () => {
  it('percentiles interpolate like numpy and the share below a value is read off them', () => {
    expect(percentilesOf([1, 2, 3, 4, 5])[50]).toBe(3);
    expect(percentilesOf([1, 2, 3, 4, 5])[25]).toBe(2);
    expect(percentilesOf([0, 10])[37]).toBeCloseTo(3.7, 12);
    expect(shareBelow(duration.percentiles!, 385)).toBe(0.38);
    expect(shareBelow(duration.percentiles!, -1)).toBe(0);
    expect(shareBelow(duration.percentiles!, 5000)).toBe(1);
  });

  it('numbers carry their unit, thousands separators and where they sit among applicants', () => {
    expect(reasonText('duration', duration, 385)).toBe('duration 385 months (longer than 38% of applicants)');
    expect(reasonText('credit amount', amount, 19_350)).toBe('credit amount 19,350 DM (top 4%)');
    expect(reasonText('duration', duration, 30)).toBe('duration 30 months (bottom 2%)');
    expect(reasonText('duration', duration, NaN)).toBe('duration is missing');
  });

  it('categories name the level and its bad rate in training; older bundles keep the plain text', () => {
    const checking: InputColumn = { name: 'checking_status', kind: 'categorical', levels: ['< 0 DM'], codes: {}, missing_allowed: false, bad_rates: { '< 0 DM': 0.4927 } };
    expect(reasonText('checking status', checking, '< 0 DM')).toBe('checking status < 0 DM (49% of such applicants were bad)');
    const old: InputColumn = { name: 'duration', kind: 'numeric', min: 4, max: 72, missing_allowed: false };
    expect(reasonText('duration', old, 38)).toBe('duration is 38');
    expect(reasonText('checking status', undefined, '< 0 DM')).toBe('checking status is < 0 DM');
  });
});
