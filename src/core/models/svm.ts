import { balancedWeights, type Matrix } from '../matrix.js';
import type { Candidate } from '../params/grids.js';
import { Rng } from '../random.js';
import { occlusion } from './knn.js';
import { type FamilyEngine, type Model, type ModelState, num } from './model.js';

/** gamma='scale' is 1 / (n_features * Var(X)) over all entries, as scikit-learn's SVC. */
function resolveGamma(c: Candidate, X: Matrix): number {
  const g = c['gamma'];
  if (typeof g === 'number') return g;
  if (g === 'auto') return 1 / X.cols;
  let m = 0;
  for (const v of X.data) m += v;
  m /= X.data.length;
  let s = 0;
  for (const v of X.data) s += (v - m) ** 2;
  const variance = s / X.data.length;
  return variance > 0 ? 1 / (X.cols * variance) : 1;
}

/**
 * Each row's nonzero columns in ascending order. One-hot rows are mostly zeros, and a zero term adds
 * exactly nothing to a dot product, so the kernel's sums over the nonzeros alone, in column order, are
 * bit-identical to the dense loops; every kernel value (training, cross and a saved model's scoring) takes
 * its dot product over one row's nonzeros (see `rbf`).
 */
function rowNonzeros(X: Matrix): { readonly start: Int32Array; readonly col: Int32Array } {
  const start = new Int32Array(X.rows + 1);
  const cols: number[] = [];
  for (let i = 0; i < X.rows; i++) {
    for (let j = 0; j < X.cols; j++) if (X.data[i * X.cols + j] !== 0) cols.push(j);
    start[i + 1] = cols.length;
  }
  return { start, col: Int32Array.from(cols) };
}

/** Each row's Σ x², in column order (the kernel's |a|² + |b|² − 2 a·b). */
function squaredNorms(X: Matrix): Float64Array {
  const p = X.cols;
  const sq = new Float64Array(X.rows);
  for (let i = 0; i < X.rows; i++) {
    let s = 0;
    for (let j = 0; j < p; j++) s += X.data[i * p + j]! ** 2;
    sq[i] = s;
  }
  return sq;
}

/**
 * K(a, b) as libsvm computes it, exp(−γ (|a|² + |b|² − 2 a·b)), with the dot product over a's nonzero columns
 * `cols[from..to)` in column order: a zero term adds nothing, so every caller (training kernel, cross kernel,
 * a saved model's scoring) gets the same value for the same pair, bit for bit.
 */
function rbf(a: Float64Array, ai: number, cols: Int32Array, from: number, to: number, aNorm: number, b: Float64Array, bi: number, bNorm: number, gamma: number): number {
  let dot = 0;
  for (let e = from; e < to; e++) {
    const j = cols[e]!;
    dot += a[ai + j]! * b[bi + j]!;
  }
  return Math.exp(-gamma * Math.max(0, aNorm + bNorm - 2 * dot));
}

/**
 * Kernel matrices are several MB per fit. A fit reuses its thread's buffers from the last one: fresh memory is
 * faulted in page by page on first touch, which cost more than filling it here. (Every entry is written.)
 */
const buffers = new Map<string, Float64Array>();

function reused(which: string, length: number): Float64Array {
  let b = buffers.get(which);
  if (!b || b.length < length) buffers.set(which, (b = new Float64Array(length)));
  return b.subarray(0, length);
}

/** The n × n RBF kernel matrix; `into`, when given, receives it (n × n entries, all written). */
export function rbfKernelMatrix(X: Matrix, gamma: number, into?: Float64Array): Float64Array {
  const n = X.rows;
  const p = X.cols;
  const x = X.data;
  const sq = squaredNorms(X);
  const { start, col } = rowNonzeros(X);
  const K = into ?? new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    K[i * n + i] = 1;
    const oi = i * p;
    for (let k = i + 1; k < n; k++) {
      const v = rbf(x, k * p, col, start[k]!, start[k + 1]!, sq[k]!, x, oi, sq[i]!, gamma);
      K[i * n + k] = v;
      K[k * n + i] = v;
    }
  }
  return K;
}

