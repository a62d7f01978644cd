import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanStalePartials, predictionsDir, writeFileAtomic, type Project } from './project.js';

export { predictionsDir };

/** One scored applicant as the service logged it: what monitoring reads back. */
export interface LoggedPrediction {
  /** ISO time of the request. */
  readonly ts: string;
  readonly model_version: number;
  /** The `score` run (one batch file) or `serve <day>` the row was scored in. */
  readonly batch: string;
  /** The applicant's `id`/`applicant_id` when the request carried one, else null. */
  readonly id: string | null;
  readonly inputs: Readonly<Record<string, string | number | null>>;
  readonly p_bad: number;
  readonly decision: 'approve' | 'decline';
  readonly score: number;
}


/**
 * The prediction log: scored applicants are kept in memory and written as NDJSON segments
 * (`outputs/predictions/<time>-<pid>-<seq>.ndjson`), each written whole to a hidden partial file and renamed,
 * so a reader never sees half a segment. A segment is written every `flushMs` or `maxRows` rows and at close;
 * a process killed outright loses at most the rows since its last segment.
 */
export class PredictionLog {
  private lines: string[] = [];
  private pending = 0;
  private seq = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly dir: string;

  constructor(project: Project, private readonly opts: { readonly flushMs?: number; readonly maxRows?: number } = {}) {
    this.dir = predictionsDir(project);
    cleanStalePartials(this.dir);
    this.timer = setInterval(() => this.flush(), opts.flushMs ?? 5000);
    this.timer.unref();
  }

  /** Adds NDJSON lines (each ending in a newline) as the scorer wrote them. */
  appendLines(text: string): void {
    if (!text) return;
    this.lines.push(text.endsWith('\n') ? text.slice(0, -1) : text);
    this.pending += (text.match(/\n/g) ?? []).length;
    if (this.pending >= (this.opts.maxRows ?? 50_000)) this.flush();
  }

  /** Writes the rows held so far as one segment; returns its path, or null when there were none. */
  flush(): string | null {
    if (this.lines.length === 0) return null;
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    const path = join(this.dir, `${stamp}-${process.pid}-${String(this.seq++).padStart(5, '0')}.ndjson`);
    const text = `${this.lines.join('\n')}\n`;
    this.lines = [];
    this.pending = 0;
    writeFileAtomic(path, text);
    return path;
  }

  /** Drops the rows not yet written (a cancelled or failed batch logs nothing more). */
  discard(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.lines = [];
    this.pending = 0;
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.flush();
  }
}

/** Every logged prediction, oldest segment first (segments sort by time in their names). */
export function* readPredictionLog(project: Project): Generator<LoggedPrediction> {
  let names: string[];
  try {
    names = readdirSync(predictionsDir(project)).filter((f) => f.endsWith('.ndjson') && !f.startsWith('.')).sort();
  } catch {
    return;
  }
  for (const f of names) {
    for (const line of readFileSync(join(predictionsDir(project), f), 'utf8').split('\n')) if (line) yield JSON.parse(line) as LoggedPrediction;
  }
}
