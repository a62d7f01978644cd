import { isMissing, parseNumber } from '../data/formats.js';
import type { InputColumn, InputProfile } from './profile.js';

export interface RowReject {
  readonly column: string;
  readonly reason: string;
}

/** One validated applicant: numbers (NaN = missing) and decoded category labels (null = missing). */
export type ApplicantValues = (number | string | null)[];

/**
 * Checks one input row against the model's input profile: known category (raw code or label), a finite
 * number in a plausible range, missing only where training had missing values. Returns the typed values
 * in profile order, or the first problem.
 */
export class RowValidator {
  private readonly index: readonly number[];
  private readonly levelSets: readonly (ReadonlySet<string> | null)[];
  /** Per categorical column: raw token -> decoded label (tokens repeat, so each is resolved once). */
  private readonly labels: readonly Map<string, string | undefined>[];

  constructor(readonly profile: InputProfile, header: readonly string[]) {
    this.index = profile.columns.map((c) => header.indexOf(c.name));
    this.levelSets = profile.columns.map((c) => (c.kind === 'categorical' ? new Set(c.levels) : null));
    this.labels = profile.columns.map(() => new Map());
  }

  /** Columns the model needs that the header lacks. */
  missingColumns(): string[] {
    return this.profile.columns.filter((_, j) => this.index[j]! < 0).map((c) => c.name);
  }

  validate(cells: readonly (string | number | null)[]): { values: ApplicantValues } | { reject: RowReject } {
    const values: ApplicantValues = new Array(this.profile.columns.length);
    for (let j = 0; j < this.profile.columns.length; j++) {
      const col = this.profile.columns[j]!;
      const raw = cells[this.index[j]!];
      if (isMissing(raw)) {
        if (!col.missing_allowed) return { reject: { column: col.name, reason: 'missing required value' } };
        values[j] = col.kind === 'numeric' ? NaN : null;
        continue;
      }
      if (col.kind === 'numeric') {
        const n = checkNumber(col, raw!);
        if (typeof n === 'string') return { reject: { column: col.name, reason: n } };
        values[j] = n;
        continue;
      }
      const token = String(raw);
      const cache = this.labels[j]!;
      let label = cache.get(token);
      if (label === undefined && !cache.has(token)) {
        const s = token.trim();
        const l = this.levelSets[j]!.has(s) ? s : col.codes[s];
        label = l !== undefined && this.levelSets[j]!.has(l) ? l : undefined;
        if (cache.size < 10_000) cache.set(token, label);
      }
      if (label === undefined) {
        const s = token.trim();
        return { reject: { column: col.name, reason: `unknown category ${JSON.stringify(s)} (known: ${col.levels.slice(0, 6).join(' | ')}${col.levels.length > 6 ? ' | ...' : ''})` } };
      }
      values[j] = label;
    }
    return { values };
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
