import { describe, expect, it } from 'vitest';
import { BufferPool } from './buffer-pool.js';

describe('BufferPool', () => {
  it('hands back a kept buffer that is large enough, and allocates only when none is', () => {
    const pool = new BufferPool(2);
    const a = pool.take(100_000);
    expect(a.byteLength).toBeGreaterThanOrEqual(100_000);
    pool.give(a);
    expect(pool.take(90_000)).toBe(a); // reused
    pool.give(a);
    const b = pool.take(a.byteLength + 1);
    expect(b).not.toBe(a);
    expect(pool.take(10)).toBe(a);
  });

  it('keeps at most `keep` buffers, a larger one replacing the smallest; detached buffers are ignored', () => {
    const pool = new BufferPool(2);
    const small = new ArrayBuffer(1024);
    const mid = new ArrayBuffer(4096);
    const big = new ArrayBuffer(1 << 20);
    pool.give(small);
    pool.give(mid);
    pool.give(big); // replaces `small`
    expect(pool.take(1 << 19)).toBe(big);
    expect(pool.take(2048)).toBe(mid);
    expect(pool.take(512)).not.toBe(small);
    const moved = new ArrayBuffer(64);
    structuredClone(moved, { transfer: [moved] });
    pool.give(moved);
    expect(pool.take(1)).not.toBe(moved);
  });
});
