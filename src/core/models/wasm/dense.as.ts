// AssemblyScript: dense-layer kernels for the MLP engine, compiled to WebAssembly with 128-bit SIMD
// (four float32 lanes). JavaScript owns the training loop; these are the inner loops only.
// Build: npm run build (asc). Layouts are row-major; W is inputs × outputs.

/** Zeroed 4-byte scratch memory for the caller (a bump allocator; `reset` frees everything). */
let top: usize = 0;

export function reset(): void {
  top = (__heap_base + 15) & ~15;
  scratchCap = 0;
}

/** n zeroed float32 (or int32) slots, 16-byte aligned. */
export function alloc32(n: i32): usize {
  if (top == 0) reset();
  const p = top;
  top += ((<usize>n << 2) + 15) & ~15;
  const needed = <i32>((top + 0xffff) >> 16) - memory.size();
  if (needed > 0) memory.grow(needed);
  memory.fill(p, 0, <usize>n << 2); // a fresh fit must not see the last one's Adam moments
  return p;
}

/** Kernel scratch: the nonzero entries of a row or column (values, then i32 positions), from the bump heap. */
let scratchPtr: usize = 0;
let scratchCap: i32 = 0;

function scratch(n: i32): usize {
  if (n > scratchCap) {
    scratchPtr = alloc32(2 * n);
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
 * Sixteen outputs at a time stay in four SIMD registers across the k loop; each output still adds its
 * terms in k order, each operation rounded to float32, so the result is bit-identical to the plain loop.
 */
export function forward(x: usize, rows: i32, nIn: i32, w: usize, b: usize, nOut: i32, out: usize, relu: bool): void {
  const zero = f32x4.splat(0);
  const blocks = nOut & ~15;
  const quads = nOut & ~3;
  const vals = scratch(nIn);
  const idx = vals + (<usize>nIn << 2);
  for (let r = 0; r < rows; r++) {
    const orow = out + ((<usize>(r * nOut)) << 2);
    const xrow = x + ((<usize>(r * nIn)) << 2);
    // Branch-free gather: every entry is written, the count moves only past nonzeros (one-hot and ReLU
    // zeros fall at random, so a branch here mispredicts about half the time).
    let nz = 0;
    for (let k = 0; k < nIn; k++) {
      const xv = load<f32>(xrow + (<usize>k << 2));
      store<f32>(vals + (<usize>nz << 2), xv);
      store<i32>(idx + (<usize>nz << 2), k);
      nz += i32(xv != 0);
    }
    let o = 0;
    for (; o < blocks; o += 16) {
      const bo = b + (<usize>o << 2);
      let a0 = v128.load(bo);
      let a1 = v128.load(bo, 16);
      let a2 = v128.load(bo, 32);
      let a3 = v128.load(bo, 48);
      for (let e = 0; e < nz; e++) {
        const xs = f32x4.splat(load<f32>(vals + (<usize>e << 2)));
        const wp = w + ((<usize>(load<i32>(idx + (<usize>e << 2)) * nOut + o)) << 2);
        a0 = f32x4.add(a0, f32x4.mul(xs, v128.load(wp)));
        a1 = f32x4.add(a1, f32x4.mul(xs, v128.load(wp, 16)));
        a2 = f32x4.add(a2, f32x4.mul(xs, v128.load(wp, 32)));
        a3 = f32x4.add(a3, f32x4.mul(xs, v128.load(wp, 48)));
      }
      if (relu) {
        // `v < 0 ? 0 : v`, exactly as the scalar loop (NaN and -0 pass through).
        a0 = v128.bitselect(zero, a0, f32x4.lt(a0, zero));
        a1 = v128.bitselect(zero, a1, f32x4.lt(a1, zero));
        a2 = v128.bitselect(zero, a2, f32x4.lt(a2, zero));
        a3 = v128.bitselect(zero, a3, f32x4.lt(a3, zero));
      }
      const op = orow + (<usize>o << 2);
      v128.store(op, a0);
      v128.store(op, a1, 16);
      v128.store(op, a2, 32);
      v128.store(op, a3, 48);
    }
    for (; o < quads; o += 4) {
      let a0 = v128.load(b + (<usize>o << 2));
      for (let e = 0; e < nz; e++) {
        const xs = f32x4.splat(load<f32>(vals + (<usize>e << 2)));
        a0 = f32x4.add(a0, f32x4.mul(xs, v128.load(w + ((<usize>(load<i32>(idx + (<usize>e << 2)) * nOut + o)) << 2))));
      }
      if (relu) a0 = v128.bitselect(zero, a0, f32x4.lt(a0, zero));
      v128.store(orow + (<usize>o << 2), a0);
    }
    for (; o < nOut; o++) {
      let acc = load<f32>(b + (<usize>o << 2));
      for (let e = 0; e < nz; e++) acc += load<f32>(vals + (<usize>e << 2)) * load<f32>(w + ((<usize>(load<i32>(idx + (<usize>e << 2)) * nOut + o)) << 2));
      store<f32>(orow + (<usize>o << 2), relu && acc < 0 ? 0 : acc);
    }
  }
}

/**
 * gW = (alpha W + Aᵀ δ) / rows, gb = mean over rows of δ. As in `forward`, sixteen outputs of one input
 * row k are accumulated in registers over the batch rows (in row order, so bit-identical to the plain loop).
 */
export function gradients(a: usize, delta: usize, rows: i32, nIn: i32, nOut: i32, w: usize, alpha: f32, gw: usize, gb: usize): void {
  const inv: f32 = 1.0 / <f32>rows;
  const invs = f32x4.splat(inv);
  const al = f32x4.splat(alpha);
  const blocks = nOut & ~15;
  const quads = nOut & ~3;
  for (let o = 0; o < nOut; o++) {
    let s: f32 = 0;
    for (let r = 0; r < rows; r++) s += load<f32>(delta + ((<usize>(r * nOut + o)) << 2));
    store<f32>(gb + (<usize>o << 2), s * inv);
  }
  const vals = scratch(rows);
  const idx = vals + (<usize>rows << 2);
  for (let k = 0; k < nIn; k++) {
    const wk = (<usize>(k * nOut)) << 2;
    let nz = 0;
    for (let r = 0; r < rows; r++) {
      const av = load<f32>(a + ((<usize>(r * nIn + k)) << 2));
      store<f32>(vals + (<usize>nz << 2), av);
      store<i32>(idx + (<usize>nz << 2), r);
      nz += i32(av != 0);
    }
    let o = 0;
    for (; o < blocks; o += 16) {
      const wp = w + wk + (<usize>o << 2);
      let a0 = f32x4.mul(al, v128.load(wp));
      let a1 = f32x4.mul(al, v128.load(wp, 16));
      let a2 = f32x4.mul(al, v128.load(wp, 32));
      let a3 = f32x4.mul(al, v128.load(wp, 48));
      for (let e = 0; e < nz; e++) {
        const as = f32x4.splat(load<f32>(vals + (<usize>e << 2)));
        const dp = delta + ((<usize>(load<i32>(idx + (<usize>e << 2)) * nOut + o)) << 2);
        a0 = f32x4.add(a0, f32x4.mul(as, v128.load(dp)));
        a1 = f32x4.add(a1, f32x4.mul(as, v128.load(dp, 16)));
        a2 = f32x4.add(a2, f32x4.mul(as, v128.load(dp, 32)));
        a3 = f32x4.add(a3, f32x4.mul(as, v128.load(dp, 48)));
      }
      const gp = gw + wk + (<usize>o << 2);
      v128.store(gp, f32x4.mul(a0, invs));
      v128.store(gp, f32x4.mul(a1, invs), 16);
      v128.store(gp, f32x4.mul(a2, invs), 32);
      v128.store(gp, f32x4.mul(a3, invs), 48);
    }
    for (; o < quads; o += 4) {
      const wp = w + wk + (<usize>o << 2);
      let a0 = f32x4.mul(al, v128.load(wp));
      for (let e = 0; e < nz; e++) {
        const as = f32x4.splat(load<f32>(vals + (<usize>e << 2)));
        a0 = f32x4.add(a0, f32x4.mul(as, v128.load(delta + ((<usize>(load<i32>(idx + (<usize>e << 2)) * nOut + o)) << 2))));
      }
      v128.store(gw + wk + (<usize>o << 2), f32x4.mul(a0, invs));
    }
    for (; o < nOut; o++) {
      let acc = alpha * load<f32>(w + wk + (<usize>o << 2));
      for (let e = 0; e < nz; e++) acc += load<f32>(vals + (<usize>e << 2)) * load<f32>(delta + ((<usize>(load<i32>(idx + (<usize>e << 2)) * nOut + o)) << 2));
      store<f32>(gw + wk + (<usize>o << 2), acc * inv);
    }
  }
}

/**
 * prev[r,k] = (act[r,k] > 0) ? Σ_o W[k,o] δ[r,o] : 0  (back through a ReLU layer). The active inputs of a row
 * are gathered first without branching (about half of ReLU outputs are zero, at random). The sum runs in
 * four lanes (o mod 4), added pairwise at the end, then the tail in order.
 */
export function backInput(delta: usize, rows: i32, nIn: i32, nOut: i32, w: usize, act: usize, prev: usize): void {
  const quads = nOut & ~3;
  const active = scratch(nIn);
  for (let r = 0; r < rows; r++) {
    const drow = delta + ((<usize>(r * nOut)) << 2);
    const arow = act + ((<usize>(r * nIn)) << 2);
    const prow = prev + ((<usize>(r * nIn)) << 2);
    let na = 0;
    for (let k = 0; k < nIn; k++) {
      store<i32>(active + (<usize>na << 2), k);
      store<f32>(prow + (<usize>k << 2), 0);
      na += i32(load<f32>(arow + (<usize>k << 2)) > 0);
    }
    for (let e = 0; e < na; e++) {
      const k = load<i32>(active + (<usize>e << 2));
      const wrow = w + ((<usize>(k * nOut)) << 2);
      let acc = f32x4.splat(0);
      let o = 0;
      for (; o < quads; o += 4) {
        const off = <usize>o << 2;
        acc = f32x4.add(acc, f32x4.mul(v128.load(wrow + off), v128.load(drow + off)));
      }
      let s: f32 = (f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1)) + (f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3));
      for (; o < nOut; o++) s += load<f32>(wrow + (<usize>o << 2)) * load<f32>(drow + (<usize>o << 2));
      store<f32>(prow + (<usize>k << 2), s);
    }
  }
}

