import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { csvCell } from '../core/data/delimited.js';
import { detectTextFormat, rawTableFromText } from '../core/data/formats.js';
import { isParquet, readParquetRaw } from '../core/data/parquet.js';
import { polars } from '../core/data/polars.js';
import { shiftTable, shiftTableFromRaw, type Shift, type ShiftTable } from '../core/drift/shift.js';
import { UserError } from '../core/errors.js';
import { commitPartial, inputFile, partialPath, writeFileAtomic } from './project.js';

/** Reads any file `ingest` or `score` reads (with or without a target column) as a table to shift. */
export function readShiftTable(file: string): ShiftTable {
  const path = inputFile(file);
  const bytes = readFileSync(path);
  if (bytes.length === 0) throw new UserError('empty file (0 bytes)', { file });
  if (isParquet(bytes)) return shiftTableFromRaw(readParquetRaw(path, file), 'parquet');
  const text = bytes.toString('utf8');
  if (text.includes('\u0000')) throw new UserError('binary content: not a CSV, UCI text or Parquet file', { file });
  const format = detectTextFormat(text);
  const raw = rawTableFromText(text, file, format);
  if (raw.rows === 0) throw new UserError('no data rows', { file });
  return shiftTableFromRaw(raw, format);
}

/** The table as CSV: a header, numbers in shortest round-trip form, missing cells empty. */
export function shiftTableCsv(t: ShiftTable): string {
  const lines = [t.columns.map((c) => csvCell(c.name)).join(',')];
  for (let i = 0; i < t.rows; i++) {
    lines.push(t.columns.map((c) => (c.kind === 'numeric' ? (Number.isNaN(c.values[i]!) ? '' : String(c.values[i])) : csvCell(c.values[i] ?? ''))).join(','));
  }
  return `${lines.join('\n')}\n`;
}

function writeShiftParquet(t: ShiftTable, path: string): void {
  const pl = polars();
  const series = t.columns.map((c) =>
    c.kind === 'numeric'
      ? pl.Series(c.name, Array.from(c.values, (v) => (Number.isNaN(v) ? null : v)), pl.Float64)
      : pl.Series(c.name, c.values as (string | null)[], pl.Utf8),
  );
  const tmp = partialPath(path);
  pl.DataFrame(series).writeParquet(tmp, { compression: 'zstd' });
  commitPartial(tmp, path);
}

/** `credit-tui shift`: reads `input`, applies the shifts (seeded) and writes every column to `output`. */
export function shiftFile(input: string, output: string, shifts: readonly Shift[], seed: number): ShiftTable {
  const ext = extname(output).toLowerCase();
  if (ext !== '.parquet' && ext !== '.csv') throw new UserError(`unsupported output type '${ext || '(none)'}'`, { file: output }, 'use .parquet or .csv');
  const shifted = shiftTable(readShiftTable(input), shifts, seed);
  if (ext === '.parquet') writeShiftParquet(shifted, output);
  else writeFileAtomic(output, shiftTableCsv(shifted));
  return shifted;
}
