import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../core/errors.js';
import type { IndexedPrediction, PredictionSegment } from '../core/store/contract.js';
import type { RunStore } from '../core/store/run-store.js';
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

/** The index row and the segment entry of a segment's text (one NDJSON prediction per line). */
function indexOf(name: string, text: string): { segment: PredictionSegment; rows: IndexedPrediction[] } {
  const rows: IndexedPrediction[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    const p = JSON.parse(line) as LoggedPrediction;
    rows.push({ ts: p.ts, model_version: p.model_version, batch: p.batch, id: p.id, p_bad: p.p_bad, decision: p.decision, score: p.score });
  }
  const bytes = Buffer.byteLength(text);
  const sha256 = createHash('sha256').update(text).digest('hex');
  const ts = rows.map((r) => r.ts).sort();
  return { segment: { host: hostname(), name, sha256, rows: rows.length, bytes, first_ts: ts[0] ?? '', last_ts: ts.at(-1) ?? '' }, rows };
}

/**
 * The prediction log: scored applicants are kept in memory and written as NDJSON segments
 * (`outputs/predictions/<time>-<pid>-<seq>.ndjson`), each written whole to a hidden partial file and renamed,
 * so a reader never sees half a segment. A segment is written every `flushMs` or `maxRows` rows and at close;
 * a process killed outright loses at most the rows since its last segment. With a store, each segment is then
 * indexed there (and on PostgreSQL its bytes kept), so `monitor` and `outcomes` on any machine see it; a
 * segment the store could not take (server down) stays a file here and is indexed at a later flush. On start,
 * this machine's segment files the store does not index yet (written before the index existed, or by a process
 * killed between writing and indexing) are indexed too.
 */
export class PredictionLog {
  private lines: string[] = [];
  private pending = 0;
  private seq = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly dir: string;
  /** Names of segment files here not yet indexed in the store, oldest first. */
  private unindexed: string[] = [];

  /**
   * `indexTimeoutMs`: how long indexing one segment may take before it is left for the next flush: what a
   * long-lived process (serve) sets so a hung store cannot stall it; a batch command waits for the store.
   */
  constructor(project: Project, private readonly opts: { readonly flushMs?: number; readonly maxRows?: number; readonly store?: RunStore | null; readonly indexTimeoutMs?: number } = {}) {
    this.dir = predictionsDir(project);
    cleanStalePartials(this.dir);
    this.timer = setInterval(() => this.flush(), opts.flushMs ?? 5000);
    this.timer.unref();
    if (opts.store) this.adopt(opts.store);
  }

  /** Queues this machine's files the store does not index; a store that cannot answer now is asked next start. */
  private adopt(store: RunStore): void {
    let all: PredictionSegment[];
    try {
      all = this.bounded(store, () => store.predictionSegments());
    } catch {
      return;
    }
    this.unindexed.push(...unindexedFiles(this.dir, all).sort());
    this.index();
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
    if (this.lines.length === 0) {
      this.index();
      return null;
    }
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    const name = `${stamp}-${process.pid}-${String(this.seq++).padStart(5, '0')}.ndjson`;
    const path = join(this.dir, name);
    const text = `${this.lines.join('\n')}\n`;
    this.lines = [];
    this.pending = 0;
    writeFileAtomic(path, text);
    this.unindexed.push(name);
    this.index();
    return path;
  }

  private bounded<T>(store: RunStore, fn: () => T): T {
    return this.opts.indexTimeoutMs === undefined ? fn() : store.bounded(this.opts.indexTimeoutMs, fn);
  }

