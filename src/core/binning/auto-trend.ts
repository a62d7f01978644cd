/**
 * optbinning's `monotonic_trend="auto"`: a small decision tree (trained by its author on many binning
 * problems) reads the shape of the pre-bins' bad rates — the slope of a least-squares line, where the lowest
 * and highest rates sit and how many rows lie beyond them, the area of the triangles through the extreme
 * points and of the convex hull — and picks ascending, descending, peak or valley. The thresholds below are
 * that tree's (optbinning/binning/auto_monotonic.py); the features are computed as there.
 */
export type MonotonicShape = 'ascending' | 'descending' | 'peak' | 'valley';

export function autoTrend(good: readonly number[], bad: readonly number[]): MonotonicShape {
  const n = good.length;
  const counts = good.map((g, i) => g + bad[i]!);
  const rate = counts.map((c, i) => bad[i]! / c);
  const total = counts.reduce((a, b) => a + b, 0);
  const posMin = argExtreme(rate, (a, b) => a < b);
  const posMax = argExtreme(rate, (a, b) => a > b);
  const sumRange = (from: number, to: number): number => counts.slice(from, to).reduce((a, b) => a + b, 0);
  const minLeft = sumRange(0, posMin) / total;
  const minRight = sumRange(posMin + 1, n) / total;
  const maxLeft = sumRange(0, posMax) / total;
  const maxRight = sumRange(posMax + 1, n) / total;
  const ascendingFit = slope(rate) > 0;
  const area = extremePointsArea(rate, posMin, posMax);
  const rectangle = (rate[posMax]! - rate[posMin]!) * n;
  const hull = n > 2 ? convexHullArea(rate) / rectangle : 0;
  // NaN (all rates equal) fails every `<=`, as in numpy.
  const hullShare = Number.isFinite(hull) ? hull : 0;
  if (area <= 0.22145836800336838) {
    if (ascendingFit) return 'ascending';
    if (hullShare <= 0.48331470787525177) {
      if (minRight <= 0.010740397498011589) return 'descending';
      return minRight <= 0.022145185619592667 ? 'valley' : 'descending';
    }
    return maxRight <= 0.6426683664321899 ? 'valley' : 'descending';
  }
  if (minRight <= 0.06137961149215698) {
    if (hullShare <= 0.23837491869926453) return 'descending';
    if (maxLeft <= 0.10170064494013786) return maxLeft <= 0.01817034650593996 ? 'valley' : 'descending';
    return 'peak';
  }
  if (minLeft <= 0.05336669087409973) {
    if (maxRight <= 0.0695494469255209) return 'ascending';
    return maxLeft <= 0.14705360680818558 ? 'ascending' : 'peak';
  }
  if (minLeft <= 0.8308950066566467) return 'valley';
  return maxRight <= 0.1587613895535469 ? 'valley' : 'peak';
}

/** First index of the extreme value (numpy.argmin / argmax). */
function argExtreme(x: readonly number[], better: (a: number, b: number) => boolean): number {
  let at = 0;
  for (let i = 1; i < x.length; i++) if (better(x[i]!, x[at]!)) at = i;
  return at;
}

/** Sign-relevant least-squares slope of x against 0..n-1 (numpy.polyfit degree 1). */
function slope(x: readonly number[]): number {
  const n = x.length;
  const mi = (n - 1) / 2;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  x.forEach((v, i) => {
    num += (i - mi) * (v - mx);
    den += (i - mi) ** 2;
  });
  return den === 0 ? 0 : num / den;
}

/** Two triangles (first, min, max) and (min, max, last) over the rectangle spanned by the rates. */
function extremePointsArea(x: readonly number[], posMin: number, posMax: number): number {
  const n = x.length;
  if (n <= 2) return 0;
  const tri = (x1: number, y1: number, x2: number, y2: number, x3: number, y3: number): number =>
    0.5 * Math.abs(x1 * (y2 - y3) - x2 * (y1 - y3) + x3 * (y1 - y2));
  const yMin = x[posMin]!;
  const yMax = x[posMax]!;
  const a1 = tri(0, x[0]!, posMin, yMin, posMax, yMax);
  const a2 = tri(posMin, yMin, posMax, yMax, n, x[n - 1]!);
  return (a1 + a2) / ((yMax - yMin) * n);
}

/** Area of the convex hull of the points (i, x[i]) (Andrew's monotone chain, shoelace formula). */
function convexHullArea(x: readonly number[]): number {
  const pts = x.map((v, i) => [i, v] as const);
  const cross = (o: readonly [number, number], a: readonly [number, number], b: readonly [number, number]): number =>
    (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const chain = (seq: readonly (readonly [number, number])[]): (readonly [number, number])[] => {
    const out: (readonly [number, number])[] = [];
    for (const p of seq) {
      while (out.length >= 2 && cross(out[out.length - 2]!, out[out.length - 1]!, p) <= 0) out.pop();
      out.push(p);
    }
    out.pop();
    return out;
  };
  const hull = [...chain(pts), ...chain([...pts].reverse())];
  let area = 0;
  for (let i = 0; i < hull.length; i++) {
    const a = hull[i]!;
    const b = hull[(i + 1) % hull.length]!;
    area += a[0] * b[1] - b[0] * a[1];
  }
  return Math.abs(area) / 2;
}
