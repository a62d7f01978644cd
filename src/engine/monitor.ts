import { readFileSync } from 'node:fs';
import type { Dataset } from '../core/data/dataset.js';
import { UserError } from '../core/errors.js';
import {
  alertsOf, bandsForSize, bandsFromChunks, periodMetrics, periodOf, PeriodState, summarizeReference,
  type Band, type InputSpec, type MonitoredMetric, type MonitorRow, type PeriodBy, type PeriodMetrics,
} from '../core/monitor/periods.js';
import type { Params } from '../core/params/params.js';
import { datasetVerdict, type VerdictBy } from '../core/drift/importance.js';
import { DEFAULT_ATTRIBUTES } from '../core/fairness/audit.js';
import { periodFairness, type PeriodFairness } from '../core/monitor/group-approvals.js';
import { dataQuality, type DataQuality } from '../core/monitor/quality.js';
import { fitReconstruction, multivariateDrift, type MultivariateDrift, type Reconstruction } from '../core/monitor/reconstruction.js';
import { Rng } from '../core/random.js';
import { BatchScorer } from '../core/scoring/batch-scorer.js';
import type { RunStore } from '../core/store/run-store.js';
import { loadStoredDataset, verifyIfRegistered } from './datasets.js';
import { readDataset } from './ingest.js';
import { versionImportanceIfAvailable } from './importance.js';
import { readPredictionLog } from './prediction-log.js';
import { inputFile, type Project } from './project.js';
import { loadRegisteredModel, type LoadedModel } from './registry.js';

export interface MonitorOptions {
  readonly by: PeriodBy;
  /** Only rows scored at or after this ISO date/time. */
  readonly since?: string;
  /** A labelled file to use as the reference instead of the champion's training data. */
  readonly reference?: string;
  readonly model?: string;
}

export interface MonitoredPeriod extends PeriodMetrics {
  readonly alert: boolean;
  readonly alerts: readonly (MonitoredMetric | 'multivariate' | 'fairness' | 'data_quality')[];
  /** PCA reconstruction error of the period's rows against the reference, with its ±3σ band. */
  readonly multivariate: MultivariateDrift | null;
  /** Drifted columns' share of the model's permutation importance, and the dataset verdict (params.yaml drift.verdict). */
  readonly weighted_drift_share: number | null;
  readonly dataset_drift: boolean;
  readonly verdict_by: VerdictBy;
  /** Approval rate per protected group and the adverse impact ratio (no outcomes needed). */
  readonly fairness: readonly PeriodFairness[];
  /** Missing values, unseen categories and out-of-range numbers against the training profile. */
  readonly data_quality: DataQuality;
  /** The bands this period was judged by: sized for its own number of rows. */
  readonly bands: readonly Band[];
}

export interface MonitorReport {
  readonly model: { readonly version: number; readonly family: string };
  readonly reference: { readonly source: string; readonly rows: number; readonly chunk_rows: number; readonly chunks: number };
  readonly by: string;
  /** Bands at the periods' median size (each period carries its own, sized for its rows). */
  readonly bands: readonly Band[];
  readonly periods: readonly MonitoredPeriod[];
  /** Rows read from the prediction log (before --since). */
  readonly rows_logged: number;
  readonly latest_alert: boolean;
}

const specsOf = (m: LoadedModel): InputSpec[] => m.bundle.input.columns.map((c) => ({ name: c.name, kind: c.kind }));

/** Reference rows: every row of a dataset scored by the model, with its known outcome. */
export function referenceRows(ds: Dataset, m: LoadedModel): MonitorRow[] {
  const header = ds.features.map((f) => f.name);
  const scorer = new BatchScorer(m.bundle, m.model, { header, delimiter: ',', idColumn: -1, threshold: m.bundle.threshold, scale: m.bundle.params.scoring, format: 'rows', reasons: false });
  const missing = scorer.missingColumns();
  if (missing.length) throw new UserError(`the reference lacks column${missing.length > 1 ? 's' : ''} the model needs: ${missing.join(', ')}`, { column: missing[0]! });
  const inputs: Record<string, string | number | null>[] = [];
  for (let i = 0; i < ds.rows; i++) {
    const cells = ds.features.map((f) => (f.kind === 'numeric' ? (Number.isNaN(f.values[i]!) ? null : f.values[i]!) : f.values[i] ?? null));
    inputs.push(Object.fromEntries(header.map((h, j) => [h, cells[j]!])));
    scorer.add(cells, i + 1);
  }
  const scored = scorer.take();
  const byRow = new Map(scored.rows.map((r) => [Number(r.id) - 1, r]));
  const rows: MonitorRow[] = [];
  for (let i = 0; i < ds.rows; i++) {
    const r = byRow.get(i);
    if (r) rows.push({ ts: '', batch: 'reference', id: null, inputs: inputs[i]!, p_bad: r.p_bad, decision: r.decision, bad: ds.target[i] === 1 ? 1 : 0 });
  }
  return rows;
}