  /** Indexes the segments not yet in the store, in order; stops at the first the store cannot take. */
  private index(): void {
    const store = this.opts.store;
    if (!store) {
      this.unindexed = [];
      return;
    }
    while (this.unindexed.length > 0) {
      const name = this.unindexed[0]!;
      let text: string;
      try {
        text = readFileSync(join(this.dir, name), 'utf8');
      } catch {
        this.unindexed.shift(); // deleted meanwhile: nothing to index
        continue;
      }
      let parsed: ReturnType<typeof indexOf>;
      try {
        parsed = indexOf(name, text);
      } catch {
        this.unindexed.shift(); // not a segment this log wrote (edited by hand?): left as a file, not indexed
        continue;
      }
      const { segment, rows } = parsed;
      try {
        this.bounded(store, () => store.logPredictionSegment(segment, rows, Buffer.from(text)));
      } catch {
        return; // the file is written; the next flush tries again
      }
      this.unindexed.shift();
    }
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

/** A segment to read: indexed in the store (from any machine), or only a file here (not indexed yet). */
interface SegmentRef {
  readonly name: string;
  readonly indexed: PredictionSegment | null;
}

/** This machine's segment files, by name (hidden partials left out). */
function localSegments(dir: string): string[] {
  try {
    return readdirSync(dir).filter((f) => f.endsWith('.ndjson') && !f.startsWith('.'));
  } catch {
    return [];
  }
}

/**
 * Segment files in `dir` that no indexed segment accounts for: not indexed by this host, and not a copy of
 * another host's segment (`store copy` into a runs.db puts those here: the same name and bytes).
 */
function unindexedFiles(dir: string, all: readonly PredictionSegment[]): string[] {
  const here = hostname();
  const indexedHere = new Set(all.filter((s) => s.host === here).map((s) => s.name));
  const elsewhere = new Map(all.filter((s) => s.host !== here).map((s) => [s.name, s.sha256]));
  const isCopy = (name: string): boolean => elsewhere.has(name) && createHash('sha256').update(readFileSync(join(dir, name))).digest('hex') === elsewhere.get(name);
  return localSegments(dir).filter((name) => !indexedHere.has(name) && !isCopy(name));
}

/**
 * Every segment of the log, oldest first (names start with their time): those the store indexes, wherever
 * they were written, and this machine's files that are not indexed (written before the index existed, or
 * while the store was unreachable). With `since`, indexed segments that end before it are left out.
 */
function segmentsOf(project: Project, store: RunStore, since?: string): { refs: SegmentRef[]; skippedRows: number } {
  const all = store.predictionSegments();
  const kept = since === undefined ? all : all.filter((s) => s.last_ts >= since);
  const refs: SegmentRef[] = kept.map((s) => ({ name: s.name, indexed: s }));
  for (const name of unindexedFiles(predictionsDir(project), all)) refs.push({ name, indexed: null });
  refs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { refs, skippedRows: all.length === kept.length ? 0 : all.filter((s) => s.last_ts < since!).reduce((n, s) => n + s.rows, 0) };
}

/**
 * A segment's text, verified by its sha256 when it is indexed: the file of that name here when it is intact
 * (this machine wrote it, or `store copy` put it there), else the store's copy. A segment whose bytes are nowhere (a deleted file on runs.db) is
 * skipped, as a deleted file always was; bytes that match nothing are one line naming the segment.
 */
function segmentText(project: Project, store: RunStore, ref: SegmentRef): string | null {
  const path = join(predictionsDir(project), ref.name);
  const s = ref.indexed;
  const local = existsSync(path) ? readFileSync(path) : null;
  if (s === null) return local ? local.toString('utf8') : null;
  if (local && createHash('sha256').update(local).digest('hex') === s.sha256) return local.toString('utf8');
  const kept = store.artifactBytes(s.sha256);
  if (kept && createHash('sha256').update(kept).digest('hex') === s.sha256) return Buffer.from(kept).toString('utf8');
  // Another host's file of the same name is not this segment: only the store's copy could have been.
  if ((local && s.host === hostname()) || kept) throw new UserError(`prediction-log segment ${s.name} (logged on ${s.host}) does not match its sha256`, { file: path }, 'restore it, or delete the file to drop its rows');
  return null;
}

/** Every logged prediction, oldest segment first; `skipped` counts the rows of segments left out by `since`. */
export function* readPredictionLog(project: Project, store: RunStore, opts: { since?: string; skipped?: (rows: number) => void } = {}): Generator<LoggedPrediction> {
  const { refs, skippedRows } = segmentsOf(project, store, opts.since);
  opts.skipped?.(skippedRows);
  for (const ref of refs) {
    const text = segmentText(project, store, ref);
    if (text === null) continue;
    for (const line of text.split('\n')) if (line) yield JSON.parse(line) as LoggedPrediction;
  }
}

/** Which of `ids` were logged: the store's index, plus this machine's segments it does not index yet. */
export function loggedIds(project: Project, store: RunStore, ids: ReadonlySet<string>): Set<string> {
  const found = store.loggedPredictionIds([...ids]);
  const { refs } = segmentsOf(project, store);
  for (const ref of refs) {
    if (ref.indexed !== null) continue;
    const text = segmentText(project, store, ref);
    for (const line of text?.split('\n') ?? []) {
      if (!line) continue;
      const id = (JSON.parse(line) as LoggedPrediction).id;
      if (id !== null && ids.has(id)) found.add(id);
    }
  }
  return found;
}
