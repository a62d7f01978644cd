// AssemblyScript: dense-layer kernels for the MLP engine, compiled to WebAssembly with 128-bit SIMD
// (two float64 lanes). JavaScript owns the training loop; these are the inner loops only.
// Build: npm run build (asc). Layouts are row-major; W is inputs × outputs.

/** Zeroed float64 scratch memory for the caller (a bump allocator; `reset` frees everything). */
let top: usize = 0;

export function reset(): void {
  top = (__heap_base + 15) & ~15;
  scratchCap = 0;
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

/** Kernel scratch: the nonzero entries of a row or column (values, then i32 positions), from the bump heap. */
let scratchPtr: usize = 0;
let scratchCap: i32 = 0;

function scratch(n: i32): usize {
  if (n > scratchCap) {
    scratchPtr = allocF64(2 * n);
    scratchCap = n;
  }
  return scratchPtr;
}

/** Reserves the kernels' scratch for rows/inputs up to n now, so a later kernel call never grows memory. */
export function reserveScratch(n: i32): void {
  scratch(n);
}

/**
 * out[r,o] = act(b[o] + Σ_k x[r,k] W[k,o]); zero inputs are skipped (one-hot and ReLU outputs are sparse).
 * Eight outputs at a time stay in four SIMD registers across the k loop instead of going through memory
 * for every input (about twice as fast here); each output still adds its terms in k order, so the result
 * is bit-identical to the plain loop.
 */
export function forward(x: usize, rows: i32, nIn: i32, w: usize, b: usize, nOut: i32, out: usize, relu: bool): void {
  const zero = f64x2.splat(0);
  const blocks = nOut & ~7;
  const vals = scratch(nIn);
  const idx = vals + (<usize>nIn << 3);
  for (let r = 0; r < rows; r++) {
    const orow = out + ((<usize>(r * nOut)) << 3);
    const xrow = x + ((<usize>(r * nIn)) << 3);
    // Branch-free gather: every entry is written, the count moves only past nonzeros (one-hot and ReLU
    // zeros fall at random, so a branch here mispredicts about half the time).
    let nz = 0;
    for (let k = 0; k < nIn; k++) {
      const xv = load<f64>(xrow + (<usize>k << 3));
      store<f64>(vals + (<usize>nz << 3), xv);
      store<i32>(idx + (<usize>nz << 2), k);
      nz += i32(xv != 0);
    }
    let o = 0;
    for (; o < blocks; o += 8) {
      const bo = b + (<usize>o << 3);
      let a0 = v128.load(bo);
      let a1 = v128.load(bo, 16);
      let a2 = v128.load(bo, 32);
      let a3 = v128.load(bo, 48);
      for (let e = 0; e < nz; e++) {
        const xs = f64x2.splat(load<f64>(vals + (<usize>e << 3)));
        const wp = w + ((<usize>(load<i32>(idx + (<usize>e << 2)) * nOut + o)) << 3);
        a0 = f64x2.add(a0, f64x2.mul(xs, v128.load(wp)));
        a1 = f64x2.add(a1, f64x2.mul(xs, v128.load(wp, 16)));
        a2 = f64x2.add(a2, f64x2.mul(xs, v128.load(wp, 32)));
        a3 = f64x2.add(a3, f64x2.mul(xs, v128.load(wp, 48)));
      }
      if (relu) {
        // `v < 0 ? 0 : v`, exactly as the scalar loop (NaN and -0 pass through).
        a0 = v128.bitselect(zero, a0, f64x2.lt(a0, zero));
        a1 = v128.bitselect(zero, a1, f64x2.lt(a1, zero));
        a2 = v128.bitselect(zero, a2, f64x2.lt(a2, zero));
        a3 = v128.bitselect(zero, a3, f64x2.lt(a3, zero));
      }
      const op = orow + (<usize>o << 3);
      v128.store(op, a0);
      v128.store(op, a1, 16);
      v128.store(op, a2, 32);
      v128.store(op, a3, 48);
    }
    for (; o < nOut; o++) {
      let acc = load<f64>(b + (<usize>o << 3));
      for (let e = 0; e < nz; e++) acc += load<f64>(vals + (<usize>e << 3)) * load<f64>(w + ((<usize>(load<i32>(idx + (<usize>e << 2)) * nOut + o)) << 3));
      store<f64>(orow + (<usize>o << 3), relu && acc < 0 ? 0 : acc);
    }
  }
}

/**
 * gW = (alpha W + Aᵀ δ) / rows, gb = mean over rows of δ. As in `forward`, eight outputs of one input row k
 * are accumulated in registers over the batch rows (in row order, so bit-identical to the plain loop).
 */
export function gradients(a: usize, delta: usize, rows: i32, nIn: i32, nOut: i32, w: usize, alpha: f64, gw: usize, gb: usize): void {
  const inv = 1.0 / <f64>rows;
  const invs = f64x2.splat(inv);
  const al = f64x2.splat(alpha);
  const blocks = nOut & ~7;
  for (let o = 0; o < nOut; o++) {
    let s: f64 = 0;
    for (let r = 0; r < rows; r++) s += load<f64>(delta + ((<usize>(r * nOut + o)) << 3));
    store<f64>(gb + (<usize>o << 3), s * inv);
  }
  const vals = scratch(rows);
  const idx = vals + (<usize>rows << 3);
  for (let k = 0; k < nIn; k++) {
    const wk = (<usize>(k * nOut)) << 3;
    let nz = 0;
    for (let r = 0; r < rows; r++) {
      const av = load<f64>(a + ((<usize>(r * nIn + k)) << 3));
      store<f64>(vals + (<usize>nz << 3), av);
      store<i32>(idx + (<usize>nz << 2), r);
      nz += i32(av != 0);
    }
    let o = 0;
    for (; o < blocks; o += 8) {
      const wp = w + wk + (<usize>o << 3);
      let a0 = f64x2.mul(al, v128.load(wp));
      let a1 = f64x2.mul(al, v128.load(wp, 16));
      let a2 = f64x2.mul(al, v128.load(wp, 32));
      let a3 = f64x2.mul(al, v128.load(wp, 48));
      for (let e = 0; e < nz; e++) {
        const as = f64x2.splat(load<f64>(vals + (<usize>e << 3)));
        const dp = delta + ((<usize>(load<i32>(idx + (<usize>e << 2)) * nOut + o)) << 3);
        a0 = f64x2.add(a0, f64x2.mul(as, v128.load(dp)));
        a1 = f64x2.add(a1, f64x2.mul(as, v128.load(dp, 16)));
        a2 = f64x2.add(a2, f64x2.mul(as, v128.load(dp, 32)));
        a3 = f64x2.add(a3, f64x2.mul(as, v128.load(dp, 48)));
      }
      const gp = gw + wk + (<usize>o << 3);
      v128.store(gp, f64x2.mul(a0, invs));
      v128.store(gp, f64x2.mul(a1, invs), 16);
      v128.store(gp, f64x2.mul(a2, invs), 32);
      v128.store(gp, f64x2.mul(a3, invs), 48);
    }
    for (; o < nOut; o++) {
      let acc = alpha * load<f64>(w + wk + (<usize>o << 3));
      for (let e = 0; e < nz; e++) acc += load<f64>(vals + (<usize>e << 3)) * load<f64>(delta + ((<usize>(load<i32>(idx + (<usize>e << 2)) * nOut + o)) << 3));
      store<f64>(gw + wk + (<usize>o << 3), acc * inv);
    }
  }
}

/**
 * prev[r,k] = (act[r,k] > 0) ? Σ_o W[k,o] δ[r,o] : 0  (back through a ReLU layer). The active inputs of a row
 * are gathered first without branching (about half of ReLU outputs are zero, at random).
 */
export function backInput(delta: usize, rows: i32, nIn: i32, nOut: i32, w: usize, act: usize, prev: usize): void {
  const even = nOut & ~1;
  const active = scratch(nIn);
  for (let r = 0; r < rows; r++) {
    const drow = delta + ((<usize>(r * nOut)) << 3);
    const arow = act + ((<usize>(r * nIn)) << 3);
    const prow = prev + ((<usize>(r * nIn)) << 3);
    let na = 0;
    for (let k = 0; k < nIn; k++) {
      store<i32>(active + (<usize>na << 2), k);
      store<f64>(prow + (<usize>k << 3), 0);
      na += i32(load<f64>(arow + (<usize>k << 3)) > 0);
    }
    for (let e = 0; e < na; e++) {
      const k = load<i32>(active + (<usize>e << 2));
      const wrow = w + ((<usize>(k * nOut)) << 3);
      let acc = f64x2.splat(0);
      let o = 0;
      for (; o < even; o += 2) {
        const off = <usize>o << 3;
        acc = f64x2.add(acc, f64x2.mul(v128.load(wrow + off), v128.load(drow + off)));
      }
      let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
      for (; o < nOut; o++) s += load<f64>(wrow + (<usize>o << 3)) * load<f64>(drow + (<usize>o << 3));
      store<f64>(prow + (<usize>k << 3), s);
    }
  }
}

/** dst row r = src row order[start + r] for r < rows (a shuffled mini-batch; rows are `cols` float64 wide). */
export function gatherRows(src: usize, order: usize, start: i32, rows: i32, cols: i32, dst: usize): void {
  const bytes = <usize>cols << 3;
  for (let r = 0; r < rows; r++) {
    const from = <usize>load<i32>(order + (<usize>(start + r) << 2));
    memory.copy(dst + <usize>r * bytes, src + from * bytes, bytes);
  }
}

/** acc + Σ p[i]² in index order (the L2 term of the loss; sequential, as the loss has always been summed). */
export function sumSquares(p: usize, n: i32, acc: f64): f64 {
  for (let i = 0; i < n; i++) {
    const v = load<f64>(p + (<usize>i << 3));
    acc += v * v;
  }
  return acc;
}

/**
 * One Adam step over n parameters (bias-corrected learning rate computed by the caller). Two parameters per
 * SIMD step: each lane does the scalar step's operations in the same order, so the result is bit-identical.
 */
export function adam(param: usize, g: usize, m: usize, v: usize, n: i32, lr: f64, b1: f64, b2: f64, eps: f64): void {
  const B1 = f64x2.splat(b1);
  const B2 = f64x2.splat(b2);
  const C1 = f64x2.splat(1 - b1);
  const C2 = f64x2.splat(1 - b2);
  const LR = f64x2.splat(lr);
  const EPS = f64x2.splat(eps);
  const even = n & ~1;
  let i = 0;
  for (; i < even; i += 2) {
    const off = <usize>i << 3;
    const gi = v128.load(g + off);
    const mi = f64x2.add(f64x2.mul(B1, v128.load(m + off)), f64x2.mul(C1, gi));
    const vi = f64x2.add(f64x2.mul(B2, v128.load(v + off)), f64x2.mul(f64x2.mul(C2, gi), gi));
    v128.store(m + off, mi);
    v128.store(v + off, vi);
    v128.store(param + off, f64x2.sub(v128.load(param + off), f64x2.div(f64x2.mul(LR, mi), f64x2.add(f64x2.sqrt(vi), EPS))));
  }
  for (; i < n; i++) {
    const off = <usize>i << 3;
    const gi = load<f64>(g + off);
    const mi = b1 * load<f64>(m + off) + (1 - b1) * gi;
    const vi = b2 * load<f64>(v + off) + (1 - b2) * gi * gi;
    store<f64>(m + off, mi);
    store<f64>(v + off, vi);
    store<f64>(param + off, load<f64>(param + off) - (lr * mi) / (Math.sqrt(vi) + eps));
  }
}
