import { asRuns, type Runs } from './runs.js';
import { smirnov } from './special.js';

/**
 * Two-sample Kolmogorov-Smirnov test, reproducing SciPy 1.10 `ks_2samp(method='auto')`: the exact
 * distribution when both samples have at most 10,000 values, else the asymptotic Kolmogorov distribution
 * `kstwo.sf(d, round(n1 n2 / (n1 + n2)))` (Simard & L'Ecuyer's algorithm selection).
 */
export function ks2samp(aSample: Runs | Float64Array, bSample: Runs | Float64Array): { statistic: number; pvalue: number; method: 'exact' | 'asymp' } {
  const [a, b] = [asRuns(aSample), asRuns(bSample)];
  const n1 = a.n;
  const n2 = b.n;
  if (n1 === 0 || n2 === 0) return { statistic: NaN, pvalue: NaN, method: 'exact' };
  let d = ksStatistic(a, b);
  if (Math.max(n1, n2) <= 10_000) {
    const g = gcd(n1, n2);
    const lcm = (n1 / g) * n2;
    const h = Math.round(d * lcm);
    d = h / lcm;
    if (h === 0) return { statistic: d, pvalue: 1, method: 'exact' };
    const p = n1 === n2 ? probOutsideSquare(n1, h) : outerProbInside(n1, n2, g, h);
    if (Number.isFinite(p) && p >= 0 && p <= 1) return { statistic: d, pvalue: p, method: 'exact' };
  }
  const [m, n] = n1 >= n2 ? [n1, n2] : [n2, n1];
  const en = roundHalfEven((m * n) / (m + n));
  return { statistic: d, pvalue: Math.min(1, Math.max(0, kolmogorovSf(en, d))), method: 'asymp' };
}

/** max |F_a - F_b| over the pooled values of two samples. */
export function ksStatistic(a: Runs, b: Runs): number {
  let i = 0;
  let j = 0;
  let ca = 0;
  let cb = 0;
  let d = 0;
  while (i < a.values.length && j < b.values.length) {
    const v = Math.min(a.values[i]!, b.values[j]!);
    if (a.values[i] === v) ca += a.counts[i++]!;
    if (b.values[j] === v) cb += b.counts[j++]!;
    d = Math.max(d, Math.abs(ca / a.n - cb / b.n));
  }
  return d;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** P(D_{n,n} >= h/n), Horner-like alternating sum (SciPy `_compute_prob_outside_square`). */
function probOutsideSquare(n: number, h: number): number {
  let P = 0;
  let k = Math.floor(n / h);
  while (k >= 0) {
    let p1 = 1;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    P = p1 * (1 - P);
    k--;
  }
  return 2 * P;
}

/** 1 - proportion of lattice paths staying strictly inside the band (Hodges; Viehmann's 1-p recursion). */
function outerProbInside(m0: number, n0: number, g: number, h: number): number {
  const [m, n] = m0 >= n0 ? [m0, n0] : [n0, m0];
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const lenA = Math.min(2 * maxj + 2, n + 1);
  const A = new Float64Array(Math.max(lenA, n + 2)).fill(1);
  A.fill(0, minj, maxj);
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = (A[jj + minj - lastminj]! * i + val * j) / (i + j);
      A[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) A.fill(1, maxj - minj, maxj - minj + (lastlen - curlen));
  }
  return A[maxj - minj - 1]!;
}

const STIRLING = [-2.955065359477124183e-2, 6.4102564102564102564e-3, -1.9175269175269175269e-3, 8.4175084175084175084e-4, -5.952380952380952381e-4, 7.9365079365079365079e-4, -2.7777777777777777778e-3, 8.3333333333333333333e-2];

function logNFactorialDivNPowN(n: number): number {
  const rn = 1 / n;
  let poly = 0;
  for (const c of STIRLING) poly = poly * (rn / n) + c;
  return Math.log(n) / 2 - n + Math.log(2 * Math.PI) / 2 + rn * poly;
}

/** Durbin matrix CDF (Marsaglia, Tsang & Wang), SciPy `_kolmogn_DMTW`. */
function kolmogorovDMTW(n: number, d: number): number {
  if (d >= 1) return 1;
  const nd = n * d;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;
  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let fac = 1;
  for (let j = 1; j <= m; j++) {
    w[j - 1] = fac;
    fac /= j;
    v[j - 1] = (1 - h ** j) * fac;
  }
  const tt = Math.max(2 * h - 1, 0) ** m - 2 * h ** m;
  v[m - 1] = (1 + tt) * fac;
  let H: Float64Array = new Float64Array(m * m);
  for (let i = 1; i < m; i++) for (let r = i - 1; r < m; r++) H[r * m + i] = w[r - i + 1]!;
  for (let r = 0; r < m; r++) H[r * m] = v[r]!;
  for (let c = 0; c < m; c++) H[(m - 1) * m + c] = v[m - 1 - c]!;
  const mul = (A: Float64Array, B: Float64Array): Float64Array => {
    const C = new Float64Array(m * m);
    for (let i = 0; i < m; i++) for (let t = 0; t < m; t++) {
      const a = A[i * m + t]!;
      if (a === 0) continue;
      for (let j = 0; j < m; j++) C[i * m + j]! += a * B[t * m + j]!;
    }
    return C;
  };
  let P: Float64Array = new Float64Array(m * m);
  for (let i = 0; i < m; i++) P[i * m + i] = 1;
  let nn = n;
  let expnt = 0;
  let hexpnt = 0;
  const E = 2 ** 128;
  while (nn > 0) {
    if (nn % 2) {
      P = mul(P, H);
      expnt += hexpnt;
    }
    H = mul(H, H);
    hexpnt *= 2;
    if (Math.abs(H[(k - 1) * m + k - 1]!) > E) {
      for (let i = 0; i < H.length; i++) H[i]! /= E;
      hexpnt += 128;
    }
    nn = Math.floor(nn / 2);
  }
  let p = P[(k - 1) * m + k - 1]!;
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < 1 / E) {
      p *= E;
      expnt -= 128;
    }
  }
  return p * 2 ** expnt;
}

