import type { Matrix } from '../matrix.js';
import type { Candidate } from '../params/grids.js';
import { Rng } from '../random.js';
import { occlusion } from './knn.js';
import { denseKernels } from './wasm/dense.js';
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
 *
 * Training runs in float32 (four SIMD lanes instead of float64's two: about a quarter less time for the
 * MLP grid here), as most deep-learning libraries train; scikit-learn trains float64 input in float64.
 * The fitted weights are kept and applied in float64. The loss and its stopping rule are summed in float64.
 */
function trainMlp(c: Candidate, X: Matrix, y: Uint8Array, seed: number): Layer[] {
  const hidden = (Array.isArray(c['hidden_layer_sizes']) ? c['hidden_layer_sizes'] : [100]) as number[];
  const alpha = num(c, 'alpha', 1e-4);
  const lr = num(c, 'learning_rate_init', 1e-3);
  const rng = Rng.derive(seed, 'mlp');
  const sizes = [X.cols, ...hidden, 1];
  const n = X.rows;
  const batch = Math.min(200, n);
  const K = denseKernels();
  K.reset();
  // Everything lives in WebAssembly memory; views are made after the last allocation (growing detaches them).
  const ptr = {
    x: K.alloc32(n * X.cols),
    xb: K.alloc32(batch * X.cols),
    order: K.alloc32(n),
    layers: sizes.slice(1).map((outputs, l) => {
      const inputs = sizes[l]!;
      return {
        inputs, outputs,
        W: K.alloc32(inputs * outputs), b: K.alloc32(outputs), gW: K.alloc32(inputs * outputs), gb: K.alloc32(outputs),
        mW: K.alloc32(inputs * outputs), vW: K.alloc32(inputs * outputs), mb: K.alloc32(outputs), vb: K.alloc32(outputs),
        act: K.alloc32(batch * outputs), delta: K.alloc32(batch * outputs),
      };
    }),
  };
  K.reserveScratch(Math.max(batch, ...sizes));
  const view = (p: number, len: number): Float32Array => new Float32Array(K.memory.buffer, p, len);
  view(ptr.x, n * X.cols).set(X.data);
  const L = ptr.layers.map((q) => ({ ...q, Wv: view(q.W, q.inputs * q.outputs), bv: view(q.b, q.outputs), actv: view(q.act, batch * q.outputs), deltav: view(q.delta, batch * q.outputs) }));
  for (const q of L) {
    const bound = Math.sqrt(6 / (q.inputs + q.outputs));
    for (let k = 0; k < q.Wv.length; k++) q.Wv[k] = (rng.next() * 2 - 1) * bound;
    for (let k = 0; k < q.bv.length; k++) q.bv[k] = (rng.next() * 2 - 1) * bound;
  }
  const last = L[L.length - 1]!;
  const order = new Int32Array(K.memory.buffer, ptr.order, n);
  for (let i = 0; i < n; i++) order[i] = i;
  const [beta1, beta2, epsAdam] = [0.9, 0.999, 1e-8];
  let t = 0;
  let best = Infinity;
  let noImprove = 0;
  for (let epoch = 0; epoch < num(c, 'max_iter', 500); epoch++) {
    rng.shuffle(order);
    let epochLoss = 0;
    for (let start = 0; start < n; start += batch) {
      const rows = Math.min(batch, n - start);
      K.gatherRows(ptr.x, ptr.order, start, rows, X.cols, ptr.xb);
      let input = ptr.xb;
      for (const q of L) {
        K.forward(input, rows, q.inputs, q.W, q.b, q.outputs, q.act, q !== last);
        input = q.act;
      }
      let loss = 0;
      for (let r = 0; r < rows; r++) {
        const p = sigmoid(last.actv[r]!);
        last.actv[r] = p;
        const pc = Math.min(Math.max(p, 1e-15), 1 - 1e-15);
        const yy = y[order[start + r]!]!;
        loss -= yy ? Math.log(pc) : Math.log(1 - pc);
        last.deltav[r] = p - yy;
      }
      let sq = 0;
      for (const q of L) sq = K.sumSquares(q.W, q.inputs * q.outputs, sq);
      epochLoss += (loss / rows + (0.5 * alpha * sq) / rows) * rows;
      for (let l = L.length - 1; l >= 0; l--) {
        const q = L[l]!;
        const a = l === 0 ? ptr.xb : L[l - 1]!.act;
        K.gradients(a, q.delta, rows, q.inputs, q.outputs, q.W, alpha, q.gW, q.gb);
        if (l > 0) K.backInput(q.delta, rows, q.inputs, q.outputs, q.W, L[l - 1]!.act, L[l - 1]!.delta);
      }
      t++;
      const lrT = (lr * Math.sqrt(1 - beta2 ** t)) / (1 - beta1 ** t);
      for (const q of L) {
        K.adam(q.W, q.gW, q.mW, q.vW, q.inputs * q.outputs, lrT, beta1, beta2, epsAdam);
        K.adam(q.b, q.gb, q.mb, q.vb, q.outputs, lrT, beta1, beta2, epsAdam);
      }
    }
    epochLoss /= n;
    if (epochLoss > best - 1e-4) noImprove++;
    else noImprove = 0;
    if (epochLoss < best) best = epochLoss;
    if (noImprove > 10) break;
  }
  return L.map((q) => ({ inputs: q.inputs, outputs: q.outputs, W: Float64Array.from(q.Wv), b: Float64Array.from(q.bv) }));
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
