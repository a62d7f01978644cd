/**
 * ArrayBuffers kept for reuse. A fresh buffer's pages are faulted in by the kernel on first touch, which
 * cost more than the scoring itself here (about 50k faults per 1M rows, for 2 MB input chunks and their
 * output), so the streaming paths hand finished buffers back instead of dropping them.
 */
export class BufferPool {
  private readonly free: ArrayBuffer[] = [];

  constructor(private readonly keep = 4) {}

  /** A buffer of at least `bytes` (its contents are whatever it last held). */
  take(bytes: number): ArrayBuffer {
    const i = this.free.findIndex((b) => b.byteLength >= bytes);
    if (i >= 0) return this.free.splice(i, 1)[0]!;
    // Rounded up so that requests a few bytes apart can share buffers.
    return new ArrayBuffer(Math.ceil(bytes / 65536) * 65536);
  }

  /** Hands a buffer back (a detached one, moved to another thread, is ignored). */
  give(buffer: ArrayBufferLike): void {
    if (!(buffer instanceof ArrayBuffer) || buffer.byteLength === 0 || this.free.includes(buffer)) return;
    if (this.free.length < this.keep) this.free.push(buffer);
    else {
      // Full: a larger buffer replaces the smallest kept (a growing sink's early, small buffers would
      // otherwise fill the pool for good).
      let smallest = 0;
      for (let i = 1; i < this.free.length; i++) if (this.free[i]!.byteLength < this.free[smallest]!.byteLength) smallest = i;
      if (this.free[smallest]!.byteLength < buffer.byteLength) this.free[smallest] = buffer;
    }
  }
}
