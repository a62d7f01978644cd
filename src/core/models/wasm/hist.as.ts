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

/**
 * Stable partition of the row list idx[0..n) on one feature's u8 codes (`col`: the feature's column, indexed
 * by row): rows with code <= bin keep their order at the front, the others follow in order (through
 * `right`). Each side's (Σg, Σh) is taken on the way, in row order, a row adding itself times 1 to its side
 * and times 0 to the other, as the JavaScript loop does; out[0..4) = left G, H, right G, H. Returns the left
 * count.
 */
export function partition(idx: usize, n: i32, col: usize, bin: i32, gh: usize, right: usize, out: usize): i32 {
  let a: i32 = 0;
  let c: i32 = 0;
  let L = f64x2.splat(0);
  let R = f64x2.splat(0);
  for (let r = 0; r < n; r++) {
    const i = load<i32>(idx + (<usize>r << 2));
    store<i32>(idx + (<usize>a << 2), i);
    store<i32>(right + (<usize>c << 2), i);
    const left = i32(<i32>load<u8>(col + <usize>i) <= bin);
    const g = v128.load(gh + (<usize>i << 4));
    L = f64x2.add(L, f64x2.mul(g, f64x2.splat(<f64>left)));
    R = f64x2.add(R, f64x2.mul(g, f64x2.splat(<f64>(1 - left))));
    a += left;
    c += 1 - left;
  }
  memory.copy(idx + (<usize>a << 2), right, <usize>c << 2);
  v128.store(out, L);
  v128.store(out, R, 16);
  return a;
}

/** margin[idx[r]] += v for r < n (a leaf's value to its rows). */
export function addLeaf(idx: usize, n: i32, margin: usize, v: f64): void {
  for (let r = 0; r < n; r++) {
    const p = margin + (<usize>load<i32>(idx + (<usize>r << 2)) << 3);
    store<f64>(p, load<f64>(p) + v);
  }
}

/**
 * sums[i] += value[leaf of row i] for the rows list[0..count) (rows 0..count when list is 0), walking u8
 * codes (column-major, `stride` rows per column; code <= bin goes left) through a tree laid out as feature
 * and bin (i32 per node) and child (an i32 pair per node; a leaf points at itself), `depth` steps per row.
 */
export function walk(codes: usize, stride: i32, list: usize, count: i32, feature: usize, bin: usize, child: usize, value: usize, depth: i32, sums: usize): void {
  for (let u = 0; u < count; u++) {
    const i: i32 = list ? load<i32>(list + (<usize>u << 2)) : u;
    let node: i32 = 0;
    for (let d = 0; d < depth; d++) {
      const code = <i32>load<u8>(codes + <usize>load<i32>(feature + (<usize>node << 2)) * <usize>stride + <usize>i);
      node = load<i32>(child + (<usize>((node << 1) + i32(code > load<i32>(bin + (<usize>node << 2)))) << 2));
    }
    const p = sums + (<usize>i << 3);
    store<f64>(p, load<f64>(p) + load<f64>(value + (<usize>node << 3)));
  }
}
