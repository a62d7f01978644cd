import { isIdColumn } from '../core/data/formats.js';
import { humanMessage } from '../core/human-errors.js';
import { BatchScorer, type ScoredRow } from '../core/scoring/batch-scorer.js';
import type { PointsScale } from '../core/scoring/decision.js';
import { StoreUnavailableError, type StoreLocation } from '../core/store/contract.js';
import type { RunStore } from '../core/store/run-store.js';
import { loadRegisteredModel, type LoadedModel } from './registry.js';
import { REGISTERED_MODEL } from './train.js';

export type Cell = string | number | null;

/** One request's rows after scoring: a result or a refusal per row, in request order. */
export interface ScoredTable {
  readonly model: LoadedModel;
  /** Prediction-log lines of the scored rows, when asked for. */
  readonly logged: string;
  readonly results: (ScoredRow | null)[];
  readonly rejected: { readonly index: number; readonly column: string; readonly reason: string }[];
}

export type ModelEvent =
  | { readonly type: 'loaded'; readonly version: number; readonly family: string }
  | { readonly type: 'switched'; readonly from: number; readonly to: number; readonly family: string }
  | { readonly type: 'refused'; readonly version: number; readonly message: string }
  | { readonly type: 'store-lost'; readonly message: string }
  | { readonly type: 'store-back'; readonly after: number };

/** Whether the last look at the registry reached the store; `degraded` keeps serving the loaded model. */
export type StoreHealth =
  | { readonly status: 'ok' }
  | { readonly status: 'degraded'; readonly message: string; readonly since: string };

/**
 * How long one registry look-up of a poll may take, and the load of a new bundle (bytes included): a store
 * that is down or hung blocks the process for about this long per poll, never for the driver's default.
 */
export const POLL_TIMEOUT_MS = 750;
export const LOAD_TIMEOUT_MS = 15_000;

/** Scorers kept per column layout: a request with the same columns reuses its batch buffers. */
const SCORER_CACHE = 32;

/**
 * The model a long-lived process (the HTTP service) scores with. It follows an alias (`champion`) or stays
 * on a pinned version: `refresh()` looks the reference up in the registry and, when it points elsewhere,
 * loads and verifies the new bundle (sha256) and swaps it in one assignment, so a request is scored wholly by
 * the old model or wholly by the new one. A bundle that fails verification is refused; the old one stays.
 */
export class ServedModel {
  private loaded: LoadedModel | null = null;
  private refusedSha: string | null = null;
  private health: StoreHealth = { status: 'ok' };
  private scorers = new Map<string, BatchScorer>();

  constructor(
    private readonly store: RunStore,
    readonly ref: string,
    private readonly scale: PointsScale,
    private readonly onEvent: (e: ModelEvent) => void = () => undefined,
  ) {}

  get current(): LoadedModel | null {
    return this.loaded;
  }

  /** The alias this process follows, or null when a version is pinned. */
  get alias(): string | null {
    return /^v?\d+$/.test(this.ref) ? null : this.ref;
  }

  /** Which store the registry is read from (a path, or host:port/database). */
  get storeLocation(): StoreLocation {
    return this.store.location;
  }

  /** The store as the last refresh found it. */
  get storeHealth(): StoreHealth {
    return this.health;
  }

  /** Records whether the store answered; a change is an event (said once, not at every poll). */
  private storeAnswered(failure: StoreUnavailableError | null): void {
    if (failure && this.health.status === 'ok') {
      this.health = { status: 'degraded', message: failure.detail, since: new Date().toISOString() };
      this.onEvent({ type: 'store-lost', message: failure.detail });
    } else if (failure && this.health.status === 'degraded') {
      this.health = { ...this.health, message: failure.detail };
    } else if (!failure && this.health.status === 'degraded') {
      const after = Date.now() - Date.parse(this.health.since);
      this.health = { status: 'ok' };
      this.onEvent({ type: 'store-back', after });
    }
  }

  /**
   * Looks the reference up again; returns true when the served model changed. Never throws: a store that is
   * unreachable leaves the loaded model serving and marks the store degraded until a later refresh reaches it.
   */
  refresh(): boolean {
    let row;
    try {
      row = this.store.bounded(POLL_TIMEOUT_MS, () => this.store.resolveModelVersion(REGISTERED_MODEL, this.ref));
      this.storeAnswered(null);
    } catch (e) {
      if (e instanceof StoreUnavailableError) this.storeAnswered(e);
      return false;
    }
    if (this.loaded && row.version === this.loaded.version.version && row.sha256 === this.loaded.version.sha256) return false;
    if (row.sha256 === this.refusedSha) return false;
    let next: LoadedModel;
    try {
      next = this.store.bounded(LOAD_TIMEOUT_MS, () => loadRegisteredModel(this.store, String(row.version)));
    } catch (e) {
      // Lost while loading: not the bundle's fault, so it is tried again once the store is back.
      if (e instanceof StoreUnavailableError) {
        this.storeAnswered(e);
        return false;
      }
      this.refusedSha = row.sha256;
      this.onEvent({ type: 'refused', version: row.version, message: humanMessage(e) });
      return false;
    }
    const previous = this.loaded;
    this.loaded = next;
    this.scorers = new Map();
    this.onEvent(previous ? { type: 'switched', from: previous.version.version, to: next.version.version, family: next.bundle.family } : { type: 'loaded', version: next.version.version, family: next.bundle.family });
    return true;
  }

  private scorerFor(model: LoadedModel, header: readonly string[], batch: string | null = null): BatchScorer {
    const key = `${batch ?? ''}\u0001${header.join('\u0000')}`;
    let scorer = this.scorers.get(key);
    if (!scorer) {
      scorer = new BatchScorer(model.bundle, model.model, {
        header, delimiter: ',', idColumn: header.findIndex(isIdColumn), threshold: model.bundle.threshold, scale: this.scale, format: 'rows',
        ...(batch ? { log: { batch, model_version: model.version.version } } : {}),
      });
      if (this.scorers.size >= SCORER_CACHE) this.scorers.delete(this.scorers.keys().next().value!);
      this.scorers.set(key, scorer);
    }
    return scorer;
  }

  /** The columns the served model needs that `header` lacks. */
  missingColumns(header: readonly string[]): string[] {
    return this.loaded ? this.scorerFor(this.loaded, header).missingColumns() : [];
  }

  /**
   * Scores rows of cells laid out as `header`, validated exactly as `score` validates a file's rows (codes
   * or labels, numbers or numeric strings). Row k of the request is row k + 1 in messages.
   */
  scoreRows(header: readonly string[], rows: readonly (readonly Cell[])[], opts: { readonly log?: boolean } = {}): ScoredTable {
    const model = this.loaded;
    if (!model) throw new Error('no model loaded');
    // Served rows are logged in one batch per day: `monitor --by batch` then groups serving by day.
    const scorer = this.scorerFor(model, header, opts.log ? `serve ${new Date().toISOString().slice(0, 10)}` : null);
    rows.forEach((cells, k) => scorer.add(cells, k + 1));
    const r = scorer.take();
    const results: (ScoredRow | null)[] = new Array<ScoredRow | null>(rows.length).fill(null);
    for (const row of r.rows) results[row.row - 1] = row;
    return { model, results, logged: r.logged, rejected: r.rejectList.map((x) => ({ index: x.row - 1, column: x.column, reason: x.reason })) };
  }
}