function loadReference(store: RunStore, m: LoadedModel, params: Params, file?: string): { rows: MonitorRow[]; source: string } {
  if (file) {
    const path = inputFile(file, 'a reference file');
    verifyIfRegistered(store, path);
    const { dataset } = readDataset(readFileSync(path), file, path, { name: 'reference', target: params.data.target, badValue: params.data.bad_value, roles: params.data.roles });
    return { rows: referenceRows(dataset, m), source: file };
  }
  const { name, version } = m.bundle.dataset;
  const row = store.resolveDataset(`${name}@${version}`);
  return { rows: referenceRows(loadStoredDataset(row), m), source: `${name}@${version} (the champion's training data)` };
}

/**
 * Monitoring over time: the prediction log (fed by `serve --log-predictions` and `score --log-predictions`)
 * cut into periods, each compared with the reference the way `drift` compares two files, plus realised
 * performance where outcomes have arrived and CBPE estimates where they have not. Alert bands come from
 * chunks of the reference of the periods' typical size (mean ± 3 sd), or from params.yaml `monitor.thresholds`.
 * Memory follows the number of periods and distinct values: rows are folded into tallies as they are read.
 */
export function runMonitor(project: Project, store: RunStore, params: Params, opts: MonitorOptions): MonitorReport {
  const model = loadRegisteredModel(store, opts.model ?? 'champion');
  const specs = specsOf(model);
  const outcomes = store.outcomeMap();
  const ref = loadReference(store, model, params, opts.reference);
  const recon = referenceReconstruction(ref.rows, specs, params.seed);
  const importance = versionImportanceIfAvailable(store, model);
  const groupColumns = (params.fairness.attributes ?? DEFAULT_ATTRIBUTES).map((a) => a.column);
  const periods = new Map<string, PeriodState>();
  let logged = 0;
  let index = 0;
  // Segments that end before --since are counted from the index, not read.
  for (const p of readPredictionLog(project, store, { ...(opts.since ? { since: opts.since } : {}), skipped: (n) => (logged += n) })) {
    logged++;
    if (opts.since && p.ts < opts.since) continue;
    const row: MonitorRow = { ts: p.ts, batch: p.batch, id: p.id, inputs: p.inputs, p_bad: p.p_bad, decision: p.decision, bad: p.id !== null ? (outcomes.get(p.id) ?? null) : null };
    const key = periodOf(opts.by, row, index++);
    let state = periods.get(key);
    if (!state) periods.set(key, (state = new PeriodState(key, specs, { rowError: (x) => recon.error(x), groupColumns })));
    state.add(row, params.cost);
  }
  if (periods.size === 0) {
    throw new UserError(logged ? `no logged predictions since ${opts.since}` : 'no logged predictions yet', {}, 'score with --log-predictions, or serve with --log-predictions, first');
  }

  const { chunkRows, chunks, bands, periods: out } = judgePeriods([...periods.values()], ref.rows, specs, params, { recon, importance });
  return {
    model: { version: model.version.version, family: model.bundle.family },
    reference: { source: ref.source, rows: ref.rows.length, chunk_rows: chunkRows, chunks },
    by: opts.by.kind === 'rows' ? `${opts.by.n} rows` : opts.by.kind,
    bands, periods: out, rows_logged: logged, latest_alert: out.at(-1)?.alert ?? false,
  };
}

