import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hintForOtherDelimiter, sniffHeader, splitLine } from '../core/data/delimited.js';
import { FieldScanner } from '../core/data/field-scanner.js';
import { isIdColumn, KNOWN_TARGETS, knownSpecsFor } from '../core/data/formats.js';
import { LineChunks, LineCursor, readHead } from '../core/data/line-stream.js';
import { ColumnTally, type NumberSpill } from '../core/drift/column-tally.js';
import type { DriftColumn } from '../core/drift/compare.js';
import { UserError } from '../core/errors.js';

/** Numbers past a column's distinct-token limit, appended to a temp file in 512 KB blocks. */
class FileSpill implements NumberSpill {
  private readonly block = new Float64Array(65536);
  private used = 0;
  private written = 0;
  private fd: number | null = null;

  constructor(private readonly path: string) {}

  push(v: number): void {
    this.block[this.used++] = v;
    if (this.used === this.block.length) this.flush();
  }

  get size(): number {
    return this.written + this.used;
  }

  readInto(target: Float64Array, offset: number): void {
    this.flush();
    if (this.fd === null) return;
    // Straight into the caller's array: the spill never exists twice in memory.
    const fd = openSync(this.path, 'r');
    try {
      const into = new Uint8Array(target.buffer, target.byteOffset + offset * 8, this.written * 8);
      for (let got = 0; got < into.length; ) {
        const n = readSync(fd, into, got, into.length - got, got);
        if (n === 0) throw new Error(`spill file ${this.path} is shorter than written`);
        got += n;
      }
    } finally {
      closeSync(fd);
    }
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private flush(): void {
    if (this.used === 0) return;
    this.fd ??= openSync(this.path, 'w');
    writeSync(this.fd, new Uint8Array(this.block.buffer, 0, this.used * 8));
    this.written += this.used;
    this.used = 0;
  }
}

export interface StreamedTable {
  readonly columns: readonly DriftColumn[];
  readonly target: string | null;
  readonly rows: number;
  readonly sha256: string;
  /** Columns whose distinct values outgrew the token table and went (partly) to a spill file. */
  readonly spilled: readonly string[];
  /** Removes the spill files; call once the columns have been compared. */
  readonly close: () => void;
}

const skipped = (name: string): boolean => name === '' || isIdColumn(name) || /^Unnamed: ?0$/.test(name) || name === '__index_level_0__';

/**
 * A delimited file with a header, read once in chunks and reduced to per-column token counts: memory
 * follows the distinct values, not the file size, so a 2 GB file is compared in a few hundred MB. Columns
 * are typed, decoded and checked exactly as the in-memory reader does.
 */
export async function streamDriftTable(path: string, file: string, opts: { target?: string | null; includeTarget?: boolean; requireTarget?: boolean }): Promise<StreamedTable> {
  const { delimiter, header } = sniffHeader(readHead(path).toString('utf8').replace(/^\ufeff/, ''), file);
  const seen = new Set<string>();
  for (const h of header) {
    if (seen.has(h)) throw new UserError('duplicate column name', { file, row: 1, column: h });
    seen.add(h);
  }
  const target = opts.target ?? KNOWN_TARGETS.find((k) => header.includes(k)) ?? null;
  if (opts.requireTarget && opts.target && !header.includes(opts.target)) throw new UserError(`missing target column '${opts.target}'`, { file, column: opts.target });
  const spillDir = mkdtempSync(join(tmpdir(), 'credit-tui-drift-'));
  const spills: FileSpill[] = [];
  const close = (): void => {
    for (const s of spills) s.close();
    rmSync(spillDir, { recursive: true, force: true });
  };
  try {
    const tallies = header.map((name, j) => {
      if (skipped(name) || (name === target && !opts.includeTarget)) return null;
      const spill = new FileSpill(join(spillDir, `${j}.f64`));
      spills.push(spill);
      return new ColumnTally(name, spill);
    });
    const scanner = new FieldScanner(delimiter, header.length);
    const lines = new LineChunks(path, { skipHeader: true });
    const ragged = (line: number, found: number, text: () => string): UserError => {
      const col = header[Math.min(found, header.length - 1)];
      return new UserError(`expected ${header.length} fields, found ${found}`, { file, row: line, ...(col !== undefined ? { column: col } : {}) }, found === 1 ? hintForOtherDelimiter(text()) : undefined);
    };
    let rows = 0;
    for await (const { bytes, firstLine } of lines.chunks()) {
      const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      for (const cursor = new LineCursor(bytes, firstLine); cursor.next(); ) {
        const { from, to, line } = cursor;
        const f = scanner.scan(bytes, from, to);
        if (f === 0) continue;
        if (f > 0) {
          if (f !== header.length) throw ragged(line, f, () => buf.toString('utf8', from, to));
          for (let j = 0; j < tallies.length; j++) tallies[j]?.addBytes(bytes, scanner.starts[j]!, scanner.ends[j]!, scanner.hashes[j]!);
        } else {
          const text = buf.toString('utf8', from, to);
          if (text.trim().length === 0) continue;
          const cells = splitLine(text, delimiter);
          if (!cells) throw new UserError('unterminated quote', { file, row: line });
          if (cells.length !== header.length) throw ragged(line, cells.length, () => text);
          for (let j = 0; j < tallies.length; j++) tallies[j]?.addString(cells[j]!);
        }
        rows++;
      }
    }
    if (rows === 0) throw new UserError('no data rows', { file });
    const specs = knownSpecsFor(header);
    const columns = tallies.flatMap((t) => (t ? [t.finish(file, specs?.find((s) => s.name === t.name))] : []));
    const spilled = tallies.flatMap((t) => (t && t.spilledValues > 0 ? [t.name] : []));
    return { columns, target, rows, sha256: lines.sha256, spilled, close };
  } catch (e) {
    close();
    throw e;
  }
}
