import type { GridValue } from '../params/grids.js';
import type { Rng } from '../random.js';

/** One dimension of a search space, as Optuna's distributions. */
export type Dimension =
  | { readonly kind: 'int'; readonly low: number; readonly high: number; readonly log?: boolean }
  | { readonly kind: 'float'; readonly low: number; readonly high: number; readonly log?: boolean }
  | { readonly kind: 'categorical'; readonly choices: readonly GridValue[] };

export type Space = Readonly<Record<string, Dimension>>;

/** A finished trial: the values it took (a conditional space means some are absent) and its loss (lower = better). */
export interface Observation {
  readonly values: Readonly<Record<string, GridValue>>;
  readonly loss: number;
}

/** Optuna 3.x TPESampler defaults. */
export const TPE_DEFAULTS = { startupTrials: 10, eiCandidates: 24, priorWeight: 1 } as const;

/** gamma(n) = min(ceil(0.1 n), 25): how many of the best trials form the "good" density. */
export function gamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

/** Optuna's default_weights: uniform up to 25 observations, then older ones ramp down linearly. */
function observationWeights(n: number): number[] {
  if (n < 25) return new Array<number>(n).fill(1);
  const ramp = Array.from({ length: n - 25 }, (_, i) => (n - 25 === 1 ? 1 / n : 1 / n + ((1 - 1 / n) * i) / (n - 26)));
  return [...ramp, ...new Array<number>(25).fill(1)];
}

export function sampleUniform(d: Dimension, rng: Rng): GridValue {
  if (d.kind === 'categorical') return d.choices[rng.int(d.choices.length)]!;
  const [lo, hi] = d.log ? [Math.log(d.low), Math.log(d.high)] : [d.low, d.high];
  if (d.kind === 'int') {
    const v = d.log ? Math.exp(lo + rng.next() * (hi - lo)) : d.low + rng.next() * (d.high - d.low + 1) - 0.5;
    return Math.min(d.high, Math.max(d.low, Math.round(v)));
  }
  const v = lo + rng.next() * (hi - lo);
  return d.log ? Math.exp(v) : v;
}

function normalCdf(x: number): number {
  // Abramowitz-Stegun 7.1.26 on erf: ample for comparing densities.
  const t = 1 / (1 + 0.3275911 * Math.abs(x) / Math.SQRT2);
  const y = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-(x * x) / 2);
  return x >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}

