import type { CharacteristicPoints, PointsTable } from './points-table.js';

/**
 * One standard SQL query over a table `applicants` (the columns of a scoring input file) giving the id,
 * `<column>_points` per characteristic and `points`: the total rounded half up (FLOOR(x + 0.5), as
 * JavaScript's Math.round) and clamped to [min_points, max_points], which is how `score` turns p(bad) into
 * points. Categorical values may be the file's codes or their decoded labels. Only CASE, IN, FLOOR and a
 * sub-query: it runs unchanged in SQLite and PostgreSQL.
 */
export function scorecardSql(table: PointsTable, idColumn = 'id'): string {
  const names = table.characteristics.map((c) => ident(`${c.characteristic}_points`));
  const lo = table.scale.min_points ?? 300;
  const hi = table.scale.max_points ?? 850;
  return [
    'SELECT',
    `  ${[ident(idColumn), ...names].join(',\n  ')},`,
    `  CASE WHEN rounded < ${lo} THEN ${lo} WHEN rounded > ${hi} THEN ${hi} ELSE rounded END AS points`,
    'FROM (',
    `  SELECT ${[ident(idColumn), ...names].join(', ')}, FLOOR(${names.join(' + ')} + 0.5) AS rounded`,
    '  FROM (',
    '    SELECT',
    `      ${ident(idColumn)},`,
    table.characteristics.map((c, k) => `      ${caseFor(c)} AS ${names[k]}`).join(',\n'),
    '    FROM applicants',
    '  ) AS bins',
    ') AS scored;',
    '',
  ].join('\n');
}

function caseFor(c: CharacteristicPoints): string {
  const col = ident(c.characteristic);
  const missing = c.bins.find((b) => b.missing);
  const parts: string[] = [`CASE`];
  if (missing) parts.push(`WHEN ${col} IS NULL THEN ${lit(missing.points)}`);
  if (c.kind === 'numeric') {
    c.bins.forEach((b, i) => {
      if (i === c.bins.length - 1) parts.push(`ELSE ${lit(b.points)}`);
      else parts.push(`WHEN ${col} < ${lit(b.upper!)} THEN ${lit(b.points)}`);
    });
  } else {
    for (const b of c.bins) {
      const values = (b.levels ?? []).flatMap((l) => [l, ...(c.codes[l] ?? [])]);
      if (values.length > 0) parts.push(`WHEN ${col} IN (${values.map(str).join(', ')}) THEN ${lit(b.points)}`);
    }
    parts.push(`ELSE ${lit(c.unknown_points)}`);
  }
  parts.push('END');
  return parts.join(' ');
}

/** A double literal that reads back as the same double (shortest round-trip form). */
function lit(x: number): string {
  const s = String(x);
  return s.includes('e') ? x.toExponential(17) : s;
}

const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;
const str = (s: string): string => `'${s.replace(/'/g, "''")}'`;
