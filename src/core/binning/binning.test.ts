import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { autoTrend } from './auto-trend.js';
import { cartPrebinning } from './cart-prebinning.js';
import { binCategorical, binNumeric, binOf } from './optimal-binning.js';
import { mergePrebins } from './optimize.js';
import { tableStats } from './table.js';

/** scikit-learn's copy of the Wisconsin breast-cancer data (Debian python3-sklearn). */
const BREAST_CANCER = '/usr/lib/python3/dist-packages/sklearn/datasets/data/breast_cancer.csv';
const hasBreastCancer = existsSync(BREAST_CANCER);
if (!hasBreastCancer && process.env['CREDIT_TUI_REQUIRE_DATA']) {
  throw new Error(`${BREAST_CANCER} missing (CREDIT_TUI_REQUIRE_DATA is set): apt-get install python3-sklearn`);
}

/** Column `col` and the target as load_breast_cancer gives them (1 = benign; optbinning's event is y = 1). */
function breastCancer(col: number): { x: Float64Array; y: Uint8Array } {
  const lines = readFileSync(BREAST_CANCER, 'utf8').trim().split('\n').slice(1);
  const rows = lines.map((l) => l.split(',').map(Number));
  return { x: Float64Array.from(rows, (r) => r[col]!), y: Uint8Array.from(rows, (r) => r[r.length - 1]!) };
}

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

describe.skipIf(!hasBreastCancer)('optbinning parity: breast cancer "mean radius" with the defaults', () => {
  it('gives optbinning’s documented splits, IV, Gini and Jensen–Shannon to 1e-6', () => {
    const { x, y } = breastCancer(0);
    expect(x.length).toBe(569);
    const b = binNumeric('mean radius', x, y);
    const expected = [11.42500019, 12.32999992, 13.09499979, 13.70499992, 15.04500008, 16.92500019];
    expect(b.splits.length).toBe(expected.length);
    b.splits.forEach((s, i) => expect(rel(s, expected[i]!)).toBeLessThan(1e-6));
    expect(rel(b.iv, 5.04392547)).toBeLessThan(1e-6);
    expect(rel(b.gini, 0.8754162)).toBeLessThan(1e-6);
    expect(rel(b.js, 0.39378376)).toBeLessThan(1e-6);
    expect(b.trend).toBe('descending');
    // The table adds up: every row in one bin, event rates falling bin to bin.
    expect(b.bins.reduce((s, r) => s + r.count, 0)).toBe(569);
    const rates = b.bins.slice(0, 7).map((r) => r.bad_rate);
    for (let i = 1; i < rates.length; i++) expect(rates[i]!).toBeLessThanOrEqual(rates[i - 1]!);
  });
});

describe('CART pre-binning', () => {
  it('splits where the classes separate, at the midpoint of the float32 neighbours, and respects the minimum leaf', () => {
    const x = Float64Array.from({ length: 40 }, (_, i) => i + 0.1);
    const y = Uint8Array.from({ length: 40 }, (_, i) => (i >= 25 ? 1 : 0));
    expect(cartPrebinning(x, y, { maxBins: 20, minBinCount: 2 })).toEqual([Math.fround(24.1) / 2 + Math.fround(25.1) / 2]);
    // With 16 rows a leaf, the right side cannot be the 15 bad rows alone: the split moves one row left.
    expect(cartPrebinning(x, y, { minBinCount: 16 })).toEqual([Math.fround(23.1) / 2 + Math.fround(24.1) / 2]);
  });
  it('stops at maxBins leaves', () => {
    const x = Float64Array.from({ length: 200 }, (_, i) => i);
    const y = Uint8Array.from({ length: 200 }, (_, i) => ((i * 7919) % 13 < 5 ? 1 : 0));
    expect(cartPrebinning(x, y, { maxBins: 4, minBinCount: 10 }).length).toBe(3);
  });
});

