import { BufferPool } from '../data/buffer-pool.js';

/**
 * Text written straight into a growing byte buffer. A scored chunk's output stays bytes end to end: built as
 * one long string it had to be flattened and encoded afterwards, which cost 1.6 s per million rows here.
 */
export class ByteSink {
  private buf: Buffer;
  private used = 0;

  /** `pool`: where buffers come from; whoever writes a taken chunk out can give its buffer back there. */
  constructor(private readonly initialBytes = 1 << 16, readonly pool = new BufferPool()) {
    this.buf = this.ownBuffer(initialBytes);
  }

  get length(): number {
    return this.used + this.pending.length;
  }

  /** Small writes are joined first: one encode per ~16 KB rather than a native call per row (0.5 s per 1M rows). */
  private pending = '';

  write(s: string): void {
    this.pending += s;
    if (this.pending.length >= 16384) this.flushPending();
  }

  private flushPending(): void {
    const s = this.pending;
    if (s.length === 0) return;
    this.pending = '';
    // UTF-8 needs at most 3 bytes per UTF-16 code unit.
    const need = this.used + 3 * s.length;
    if (need > this.buf.length) {
      const next = this.ownBuffer(Math.max(need, 2 * this.buf.length));
      this.buf.copy(next, 0, 0, this.used);
      this.pool.give(this.buf.buffer);
      this.buf = next;
    }
    this.used += this.buf.write(s, this.used, 'utf8');
  }

  /**
   * The bytes written since the last take, on an ArrayBuffer of their own (never Node's shared pool), so a
   * worker thread can transfer it rather than copy it; the sink starts again empty.
   */
  take(): Uint8Array {
    this.flushPending();
    const out = this.buf.subarray(0, this.used);
    // The next chunk is sized like this one: room to spare, so it is rarely grown (each growth copies).
    this.buf = this.ownBuffer(Math.max(this.initialBytes, Math.min(Math.ceil(this.used * 1.25) + 3 * 16384, 1 << 26)));
    this.used = 0;
    return out;
  }

  private ownBuffer(bytes: number): Buffer {
    return Buffer.from(this.pool.take(bytes));
  }
}
