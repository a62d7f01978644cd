import type { Delimiter } from './delimited.js';
import { FNV_OFFSET, FNV_PRIME } from './token-table.js';

/** A JS-whitespace byte that `String.prototype.trim` removes (the ASCII ones). */
const isSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);

/**
 * Splits lines where they lie in a read buffer: field f of the last line scanned is bytes
 * [starts[f], ends[f]) with FNV-1a hash hashes[f] (see `TokenTable`). Lines with a double quote or a
 * non-ASCII byte are left to the string path (`splitLine`), which handles RFC 4180 quotes and Unicode
 * trimming; on every other line both paths give the same fields.
 */
export class FieldScanner {
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly hashes: Uint32Array;
  private readonly whitespace: boolean;
  private readonly delimiter: number;

  constructor(delimiter: Delimiter, readonly fields: number) {
    this.starts = new Int32Array(fields);
    this.ends = new Int32Array(fields);
    this.hashes = new Uint32Array(fields);
    this.whitespace = delimiter === 'whitespace';
    this.delimiter = this.whitespace ? -1 : delimiter.charCodeAt(0);
  }

  /**
   * Scans bytes [from, to) (one line without its line end). Returns the number of fields (only the first
   * `fields` are recorded), 0 for a blank line, or -1 when the line needs the string path.
   */
  scan(bytes: Uint8Array, from: number, to: number): number {
    return this.whitespace ? this.scanWhitespace(bytes, from, to) : this.scanDelimited(bytes, from, to);
  }

  private record(f: number, from: number, to: number, hash: number): void {
    if (f >= this.fields) return;
    this.starts[f] = from;
    this.ends[f] = to;
    this.hashes[f] = hash >>> 0;
  }

  private scanDelimited(bytes: Uint8Array, from: number, to: number): number {
    const d = this.delimiter;
    let f = 0;
    let blank = true;
    let a = from;
    let h = FNV_OFFSET;
    for (let k = from; k < to; k++) {
      const c = bytes[k]!;
      if (c === 34 || c >= 128) return -1;
      if (!isSpace(c)) blank = false;
      if (c === d) {
        this.record(f++, a, k, h);
        a = k + 1;
        h = FNV_OFFSET;
      } else h = Math.imul(h ^ c, FNV_PRIME);
    }
    if (blank) return 0;
    this.record(f++, a, to, h);
    return f;
  }

  private scanWhitespace(bytes: Uint8Array, from: number, to: number): number {
    let p = from;
    let q = to;
    while (p < q && isSpace(bytes[p]!)) p++;
    while (q > p && isSpace(bytes[q - 1]!)) q--;
    let f = 0;
    let inToken = false;
    let a = p;
    let h = FNV_OFFSET;
    for (let k = p; k < q; k++) {
      const c = bytes[k]!;
      if (c >= 128) return -1;
      if (c === 32 || c === 9) {
        if (inToken) this.record(f++, a, k, h);
        inToken = false;
      } else {
        if (!inToken) {
          inToken = true;
          a = k;
          h = FNV_OFFSET;
        }
        h = Math.imul(h ^ c, FNV_PRIME);
      }
    }
    if (inToken) this.record(f++, a, q, h);
    return f;
  }
}