/** dst row r = src row order[start + r] for r < rows (a shuffled mini-batch; rows are `cols` float32 wide). */
export function gatherRows(src: usize, order: usize, start: i32, rows: i32, cols: i32, dst: usize): void {
  const bytes = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    const from = <usize>load<i32>(order + (<usize>(start + r) << 2));
    memory.copy(dst + <usize>r * bytes, src + from * bytes, bytes);
  }
}

/** acc + Σ p[i]² in index order, in float64 (the L2 term of the loss). */
export function sumSquares(p: usize, n: i32, acc: f64): f64 {
  for (let i = 0; i < n; i++) {
    const v = <f64>load<f32>(p + (<usize>i << 2));
    acc += v * v;
  }
  return acc;
}

/**
 * One Adam step over n float32 parameters (bias-corrected learning rate computed by the caller), four per
 * SIMD step: each lane does the scalar step's operations in the same order, so the result is bit-identical.
 */
export function adam(param: usize, g: usize, m: usize, v: usize, n: i32, lr: f32, b1: f32, b2: f32, eps: f32): void {
  const c1: f32 = 1 - b1;
  const c2: f32 = 1 - b2;
  const B1 = f32x4.splat(b1);
  const B2 = f32x4.splat(b2);
  const C1 = f32x4.splat(c1);
  const C2 = f32x4.splat(c2);
  const LR = f32x4.splat(lr);
  const EPS = f32x4.splat(eps);
  const quads = n & ~3;
  let i = 0;
  for (; i < quads; i += 4) {
    const off = <usize>i << 2;
    const gi = v128.load(g + off);
    const mi = f32x4.add(f32x4.mul(B1, v128.load(m + off)), f32x4.mul(C1, gi));
    const vi = f32x4.add(f32x4.mul(B2, v128.load(v + off)), f32x4.mul(f32x4.mul(C2, gi), gi));
    v128.store(m + off, mi);
    v128.store(v + off, vi);
    v128.store(param + off, f32x4.sub(v128.load(param + off), f32x4.div(f32x4.mul(LR, mi), f32x4.add(f32x4.sqrt(vi), EPS))));
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    const gi = load<f32>(g + off);
    const mi = b1 * load<f32>(m + off) + c1 * gi;
    const vi = b2 * load<f32>(v + off) + c2 * gi * gi;
    store<f32>(m + off, mi);
    store<f32>(v + off, vi);
    store<f32>(param + off, load<f32>(param + off) - (lr * mi) / (Mathf.sqrt(vi) + eps));
  }
}