describe('the optimal merge', () => {
  // Bad rates 0.1, 0.5, 0.2, 0.6 over four equal pre-bins.
  const good = [90, 50, 80, 40];
  const bad = [10, 50, 20, 60];
  /** Good and bad counts of the bins a partition makes ("ends[i]": a bin ends at pre-bin i). */
  const binsOf = (ends: boolean[]): { g: number[]; b: number[] } => {
    const g: number[] = [];
    const b: number[] = [];
    let ag = 0;
    let ab = 0;
    ends.forEach((e, i) => {
      ag += good[i]!;
      ab += bad[i]!;
      if (e) {
        g.push(ag);
        b.push(ab);
        ag = ab = 0;
      }
    });
    return { g, b };
  };
  const ivOf = (ends: boolean[]): number => {
    const { g, b } = binsOf(ends);
    return tableStats(g, b).iv;
  };
  /** Every partition of four pre-bins, by brute force. */
  const all = Array.from({ length: 8 }, (_, m) => [Boolean(m & 1), Boolean(m & 2), Boolean(m & 4), true]);
  const rates = (ends: boolean[]): number[] => {
    const { g, b } = binsOf(ends);
    return b.map((x, i) => x / (x + g[i]!));
  };
  const ascending = (r: number[]): boolean => r.every((v, i) => i === 0 || v >= r[i - 1]!);

  it('with no trend keeps every pre-bin (IV only grows by splitting)', () => {
    expect(mergePrebins(good, bad, { trend: 'none' })).toEqual([true, true, true, true]);
  });
  it('ascending: the best monotone partition found by enumeration', () => {
    const got = mergePrebins(good, bad, { trend: 'ascending' });
    expect(ascending(rates(got))).toBe(true);
    const bestIv = Math.max(...all.filter((e) => ascending(rates(e))).map(ivOf));
    expect(ivOf(got)).toBeCloseTo(bestIv, 12);
  });
  it('valley and peak: one turn at most, best IV among such partitions', () => {
    const unimodal = (r: number[], up: boolean): boolean => {
      let turned = false;
      for (let i = 1; i < r.length; i++) {
        const rising = r[i]! >= r[i - 1]!;
        if (rising !== up) turned = true;
        else if (turned && r[i]! !== r[i - 1]!) return false;
      }
      return true;
    };
    const peak = mergePrebins(good, bad, { trend: 'peak' });
    expect(unimodal(rates(peak), true)).toBe(true);
    expect(ivOf(peak)).toBeCloseTo(Math.max(...all.filter((e) => unimodal(rates(e), true)).map(ivOf)), 12);
    const valley = mergePrebins(good, bad, { trend: 'valley' });
    expect(unimodal(rates(valley), false)).toBe(true);
    expect(ivOf(valley)).toBeCloseTo(Math.max(...all.filter((e) => unimodal(rates(e), false)).map(ivOf)), 12);
  });
  it('a minimum bin size merges small bins', () => {
    const got = mergePrebins(good, bad, { trend: 'none', minBinCount: 200 });
    expect(got).toEqual([false, true, false, true]);
  });
});

describe('numeric special and missing values', () => {
  it('get bins of their own, out of the pre-binning, and binOf sends them there', () => {
    const n = 400;
    const x = Float64Array.from({ length: n }, (_, i) => (i % 20 === 0 ? NaN : i % 20 === 1 ? -1 : i));
    const y = Uint8Array.from({ length: n }, (_, i) => (i % 20 === 1 ? 1 : i > 250 ? 1 : 0));
    const b = binNumeric('x', x, y, {}, [-1]);
    const k = b.splits.length + 1;
    expect(b.bins[k]!.bin).toBe('Special');
    expect([b.bins[k]!.count, b.bins[k]!.bad]).toEqual([20, 20]);
    expect(b.bins[k + 1]!.bin).toBe('Missing');
    expect(b.bins[k + 1]!.count).toBe(20);
    // -1 never reaches a numeric bin: the first bin starts at the lowest clean value.
    expect(b.bins[0]!.count + b.bins.slice(1, k).reduce((s, r) => s + r.count, 0)).toBe(360);
    expect(binOf(b, -1)).toBe(k);
    expect(binOf(b, NaN)).toBe(k + 1);
    expect(binOf(b, 300)).toBe(k - 1);
  });
});

describe('auto trend and categorical grouping', () => {
  it('reads a falling bad rate as descending and a rising one as ascending', () => {
    expect(autoTrend([10, 20, 30, 40, 50], [50, 40, 30, 20, 10])).toBe('descending');
    expect(autoTrend([50, 40, 30, 20, 10], [10, 20, 30, 40, 50])).toBe('ascending');
  });
  it('groups levels by bad rate and gives missing and special values bins of their own', () => {
    const levels = ['a', 'b', 'c', 'd'];
    const badRate = [0.1, 0.45, 0.12, 0.5];
    const x: (string | null)[] = [];
    const ys: number[] = [];
    levels.forEach((l, k) => {
      for (let i = 0; i < 100; i++) {
        x.push(l);
        ys.push(i < badRate[k]! * 100 ? 1 : 0);
      }
    });
    for (let i = 0; i < 30; i++) {
      x.push(i < 20 ? null : 'SPECIAL');
      ys.push(i % 2);
    }
    // Unconstrained, every level is its own bin (ordered by bad rate, splitting only adds IV).
    expect(binCategorical('c', x, Uint8Array.from(ys), {}, ['SPECIAL']).groups).toEqual([['a'], ['c'], ['b'], ['d']]);
    // Bins of at least 40% of rows: a with c (10%, 12%) and b with d (45%, 50%).
    const b = binCategorical('c', x, Uint8Array.from(ys), { minBinSize: 0.4 }, ['SPECIAL']);
    expect(b.groups.length).toBe(2);
    expect(b.groups.flat().sort()).toEqual(levels);
    const low = b.groups.findIndex((g) => g.includes('a'));
    expect(b.groups[low]).toContain('c');
    expect(binOf(b, null)).toBe(b.groups.length + 1);
    expect(binOf(b, 'SPECIAL')).toBe(b.groups.length);
    expect(binOf(b, 'zzz')).toBe(-1);
    const missing = b.bins[b.groups.length + 1]!;
    expect([missing.bin, missing.count, missing.bad]).toEqual(['Missing', 20, 10]);
    expect(b.bins[b.groups.length]!.count).toBe(10);
  });
});
