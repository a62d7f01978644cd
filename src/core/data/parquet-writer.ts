/**
 * A Parquet file written one row group at a time, so a writer holds one group's values, never the whole
 * table: the footer (Thrift compact protocol, parquet.thrift) is built from each group's offsets and sizes
 * at the end. Only what scored outputs need: flat REQUIRED columns of UTF-8 strings, doubles and 64-bit
 * integers, PLAIN encoding, one data page per column chunk, pages compressed by the caller's codec.
 */

/** A column of the file: UTF-8 strings, IEEE doubles or 64-bit integers. */
export interface ParquetColumnSpec {
  readonly name: string;
  readonly type: 'string' | 'double' | 'int64';
}

/** Values of one row group, one array per column in spec order. */
export type RowGroupValues = readonly (readonly (string | number)[])[];

/** How pages are compressed: the codec's id in parquet.thrift (0 none, 2 GZIP) and its function. */
export interface PageCodec {
  readonly id: 0 | 2;
  readonly compress: (page: Uint8Array) => Uint8Array;
}

const PHYSICAL = { string: 6, double: 5, int64: 2 } as const; // BYTE_ARRAY, DOUBLE, INT64
const UTF8 = new TextEncoder();
const MAGIC = UTF8.encode('PAR1');

interface ChunkMeta {
  readonly offset: number;
  readonly uncompressed: number;
  readonly compressed: number;
}

interface GroupMeta {
  readonly rows: number;
  readonly chunks: readonly ChunkMeta[];
}

export class ParquetStreamWriter {
  private readonly groups: GroupMeta[] = [];
  private offset = MAGIC.length;

  constructor(private readonly columns: readonly ParquetColumnSpec[], private readonly codec: PageCodec) {}

  /** The file's first bytes. */
  start(): Uint8Array {
    return MAGIC;
  }

  /** The bytes of one row group, to be written right after the previous part. */
  rowGroup(values: RowGroupValues): Uint8Array[] {
    const rows = values[0]?.length ?? 0;
    if (values.length !== this.columns.length || values.some((v) => v.length !== rows)) throw new Error('row group: one array per column, all of the same length');
    const parts: Uint8Array[] = [];
    const chunks: ChunkMeta[] = [];
    this.columns.forEach((spec, j) => {
      const plain = encodePlain(spec.type, values[j]!);
      const body = this.codec.id === 0 ? plain : this.codec.compress(plain);
      const header = thriftStruct((w) => {
        w.i32(1, 0); // DATA_PAGE
        w.i32(2, plain.length);
        w.i32(3, body.length);
        w.struct(5, (d) => {
          d.i32(1, rows);
          d.i32(2, 0); // PLAIN
          d.i32(3, 3); // RLE (no levels are stored: the column is REQUIRED and flat)
          d.i32(4, 3);
        });
      });
      chunks.push({ offset: this.offset, uncompressed: header.length + plain.length, compressed: header.length + body.length });
      parts.push(header, body);
      this.offset += header.length + body.length;
    });
    this.groups.push({ rows, chunks });
    return parts;
  }

  /** The footer: file metadata, its length and the closing magic. */
  finish(createdBy: string): Uint8Array {
    const rows = this.groups.reduce((s, g) => s + g.rows, 0);
    const meta = thriftStruct((w) => {
      w.i32(1, 1);
      w.list(2, this.columns.length + 1, (l) => {
        l.struct((s) => {
          s.string(4, 'schema');
          s.i32(5, this.columns.length);
        });
        for (const c of this.columns) {
          l.struct((s) => {
            s.i32(1, PHYSICAL[c.type]);
            s.i32(3, 0); // REQUIRED
            s.string(4, c.name);
            if (c.type === 'string') {
              s.i32(6, 0); // converted type UTF8
              s.struct(10, (t) => t.struct(1, () => undefined)); // logical type STRING
            }
          });
        }
      });
      w.i64(3, rows);
      w.list(4, this.groups.length, (l) => {
        for (const g of this.groups) {
          l.struct((rg) => {
            rg.list(1, g.chunks.length, (cl) => {
              g.chunks.forEach((ch, j) => {
                const spec = this.columns[j]!;
                cl.struct((cc) => {
                  cc.i64(2, ch.offset);
                  cc.struct(3, (m) => {
                    m.i32(1, PHYSICAL[spec.type]);
                    m.i32List(2, [0, 3]);
                    m.stringList(3, [spec.name]);
                    m.i32(4, this.codec.id);
                    m.i64(5, g.rows);
                    m.i64(6, ch.uncompressed);
                    m.i64(7, ch.compressed);
                    m.i64(9, ch.offset);
                  });
                });
              });
            });
            rg.i64(2, g.chunks.reduce((s, c) => s + c.uncompressed, 0));
            rg.i64(3, g.rows);
          });
        }
      });
      w.string(6, createdBy);
    });
    const tail = new Uint8Array(meta.length + 8);
    tail.set(meta, 0);
    new DataView(tail.buffer).setUint32(meta.length, meta.length, true);
    tail.set(MAGIC, meta.length + 4);
    return tail;
  }
}

