import type { Matrix } from '../matrix.js';
import type { Candidate } from '../params/grids.js';
import { Rng } from '../random.js';
import { occlusion } from './knn.js';
import { type FamilyEngine, type Model, type ModelState, fitEach, num, sigmoid } from './model.js';

interface Layer {
  readonly inputs: number;
  readonly outputs: number;
  /** inputs × outputs, row-major. */
  readonly W: Float64Array;
  readonly b: Float64Array;
}

/**
 * Forward pass of a batch; fills activations per layer (last = p(bad)). Zero inputs are skipped: one-hot
 * inputs and ReLU outputs are mostly zeros, which makes this the fastest loop order here (measured).
 */
function forward(layers: readonly Layer[], X: Float64Array, rows: number, acts: Float64Array[]): void {
  let input = X;
  for (let l = 0; l < layers.length; l++) {
    const { inputs, outputs, W, b } = layers[l]!;
    const out = acts[l]!;
    const last = l === layers.length - 1;
    for (let i = 0; i < rows; i++) {
      const oi = i * outputs;
      for (let o = 0; o < outputs; o++) out[oi + o] = b[o]!;
      const xi = i * inputs;
      for (let k = 0; k < inputs; k++) {
        const x = input[xi + k]!;
        if (x === 0) continue;
        const wk = k * outputs;
        for (let o = 0; o < outputs; o++) out[oi + o]! += x * W[wk + o]!;
      }
      for (let o = 0; o < outputs; o++) {
        const z = out[oi + o]!;
        out[oi + o] = last ? sigmoid(z) : z > 0 ? z : 0;
      }
    }
    input = out;
  }
}

/**
 * Multi-layer perceptron as scikit-learn's MLPClassifier: ReLU hidden layers, one logistic output, Glorot
 * uniform initialisation, Adam (lr 0.001, β 0.9/0.999), mini-batches of min(200, n) reshuffled every epoch,
 * L2 penalty alpha, and stopping when the training loss has not improved by 1e-4 for more than 10 epochs
 * (or after max_iter = 500 epochs).
 */
