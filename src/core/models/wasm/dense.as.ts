// AssemblyScript: dense-layer kernels for the MLP engine, compiled to WebAssembly with 128-bit SIMD
// (two float64 lanes). JavaScript owns the training loop; these are the inner loops only.
// Build: npm run build (asc). Layouts are row-major; W is inputs × outputs.

/** Zeroed float64 scratch memory for the caller (a bump allocator; `reset` frees everything). */
let top: usize = 0;

export function reset(): void {
  top = (__heap_base + 15) & ~15;
}

export function allocF64(n: i32): usize {
  if (top == 0) reset();
  const p = top;
  top += ((<usize>n << 3) + 15) & ~15;
  const needed = <i32>((top + 0xffff) >> 16) - memory.size();
  if (needed > 0) memory.grow(needed);
  memory.fill(p, 0, <usize>n << 3); // a fresh fit must not see the last one's Adam moments
  return p;
}

/** out[r,o] = act(b[o] + Σ_k x[r,k] W[k,o]); zero inputs are skipped (one-hot and ReLU outputs are sparse). */
export function forward(x: usize, rows: i32, nIn: i32, w: usize, b: usize, nOut: i32, out: usize, relu: bool): void {
  const even = nOut & ~1;
  for (let r = 0; r < rows; r++) {
    const orow = out + ((<usize>(r * nOut)) << 3);
    memory.copy(orow, b, <usize>nOut << 3);
    const xrow = x + ((<usize>(r * nIn)) << 3);
    for (let k = 0; k < nIn; k++) {
      const xv = load<f64>(xrow + (<usize>k << 3));
      if (xv == 0) continue;
      const xs = f64x2.splat(xv);
      const wrow = w + ((<usize>(k * nOut)) << 3);
      let o = 0;
      for (; o < even; o += 2) {
        const off = <usize>o << 3;
        v128.store(orow + off, f64x2.add(v128.load(orow + off), f64x2.mul(xs, v128.load(wrow + off))));
      }
      for (; o < nOut; o++) {
        const off = <usize>o << 3;
        store<f64>(orow + off, load<f64>(orow + off) + xv * load<f64>(wrow + off));
      }
    }
    if (relu) {
      for (let o = 0; o < nOut; o++) {
        const off = orow + (<usize>o << 3);
        if (load<f64>(off) < 0) store<f64>(off, 0);
      }
    }
  }
}

/** gW = (Aᵀ δ + alpha W) / rows, gb = mean over rows of δ. */
export function gradients(a: usize, delta: usize, rows: i32, nIn: i32, nOut: i32, w: usize, alpha: f64, gw: usize, gb: usize): void {
  const even = nOut & ~1;
  const total = nIn * nOut;
  for (let i = 0; i < total; i++) store<f64>(gw + (<usize>i << 3), alpha * load<f64>(w + (<usize>i << 3)));
  for (let o = 0; o < nOut; o++) store<f64>(gb + (<usize>o << 3), 0);
  for (let r = 0; r < rows; r++) {
    const drow = delta + ((<usize>(r * nOut)) << 3);
    for (let o = 0; o < nOut; o++) {
      const off = <usize>o << 3;
      store<f64>(gb + off, load<f64>(gb + off) + load<f64>(drow + off));
    }
    const arow = a + ((<usize>(r * nIn)) << 3);
    for (let k = 0; k < nIn; k++) {
      const av = load<f64>(arow + (<usize>k << 3));
      if (av == 0) continue;
      const as = f64x2.splat(av);
      const grow = gw + ((<usize>(k * nOut)) << 3);
      let o = 0;
      for (; o < even; o += 2) {
        const off = <usize>o << 3;
        v128.store(grow + off, f64x2.add(v128.load(grow + off), f64x2.mul(as, v128.load(drow + off))));
      }
      for (; o < nOut; o++) {
        const off = <usize>o << 3;
        store<f64>(grow + off, load<f64>(grow + off) + av * load<f64>(drow + off));
      }
    }
  }
  const inv = 1.0 / <f64>rows;
  for (let i = 0; i < total; i++) store<f64>(gw + (<usize>i << 3), load<f64>(gw + (<usize>i << 3)) * inv);
  for (let o = 0; o < nOut; o++) store<f64>(gb + (<usize>o << 3), load<f64>(gb + (<usize>o << 3)) * inv);
}

/** prev[r,k] = (act[r,k] > 0) ? Σ_o W[k,o] δ[r,o] : 0  (back through a ReLU layer). */
export function backInput(delta: usize, rows: i32, nIn: i32, nOut: i32, w: usize, act: usize, prev: usize): void {
  const even = nOut & ~1;
  for (let r = 0; r < rows; r++) {
    const drow = delta + ((<usize>(r * nOut)) << 3);
    for (let k = 0; k < nIn; k++) {
      const idx = (<usize>(r * nIn + k)) << 3;
      if (load<f64>(act + idx) <= 0) {
        store<f64>(prev + idx, 0);
        continue;
      }
      const wrow = w + ((<usize>(k * nOut)) << 3);
      let acc = f64x2.splat(0);
      let o = 0;
      for (; o < even; o += 2) {
        const off = <usize>o << 3;
        acc = f64x2.add(acc, f64x2.mul(v128.load(wrow + off), v128.load(drow + off)));
      }
      let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
      for (; o < nOut; o++) s += load<f64>(wrow + (<usize>o << 3)) * load<f64>(drow + (<usize>o << 3));
      store<f64>(prev + idx, s);
    }
  }
}

/** One Adam step over n parameters (bias-corrected learning rate computed by the caller). */
export function adam(param: usize, g: usize, m: usize, v: usize, n: i32, lr: f64, b1: f64, b2: f64, eps: f64): void {
  for (let i = 0; i < n; i++) {
    const off = <usize>i << 3;
    const gi = load<f64>(g + off);
    const mi = b1 * load<f64>(m + off) + (1 - b1) * gi;
    const vi = b2 * load<f64>(v + off) + (1 - b2) * gi * gi;
    store<f64>(m + off, mi);
    store<f64>(v + off, vi);
    store<f64>(param + off, load<f64>(param + off) - (lr * mi) / (Math.sqrt(vi) + eps));
  }
}
