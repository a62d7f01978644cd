import { symmetricEigen } from './pca.js';
import type { InputSpec } from './periods.js';

type Inputs = Readonly<Record<string, string | number | null>>;

/**
 * Multivariate drift by data reconstruction (NannyML's method): rows are encoded (numbers as they are,
 * missing ones at the reference mean; categories one-hot over the reference's levels, unseen ones all
 * zero), standardised with the reference's mean and sd, projected on the principal components that keep
 * `varianceKept` of the reference's variance, and mapped back. The distance between a row and its
 * reconstruction grows when the relations between columns change, even when every column's own
 * distribution stays put, because the components encode those relations.
 */
export interface Reconstruction {
  /** Distance of one row from its reconstruction. */
  error(inputs: Inputs): number;
  readonly components: number;
  readonly dimensions: number;
  /** Reference rows' errors, each from components fitted without that row's fold (what new rows will see). */
  readonly referenceErrors: Float64Array;
}

interface Encoder {
  readonly dims: number;
  encode(inputs: Inputs, out: Float64Array): void;
}

function encoderFor(rows: readonly Inputs[], specs: readonly InputSpec[]): Encoder {
  const parts = specs.map((c) => {
    if (c.kind === 'numeric') {
      const xs = rows.map((r) => r[c.name]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
      return { name: c.name, levels: null, fill: xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0 };
    }
    const levels = [...new Set(rows.map((r) => r[c.name]).filter((v) => v !== null && v !== undefined).map(String))].sort();
    return { name: c.name, levels: new Map(levels.map((l, i) => [l, i])), fill: 0 };
  });
  const offsets: number[] = [];
  let dims = 0;
  for (const p of parts) {
    offsets.push(dims);
    dims += p.levels ? p.levels.size : 1;
  }
  return {
    dims,
    encode(inputs, out) {
      out.fill(0);
      parts.forEach((p, j) => {
        const v = inputs[p.name];
        if (!p.levels) out[offsets[j]!] = typeof v === 'number' && Number.isFinite(v) ? v : p.fill;
        else if (v !== null && v !== undefined) {
          const k = p.levels.get(String(v));
          if (k !== undefined) out[offsets[j]! + k] = 1;
        }
      });
    },
  };
}

interface Fitted {
  readonly mean: Float64Array;
  readonly sd: Float64Array;
  /** Kept components as rows, k × dims. */
  readonly basis: Float64Array;
  readonly k: number;
}

function fit(encoded: readonly Float64Array[], dims: number, varianceKept: number): Fitted {
  const n = encoded.length;
  const mean = new Float64Array(dims);
  const sd = new Float64Array(dims);
  for (const x of encoded) for (let j = 0; j < dims; j++) mean[j] = mean[j]! + x[j]! / n;
  for (const x of encoded) for (let j = 0; j < dims; j++) sd[j] = sd[j]! + (x[j]! - mean[j]!) ** 2 / Math.max(1, n - 1);
  // A constant column carries no relation: sd 1 keeps it at zero after centring.
  for (let j = 0; j < dims; j++) sd[j] = sd[j]! > 1e-24 ? Math.sqrt(sd[j]!) : 1;
  const cov = new Float64Array(dims * dims);
  const z = new Float64Array(dims);
  for (const x of encoded) {
    for (let j = 0; j < dims; j++) z[j] = (x[j]! - mean[j]!) / sd[j]!;
    for (let i = 0; i < dims; i++) {
      const zi = z[i]!;
      if (zi === 0) continue;
      for (let j = i; j < dims; j++) cov[i * dims + j] = cov[i * dims + j]! + zi * z[j]!;
    }
  }
  for (let i = 0; i < dims; i++) {
    for (let j = i; j < dims; j++) {
      cov[i * dims + j] = cov[i * dims + j]! / Math.max(1, n - 1);
      cov[j * dims + i] = cov[i * dims + j]!;
    }
  }
  const { values, vectors } = symmetricEigen(cov, dims);
  const total = values.reduce((a, b) => a + Math.max(0, b), 0);
  let k = 0;
  let kept = 0;
  while (k < dims && kept < varianceKept * total) kept += Math.max(0, values[k++]!);
  return { mean, sd, basis: vectors.slice(0, k * dims), k: Math.max(1, k) };
}

function distance(f: Fitted, x: Float64Array, dims: number, z: Float64Array): number {
  for (let j = 0; j < dims; j++) z[j] = (x[j]! - f.mean[j]!) / f.sd[j]!;
  let norm = 0;
  for (let j = 0; j < dims; j++) norm += z[j]! ** 2;
  // ||z - V'Vz||² = ||z||² - ||Vz||² for orthonormal rows of V.
  let projected = 0;
  for (let c = 0; c < f.k; c++) {
    let dot = 0;
    for (let j = 0; j < dims; j++) dot += f.basis[c * dims + j]! * z[j]!;
    projected += dot * dot;
  }
  return Math.sqrt(Math.max(0, norm - projected));
}

export interface ReconstructionOptions {
  /** Share of the reference's variance the kept components explain. @default 0.65 */
  readonly varianceKept?: number;
  /** Folds for the reference rows' own errors (more folds: fits closer to the whole reference's). @default 10 */
  readonly folds?: number;
}

/** Fits the reconstruction on reference rows (in their given order, which the caller has shuffled with its seed). */
export function fitReconstruction(rows: readonly Inputs[], specs: readonly InputSpec[], opts: ReconstructionOptions = {}): Reconstruction {
  const { varianceKept = 0.65, folds = 10 } = opts;
  const enc = encoderFor(rows, specs);
  const dims = enc.dims;
  const encoded = rows.map((r) => {
    const x = new Float64Array(dims);
    enc.encode(r, x);
    return x;
  });
  const whole = fit(encoded, dims, varianceKept);
  // Rows scored by components fitted on them sit closer than new rows would: reference errors come from
  // the folds left out, so unchanged new data is judged against errors of the same kind.
  const referenceErrors = new Float64Array(rows.length);
  const z = new Float64Array(dims);
  for (let f = 0; f < folds; f++) {
    const fitted = fit(encoded.filter((_, i) => i % folds !== f), dims, varianceKept);
    for (let i = f; i < rows.length; i += folds) referenceErrors[i] = distance(fitted, encoded[i]!, dims, z);
  }
  const x = new Float64Array(dims);
  return {
    components: whole.k, dimensions: dims, referenceErrors,
    error(inputs) {
      enc.encode(inputs, x);
      return distance(whole, x, dims, z);
    },
  };
}

/** A period's mean reconstruction error with its band (mean ± 3 sd of the reference's, at the period's size). */
export interface MultivariateDrift {
  readonly error: number;
  readonly lower: number;
  readonly upper: number;
  /** Only a rise alerts: rows reconstructed better than the reference's are no risk. */
  readonly alert: boolean;
}

/**
 * The band of a period of n rows: the mean of n reference-like rows' errors varies around the reference
 * mean with sd_row · √(1/n + 1/N) — what the spread of many reference chunks of n rows converges to.
 */
export function multivariateDrift(errorSum: number, n: number, referenceErrors: Float64Array, sigmas = 3): MultivariateDrift {
  const N = referenceErrors.length;
  const mean = referenceErrors.reduce((a, b) => a + b, 0) / N;
  const sd = Math.sqrt(referenceErrors.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, N - 1));
  const half = sigmas * sd * Math.sqrt(1 / n + 1 / N);
  const error = errorSum / n;
  return { error, lower: mean - half, upper: mean + half, alert: error > mean + half };
}
