// AssemblyScript: the boosted trees' histogram kernels, compiled to WebAssembly with 128-bit SIMD. A row's
// gradient and hessian sit side by side (one f64x2), so each (row, column) slot is one load, one add and
// one store of a lane pair; each lane adds in row order, as the scalar loop does (bit-identical).
// Build: npm run build (asc). JavaScript owns the memory layout (a bump allocator below, reset per fit).

let top: usize = 0;

/** Frees everything allocated since the last reset. */
export function reset(): void {
  top = (__heap_base + 15) & ~15;
}

/** n bytes, 16-byte aligned (contents unspecified), growing memory as needed. */
export function alloc(n: usize): usize {
  if (top == 0) reset();
  const p = top;
  top += (n + 15) & ~15;
  const needed = <i32>((top + 0xffff) >> 16) - memory.size();
  if (needed > 0) memory.grow(needed);
  return p;
}

/**
 * hist[2k], hist[2k+1] = Σ g, Σ h of the rows idx[0..n) whose slot in some group is k. Slots are row-major
 * (`groups` per row), u16 when `wide` is false, else i32.
 */
export function histogram(slots: usize, groups: i32, wide: bool, idx: usize, n: i32, gh: usize, hist: usize, histLen: i32): void {
  memory.fill(hist, 0, <usize>histLen << 4);
  for (let r = 0; r < n; r++) {
    const i = load<i32>(idx + (<usize>r << 2));
    const g = v128.load(gh + (<usize>i << 4));
    if (wide) {
      const row = slots + ((<usize>i * <usize>groups) << 2);
      for (let s = 0; s < groups; s++) {
        const p = hist + (<usize>load<i32>(row + (<usize>s << 2)) << 4);
        v128.store(p, f64x2.add(v128.load(p), g));
      }
    } else {
      const row = slots + ((<usize>i * <usize>groups) << 1);
      let s = 0;
      // Four slots a step (the same adds in the same order; each group has its own range, so the four
      // never touch one entry).
      for (; s + 4 <= groups; s += 4) {
        const p0 = hist + (<usize>load<u16>(row + (<usize>s << 1)) << 4);
        const p1 = hist + (<usize>load<u16>(row + (<usize>s << 1), 2) << 4);
        const p2 = hist + (<usize>load<u16>(row + (<usize>s << 1), 4) << 4);
        const p3 = hist + (<usize>load<u16>(row + (<usize>s << 1), 6) << 4);
        v128.store(p0, f64x2.add(v128.load(p0), g));
        v128.store(p1, f64x2.add(v128.load(p1), g));
        v128.store(p2, f64x2.add(v128.load(p2), g));
        v128.store(p3, f64x2.add(v128.load(p3), g));
      }
      for (; s < groups; s++) {
        const p = hist + (<usize>load<u16>(row + (<usize>s << 1)) << 4);
        v128.store(p, f64x2.add(v128.load(p), g));
      }
    }
  }
}

/** dst[k] -= src[k] for the n (G, H) pairs. */
export function subtract(dst: usize, src: usize, n: i32): void {
  for (let k = 0; k < n; k++) {
    const o = <usize>k << 4;
    v128.store(dst + o, f64x2.sub(v128.load(dst + o), v128.load(src + o)));
  }
}