function encodePlain(type: ParquetColumnSpec['type'], values: readonly (string | number)[]): Uint8Array {
  if (type !== 'string') {
    const out = new Uint8Array(values.length * 8);
    const view = new DataView(out.buffer);
    values.forEach((v, i) => (type === 'double' ? view.setFloat64(i * 8, v as number, true) : view.setBigInt64(i * 8, BigInt(v as number), true)));
    return out;
  }
  // Each string goes straight into one buffer sized for the worst case (3 bytes per UTF-16 unit): no copy per value.
  let bound = 0;
  for (const v of values) bound += 4 + 3 * (v as string).length;
  const out = new Uint8Array(bound);
  const view = new DataView(out.buffer);
  let at = 0;
  for (const v of values) {
    const { written } = UTF8.encodeInto(v as string, out.subarray(at + 4));
    view.setUint32(at, written, true);
    at += 4 + written;
  }
  return out.subarray(0, at);
}

// ---- Thrift compact protocol (just the parts parquet.thrift needs) -------------------------------------

const T = { I32: 5, I64: 6, BINARY: 8, LIST: 9, STRUCT: 12 } as const;

class ThriftWriter {
  private last = 0;

  constructor(private readonly bytes: number[]) {}

  private header(id: number, type: number): void {
    const delta = id - this.last;
    if (delta > 0 && delta <= 15) this.bytes.push((delta << 4) | type);
    else {
      this.bytes.push(type);
      this.varint(zigzag(BigInt(id)));
    }
    this.last = id;
  }

  varint(v: bigint): void {
    while (v >= 0x80n) {
      this.bytes.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.bytes.push(Number(v));
  }

  rawString(s: string): void {
    const b = UTF8.encode(s);
    this.varint(BigInt(b.length));
    for (const x of b) this.bytes.push(x);
  }

  i32(id: number, v: number): void {
    this.header(id, T.I32);
    this.varint(zigzag(BigInt(v)));
  }

  i64(id: number, v: number): void {
    this.header(id, T.I64);
    this.varint(zigzag(BigInt(v)));
  }

  string(id: number, s: string): void {
    this.header(id, T.BINARY);
    this.rawString(s);
  }

  struct(id: number, body: (w: ThriftWriter) => void): void {
    this.header(id, T.STRUCT);
    this.structBody(body);
  }

  structBody(body: (w: ThriftWriter) => void): void {
    const inner = new ThriftWriter(this.bytes);
    body(inner);
    this.bytes.push(0); // stop
  }

  private listHeader(id: number, size: number, elem: number): void {
    this.header(id, T.LIST);
    if (size < 15) this.bytes.push((size << 4) | elem);
    else {
      this.bytes.push(0xf0 | elem);
      this.varint(BigInt(size));
    }
  }

  list(id: number, size: number, body: (l: { struct(b: (w: ThriftWriter) => void): void }) => void): void {
    this.listHeader(id, size, T.STRUCT);
    body({ struct: (b) => this.structBody(b) });
  }

  i32List(id: number, values: readonly number[]): void {
    this.listHeader(id, values.length, T.I32);
    for (const v of values) this.varint(zigzag(BigInt(v)));
  }

  stringList(id: number, values: readonly string[]): void {
    this.listHeader(id, values.length, T.BINARY);
    for (const v of values) this.rawString(v);
  }
}

const zigzag = (v: bigint): bigint => (v >= 0n ? v << 1n : ((-v) << 1n) - 1n);

function thriftStruct(body: (w: ThriftWriter) => void): Uint8Array {
  const bytes: number[] = [];
  new ThriftWriter(bytes).structBody(body);
  return Uint8Array.from(bytes);
}
