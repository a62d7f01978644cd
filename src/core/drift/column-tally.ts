import type { ColumnSpec } from '../data/codebooks.js';
import { isMissing, parseNumber } from '../data/formats.js';
import { fnv1a, TokenTable } from '../data/token-table.js';
import { UserError } from '../errors.js';
import type { DriftColumn } from './compare.js';
import { mergeRuns, type Runs } from './runs.js';

/** Numbers that did not fit the token table, kept outside the heap (a temp file) until the column is compared. */
export interface NumberSpill {
  push(v: number): void;
  readonly size: number;
  /** Copies all pushed numbers into target[offset...]. */
  readInto(target: Float64Array, offset: number): void;
}

/** In-memory spill, for small inputs and tests. */
export function memorySpill(): NumberSpill {
  const values: number[] = [];
  return {
    push: (v) => void values.push(v),
    get size() {
      return values.length;
    },
    readInto: (target, offset) => target.set(values, offset),
  };
}

/** The value of a token of 1 to 15 ASCII digits (an id, a count), read without making a string. */
function plainInteger(bytes: Uint8Array, from: number, to: number): number | undefined {
  if (to <= from || to - from > 15) return undefined;
  let v = 0;
  for (let k = from; k < to; k++) {
    const d = bytes[k]! - 48;
    if (d < 0 || d > 9) return undefined;
    v = v * 10 + d;
  }
  return v;
}

/**
 * One column of a streamed file, reduced to the count of each distinct token: memory follows the number of
 * distinct values, not rows (a 23M-row file of real applicants has a few hundred per column). Past
 * `maxDistinct` tokens, new numbers go to a spill; a text column that large cannot be compared as categories.
 * The column's type is decided at the end, as the in-memory reader does: numeric when every present token
 * is a number (or the known codebook says so).
 */
export class ColumnTally {
  private readonly table: TokenTable<number>;
  private readonly counts: number[] = [];
  private spilled = 0;
  private spilledMissing = 0;
  private firstText: string | null = null;
  rows = 0;

  constructor(readonly name: string, private readonly spill: NumberSpill, private readonly maxDistinct = 100_000) {
    this.table = new TokenTable(maxDistinct);
  }

  /** Values that went to the spill because the token table was full (0 = the column fitted in memory). */
  get spilledValues(): number {
    return this.spilled + this.spilledMissing;
  }

  addBytes(bytes: Uint8Array, from: number, to: number, hash: number): void {
    this.rows++;
    const k = this.table.get(bytes, from, to, hash);
    if (k !== undefined) {
      this.counts[k]!++;
      return;
    }
    if (this.counts.length < this.maxDistinct) {
      this.table.set(bytes, from, to, hash, this.counts.length);
      this.counts.push(1);
      return;
    }
    const int = plainInteger(bytes, from, to);
    if (int !== undefined) {
      this.spill.push(int);
      this.spilled++;
      return;
    }
    const token = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8', from, to);
    if (isMissing(token)) return void this.spilledMissing++;
    const n = parseNumber(token);
    if (n === undefined) this.firstText ??= token.trim();
    else {
      this.spill.push(n);
      this.spilled++;
    }
  }

  addString(token: string): void {
    const b = Buffer.from(token);
    this.addBytes(b, 0, b.length, fnv1a(b, 0, b.length));
  }

  /** The column for drift statistics; a numeric column's runs are built (reading the spill) when compared. */
  finish(file: string, spec?: ColumnSpec): DriftColumn {
    const tokens = this.table.entries().map(([t, k]) => [t, this.counts[k]!] as const);
    let missing = this.spilledMissing;
    const present: [string, number][] = [];
    for (const [t, c] of tokens) {
      if (isMissing(t)) missing += c;
      else present.push([t, c]);
    }
    const numbers = present.map(([t]) => parseNumber(t));
    const numeric = spec ? spec.role === 'numeric' : this.firstText === null && numbers.every((n) => n !== undefined);
    if (numeric) {
      const bad = this.firstText ?? present.find((_, i) => numbers[i] === undefined)?.[0];
      if (bad !== undefined) throw new UserError(`not a number: ${JSON.stringify(bad.trim())}`, { file, column: this.name });
      const n = this.rows - missing;
      const distinct = present.map(([, c], k) => [numbers[k]!, c] as const).sort((x, y) => x[0] - y[0]);
      // Distinct tokens can share a value ("1" and "1.0"): merging gives one run per value.
      const sample = (): Runs => {
        const spilled = new Float64Array(this.spill.size);
        this.spill.readInto(spilled, 0);
        return mergeRuns(distinct, spilled.sort());
      };
      return { name: this.name, kind: 'numeric', sample, missing, total: this.rows };
    }
    if (this.spilled > 0 || this.firstText !== null) {
      throw new UserError(`more than ${this.maxDistinct.toLocaleString('en')} distinct values, some not numbers: too many to compare as categories`, { file, column: this.name }, 'drop the column (an id?) or clean it');
    }
    const counts = new Map<string, number>();
    for (const [t, c] of present) {
      const token = t.trim();
      const label = spec?.codes && Object.hasOwn(spec.codes, token) ? spec.codes[token]! : token;
      counts.set(label, (counts.get(label) ?? 0) + c);
    }
    return { name: this.name, kind: 'categorical', counts, missing, total: this.rows };
  }
}
