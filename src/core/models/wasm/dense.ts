import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The dense-layer kernels of dense.as.ts (WebAssembly, 4-lane float32 SIMD). */
export interface DenseKernels {
  readonly memory: WebAssembly.Memory;
  reset(): void;
  /** n zeroed 4-byte slots (float32 or int32). */
  alloc32(n: number): number;
  /** Reserves the kernels' scratch for batches and layer inputs up to n (call before making views). */
  reserveScratch(n: number): void;
  forward(x: number, rows: number, nIn: number, w: number, b: number, nOut: number, out: number, relu: boolean): void;
  gradients(a: number, delta: number, rows: number, nIn: number, nOut: number, w: number, alpha: number, gw: number, gb: number): void;
  backInput(delta: number, rows: number, nIn: number, nOut: number, w: number, act: number, prev: number): void;
  /** dst row r = src row order[start + r] (order: int32 in kernel memory). */
  gatherRows(src: number, order: number, start: number, rows: number, cols: number, dst: number): void;
  /** acc + the sum of squares of n float64 at p, in index order. */
  sumSquares(p: number, n: number, acc: number): number;
  adam(param: number, g: number, m: number, v: number, n: number, lr: number, b1: number, b2: number, eps: number): void;
}

let kernels: DenseKernels | null = null;

function wasmPath(): string {
  const sibling = fileURLToPath(new URL('./dense.wasm', import.meta.url));
  // Under vitest this module runs from src/; the compiled kernel lives in dist/.
  return existsSync(sibling) ? sibling : fileURLToPath(new URL('../../../../dist/core/models/wasm/dense.wasm', import.meta.url));
}

/** Loads the kernels once per thread (each worker gets its own instance and memory). */
export function denseKernels(): DenseKernels {
  if (kernels) return kernels;
  const path = wasmPath();
  if (!existsSync(path)) throw new Error(`missing ${path}: run npm run build`);
  const instance = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(path)), { env: { abort: () => { throw new Error('wasm abort'); } } });
  kernels = instance.exports as unknown as DenseKernels;
  return kernels;
}
