export const FNV_OFFSET = 0x811c9dc5;
export const FNV_PRIME = 0x01000193;

/** FNV-1a over bytes [from, to): the hash `TokenTable` expects (scanners may compute it while splitting). */
export function fnv1a(bytes: Uint8Array, from: number, to: number): number {
  let h = FNV_OFFSET;
  for (let i = from; i < to; i++) h = Math.imul(h ^ bytes[i]!, FNV_PRIME);
  return h >>> 0;
}

/**
 * A hash table from byte strings to values that looks tokens up where they lie in a read buffer, so the hot
 * loop of a 1M-row file creates no string per cell. Keys are copied into an arena of their own; it stops
 * growing at `limit` entries (callers then take their slow path).
 */
export class TokenTable<V> {
  private slots = new Int32Array(64).fill(-1);
  private hashes = new Uint32Array(32);
  private starts = new Int32Array(32);
  private lengths = new Int32Array(32);
  private arena = new Uint8Array(1024);
  private arenaUsed = 0;
  private readonly values: V[] = [];

  constructor(private readonly limit = 10_000) {}

  get size(): number {
    return this.values.length;
  }

  get(bytes: Uint8Array, from: number, to: number, hash: number): V | undefined {
    const mask = this.slots.length - 1;
    const len = to - from;
    for (let s = hash & mask; ; s = (s + 1) & mask) {
      const e = this.slots[s]!;
      if (e < 0) return undefined;
      if (this.hashes[e] !== hash || this.lengths[e] !== len) continue;
      const at = this.starts[e]!;
      let same = true;
      for (let k = 0; k < len; k++) {
        if (this.arena[at + k] !== bytes[from + k]) {
          same = false;
          break;
        }
      }
      if (same) return this.values[e];
    }
  }

  /** Every key (decoded as UTF-8) with its value, in insertion order. */
  entries(): [string, V][] {
    const text = Buffer.from(this.arena.buffer, this.arena.byteOffset, this.arenaUsed);
    return this.values.map((v, e) => [text.toString('utf8', this.starts[e]!, this.starts[e]! + this.lengths[e]!), v]);
  }

  /** Adds a key known to be absent; ignored once the table is full. */
  set(bytes: Uint8Array, from: number, to: number, hash: number, value: V): void {
    const e = this.values.length;
    if (e >= this.limit) return;
    const len = to - from;
    if (this.arenaUsed + len > this.arena.length) this.arena = grow(this.arena, this.arenaUsed + len);
    this.arena.set(bytes.subarray(from, to), this.arenaUsed);
    if (e >= this.hashes.length) {
      this.hashes = grow(this.hashes, e + 1);
      this.starts = grow(this.starts, e + 1);
      this.lengths = grow(this.lengths, e + 1);
    }
    this.hashes[e] = hash;
    this.starts[e] = this.arenaUsed;
    this.lengths[e] = len;
    this.arenaUsed += len;
    this.values.push(value);
    if ((e + 1) * 2 > this.slots.length) this.rehash();
    else this.place(e);
  }

  private place(e: number): void {
    const mask = this.slots.length - 1;
    let s = this.hashes[e]! & mask;
    while (this.slots[s]! >= 0) s = (s + 1) & mask;
    this.slots[s] = e;
  }

  private rehash(): void {
    this.slots = new Int32Array(this.slots.length * 2).fill(-1);
    for (let e = 0; e < this.values.length; e++) this.place(e);
  }
}

function grow<T extends Uint8Array | Int32Array | Uint32Array>(a: T, need: number): T {
  let n = a.length * 2;
  while (n < need) n *= 2;
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a);
  return b;
}
