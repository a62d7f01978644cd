/** A dense row-major matrix of float64; the one numeric shape that models and transformers exchange. */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

export function matrix(rows: number, cols: number, data?: Float64Array): Matrix {
  return { rows, cols, data: data ?? new Float64Array(rows * cols) };
}

export function takeMatrixRows(m: Matrix, idx: ArrayLike<number>): Matrix {
  const out = new Float64Array(idx.length * m.cols);
  for (let i = 0; i < idx.length; i++) out.set(m.data.subarray(idx[i]! * m.cols, (idx[i]! + 1) * m.cols), i * m.cols);
  return { rows: idx.length, cols: m.cols, data: out };
}

export function takeLabels(y: Uint8Array, idx: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = y[idx[i]!]!;
  return out;
}

/** Per-sample weights for sklearn's class_weight='balanced': n / (2 * n_class). */
export function balancedWeights(y: Uint8Array): Float64Array {
  let pos = 0;
  for (const v of y) pos += v;
  const n = y.length;
  const wPos = pos === 0 ? 0 : n / (2 * pos);
  const wNeg = pos === n ? 0 : n / (2 * (n - pos));
  return Float64Array.from(y, (v) => (v ? wPos : wNeg));
}