/**
 * C-SVC dual by SMO with libsvm's second-order working-set selection (Fan, Chen & Lin 2005), tolerance 1e-3.
 * Labels ±1 (+1 = bad). Returns alpha·y and the bias so that f(x) = Σ coefᵢ K(xᵢ, x) + b.
 */
function smo(K: Float64Array, yb: Uint8Array, Cv: Float64Array): { coef: Float64Array; b: number } {
  const n = yb.length;
  const y = Float64Array.from(yb, (v) => (v ? 1 : -1));
  const alpha = new Float64Array(n);
  const G = new Float64Array(n).fill(-1);
  const eps = 1e-3;
  const tau = 1e-12;
  const maxIter = Math.max(10_000_000, 100 * n);
  for (let iter = 0; iter < maxIter; iter++) {
    let gmax = -Infinity;
    let i = -1;
    for (let t = 0; t < n; t++) {
      const upOk = y[t] === 1 ? alpha[t]! < Cv[t]! : alpha[t]! > 0;
      if (upOk && -y[t]! * G[t]! >= gmax) {
        gmax = -y[t]! * G[t]!;
        i = t;
      }
    }
    if (i < 0) break;
    let gmin = Infinity;
    let j = -1;
    let objMin = Infinity;
    const Ki = i * n;
    for (let t = 0; t < n; t++) {
      const lowOk = y[t] === 1 ? alpha[t]! > 0 : alpha[t]! < Cv[t]!;
      if (!lowOk) continue;
      const v = -y[t]! * G[t]!;
      if (v <= gmin) gmin = v;
      const bdiff = gmax - v;
      if (bdiff > 0) {
        let a = K[Ki + i]! + K[t * n + t]! - 2 * y[i]! * y[t]! * K[Ki + t]! * y[i]! * y[t]!;
        if (a <= 0) a = tau;
        const obj = -(bdiff * bdiff) / a;
        if (obj <= objMin) {
          objMin = obj;
          j = t;
        }
      }
    }
    if (gmax - gmin < eps || j < 0) break;
    // Two-variable update in libsvm's form (Q_ij = y_i y_j K_ij).
    const Kj = j * n;
    const Qii = K[Ki + i]!;
    const Qjj = K[Kj + j]!;
    const Qij = y[i]! * y[j]! * K[Ki + j]!;
    const Ci = Cv[i]!;
    const Cj = Cv[j]!;
    const oldAi = alpha[i]!;
    const oldAj = alpha[j]!;
    if (y[i] !== y[j]) {
      let quad = Qii + Qjj + 2 * Qij;
      if (quad <= 0) quad = tau;
      const delta = (-G[i]! - G[j]!) / quad;
      const diff = alpha[i]! - alpha[j]!;
      alpha[i]! += delta;
      alpha[j]! += delta;
      if (diff > 0) {
        if (alpha[j]! < 0) [alpha[j], alpha[i]] = [0, diff];
      } else if (alpha[i]! < 0) [alpha[i], alpha[j]] = [0, -diff];
      if (diff > Ci - Cj) {
        if (alpha[i]! > Ci) [alpha[i], alpha[j]] = [Ci, Ci - diff];
      } else if (alpha[j]! > Cj) [alpha[j], alpha[i]] = [Cj, Cj + diff];
    } else {
      let quad = Qii + Qjj - 2 * Qij;
      if (quad <= 0) quad = tau;
      const delta = (G[i]! - G[j]!) / quad;
      const sum = alpha[i]! + alpha[j]!;
      alpha[i]! -= delta;
      alpha[j]! += delta;
      if (sum > Ci) {
        if (alpha[i]! > Ci) [alpha[i], alpha[j]] = [Ci, sum - Ci];
      } else if (alpha[j]! < 0) [alpha[j], alpha[i]] = [0, sum];
      if (sum > Cj) {
        if (alpha[j]! > Cj) [alpha[j], alpha[i]] = [Cj, sum - Cj];
      } else if (alpha[i]! < 0) [alpha[i], alpha[j]] = [0, sum];
    }
    const dAi = alpha[i]! - oldAi;
    const dAj = alpha[j]! - oldAj;
    const yi = y[i]!;
    const yj = y[j]!;
    for (let t = 0; t < n; t++) G[t]! += y[t]! * (yi * K[Ki + t]! * dAi + yj * K[Kj + t]! * dAj);
  }
  // rho: average of y·G over free vectors, else the midpoint of the feasible interval (libsvm).
  let ub = Infinity;
  let lb = -Infinity;
  let sumFree = 0;
  let nFree = 0;
  for (let t = 0; t < n; t++) {
    const yG = y[t]! * G[t]!;
    if (alpha[t]! >= Cv[t]!) {
      if (y[t] === -1) ub = Math.min(ub, yG);
      else lb = Math.max(lb, yG);
    } else if (alpha[t]! <= 0) {
      if (y[t] === 1) ub = Math.min(ub, yG);
      else lb = Math.max(lb, yG);
    } else {
      nFree++;
      sumFree += yG;
    }
  }
  const rho = nFree > 0 ? sumFree / nFree : (ub + lb) / 2;
  return { coef: Float64Array.from(alpha, (a, t) => a * y[t]!), b: -rho };
}

