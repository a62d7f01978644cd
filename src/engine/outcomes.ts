import { readOutcome } from '../core/monitor/outcome-words.js';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { detectTextFormat, isIdColumn, KNOWN_TARGETS, rawTableFromText, type RawTable } from '../core/data/formats.js';
import { isParquet, readParquetRaw } from '../core/data/parquet.js';
import { UserError } from '../core/errors.js';
import type { RunStore } from '../core/store/run-store.js';
import { loggedIds } from './prediction-log.js';
import { inputFile, type Project } from './project.js';

export interface OutcomesOptions {
  /** The id column (default: `id` or `applicant_id`). */
  readonly idColumn?: string;
  /** The label column (default: params' data.target, else a known target name such as `Risk` or `class`). */
  readonly labelColumn?: string | null;
  /** The label value that means bad (default: bad, 1, yes, true, or Statlog's 2 when the column is `class`). */
  readonly badValue?: string | null;
  /** An optional column with the date the outcome was observed. */
  readonly dateColumn?: string;
}

export interface OutcomesSummary {
  readonly file: string;
  readonly sha256: string;
  readonly rows: number;
  readonly bad: number;
  readonly inserted: number;
  readonly updated: number;
  readonly unchanged: number;
  /** Ids with no logged prediction (kept: the prediction may be logged later). */
  readonly unknown_ids: number;
  readonly unknown_examples: readonly string[];
}


/**
 * `credit-tui outcomes FILE`: observed good/bad labels joined to scored applicants by id. Every row is kept
 * (an id nobody scored yet is reported, not dropped); importing the same file again changes nothing.
 */
export function importOutcomes(project: Project, store: RunStore, file: string, opts: OutcomesOptions = {}): OutcomesSummary {
  const path = inputFile(file, 'an outcomes file');
  const bytes = readFileSync(path);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (bytes.length === 0) throw new UserError('empty file (0 bytes)', { file });
  const table: RawTable = isParquet(bytes) ? readParquetRaw(path, file) : (() => {
    const text = bytes.toString('utf8').replace(/^\ufeff/, '');
    const format = detectTextFormat(text);
    if (format === 'statlog') throw new UserError('a Statlog file has no id column: outcomes need one', { file });
    return rawTableFromText(text, file, format);
  })();
  const header = table.header;
  const cell = (j: number, i: number): string | number | null => table.cells[j]![i] ?? null;
  const idAt = opts.idColumn ? header.indexOf(opts.idColumn) : header.findIndex(isIdColumn);
  if (idAt < 0) throw new UserError(opts.idColumn ? `no column '${opts.idColumn}'` : 'no id column (id or applicant_id)', { file, row: 1 }, 'name it with --id COL');
  const wanted = opts.labelColumn ?? undefined;
  const labelAt = wanted ? header.indexOf(wanted) : header.findIndex((h) => [...KNOWN_TARGETS, 'outcome', 'label'].some((k) => k.toLowerCase() === h.toLowerCase()));
  if (labelAt < 0) throw new UserError(wanted ? `no column '${wanted}'` : 'no outcome column (outcome, label, class, Risk, …)', { file, row: 1 }, 'name it with --label COL');
  const dateAt = opts.dateColumn ? header.indexOf(opts.dateColumn) : header.findIndex((h) => /^(date|observed_at|outcome_date)$/i.test(h));
  if (opts.dateColumn && dateAt < 0) throw new UserError(`no column '${opts.dateColumn}'`, { file, row: 1 });
  const labelName = header[labelAt]!;
  const badValue = opts.badValue ?? null;
  const records: { id: string; bad: 0 | 1; observed_at: string | null }[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < table.rows; i++) {
    const row = table.rowLabel(i);
    const id = String(cell(idAt, i) ?? '').trim();
    if (!id) throw new UserError('empty id', { file, row, column: header[idAt]! });
    if (seen.has(id)) throw new UserError(`duplicate id ${JSON.stringify(id)}`, { file, row, column: header[idAt]! });
    seen.add(id);
    const raw = String(cell(labelAt, i) ?? '').trim();
    const bad = readOutcome(raw, labelName, badValue);
    if (bad === undefined) throw new UserError(`cannot read outcome ${JSON.stringify(raw)} as good or bad`, { file, row, column: labelName }, 'pass --bad VALUE');
    const date = dateAt >= 0 ? String(cell(dateAt, i) ?? '').trim() || null : null;
    if (date !== null && Number.isNaN(Date.parse(date))) throw new UserError(`not a date: ${JSON.stringify(date)}`, { file, row, column: header[dateAt]! });
    records.push({ id, bad, observed_at: date });
  }
  if (records.length === 0) throw new UserError('no outcome rows', { file });
  const counts = store.upsertOutcomes(records, sha256);
  const logged = loggedIds(project, store, seen);
  const unknown = records.filter((r) => !logged.has(r.id)).map((r) => r.id);
  return {
    file, sha256, rows: records.length, bad: records.filter((r) => r.bad).length, ...counts,
    unknown_ids: unknown.length, unknown_examples: unknown.slice(0, 5),
  };
}
