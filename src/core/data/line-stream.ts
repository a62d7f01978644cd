import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { BufferPool } from './buffer-pool.js';

/** The first `bytes` bytes of a file (format sniffing without reading the whole file). */
export function readHead(path: string, bytes = 1 << 16): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    return buf.subarray(0, readSync(fd, buf, 0, bytes, 0));
  } finally {
    closeSync(fd);
  }
}

/** Complete lines of a file, `firstLine` being the 1-based number of the first of them. */
export interface LineChunk {
  /**
   * A view on a buffer of its own (it may start after a BOM or header and the buffer may run on past it):
   * it can be moved to a worker thread.
   */
  readonly bytes: Uint8Array;
  readonly firstLine: number;
}

function isBlankBytes(b: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = b[i]!;
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}

/** Line feeds in b[from, to): a plain loop (a native indexOf call per line cost more, at ~90 bytes a line). */
function countNewlines(b: Uint8Array, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) n += +(b[i] === 10);
  return n;
}

/**
 * A text file as chunks of about `chunkBytes` of whole lines, read in bounded memory: chunks split only at
 * line ends (so never inside a UTF-8 character), a BOM is dropped, and with `skipHeader` the first non-blank
 * line is skipped. The sha256 of every byte is available once iteration ends.
 */
export class LineChunks {
  private readonly hash = createHash('sha256');
  private digestValue: string | null = null;

  /** `pool`: where chunk buffers come from; a consumer that gives them back when done saves fresh memory. */
  constructor(private readonly path: string, private readonly opts: { readonly skipHeader: boolean; readonly chunkBytes?: number; readonly pool?: BufferPool }) {}

  get sha256(): string {
    if (this.digestValue === null) throw new Error('sha256 is known only after reading to the end');
    return this.digestValue;
  }

  async *chunks(): AsyncGenerator<LineChunk> {
    const size = this.opts.chunkBytes ?? 1 << 21;
    const fh = await open(this.path, 'r');
    // The unfinished last line of the previous read, carried to the front of the next chunk's buffer.
    let rest: Uint8Array = new Uint8Array(0);
    let line = 0;
    let first = true;
    let headerPending = this.opts.skipHeader;
    try {
      for (;;) {
        // Each chunk is read straight into a buffer of its own (no concatenation, no copy to move it to a
        // worker thread): the carried bytes, then the next read.
        const own = new Uint8Array(this.opts.pool ? this.opts.pool.take(rest.length + size) : new ArrayBuffer(rest.length + size));
        own.set(rest);
        const { bytesRead } = await fh.read(own, rest.length, size, null);
        const eof = bytesRead === 0;
        this.hash.update(own.subarray(rest.length, rest.length + bytesRead));
        const data = Buffer.from(own.buffer, 0, rest.length + bytesRead);
        let pos = 0;
        if (first) {
          if (data.length < 3 && !eof) {
            rest = data;
            continue;
          }
          if (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) pos = 3;
          first = false;
        }
        while (headerPending) {
          const nl = data.indexOf(10, pos);
          const end = nl < 0 ? (eof ? data.length : -1) : nl;
          if (end < 0 || (end === pos && nl < 0)) break;
          line++;
          if (!isBlankBytes(data, pos, end)) headerPending = false;
          pos = nl < 0 ? data.length : nl + 1;
        }
        const last = eof ? data.length : data.lastIndexOf(10) + 1;
        // Copied out before the chunk is yielded: the consumer may move its buffer to another thread.
        const carried = eof ? new Uint8Array(0) : own.slice(Math.max(last, pos), data.length);
        if (last > pos) {
          const bytes = new Uint8Array(own.buffer, pos, last - pos);
          const firstLine = line + 1;
          line += countNewlines(data, pos, last) + (bytes[bytes.length - 1] === 10 ? 0 : 1);
          yield { bytes, firstLine };
        }
        if (eof) break;
        rest = carried;
      }
    } finally {
      await fh.close();
    }
    this.digestValue = this.hash.digest('hex');
  }
}

/** Walks the lines of a chunk: after each `next()`, bytes [from, to) is one line (CR dropped), `line` its number. */
export class LineCursor {
  from = 0;
  to = 0;
  line: number;
  private start = 0;
  private readonly buf: Buffer;

  constructor(readonly bytes: Uint8Array, firstLine: number) {
    this.line = firstLine - 1;
    this.buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  next(): boolean {
    const n = this.bytes.length;
    if (this.start >= n) return false;
    let nl = this.buf.indexOf(10, this.start);
    if (nl < 0) nl = n;
    this.from = this.start;
    this.to = nl > this.from && this.bytes[nl - 1] === 13 ? nl - 1 : nl;
    this.start = nl + 1;
    this.line++;
    return true;
  }
}
