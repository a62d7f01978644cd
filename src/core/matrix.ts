/** A dense row-major matrix of float64; the one numeric shape that models and transformers exchange. */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
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

/** The given rows of a matrix, in the given order. */
export function takeMatrixRows(m: Matrix, rows: ArrayLike<number>): Matrix {
  const out = new Float64Array(rows.length * m.cols);
  for (let i = 0; i < rows.length; i++) out.set(m.data.subarray(rows[i]! * m.cols, (rows[i]! + 1) * m.cols), i * m.cols);
  return { rows: rows.length, cols: m.cols, data: out };
}

export function takeLabels(y: Uint8Array, rows: ArrayLike<number>): Uint8Array {
  return Uint8Array.from({ length: rows.length }, (_, i) => y[rows[i]!]!);
}