/** Platt scaling as libsvm's sigmoid_train: Newton with backtracking on smoothed targets. P(bad) = 1/(1+exp(A f + B)). */
export function plattFit(f: ArrayLike<number>, yb: ArrayLike<number>): { A: number; B: number } {
  const n = f.length;
  let prior1 = 0;
  for (let i = 0; i < n; i++) prior1 += yb[i]! ? 1 : 0;
  const prior0 = n - prior1;
  const hi = (prior1 + 1) / (prior1 + 2);
  const lo = 1 / (prior0 + 2);
  const t = Float64Array.from({ length: n }, (_, i) => (yb[i] ? hi : lo));
  let A = 0;
  let B = Math.log((prior0 + 1) / (prior1 + 1));
  const sigma = 1e-12;
  const fval = (a: number, b: number): number => {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const fApB = f[i]! * a + b;
      s += fApB >= 0 ? t[i]! * fApB + Math.log1p(Math.exp(-fApB)) : (t[i]! - 1) * fApB + Math.log1p(Math.exp(fApB));
    }
    return s;
  };
  let fv = fval(A, B);
  for (let it = 0; it < 100; it++) {
    let h11 = sigma;
    let h22 = sigma;
    let h21 = 0;
    let g1 = 0;
    let g2 = 0;
    for (let i = 0; i < n; i++) {
      const fApB = f[i]! * A + B;
      const [p, q] = fApB >= 0 ? [Math.exp(-fApB) / (1 + Math.exp(-fApB)), 1 / (1 + Math.exp(-fApB))] : [1 / (1 + Math.exp(fApB)), Math.exp(fApB) / (1 + Math.exp(fApB))];
      const d2 = p * q;
      h11 += f[i]! * f[i]! * d2;
      h22 += d2;
      h21 += f[i]! * d2;
      const d1 = t[i]! - p;
      g1 += f[i]! * d1;
      g2 += d1;
    }
    if (Math.abs(g1) < 1e-5 && Math.abs(g2) < 1e-5) break;
    const det = h11 * h22 - h21 * h21;
    const dA = -(h22 * g1 - h21 * g2) / det;
    const dB = -(-h21 * g1 + h11 * g2) / det;
    const gd = g1 * dA + g2 * dB;
    let step = 1;
    while (step >= 1e-10) {
      const nA = A + step * dA;
      const nB = B + step * dB;
      const nf = fval(nA, nB);
      if (nf < fv + 1e-4 * step * gd) {
        A = nA;
        B = nB;
        fv = nf;
        break;
      }
      step /= 2;
    }
    if (step < 1e-10) break;
  }
  return { A, B };
}

class SvmModel implements Model {
  readonly family = 'svm' as const;
  constructor(
    private readonly sv: Matrix,
    private readonly coef: Float64Array,
    private readonly b: number,
    readonly gamma: number,
    private readonly A: number,
    private readonly B: number,
  ) {}

  private svNorms: Float64Array | null = null;

