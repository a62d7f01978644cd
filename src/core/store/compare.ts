export interface CompareRow {
  readonly key: string;
  readonly a: string;
  readonly b: string;
  readonly differs: boolean;
}

const show = (x: number | undefined): string => (x === undefined || Number.isNaN(x) ? '-' : Number.isInteger(x) ? String(x) : x.toFixed(4));

/** A JSON object in a param value, one level down ("grids" -> "grids.logreg", …); null for anything else. */
function objectEntries(value: string | undefined): Record<string, string> | null {
  if (value === undefined || !value.startsWith('{')) return null;
  try {
    const parsed: unknown = JSON.parse(value);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
    return Object.fromEntries(Object.entries(parsed as Record<string, unknown>).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
  } catch {
    return null;
  }
}

/**
 * Param values that hold JSON objects (a whole `grids` or `preprocessing` block) as one row per key, so a
 * human comparison shows which family's grid differs instead of two 800-character strings.
 */
export function expandParams(params: Readonly<Record<string, string>>, other: Readonly<Record<string, string>>): [Record<string, string>, Record<string, string>] {
  const a: Record<string, string> = {};
  const b: Record<string, string> = {};
  for (const k of new Set([...Object.keys(params), ...Object.keys(other)])) {
    const oa = objectEntries(params[k]);
    const ob = objectEntries(other[k]);
    if ((oa || params[k] === undefined) && (ob || other[k] === undefined) && (oa || ob)) {
      for (const [sk, v] of Object.entries(oa ?? {})) a[`${k}.${sk}`] = v;
      for (const [sk, v] of Object.entries(ob ?? {})) b[`${k}.${sk}`] = v;
    } else {
      if (params[k] !== undefined) a[k] = params[k]!;
      if (other[k] !== undefined) b[k] = other[k]!;
    }
  }
  return [a, b];
}

/** Params and metrics of two runs side by side, keys sorted, with a flag on the rows that differ. */
export function compareRows(pa: Readonly<Record<string, string>>, pb: Readonly<Record<string, string>>, ma: Readonly<Record<string, number>>, mb: Readonly<Record<string, number>>): CompareRow[] {
  const rows: CompareRow[] = [];
  for (const k of [...new Set([...Object.keys(pa), ...Object.keys(pb)])].sort()) {
    const a = pa[k] ?? '-';
    const b = pb[k] ?? '-';
    rows.push({ key: `param ${k}`, a, b, differs: a !== b });
  }
  for (const k of [...new Set([...Object.keys(ma), ...Object.keys(mb)])].sort()) {
    const a = show(ma[k]);
    const b = show(mb[k]);
    rows.push({ key: `metric ${k}`, a, b, differs: a !== b });
  }
  return rows;
}
