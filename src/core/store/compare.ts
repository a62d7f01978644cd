export interface CompareRow {
  readonly key: string;
  readonly a: string;
  readonly b: string;
  readonly differs: boolean;
}

const show = (x: number | undefined): string => (x === undefined || Number.isNaN(x) ? '-' : Number.isInteger(x) ? String(x) : x.toFixed(4));

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