  decision(X: Matrix): Float64Array {
    const out = new Float64Array(X.rows);
    const p = X.cols;
    const norms = squaredNorms(X);
    const { start, col } = rowNonzeros(X);
    const svNorms = (this.svNorms ??= squaredNorms(this.sv));
    for (let i = 0; i < X.rows; i++) {
      let s = this.b;
      for (let k = 0; k < this.sv.rows; k++) s += this.coef[k]! * rbf(X.data, i * p, col, start[i]!, start[i + 1]!, norms[i]!, this.sv.data, k * p, svNorms[k]!, this.gamma);
      out[i] = s;
    }
    return out;
  }

  /**
   * Decision values from K(row, training row) already computed (`rbfCross` over columns `cols`, where
   * `column[t]` is training row t's column): the same terms in the same order as `decision`.
   */
  decisionFromCross(cross: Float64Array, rows: number, cols: number, column: Int32Array, svRows: readonly number[]): Float64Array {
    const out = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      let s = this.b;
      for (let k = 0; k < svRows.length; k++) s += this.coef[k]! * cross[i * cols + column[svRows[k]!]!]!;
      out[i] = s;
    }
    return out;
  }

  probability(decision: Float64Array): Float64Array {
    return decision.map((f) => 1 / (1 + Math.exp(this.A * f + this.B)));
  }

  predictProba(X: Matrix): Float64Array {
    return this.probability(this.decision(X));
  }

  contributions(X: Matrix, row: number, baseline: ArrayLike<number>): Float64Array {
    return occlusion(this, X, row, baseline);
  }

  toJSON(): ModelState {
    return { family: 'svm', gamma: this.gamma, b: this.b, A: this.A, B: this.B, coef: Array.from(this.coef), rows: this.sv.rows, cols: this.sv.cols, sv: Array.from(this.sv.data) };
  }
}

function subKernel(K: Float64Array, n: number, rows: readonly number[]): Float64Array {
  const m = rows.length;
  const out = reused('fold', m * m);
  for (let a = 0; a < m; a++) {
    const o = rows[a]! * n;
    for (let b = 0; b < m; b++) out[a * m + b] = K[o + rows[b]!]!;
  }
  return out;
}

/** Evaluation rows per kernel block in `fitGroup` (× support vectors × 8 bytes: 8 MB at 1,000 of them). */
const CROSS_BLOCK_ROWS = 1024;

/** K(E row, X row) for the X rows `rows`, each entry exactly as `SvmModel.decision` computes it. */
function rbfCross(E: Matrix, X: Matrix, xNorms: Float64Array, rows: readonly number[], gamma: number, out: Float64Array = new Float64Array(E.rows * rows.length)): Float64Array {
  const p = X.cols;
  const norms = squaredNorms(E);
  const { start, col } = rowNonzeros(E);
  for (let i = 0; i < E.rows; i++) {
    for (let c = 0; c < rows.length; c++) out[i * rows.length + c] = rbf(E.data, i * p, col, start[i]!, start[i + 1]!, norms[i]!, X.data, rows[c]! * p, xNorms[rows[c]!]!, gamma);
  }
  return out;
}

interface SvmFit {
  readonly model: SvmModel;
  /** Training rows that are support vectors, ascending (the model's rows in order). */
  readonly svRows: readonly number[];
}

/**
 * RBF SVCs with probabilities as scikit-learn's `probability=True`, for candidates that differ only in C and
 * class weight: the sigmoid is fitted on decision values from an internal 5-fold cross-validation (libsvm's
 * svm_binary_svc_probability), then each SVM is refit on all rows. The kernel matrix and each inner fold's
 * slice of it are computed once for all of them.
 */
