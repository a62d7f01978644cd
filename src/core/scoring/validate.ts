import { isMissing, parseNumber } from '../data/formats.js';
import { TokenTable } from '../data/token-table.js';
import type { InputColumn, InputProfile } from './profile.js';

export interface RowReject {
  readonly column: string;
  readonly reason: string;
}

/**
 * Where validated values go, column by column in profile order: numbers (NaN = missing) and decoded
 * category labels (null = missing). Scoring writes straight into its batch columns, so no row object exists.
 */
export interface ValueSink {
  readonly numeric: readonly (Float64Array | null)[];
  readonly labels: readonly ((string | null)[] | null)[];
}

/** What one cell token means for one column: its typed value (NaN / null = missing) or why it is refused. */
type Outcome = { readonly value: number | string | null; readonly reason?: undefined } | { readonly reason: string };

/** Tokens repeat (a 1M-row file has a few hundred distinct ones per column), so each is resolved once. */
const CACHE_LIMIT = 10_000;

/**
 * Checks one input row against the model's input profile: known category (raw code or label), a finite
 * number in a plausible range, missing only where training had missing values. Writes the typed values
 * into row `i` of a sink, or returns the first problem.
 */
export class RowValidator {
  /** Position in the input row of each profile column. */
  readonly index: readonly number[];
  private readonly levelSets: readonly (ReadonlySet<string> | null)[];
  private readonly byToken: readonly Map<string, Outcome>[];
  private readonly byBytes: readonly TokenTable<Outcome>[];
  private readonly missing: readonly Outcome[];

  constructor(readonly profile: InputProfile, header: readonly string[]) {
    this.index = profile.columns.map((c) => header.indexOf(c.name));
    this.levelSets = profile.columns.map((c) => (c.kind === 'categorical' ? new Set(c.levels) : null));
    this.byToken = profile.columns.map(() => new Map());
    this.byBytes = profile.columns.map(() => new TokenTable(CACHE_LIMIT));
    this.missing = profile.columns.map((c) => (c.missing_allowed ? { value: c.kind === 'numeric' ? NaN : null } : { reason: 'missing required value' }));
  }

  /** Columns the model needs that the header lacks. */
  missingColumns(): string[] {
    return this.profile.columns.filter((_, j) => this.index[j]! < 0).map((c) => c.name);
  }

  /** Validates cells (strings, numbers or null, in header order). */
  validateInto(cells: readonly (string | number | null)[], sink: ValueSink, i: number): RowReject | null {
    for (let j = 0; j < this.profile.columns.length; j++) {
      const raw = cells[this.index[j]!];
      const o = raw === null || raw === undefined ? this.missing[j]! : typeof raw === 'number' ? this.resolve(j, raw) : this.outcome(j, raw);
      const r = this.write(j, o, sink, i);
      if (r) return r;
    }
    return null;
  }

  /**
   * Validates a row still in its read buffer: field f of the row is bytes [starts[f], ends[f]) with FNV-1a
   * hash hashes[f]. Tokens seen before cost one table lookup; new ones are decoded once.
   */
  validateFields(bytes: Uint8Array, starts: Int32Array, ends: Int32Array, hashes: Uint32Array, sink: ValueSink, i: number): RowReject | null {
    for (let j = 0; j < this.profile.columns.length; j++) {
      const f = this.index[j]!;
      const a = starts[f]!;
      const b = ends[f]!;
      const table = this.byBytes[j]!;
      let o = table.get(bytes, a, b, hashes[f]!);
      if (o === undefined) {
        o = this.outcome(j, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8', a, b));
        table.set(bytes, a, b, hashes[f]!, o);
      }
      const r = this.write(j, o, sink, i);
      if (r) return r;
    }
    return null;
  }

  private write(j: number, o: Outcome, sink: ValueSink, i: number): RowReject | null {
    if (o.reason !== undefined) return { column: this.profile.columns[j]!.name, reason: o.reason };
    const num = sink.numeric[j];
    if (num) num[i] = o.value as number;
    else sink.labels[j]![i] = o.value as string | null;
    return null;
  }

  private outcome(j: number, token: string): Outcome {
    const cache = this.byToken[j]!;
    let o = cache.get(token);
    if (o === undefined) {
      o = this.resolve(j, token);
      if (cache.size < CACHE_LIMIT) cache.set(token, o);
    }
    return o;
  }

  private resolve(j: number, raw: string | number): Outcome {
    const col = this.profile.columns[j]!;
    if (isMissing(raw)) return this.missing[j]!;
    if (col.kind === 'numeric') {
      const n = checkNumber(col, raw);
      return typeof n === 'string' ? { reason: n } : { value: n };
    }
    const s = String(raw).trim();
    const levels = this.levelSets[j]!;
    const l = levels.has(s) ? s : Object.hasOwn(col.codes, s) ? col.codes[s] : undefined;
    if (l !== undefined && levels.has(l)) return { value: l };
    return { reason: `unknown category ${JSON.stringify(s)} (known: ${col.levels.slice(0, 6).join(' | ')}${col.levels.length > 6 ? ' | ...' : ''})` };
  }
}

/**
 * The number in a cell, or why it is refused. Plausible range = training [min, max] widened by its span on
 * each side, and never negative if training never was.
 */
function checkNumber(col: Extract<InputColumn, { kind: 'numeric' }>, raw: string | number): number | string {
  const n = parseNumber(raw);
  if (n === undefined) return `not a number: ${JSON.stringify(String(raw))}`;
  const span = Math.max(col.max - col.min, 1);
  const lo = col.min >= 0 ? Math.max(0, col.min - span) : col.min - span;
  const hi = col.max + span;
  if (n < lo || n > hi) return `out of range: ${n} (expected ${lo} to ${hi})`;
  return n;
}
