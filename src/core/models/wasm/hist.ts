import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The boosted trees' histogram kernels of hist.as.ts (WebAssembly, f64x2 SIMD). */
export interface HistKernels {
  readonly memory: WebAssembly.Memory;
  reset(): void;
  /** n bytes, 16-byte aligned; may grow memory (make views after the last call). */
  alloc(n: number): number;
  histogram(slots: number, groups: number, wide: boolean, idx: number, n: number, gh: number, hist: number, histLen: number): void;
  subtract(dst: number, src: number, n: number): void;
  /** Stable partition of idx[0..n) on u8 codes `col` (code <= bin first); out = left G, H, right G, H; returns the left count. */
  partition(idx: number, n: number, col: number, bin: number, gh: number, right: number, out: number): number;
  addLeaf(idx: number, n: number, margin: number, v: number): void;
  walk(codes: number, stride: number, list: number, count: number, feature: number, bin: number, child: number, value: number, depth: number, sums: number): void;
}

let kernels: HistKernels | null | undefined;

const KERNELS = ['reset', 'alloc', 'histogram', 'subtract', 'partition', 'addLeaf', 'walk'] as const;

function wasmPath(): string {
  const sibling = fileURLToPath(new URL('./hist.wasm', import.meta.url));
  // Under vitest this module runs from src/; the compiled kernel lives in dist/.
  return existsSync(sibling) ? sibling : fileURLToPath(new URL('../../../../dist/core/models/wasm/hist.wasm', import.meta.url));
}

/**
 * Loads the kernels once per thread (each worker has its own instance and memory); null when the module
 * has not been built, and callers use their JavaScript loops (same sums in the same order).
 */
export function histKernels(): HistKernels | null {
  if (kernels !== undefined) return kernels;
  const path = wasmPath();
  const exports = existsSync(path) ? new WebAssembly.Instance(new WebAssembly.Module(readFileSync(path)), { env: { abort: () => { throw new Error('wasm abort'); } } }).exports : null;
  // A module built before a kernel was added counts as not built.
  kernels = exports && KERNELS.every((k) => typeof exports[k] === 'function') ? (exports as unknown as HistKernels) : null;
  return kernels;
}