function fitSvms(cands: readonly Candidate[], X: Matrix, y: Uint8Array, seed: number, calibrate: 'cv' | 'in-sample'): SvmFit[] {
  const gamma = resolveGamma(cands[0]!, X);
  const n = X.rows;
  // libsvm's per-class C: C × class weight (scikit-learn's class_weight='balanced' = n / (2 n_class)).
  const Cvs = cands.map((c) => {
    const weights = c['class_weight'] === 'balanced' ? balancedWeights(y) : new Float64Array(n).fill(1);
    return weights.map((w) => w * num(c, 'C', 1));
  });
  const K = rbfKernelMatrix(X, gamma, reused('kernel', n * n));
  const solved = Cvs.map((Cv) => smo(K, y, Cv));
  const decs = cands.map(() => new Float64Array(n));
  if (calibrate === 'cv') {
    const perm = Rng.derive(seed, 'svm-platt').shuffle(Array.from({ length: n }, (_, i) => i));
    const folds = 5;
    for (let k = 0; k < folds; k++) {
      const val = perm.filter((_, i) => i % folds === k);
      const inVal = new Set(val);
      const tr = perm.filter((r) => !inVal.has(r)).sort((p, q) => p - q);
      const sub = subKernel(K, n, tr);
      const yTr = Uint8Array.from(tr, (r) => y[r]!);
      Cvs.forEach((Cv, ci) => {
        const fit = smo(sub, yTr, Float64Array.from(tr, (r) => Cv[r]!));
        for (const r of val) {
          let s = fit.b;
          for (let t = 0; t < tr.length; t++) if (fit.coef[t] !== 0) s += fit.coef[t]! * K[r * n + tr[t]!]!;
          decs[ci]![r] = s;
        }
      });
    }
  } else {
    // Scores used only for ranking: a sigmoid fitted on the training decision values is monotone, so it
    // ranks exactly as libsvm's cross-validated one and costs no extra SVM fits.
    solved.forEach(({ coef, b }, ci) => {
      for (let r = 0; r < n; r++) {
        let s = b;
        for (let t = 0; t < n; t++) if (coef[t] !== 0) s += coef[t]! * K[r * n + t]!;
        decs[ci]![r] = s;
      }
    });
  }
  return solved.map(({ coef, b }, ci) => {
    const { A, B } = plattFit(decs[ci]!, y);
    const svRows: number[] = [];
    for (let i = 0; i < n; i++) if (coef[i] !== 0) svRows.push(i);
    const sv = new Float64Array(svRows.length * X.cols);
    svRows.forEach((r, k) => sv.set(X.data.subarray(r * X.cols, (r + 1) * X.cols), k * X.cols));
    return { model: new SvmModel({ rows: svRows.length, cols: X.cols, data: sv }, Float64Array.from(svRows, (r) => coef[r]!), b, gamma, A, B), svRows };
  });
}

export const svmEngine: FamilyEngine = {
  family: 'svm',
  // The kernel depends on gamma alone: candidates differing in C and class weight share it.
  shareKey: (c) => JSON.stringify({ ...c, C: null, class_weight: null }),
  fit: (c, X, y, seed) => fitSvms([c], X, y, seed, 'cv')[0]!.model,
  fitGroup(cands, X, y, evals, seed, opts) {
    const fits = fitSvms(cands, X, y, seed, opts?.rankOnly ? 'in-sample' : 'cv');
    // Each evaluation row's kernel against every training row that is a support vector of any candidate.
    const union = [...new Set(fits.flatMap((f) => f.svRows))].sort((a, b) => a - b);
    const column = new Int32Array(X.rows);
    union.forEach((r, c) => (column[r] = c));
    // In blocks of evaluation rows: each row's decision is its own sum, so blocks give the same values, and the
    // kernel block stays a few MB where 16,000 rows × 3,000 support vectors would hold 384 MB per evaluation set.
    const out = fits.map(() => evals.map((e) => new Float64Array(e.rows)));
    const p = X.cols;
    const xNorms = squaredNorms(X);
    for (const [k, e] of evals.entries()) {
      for (let start = 0; start < e.rows; start += CROSS_BLOCK_ROWS) {
        const len = Math.min(CROSS_BLOCK_ROWS, e.rows - start);
        const block = { rows: len, cols: p, data: e.data.subarray(start * p, (start + len) * p) };
        const cross = rbfCross(block, X, xNorms, union, fits[0]!.model.gamma, reused('cross', len * union.length));
        fits.forEach(({ model, svRows }, ci) => out[ci]![k]!.set(model.probability(model.decisionFromCross(cross, len, union.length, column, svRows)), start));
      }
    }
    return out;
  },
  load: (s) => new SvmModel({ rows: s['rows'] as number, cols: s['cols'] as number, data: Float64Array.from(s['sv'] as number[]) }, Float64Array.from(s['coef'] as number[]), s['b'] as number, s['gamma'] as number, s['A'] as number, s['B'] as number),
};
