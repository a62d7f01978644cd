import { ByteSink } from './byte-sink.js';
import type { Dataset, FeatureColumn } from '../data/dataset.js';
import { csvCell, splitLine, type Delimiter } from '../data/delimited.js';
import { FieldScanner } from '../data/field-scanner.js';
import { LineCursor } from '../data/line-stream.js';
import { transform } from '../features/preprocess.js';
import type { TreeExplainer } from '../explain/tree-explainer.js';
import { explainBatch, type Model } from '../models/model.js';
import type { ModelBundle } from '../registry/bundle.js';
import { points, ReasonIndex, type PointsScale, type Reason } from './decision.js';
import { reasonText } from './reason-text.js';
import { resolveScale } from '../scorecard/scale.js';
import { RowValidator, type RowReject, type ValueSink } from './validate.js';

/** How scored rows are serialised: CSV lines, JSON objects, columns (one Parquet row group per chunk), or kept as objects. */
export type ScoredFormat = 'csv' | 'json' | 'columns' | 'rows';

/** Columns of a scored output, in order: CSV header, JSON keys and Parquet columns alike. */
export const SCORED_COLUMNS = ['id', 'p_bad', 'decision', 'score', 'reason_1', 'reason_2', 'reason_3', 'reason_4', 'reason_code_1', 'reason_code_2', 'reason_code_3', 'reason_code_4'] as const;

export interface ScorerConfig {
  /** Column names of the input, in file order. */
  readonly header: readonly string[];
  readonly delimiter: Delimiter;
  /** Index of the id column in `header`, or -1 to use the line number. */
  readonly idColumn: number;
  readonly threshold: number;
  readonly scale: PointsScale;
  readonly format: ScoredFormat;
  /** Reason codes cost one attribution per row; prediction drift needs only p(bad). */
  readonly reasons?: boolean;
  /**
   * Also write each scored row as a prediction-log line (NDJSON: time, model version, batch, id, decoded
   * inputs, p_bad, decision, points) into `ChunkResult.logged`, for monitoring.
   */
  readonly log?: { readonly batch: string; readonly model_version: number };
}

export interface ScoredRow {
  readonly id: string;
  /** The row's line (file) or position (request, 1-based) in the input. */
  readonly row: number;
  readonly p_bad: number;
  readonly decision: 'approve' | 'decline';
  readonly score: number;
  readonly reasons: readonly Reason[];
}

/** What one chunk of input became; chunks scored on different threads merge by adding these up. */
export interface ChunkResult {
  /** UTF-8 CSV lines (each ending in \n) or JSON objects joined by ",\n"; empty for the other formats. */
  out: Uint8Array;
  /** `row,column,reason` CSV lines of the rows that were refused. */
  rejects: string;
  /** The first refused row's problem (one applicant's error message). */
  firstReject: RowReject | null;
  rowsRead: number;
  rejected: number;
  approve: number;
  decline: number;
  pSum: number;
  /** Points score -> count, flattened as [points, count, points, count, ...]. */
  points: number[];
  rows: ScoredRow[];
  /** The chunk's scored rows as columns in SCORED_COLUMNS order (format 'columns' only). */
  columns: (string | number)[][] | null;
  /** Refused rows with their row number (format 'rows' only: one applicant or a request of several). */
  rejectList: (RowReject & { readonly row: number })[];
  /** Prediction-log lines of the scored rows (config.log only). */
  logged: string;
}

const EMPTY = new Uint8Array(0);

export function emptyChunkResult(format: ScoredFormat): ChunkResult {
  const columns = format === 'columns' ? SCORED_COLUMNS.map(() => []) : null;
  return { out: EMPTY, rejects: '', firstReject: null, rowsRead: 0, rejected: 0, approve: 0, decline: 0, pSum: 0, points: [], rows: [], columns, rejectList: [], logged: '' };
}

const BATCH = 8192;
/** Regulation B (12 CFR 1002.9(b)(2) commentary): no more than four principal reasons. */
const REASONS = 4;
const TEXT_CACHE_LIMIT = 10_000;

/**
 * Scores applicants in batches held as typed columns: cells are validated straight into the batch, the
 * batch is transformed and predicted as one matrix, and each row's output is formatted from cached reason
 * texts. The same object serves a 2 GB file (one chunk of text at a time, on any thread) and one applicant.
 */
