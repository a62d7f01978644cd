import type { Dataset, FeatureColumn } from '../data/dataset.js';
import { UserError } from '../errors.js';
import { Rng } from '../random.js';

/** Ways to make a drifted copy of a dataset for demos and tests. */
export type Shift =
  | { readonly kind: 'scale'; readonly column: string; readonly factor: number }
  | { readonly kind: 'offset'; readonly column: string; readonly delta: number }
  | { readonly kind: 'reweight'; readonly column: string; readonly level: string; readonly factor: number }
  | { readonly kind: 'blank'; readonly column: string; readonly share: number };

function column(ds: Dataset, name: string): FeatureColumn {
  const c = ds.features.find((f) => f.name === name);
  if (!c) throw new UserError(`no column '${name}'`, { column: name }, `columns: ${ds.features.map((f) => f.name).join(', ')}`);
  return c;
}

/**
 * Applies shifts in order, seeded. `reweight` resamples rows (with replacement, same row count) so rows
 * with the level are `factor` times as likely; `blank` empties a share of a column's cells.
 */
export function shiftDataset(ds: Dataset, shifts: readonly Shift[], seed: number): Dataset {
  let out = ds;
  const rng = Rng.derive(seed, 'shift');
  for (const s of shifts) {
    const c = column(out, s.column);
    switch (s.kind) {
      case 'scale':
      case 'offset': {
        if (c.kind !== 'numeric') throw new UserError(`'${s.kind}' needs a numeric column`, { column: s.column });
        const values = c.values.map((v) => (s.kind === 'scale' ? v * s.factor : v + s.delta));
        out = { ...out, features: out.features.map((f) => (f === c ? { ...c, values } : f)) };
        break;
      }
      case 'blank': {
        const n = out.rows;
        const k = Math.round(n * s.share);
        const idx = rng.shuffle(Array.from({ length: n }, (_, i) => i)).slice(0, k);
        const col: FeatureColumn = c.kind === 'numeric'
          ? { ...c, values: Float64Array.from(c.values) }
          : { ...c, values: [...c.values] };
        for (const i of idx) {
          if (col.kind === 'numeric') col.values[i] = NaN;
          else (col.values as (string | null)[])[i] = null;
        }
        out = { ...out, features: out.features.map((f) => (f === c ? col : f)) };
        break;
      }
      case 'reweight': {
        if (c.kind !== 'categorical') throw new UserError("'reweight' needs a categorical column", { column: s.column });
        if (!c.values.includes(s.level)) throw new UserError(`level ${JSON.stringify(s.level)} does not occur`, { column: s.column });
        const w = c.values.map((v) => (v === s.level ? s.factor : 1));
        const cum: number[] = [];
        w.reduce((a, b, i) => (cum[i] = a + b), 0);
        const total = cum[cum.length - 1]!;
        const pick = Array.from({ length: out.rows }, () => {
          const u = rng.next() * total;
          let lo = 0;
          let hi = cum.length - 1;
          while (lo < hi) {
            const mid = (lo + hi) >> 1;
            if (cum[mid]! > u) hi = mid;
            else lo = mid + 1;
          }
          return lo;
        });
        out = {
          ...out,
          target: Uint8Array.from(pick, (i) => out.target[i]!),
          features: out.features.map((f): FeatureColumn => (f.kind === 'numeric' ? { ...f, values: Float64Array.from(pick, (i) => f.values[i]!) } : { ...f, values: pick.map((i) => f.values[i] ?? null) })),
        };
        break;
      }
    }
  }
  return out;
}

/** Parses `col=1.2` style flags into shifts. */
export function parseShift(kind: Shift['kind'], spec: string): Shift {
  const i = spec.indexOf('=');
  const col = spec.slice(0, i);
  const val = spec.slice(i + 1);
  const bad = (): never => {
    throw new UserError(`invalid --${kind} ${JSON.stringify(spec)}`, {}, kind === 'reweight' ? 'use COLUMN=LEVEL:FACTOR' : `use COLUMN=${kind === 'blank' ? 'SHARE' : 'NUMBER'}`);
  };
  if (i <= 0) bad();
  if (kind === 'reweight') {
    const j = val.lastIndexOf(':');
    const f = Number(val.slice(j + 1));
    if (j <= 0 || !(f >= 0) || !Number.isFinite(f)) bad();
    return { kind, column: col, level: val.slice(0, j), factor: f };
  }
  const n = Number(val);
  if (!Number.isFinite(n) || val.trim() === '') bad();
  if (kind === 'blank') {
    if (n < 0 || n > 1) bad();
    return { kind, column: col, share: n };
  }
  return kind === 'scale' ? { kind, column: col, factor: n } : { kind, column: col, delta: n };
}
