import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';

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
  /** Owns its memory, so it can be moved to a worker thread. */
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

function countNewlines(b: Buffer): number {
  let n = 0;
  for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) n++;
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

  constructor(private readonly path: string, private readonly opts: { readonly skipHeader: boolean; readonly chunkBytes?: number }) {}

  get sha256(): string {
    if (this.digestValue === null) throw new Error('sha256 is known only after reading to the end');
    return this.digestValue;
  }

  async *chunks(): AsyncGenerator<LineChunk> {
    const size = this.opts.chunkBytes ?? 1 << 21;
    const fh = await open(this.path, 'r');
    let rest = Buffer.alloc(0);
    let line = 0;
    let first = true;
    let headerPending = this.opts.skipHeader;
    try {
      for (;;) {
        const buf = Buffer.allocUnsafe(size);
        const { bytesRead } = await fh.read(buf, 0, size, null);
        const eof = bytesRead === 0;
        this.hash.update(buf.subarray(0, bytesRead));
        let data = rest.length > 0 ? Buffer.concat([rest, buf.subarray(0, bytesRead)]) : buf.subarray(0, bytesRead);
        if (first) {
          if (data.length < 3 && !eof) {
            rest = Buffer.from(data);
            continue;
          }
          if (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) data = data.subarray(3);
          first = false;
        }
        let pos = 0;
        while (headerPending) {
          const nl = data.indexOf(10, pos);
          const end = nl < 0 ? (eof ? data.length : -1) : nl;
          if (end < 0 || (end === pos && nl < 0)) break;
          line++;
          if (!isBlankBytes(data, pos, end)) headerPending = false;
          pos = nl < 0 ? data.length : nl + 1;
        }
        const last = eof ? data.length : data.lastIndexOf(10) + 1;
        if (last > pos) {
          const bytes = new Uint8Array(last - pos);
          bytes.set(data.subarray(pos, last));
          const firstLine = line + 1;
          // Counted before yielding: the consumer may move the bytes to another thread.
          line += countNewlines(Buffer.from(bytes.buffer, 0, bytes.length)) + (bytes[bytes.length - 1] === 10 ? 0 : 1);
          yield { bytes, firstLine };
        }
        if (eof) break;
        rest = Buffer.from(data.subarray(Math.max(last, pos)));
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