export class BatchScorer {
  private readonly validator: RowValidator;
  private readonly reasonIndex: ReasonIndex;
  /** Input-profile position of each reason column. */
  private readonly reasonInput: Int32Array;
  /** Per reason column: the applicant's value -> [text, CSV-quoted text]. */
  private readonly reasonTexts: Map<string | number, readonly [string, string]>[];
  private readonly numeric: (Float64Array | null)[];
  private readonly labels: ((string | null)[] | null)[];
  private readonly batch: ValueSink;
  private readonly dataset: Dataset;
  private readonly ids: string[] = new Array<string>(BATCH);
  private readonly lines = new Int32Array(BATCH);
  private readonly reasonCols = new Int32Array(BATCH * REASONS);
  private readonly reasonEffects = new Float64Array(BATCH * REASONS);
  private readonly reasonCount = new Uint8Array(BATCH);
  private readonly withReasons: boolean;
  /** Tree families' reasons are TreeSHAP (else the model's own attributions, or no reasons). */
  private readonly usesTreeShap: boolean;
  private treeShap: TreeExplainer | null = null;

  /**
   * Exact TreeSHAP against the bundle's reference rows (path-dependent in bundles without them), built when a
   * declined row first needs it: indexing the references costs a large forest a few hundred ms.
   */
  private get explainer(): TreeExplainer {
    if (this.treeShap) return this.treeShap;
    const refs = this.bundle.input.reason_reference_rows;
    const matrix = refs && refs.length > 0 ? { rows: refs.length, cols: refs[0]!.length, data: Float64Array.from(refs.flat()) } : null;
    return (this.treeShap = this.model.treeExplainer!(matrix));
  }
  private readonly scanner: FieldScanner;
  private n = 0;
  private result: ChunkResult;
  private readonly tally = new Map<number, number>();

  /** The config's scale as this model is scored on it (a scorecard's min–max resolved: `resolveScale`). */
  private readonly scale: PointsScale;

  constructor(readonly bundle: ModelBundle, private readonly model: Model, readonly config: ScorerConfig) {
    this.scale = resolveScale(config.scale, bundle.model);
    this.validator = new RowValidator(bundle.input, config.header);
    this.reasonIndex = new ReasonIndex(bundle.preprocessor);
    const position = new Map(bundle.input.columns.map((c, j) => [c.name, j]));
    this.reasonInput = Int32Array.from(this.reasonIndex.columns, (c) => position.get(c) ?? -1);
    this.reasonTexts = this.reasonIndex.columns.map(() => new Map());
    this.numeric = bundle.input.columns.map((c) => (c.kind === 'numeric' ? new Float64Array(BATCH) : null));
    this.labels = bundle.input.columns.map((c) => (c.kind === 'categorical' ? new Array<string | null>(BATCH).fill(null) : null));
    this.batch = { numeric: this.numeric, labels: this.labels };
    const features: FeatureColumn[] = bundle.input.columns.map((c, j) =>
      c.kind === 'numeric'
        ? { name: c.name, kind: 'numeric', values: this.numeric[j]! }
        : { name: c.name, kind: 'categorical', ordinal: false, values: this.labels[j]!, levels: c.levels },
    );
    this.dataset = { name: 'score', features, target: new Uint8Array(BATCH), targetName: bundle.input.target, rows: 0 };
    this.withReasons = config.reasons ?? true;
    this.usesTreeShap = this.withReasons && model.treeExplainer !== undefined;
    this.scanner = new FieldScanner(config.delimiter, config.header.length);
    this.result = emptyChunkResult(config.format);
  }

  /** Columns the model needs that the input lacks. */
  missingColumns(): string[] {
    return this.validator.missingColumns();
  }

  /**
   * Scores a run of complete lines (no header) whose first line is `firstLine` in the file. Blank lines
   * count for numbering but are not rows. Plain lines are split and validated in the buffer; a line with a
   * quote or a non-ASCII byte takes the string path (RFC 4180 quotes, Unicode trimming), with equal results.
   */
  scoreBytes(bytes: Uint8Array, firstLine: number): ChunkResult {
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const { delimiter, header, idColumn } = this.config;
    const scanner = this.scanner;
    for (const cursor = new LineCursor(bytes, firstLine); cursor.next(); ) {
      const { from, to, line } = cursor;
      const f = scanner.scan(bytes, from, to);
      if (f < 0) {
        const s = buf.toString('utf8', from, to);
        if (s.trim().length === 0) continue;
        const cells = splitLine(s, delimiter);
        if (!cells || cells.length !== header.length) this.reject(line, { column: '(row)', reason: `expected ${header.length} fields, found ${cells?.length ?? 0}` });
        else this.add(cells, line);
        continue;
      }
      if (f === 0) continue;
      if (f !== header.length) {
        this.reject(line, { column: '(row)', reason: `expected ${header.length} fields, found ${f}` });
        continue;
      }
      const rejected = this.validator.validateFields(bytes, scanner.starts, scanner.ends, scanner.hashes, this.batch, this.n);
      if (rejected) {
        this.reject(line, rejected);
        continue;
      }
      this.result.rowsRead++;
      this.ids[this.n] = idColumn >= 0 ? buf.toString('latin1', scanner.starts[idColumn], scanner.ends[idColumn]) : String(line);
      this.lines[this.n] = line;
      if (++this.n === BATCH) this.flush();
    }
    return this.take();
  }

