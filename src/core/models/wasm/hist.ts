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
}

let kernels: HistKernels | null | undefined;

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
  kernels = existsSync(path)
    ? (new WebAssembly.Instance(new WebAssembly.Module(readFileSync(path)), { env: { abort: () => { throw new Error('wasm abort'); } } }).exports as unknown as HistKernels)
    : null;
  return kernels;
}