/** Pelz-Good asymptotic CDF, SciPy `_kolmogn_PelzGood`. */
function kolmogorovPelzGood(n: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const z = Math.sqrt(n) * x;
  const z2 = z * z;
  const z3 = z2 * z;
  const z4 = z2 * z2;
  const z6 = z4 * z2;
  const PI2 = Math.PI ** 2;
  const PI4 = Math.PI ** 4;
  const PI6 = Math.PI ** 6;
  const qlog = -PI2 / 8 / z2;
  if (qlog < -708) return 0;
  let q = Math.exp(qlog);
  const k1a = -z2;
  const k1b = PI2 / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * PI2) / 4;
  const k2c = (PI4 * (1 - 2 * z2)) / 16;
  const k3d = (PI6 * (5 - 30 * z2)) / 64;
  const k3c = (PI4 * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (PI2 * (135 * z4 - 96 * z6)) / 4;
  const k3a = -30 * z6 - 90 * z ** 8;
  const K = [0, 0, 0, 0];
  const maxk = Math.ceil((16 * z) / Math.PI);
  for (let k = maxk; k > 0; k--) {
    const m = 2 * k - 1;
    const m2 = m * m;
    const m4 = m2 * m2;
    const m6 = m4 * m2;
    const qp = q ** (8 * k);
    const coeffs = [1, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4, k3a + k3b * m2 + k3c * m4 + k3d * m6];
    for (let i = 0; i < 4; i++) K[i] = K[i]! * qp + coeffs[i]!;
  }
  const SQ2PI = Math.sqrt(2 * Math.PI);
  const div = [z, 6 * z4, 72 * z ** 7, 6480 * z ** 10];
  for (let i = 0; i < 4; i++) K[i] = (K[i]! * q * SQ2PI) / div[i]!;
  q = Math.exp(-PI2 / 2 / z2);
  let k2extra = 0;
  let k3extra = 0;
  const s3z = Math.sqrt(3) * z;
  for (let k = maxk; k > 0; k--) {
    const k2 = k * k;
    const qp = q ** k2;
    k2extra += k2 * qp;
    k3extra += (s3z + Math.PI * k) * (s3z - Math.PI * k) * k2 * qp;
  }
  K[2]! += (k2extra * PI2 * SQ2PI) / (-36 * z3);
  K[3]! += (k3extra * PI2 * SQ2PI) / (216 * z6);
  let sum = 0;
  for (let i = 0; i < 4; i++) sum += K[i]! / n ** (i / 2);
  return sum;
}

/** Survival function of the one-sample Kolmogorov statistic D_n (SciPy `kstwo.sf`, `_kolmogn(cdf=False)`). */
export function kolmogorovSf(n: number, x: number): number {
  if (x >= 1) return 0;
  if (x <= 0) return 1;
  const t = n * x;
  if (t <= 1) {
    if (t <= 0.5) return 1;
    let prob: number;
    if (n <= 140) {
      prob = 1;
      for (let i = 1; i <= n; i++) prob *= (i / n) * (2 * t - 1);
    } else prob = Math.exp(logNFactorialDivNPowN(n) + n * Math.log(2 * t - 1));
    return 1 - prob;
  }
  if (t >= n - 1) return 2 * (1 - x) ** n;
  if (x >= 0.5) return 2 * smirnov(n, x);
  const nx2 = t * x;
  if (n <= 140) {
    // SciPy uses Pomeranz for 0.754693 < n x² <= 4 here; DMTW is exact too, only slower.
    if (nx2 <= 4) return 1 - kolmogorovDMTW(n, x);
    return 2 * smirnov(n, x);
  }
  if (nx2 >= 370) return 0;
  if (nx2 >= 2.2) return 2 * smirnov(n, x);
  let cdf: number;
  if (nx2 >= 18) cdf = 1;
  else if (n <= 100_000 && n * x ** 1.5 <= 1.4) cdf = kolmogorovDMTW(n, x);
  else cdf = kolmogorovPelzGood(n, x);
  return 1 - cdf;
}