  /** Adds one row of cells (in header order); it is scored when the batch fills or at `take`. */
  add(cells: readonly (string | number | null)[], line: number): void {
    const rejected = this.validator.validateInto(cells, this.batch, this.n);
    if (rejected) return this.reject(line, rejected);
    this.result.rowsRead++;
    const idColumn = this.config.idColumn;
    const id = idColumn >= 0 ? cells[idColumn] : null;
    this.ids[this.n] = id === null || id === undefined ? String(line) : String(id);
    this.lines[this.n] = line;
    if (++this.n === BATCH) this.flush();
  }

  /** Everything scored since the last `take` (scoring any partial batch first). */
  take(): ChunkResult {
    this.flush();
    const r = this.result;
    for (const [v, c] of this.tally) r.points.push(v, c);
    this.tally.clear();
    if (this.sink.length > 0) r.out = this.sink.take();
    this.result = emptyChunkResult(this.config.format);
    return r;
  }

  private reject(line: number, r: RowReject): void {
    this.result.rowsRead++;
    this.result.rejected++;
    this.result.firstReject ??= r;
    this.result.rejects += `${line},${csvCell(r.column)},${csvCell(r.reason)}\n`;
    if (this.config.format === 'rows') this.result.rejectList.push({ row: line, ...r });
  }

  private flush(): void {
    const n = this.n;
    if (n === 0) return;
    this.n = 0;
    const ds = { ...this.dataset, rows: n };
    const width = this.bundle.preprocessor.featureNames.length;
    if (this.matrixScratch.length < n * width) this.matrixScratch = new Float64Array(BATCH * width);
    const X = transform(this.bundle.preprocessor, ds, this.matrixScratch);
    let p: Float64Array;
    if (!this.withReasons) {
      p = this.model.predictProba(X);
      this.reasonCount.fill(0);
    } else if (this.usesTreeShap) {
      p = this.model.predictProba(X);
      const contribs = this.contribScratch.length >= X.cols ? this.contribScratch.subarray(0, X.cols) : (this.contribScratch = new Float64Array(X.cols));
      for (let i = 0; i < n; i++) {
        this.reasonCount[i] = 0;
        // TreeSHAP costs ~0.1 ms (xgboost) to ~1 ms (a 100-tree forest) a row: only a declined applicant,
        // who is owed an adverse-action notice, gets reasons (README: Reason codes).
        if (p[i]! < this.config.threshold) continue;
        contribs.fill(0);
        this.explainer.explainRow(X, i, contribs);
        this.reasonCount[i] = this.reasonIndex.topInto(contribs, this.reasonCols, this.reasonEffects, i * REASONS, REASONS);
      }
    } else {
      // Tree ensembles and logreg give p(bad) and every row's contributions in one pass.
      const contribs = this.contribScratch.length >= n * X.cols ? this.contribScratch.fill(0, 0, n * X.cols) : (this.contribScratch = new Float64Array(n * X.cols));
      p = explainBatch(this.model, X, this.bundle.input.reason_reference ?? this.bundle.input.feature_means, contribs);
      for (let i = 0; i < n; i++) {
        this.reasonCount[i] = this.reasonIndex.topInto(contribs.subarray(i * X.cols, (i + 1) * X.cols), this.reasonCols, this.reasonEffects, i * REASONS, REASONS);
      }
    }
    const { threshold, format } = this.config;
    const scale = this.scale;
    const r = this.result;
    const out = this.sink;
    for (let i = 0; i < n; i++) {
      const pb = p[i]!;
      const decline = pb >= threshold;
      if (decline) r.decline++;
      else r.approve++;
      const score = points(pb, scale);
      this.tally.set(score, (this.tally.get(score) ?? 0) + 1);
      r.pSum += pb;
      const k = this.reasonCount[i]!;
      const decision = decline ? 'decline' : 'approve';
      if (format === 'csv') {
        out.write(`${csvCell(this.ids[i]!)},${pb},${decision},${score},${this.reasonCsv(i, 0, k)},${this.reasonCsv(i, 1, k)},${this.reasonCsv(i, 2, k)},${this.reasonCsv(i, 3, k)},${this.codeCsv(i, 0, k)},${this.codeCsv(i, 1, k)},${this.codeCsv(i, 2, k)},${this.codeCsv(i, 3, k)}\n`);
      } else if (format === 'json') {
        const row = {
          id: this.ids[i]!, p_bad: pb, decision, score,
          reason_1: this.reasonText(i, 0, k), reason_2: this.reasonText(i, 1, k), reason_3: this.reasonText(i, 2, k), reason_4: this.reasonText(i, 3, k),
          reason_code_1: this.reasonCode(i, 0, k), reason_code_2: this.reasonCode(i, 1, k), reason_code_3: this.reasonCode(i, 2, k), reason_code_4: this.reasonCode(i, 3, k),
        };
        out.write(`${out.length > 0 ? ',\n' : ''}${JSON.stringify(row)}`);
      } else if (format === 'columns') {
        const c = r.columns!;
        c[0]!.push(this.ids[i]!);
        c[1]!.push(pb);
        c[2]!.push(decision);
        c[3]!.push(score);
        for (let m = 0; m < 4; m++) {
          c[4 + m]!.push(m < k ? this.reasonText(i, m, k) : '');
          c[8 + m]!.push(m < k ? this.reasonCode(i, m, k) : '');
        }
      } else {
        const reasons: Reason[] = [];
        for (let m = 0; m < k; m++) {
          const c = this.reasonCols[i * REASONS + m]!;
          reasons.push({ column: this.reasonIndex.columns[c]!, value: this.valueText(c, i), effect: this.reasonEffects[i * REASONS + m]!, text: this.reasonText(i, m, k) });
        }
        r.rows.push({ id: this.ids[i]!, row: this.lines[i]!, p_bad: pb, decision, score, reasons });
      }
      if (this.config.log) r.logged += this.logLine(i, pb, decision, score);
    }
  }

