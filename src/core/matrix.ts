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