function trainMlp(c: Candidate, X: Matrix, y: Uint8Array, seed: number): Layer[] {
  const hidden = (Array.isArray(c['hidden_layer_sizes']) ? c['hidden_layer_sizes'] : [100]) as number[];
  const alpha = num(c, 'alpha', 1e-4);
  const lr = num(c, 'learning_rate_init', 1e-3);
  const rng = Rng.derive(seed, 'mlp');
  const sizes = [X.cols, ...hidden, 1];
  const layers: Layer[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const inputs = sizes[l]!;
    const outputs = sizes[l + 1]!;
    const bound = Math.sqrt(6 / (inputs + outputs));
    const W = Float64Array.from({ length: inputs * outputs }, () => (rng.next() * 2 - 1) * bound);
    const b = Float64Array.from({ length: outputs }, () => (rng.next() * 2 - 1) * bound);
    layers.push({ inputs, outputs, W, b });
  }
  const n = X.rows;
  const batch = Math.min(200, n);
  const acts = layers.map((L) => new Float64Array(batch * L.outputs));
  const deltas = layers.map((L) => new Float64Array(batch * L.outputs));
  const gW = layers.map((L) => new Float64Array(L.W.length));
  const gb = layers.map((L) => new Float64Array(L.b.length));
  const mW = layers.map((L) => new Float64Array(L.W.length));
  const vW = layers.map((L) => new Float64Array(L.W.length));
  const mb = layers.map((L) => new Float64Array(L.b.length));
  const vb = layers.map((L) => new Float64Array(L.b.length));
  const xb = new Float64Array(batch * X.cols);
  const order = Array.from({ length: n }, (_, i) => i);
  const [beta1, beta2, epsAdam] = [0.9, 0.999, 1e-8];
  let t = 0;
  let best = Infinity;
  let noImprove = 0;
  for (let epoch = 0; epoch < num(c, 'max_iter', 500); epoch++) {
    rng.shuffle(order);
    let epochLoss = 0;
    for (let start = 0; start < n; start += batch) {
      const rows = Math.min(batch, n - start);
      for (let r = 0; r < rows; r++) xb.set(X.data.subarray(order[start + r]! * X.cols, (order[start + r]! + 1) * X.cols), r * X.cols);
      forward(layers, xb, rows, acts);
      const out = acts[layers.length - 1]!;
      let loss = 0;
      const dOut = deltas[layers.length - 1]!;
      for (let r = 0; r < rows; r++) {
        const p = Math.min(Math.max(out[r]!, 1e-15), 1 - 1e-15);
        const yy = y[order[start + r]!]!;
        loss -= yy ? Math.log(p) : Math.log(1 - p);
        dOut[r] = out[r]! - yy;
      }
      let sq = 0;
      for (const L of layers) for (let k = 0; k < L.W.length; k++) sq += L.W[k]! * L.W[k]!;
      loss = loss / rows + (0.5 * alpha * sq) / rows;
      epochLoss += loss * rows;
      for (let l = layers.length - 1; l >= 0; l--) {
        const L = layers[l]!;
        const nIn = L.inputs;
        const nOut = L.outputs;
        const input = l === 0 ? xb : acts[l - 1]!;
        const delta = deltas[l]!;
        const gw = gW[l]!;
        const gbl = gb[l]!;
        gbl.fill(0);
        for (let k = 0; k < gw.length; k++) gw[k] = alpha * L.W[k]!;
        for (let r = 0; r < rows; r++) {
          const dr = r * nOut;
          const ir = r * nIn;
          for (let o = 0; o < nOut; o++) gbl[o]! += delta[dr + o]!;
          for (let k = 0; k < nIn; k++) {
            const a = input[ir + k]!;
            if (a === 0) continue;
            const wk = k * nOut;
            for (let o = 0; o < nOut; o++) gw[wk + o]! += a * delta[dr + o]!;
          }
        }
        for (let k = 0; k < gw.length; k++) gw[k]! /= rows;
        for (let o = 0; o < nOut; o++) gbl[o]! /= rows;
        if (l > 0) {
          const prev = deltas[l - 1]!;
          const actPrev = acts[l - 1]!;
          const W = L.W;
          for (let r = 0; r < rows; r++) {
            const dr = r * nOut;
            for (let k = 0; k < nIn; k++) {
              if (actPrev[r * nIn + k]! <= 0) {
                prev[r * nIn + k] = 0;
                continue;
              }
              const wk = k * nOut;
              let s = 0;
              for (let o = 0; o < nOut; o++) s += W[wk + o]! * delta[dr + o]!;
              prev[r * nIn + k] = s;
            }
          }
        }
      }
      t++;
      const lrT = (lr * Math.sqrt(1 - beta2 ** t)) / (1 - beta1 ** t);
      for (let l = 0; l < layers.length; l++) {
        adamStep(layers[l]!.W, gW[l]!, mW[l]!, vW[l]!, lrT, beta1, beta2, epsAdam);
        adamStep(layers[l]!.b, gb[l]!, mb[l]!, vb[l]!, lrT, beta1, beta2, epsAdam);
      }
    }
    epochLoss /= n;
    if (epochLoss > best - 1e-4) noImprove++;
    else noImprove = 0;
    if (epochLoss < best) best = epochLoss;
    if (noImprove > 10) break;
  }
  return layers;
}

function adamStep(param: Float64Array, g: Float64Array, m: Float64Array, v: Float64Array, lr: number, b1: number, b2: number, eps: number): void {
  for (let k = 0; k < param.length; k++) {
    const gk = g[k]!;
    const mk = b1 * m[k]! + (1 - b1) * gk;
    const vk = b2 * v[k]! + (1 - b2) * gk * gk;
    m[k] = mk;
    v[k] = vk;
    param[k]! -= (lr * mk) / (Math.sqrt(vk) + eps);
  }
}

class MlpModel implements Model {
  readonly family = 'mlp' as const;
  constructor(private readonly layers: readonly Layer[]) {}

  predictProba(X: Matrix): Float64Array {
    const acts = this.layers.map((L) => new Float64Array(X.rows * L.outputs));
    forward(this.layers, X.data, X.rows, acts);
    return Float64Array.from(acts[acts.length - 1]!);
  }

  contributions(X: Matrix, row: number, baseline: ArrayLike<number>): Float64Array {
    return occlusion(this, X, row, baseline);
  }

  toJSON(): ModelState {
    return { family: 'mlp', layers: this.layers.map((L) => ({ inputs: L.inputs, outputs: L.outputs, W: Array.from(L.W), b: Array.from(L.b) })) };
  }
}

export const mlpEngine: FamilyEngine = {
  family: 'mlp',
  shareKey: (c) => JSON.stringify(c),
  fit: (c, X, y, seed) => new MlpModel(trainMlp(c, X, y, seed)),
  fitGroup(cands, X, y, evals, seed) {
    return fitEach(this, cands, X, y, evals, seed);
  },
  load: (s) =>
    new MlpModel((s['layers'] as { inputs: number; outputs: number; W: number[]; b: number[] }[]).map((L) => ({ inputs: L.inputs, outputs: L.outputs, W: Float64Array.from(L.W), b: Float64Array.from(L.b) }))),
};