  private contribScratch = new Float64Array(0);
  /** The transformed batch, reused from batch to batch. */
  private matrixScratch = new Float64Array(0);
  /** This chunk's output so far (csv and json formats). */
  private readonly sink = new ByteSink();

  /** Takes back a chunk's output buffer once it has been written out, for the next chunk's output. */
  recycleOutput(buffer: ArrayBufferLike): void {
    this.sink.pool.give(buffer);
  }
  private logTs = '';

  /** One prediction-log line: the validated (decoded) inputs, so every source logs the same values. */
  private logLine(i: number, p: number, decision: string, score: number): string {
    if (i === 0) this.logTs = new Date().toISOString();
    const inputs: Record<string, string | number | null> = {};
    this.bundle.input.columns.forEach((c, j) => {
      const num = this.numeric[j];
      inputs[c.name] = num ? (Number.isNaN(num[i]!) ? null : num[i]!) : (this.labels[j]![i] ?? null);
    });
    const { batch, model_version } = this.config.log!;
    const id = this.config.idColumn >= 0 ? this.ids[i]! : null;
    return `${JSON.stringify({ ts: this.logTs, model_version, batch, id, inputs, p_bad: p, decision, score })}\n`;
  }

  /** The applicant's value of reason column c in words ("missing" when absent). */
  private valueText(c: number, i: number): string {
    const j = this.reasonInput[c]!;
    const num = this.numeric[j];
    if (num) return Number.isNaN(num[i]!) ? 'missing' : String(num[i]);
    return this.labels[j]![i] ?? 'missing';
  }

  private texts(i: number, m: number): readonly [string, string] {
    const c = this.reasonCols[i * REASONS + m]!;
    const j = this.reasonInput[c]!;
    const num = this.numeric[j];
    const key: string | number = num ? num[i]! : (this.labels[j]![i] ?? 'missing');
    const cache = this.reasonTexts[c]!;
    let t = cache.get(key);
    if (!t) {
      const text = reasonText(this.reasonIndex.wordsOf(c), this.bundle.input.columns[j], num ? num[i]! : (this.labels[j]![i] ?? null));
      t = [text, csvCell(text)];
      if (cache.size < TEXT_CACHE_LIMIT) cache.set(key, t);
    }
    return t;
  }

  private reasonText(i: number, m: number, k: number): string {
    return m < k ? this.texts(i, m)[0] : '';
  }

  private reasonCsv(i: number, m: number, k: number): string {
    return m < k ? this.texts(i, m)[1] : '';
  }

  /** A reason's stable code: the input column it comes from (its text may change wording, the code does not). */
  private reasonCode(i: number, m: number, k: number): string {
    return m < k ? this.reasonIndex.columns[this.reasonCols[i * REASONS + m]!]! : '';
  }

  private codeCsv(i: number, m: number, k: number): string {
    return m < k ? csvCell(this.reasonCode(i, m, k)) : '';
  }
}
