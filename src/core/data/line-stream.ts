import { createHash } from 'node:crypto';
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';

/**
 * Lines of a text file, streamed in bounded memory, with their 1-based line numbers; strips a BOM and
 * CR before LF. The sha256 of the bytes read is available once iteration ends.
 */
export class LineStream {
  private readonly hash = createHash('sha256');
  private digestValue: string | null = null;

  constructor(private readonly path: string) {}

  get sha256(): string {
    if (this.digestValue === null) throw new Error('sha256 is known only after reading to the end');
    return this.digestValue;
  }

  async *lines(): AsyncGenerator<{ line: string; number: number }> {
    let rest = '';
    let n = 0;
    let first = true;
    for await (const chunk of createReadStream(this.path, { highWaterMark: 1 << 20 })) {
      this.hash.update(chunk as Buffer);
      let text = rest + (chunk as Buffer).toString('utf8');
      if (first) {
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        first = false;
      }
      let start = 0;
      for (;;) {
        const nl = text.indexOf('\n', start);
        if (nl < 0) break;
        const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
        yield { line: text.slice(start, end), number: ++n };
        start = nl + 1;
      }
      rest = text.slice(start);
    }
    if (rest.length > 0) yield { line: rest.endsWith('\r') ? rest.slice(0, -1) : rest, number: ++n };
    this.digestValue = this.hash.digest('hex');
  }
}

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