/** The PCA reconstruction of the reference's inputs; rows in a seeded order so the reference folds are random. */
export function referenceReconstruction(refRows: readonly MonitorRow[], specs: readonly InputSpec[], seed: number): Reconstruction {
  const order = shuffled(refRows.length, seed);
  return fitReconstruction(order.map((i) => refRows[i]!.inputs), specs);
}

function shuffled(n: number, seed: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  const rng = new Rng(seed);
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/**
 * Judges periods against reference rows: reference chunks of the periods' typical size (seeded order) give the
 * spread of the figures that have no formula; each period's bands are then sized for its own rows, and
 * params.yaml `monitor.thresholds` replaces any band.
 */
export interface JudgeExtras {
  readonly recon?: Reconstruction;
  /** The model's permutation importance per input column (the weighted dataset verdict). */
  readonly importance?: Readonly<Record<string, number>> | null;
}

export function judgePeriods(periods: readonly PeriodState[], refRows: readonly MonitorRow[], specs: readonly InputSpec[], params: Params, extras: JudgeExtras = {}): { chunkRows: number; chunks: number; bands: Band[]; periods: MonitoredPeriod[] } {
  const whole = new PeriodState('reference', specs);
  for (const r of refRows) whole.add(r, params.cost);
  const summary = summarizeReference(whole);
  const sizes = periods.map((s) => s.rows).sort((a, b) => a - b);
  const median = sizes[Math.floor(sizes.length / 2)] ?? refRows.length;
  const chunkRows = Math.max(50, Math.min(median, Math.floor(refRows.length / 5)));
  const order = shuffled(refRows.length, params.seed);
  const chunks: PeriodMetrics[] = [];
  for (let start = 0; start + chunkRows <= order.length; start += chunkRows) {
    const s = new PeriodState(`reference chunk ${chunks.length + 1}`, specs);
    for (let k = start; k < start + chunkRows; k++) s.add(refRows[order[k]!]!, params.cost);
    chunks.push(periodMetrics(s, summary, params.drift));
  }
  const chunkBands = bandsFromChunks(chunks, specs.length);
  const fixed = params.monitor.thresholds;
  const withFixed = (sized: readonly Band[]): Band[] => {
    const bands = sized.map((b) => {
      const f = fixed[b.metric];
      return f ? { metric: b.metric, lower: f.lower ?? null, upper: f.upper ?? null, centre: null, source: 'params' as const } : b;
    });
    for (const [metric, f] of Object.entries(fixed) as [MonitoredMetric, { lower?: number; upper?: number }][]) {
      if (!bands.some((b) => b.metric === metric)) bands.push({ metric, lower: f.lower ?? null, upper: f.upper ?? null, centre: null, source: 'params' });
    }
    return bands;
  };
  const kinds = new Map(specs.map((c) => [c.name, c.kind]));
  const ordered = [...periods].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
  const judged: MonitoredPeriod[] = ordered.map((s) => {
    const m = periodMetrics(s, summary, params.drift);
    const bands = withFixed(bandsForSize(chunkBands, summary, s.rows, chunkRows));
    const multivariate = extras.recon ? multivariateDrift(s.errorSum, s.rows, extras.recon.referenceErrors) : null;
    const drifted = new Set(m.drifted_columns);
    const verdict = datasetVerdict(specs.map((c) => ({ column: c.name, drifted: drifted.has(c.name) })), extras.importance ?? null, params.drift);
    const fairness = periodFairness(s.approvalsBy, params.fairness.attributes ?? DEFAULT_ATTRIBUTES, kinds);
    const quality = dataQuality(whole.columns, s.columns);
    const alerts = [
      ...alertsOf(m, bands),
      ...(multivariate?.alert ? (['multivariate'] as const) : []),
      ...(fairness.some((f) => f.alert) ? (['fairness'] as const) : []),
      ...(quality.alert ? (['data_quality'] as const) : []),
    ];
    return {
      ...m, alert: alerts.length > 0, alerts, bands, multivariate,
      weighted_drift_share: verdict.weighted_drift_share, dataset_drift: verdict.dataset_drift, verdict_by: verdict.verdict_by,
      fairness, data_quality: quality,
    };
  });
  return { chunkRows, chunks: chunks.length, bands: withFixed(bandsForSize(chunkBands, summary, median, chunkRows)), periods: judged };
}