function gaussianSample(rng: Rng): number {
  const u = Math.max(rng.next(), 1e-300);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

/** A Parzen estimator on one numeric dimension: truncated Gaussians at the observations plus a wide prior. */
class NumericParzen {
  private readonly mus: number[];
  private readonly sigmas: number[];
  private readonly weights: number[];

  constructor(points: readonly number[], private readonly low: number, private readonly high: number) {
    const width = high - low;
    const prior = { mu: low + width / 2, sigma: width };
    const w = observationWeights(points.length);
    const all = [...points.map((mu, i) => ({ mu, w: w[i]! })), { mu: prior.mu, w: TPE_DEFAULTS.priorWeight }];
    const sorted = [...all].sort((a, b) => a.mu - b.mu);
    // Bandwidth: distance to the farther sorted neighbour (endpoints not considered), then Optuna's magic clip.
    const minSigma = width / Math.min(100, 1 + all.length);
    const sigmaOf = new Map<(typeof all)[number], number>();
    sorted.forEach((p, i) => {
      const left = i > 0 ? p.mu - sorted[i - 1]!.mu : 0;
      const right = i < sorted.length - 1 ? sorted[i + 1]!.mu - p.mu : 0;
      sigmaOf.set(p, p === all.at(-1) ? prior.sigma : Math.min(width, Math.max(minSigma, Math.max(left, right))));
    });
    this.mus = all.map((p) => p.mu);
    this.sigmas = all.map((p) => sigmaOf.get(p)!);
    const total = all.reduce((s, p) => s + p.w, 0);
    this.weights = all.map((p) => p.w / total);
  }

  sample(rng: Rng): number {
    let r = rng.next();
    let k = 0;
    while (k < this.weights.length - 1 && r >= this.weights[k]!) r -= this.weights[k++]!;
    for (let tries = 0; tries < 100; tries++) {
      const v = this.mus[k]! + this.sigmas[k]! * gaussianSample(rng);
      if (v >= this.low && v <= this.high) return v;
    }
    return Math.min(this.high, Math.max(this.low, this.mus[k]!));
  }

  logDensity(x: number): number {
    let p = 0;
    for (let k = 0; k < this.mus.length; k++) {
      const mu = this.mus[k]!;
      const s = this.sigmas[k]!;
      const mass = normalCdf((this.high - mu) / s) - normalCdf((this.low - mu) / s);
      p += (this.weights[k]! * Math.exp(-0.5 * ((x - mu) / s) ** 2)) / (s * Math.sqrt(2 * Math.PI) * Math.max(mass, 1e-12));
    }
    return Math.log(Math.max(p, 1e-300));
  }
}

/**
 * A Parzen estimator on a categorical dimension, as Optuna's: each observation is a component that puts
 * (1 + v) / (1 + K v) on its own choice and v / (1 + K v) on every other (v = prior weight / (n + 1)), mixed
 * with a uniform prior component.
 */
class CategoricalParzen {
  private readonly probs: number[];

  constructor(indices: readonly number[], n: number) {
    const v = TPE_DEFAULTS.priorWeight / (indices.length + 1);
    const w = [...observationWeights(indices.length), TPE_DEFAULTS.priorWeight];
    const total = w.reduce((a, b) => a + b, 0);
    this.probs = new Array<number>(n).fill((w.at(-1)! / total) / n);
    indices.forEach((c, i) => {
      for (let k = 0; k < n; k++) this.probs[k]! += ((w[i]! / total) * ((k === c ? 1 : 0) + v)) / (1 + n * v);
    });
  }

  sample(rng: Rng): number {
    let r = rng.next();
    for (let k = 0; k < this.probs.length; k++) {
      if (r < this.probs[k]!) return k;
      r -= this.probs[k]!;
    }
    return this.probs.length - 1;
  }

  logDensity(k: number): number {
    return Math.log(this.probs[k]!);
  }
}

const key = (v: GridValue): string => JSON.stringify(v);

/**
 * One value of one dimension by TPE (Optuna's independent sampler): split the finished trials that have this
 * dimension into the best gamma(n) and the rest, fit a Parzen estimator to each, draw 24 candidates from the
 * good one and keep the candidate with the highest l(x) / g(x). Random before 10 finished trials.
 */
export function sampleTpe(name: string, d: Dimension, history: readonly Observation[], rng: Rng): GridValue {
  if (history.length < TPE_DEFAULTS.startupTrials) return sampleUniform(d, rng);
  const sorted = [...history].sort((a, b) => a.loss - b.loss);
  const nBelow = gamma(history.length);
  const below = sorted.slice(0, nBelow).filter((o) => name in o.values);
  const above = sorted.slice(nBelow).filter((o) => name in o.values);
  if (d.kind === 'categorical') {
    const index = new Map(d.choices.map((c, i) => [key(c), i]));
    const l = new CategoricalParzen(below.map((o) => index.get(key(o.values[name]!))!), d.choices.length);
    const g = new CategoricalParzen(above.map((o) => index.get(key(o.values[name]!))!), d.choices.length);
    let best = -1;
    let bestScore = -Infinity;
    for (let i = 0; i < TPE_DEFAULTS.eiCandidates; i++) {
      const c = l.sample(rng);
      const score = l.logDensity(c) - g.logDensity(c);
      if (score > bestScore) [best, bestScore] = [c, score];
    }
    return d.choices[best]!;
  }
  const toInternal = (v: number): number => (d.log ? Math.log(v) : v);
  const [lo, hi] = d.kind === 'int' && !d.log ? [d.low - 0.5, d.high + 0.5] : [toInternal(d.low), toInternal(d.high)];
  const l = new NumericParzen(below.map((o) => toInternal(o.values[name] as number)), lo, hi);
  const g = new NumericParzen(above.map((o) => toInternal(o.values[name] as number)), lo, hi);
  let best = lo;
  let bestScore = -Infinity;
  for (let i = 0; i < TPE_DEFAULTS.eiCandidates; i++) {
    const c = l.sample(rng);
    const score = l.logDensity(c) - g.logDensity(c);
    if (score > bestScore) [best, bestScore] = [c, score];
  }
  const v = d.log ? Math.exp(best) : best;
  return d.kind === 'int' ? Math.min(d.high, Math.max(d.low, Math.round(v))) : v;
}

/**
 * Optuna's MedianPruner (5 start-up trials, no warm-up): stop a trial at a step when its running value is worse
 * than the median of the finished trials' values at that same step. `higherIsBetter` orients the comparison.
 */
export function shouldPrune(step: number, value: number, finished: readonly (readonly number[])[], higherIsBetter = true): boolean {
  if (finished.length < 5) return false;
  const atStep = finished.map((v) => v[step]).filter((x): x is number => x !== undefined).sort((a, b) => a - b);
  if (atStep.length === 0) return false;
  const mid = atStep.length >> 1;
  const median = atStep.length % 2 ? atStep[mid]! : (atStep[mid - 1]! + atStep[mid]!) / 2;
  return higherIsBetter ? value < median : value > median;
}
