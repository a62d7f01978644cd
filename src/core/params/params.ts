import type { PlannerParams } from '../search/planner.js';
import { DEFAULT_SPACES } from '../search/spaces.js';
import type { Dimension, Space } from '../search/tpe.js';
import type { CalibrationMethod } from '../decision/calibration.js';
import type { DecisionPolicy } from '../decision/policy.js';
import { createRequire } from 'node:module';
import type { AttributeSpec } from '../fairness/audit.js';
import type * as Yaml from 'yaml';
import { UserError } from '../errors.js';
import { isStoreUrl, redactStoreUrl } from '../store/store-url.js';
import { MONOTONIC_TRENDS, type MonotonicTrend } from '../binning/optimal-binning.js';
import type { ReasonMethod } from '../scoring/reason-reference.js';
import type { PointsScaleKind } from '../scoring/decision.js';
import { DEFAULT_FAMILIES, DEFAULT_GRIDS, FAMILIES, GRID_SPECS, isFamily, type Family, type Grid, type GridValue } from './grids.js';

export type ColumnRole = 'numeric' | 'categorical' | 'ordinal' | 'ignore';
export type NumericImputation = 'median' | 'mean';
export type CategoricalImputation = 'most_frequent' | 'missing_level';
export type Encoding = 'onehot' | 'ordinal' | 'woe';
export type Scaling = 'standard' | 'minmax' | 'none';
export type SelectionMetric = 'roc_auc' | 'gini' | 'ks' | 'brier' | 'cost' | 'f1' | 'g_mean';

/** Everything a run depends on. Loaded from params.yaml; every field has a default. */
export interface Params {
  readonly seed: number;
  readonly data: {
    /** Dataset name in the store to train on; null = the most recently ingested one. */
    readonly dataset: string | null;
    /** Column name of the target in generic files. */
    readonly target: string | null;
    /** The target value that means "bad" (the positive class) in generic files. */
    readonly bad_value: string | null;
    /** Overrides of detected column roles. */
    readonly roles: Readonly<Record<string, ColumnRole>>;
    /** Columns no model may use (fairness through unawareness); the audit still groups by them. */
    readonly exclude: readonly string[];
  };
  readonly split: {
    readonly test_size: number;
    readonly cv_folds: number;
    /** A reference split JSON (train/test rows and folds), e.g. ../shared/reference/split_statlog_german.json. */
    readonly split_file: string | null;
  };
  readonly preprocessing: {
    readonly impute_numeric: NumericImputation;
    readonly impute_categorical: CategoricalImputation;
    readonly encoding: Encoding;
    readonly scaling: Scaling;
    readonly power_transform: boolean;
    readonly smote_k: number;
  };
  readonly search: {
    readonly families: readonly Family[];
    readonly selection_metric: SelectionMetric;
    /** Worker threads for the grid search; 0 = one per core. */
    readonly workers: number;
    readonly grids: Readonly<Record<Family, Grid>>;
    /**
     * grid: every candidate; halving: successive halving over the grid; tpe: Tree-structured Parzen Estimator
     * over `spaces`; auto: grid, or halving when the grid's estimate exceeds `planner.grid_budget`.
     */
    readonly strategy: SearchStrategy | 'auto';
    /** tpe: trials to run (ignored when `time` is set). */
    readonly trials: number;
    /** tpe: stop starting trials after this many seconds (null = use `trials`). */
    readonly time: number | null;
    /** tpe: ranges per family (a family listed replaces its default space). */
    readonly spaces: Readonly<Record<Family, Space>>;
  };
  readonly cost: {
    /** Cost of approving a bad applicant (false negative). */
    readonly bad_predicted_good: number;
    /** Cost of declining a good applicant (false positive). */
    readonly good_predicted_bad: number;
  };
  readonly scoring: {
    readonly base_points: number;
    /** good:bad odds at base_points. */
    readonly base_odds: number;
    /** Points to double the odds. */
    readonly pdo: number;
    /** Lowest and highest points: p(bad) is clipped to the range that maps into them (see decision.ts). */
    readonly min_points: number;
    readonly max_points: number;
    /** pdo: base_points/base_odds/pdo; minmax: every score spread over [min_points, max_points] (core/scorecard/scale.ts). */
    readonly scale: PointsScaleKind;
  };
  /** Optimal binning of `credit-tui bin` (the scorecard family's binning settings are its grid keys). */
  readonly binning: {
    /** Most pre-bins of the CART pre-binning. */
    readonly max_prebins: number;
    /** Smallest pre-bin, as a share of rows. */
    readonly min_prebin_size: number;
    /** Smallest optimal bin, as a share of rows; null = no limit. */
    readonly min_bin_size: number | null;
    /** Bad-rate trend of numeric bins. */
    readonly trend: MonotonicTrend;
    /** Values per column that get a bin of their own, e.g. `{months_employed: [-1]}`. */
    readonly special: Readonly<Record<string, readonly (number | string)[]>>;
  };
  /** Reason codes of attribution families: compared with the mean applicant, or with those at the cut-off. */
  readonly reasons: {
    readonly method: ReasonMethod;
  };
  readonly drift: {
    readonly p_value: number;
    readonly distance_threshold: number;
    readonly psi_investigate: number;
    readonly psi_significant: number;
    readonly drift_share: number;
    readonly missing_share_change: number;
    readonly psi_bins: number;
    /** With a model, the dataset verdict weighs each drifted column by the model's permutation importance. */
    readonly verdict: 'share' | 'weighted';
    /** The dataset drifts when the drifted columns carry at least this share of the model's importance. */
    readonly weighted_share: number;
  };
  readonly decision: {
    /** How the cut-off on p(bad) is chosen, always on out-of-fold predictions (see core/decision/policy.ts). */
    readonly policy: DecisionPolicy;
    /** recall: recall of bad applicants to reach; approval_rate: share to approve; bad_rate: highest approved bad rate. */
    readonly target: number | null;
    /** Calibration of the champion's p(bad), fitted on out-of-fold predictions. */
    readonly calibration: CalibrationMethod;
    /** When a search's winner becomes `champion`: always, only if it beats the current one on the same test rows, never. */
    readonly promote: PromotePolicy;
  };
  readonly fairness: {
    /** Protected attributes to audit; null = the defaults for the three real data sets. */
    readonly attributes: readonly AttributeSpec[] | null;
  };
  readonly monitor: {
    /** Fixed alert bands per metric; a metric not named here gets mean ± 3 sd of reference chunks. */
    readonly thresholds: Readonly<Partial<Record<MonitorMetric, { readonly lower?: number; readonly upper?: number }>>>;
  };
  /** Row limits above which the search adapts the families whose cost grows faster than the rows. */
  readonly planner: PlannerParams;
  /** Where runs and the registry live; --store and CREDIT_TUI_STORE override it (optional: fixtures predate it). */
  readonly store?: {
    /** postgresql://user@host:port/db, or sqlite:PATH; null = runs.db in the project directory. */
    readonly url: string | null;
    /** With PostgreSQL: a directory the machines share for artifact bytes; null = in the database. */
    readonly artifacts?: string | null;
  };
}

/** Metrics of `credit-tui monitor` that can carry alert bands. */
export const MONITOR_METRICS = ['approval_rate', 'mean_p_bad', 'score_psi', 'drift_share', 'auc', 'estimated_auc'] as const;
export type MonitorMetric = (typeof MONITOR_METRICS)[number];

export type PromotePolicy = 'always' | 'if-better' | 'never';
export type SearchStrategy = 'grid' | 'halving' | 'tpe';

export const DEFAULT_PARAMS: Params = {
  seed: 42,
  data: { dataset: null, target: null, bad_value: null, roles: {}, exclude: [] },
  split: { test_size: 0.2, cv_folds: 5, split_file: null },
  preprocessing: {
    impute_numeric: 'median',
    impute_categorical: 'most_frequent',
    encoding: 'onehot',
    scaling: 'standard',
    power_transform: false,
    smote_k: 5,
  },
  search: { families: [...DEFAULT_FAMILIES], selection_metric: 'roc_auc', workers: 0, grids: DEFAULT_GRIDS, strategy: 'auto', trials: 40, time: null, spaces: DEFAULT_SPACES },
  cost: { bad_predicted_good: 5, good_predicted_bad: 1 },
  scoring: { base_points: 600, base_odds: 19, pdo: 50, min_points: 300, max_points: 850, scale: 'pdo' },
  binning: { max_prebins: 20, min_prebin_size: 0.05, min_bin_size: null, trend: 'auto', special: {} },
  reasons: { method: 'average' },
  drift: {
    p_value: 0.05,
    distance_threshold: 0.1,
    psi_investigate: 0.1,
    psi_significant: 0.25,
    drift_share: 0.5,
    missing_share_change: 0.1,
    psi_bins: 10,
    verdict: 'weighted',
    weighted_share: 0.25,
  },
  decision: { policy: 'cost', target: null, calibration: 'none', promote: 'if-better' },
  fairness: { attributes: null },
  monitor: { thresholds: {} },
  planner: { svm_max_rows: 3000, knn_max_rows: 5000, mlp_row_epochs: 1_000_000, probe_rows: 2000, grid_budget: 600, forest_max_samples: 32_000, train_score_rows: 10_000 },
  store: { url: null, artifacts: null },
};

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Validates values one key at a time so the first error names its dotted key and what is allowed. */
class Reader {
  constructor(private readonly file: string) {}

  fail(key: string, allowed: string, got: unknown): never {
    // JSON would print .inf and .nan as null.
    const shown = typeof got === 'number' && !Number.isFinite(got) ? String(got) : JSON.stringify(got);
    throw new UserError(`invalid value ${shown} for '${key}': expected ${allowed}`, { file: this.file });
  }

  unknownKey(key: string, allowed: readonly string[]): never {
    throw new UserError(`unknown key '${key}' (allowed: ${allowed.join(', ')})`, { file: this.file });
  }

  section(root: Obj, key: string, allowedKeys: readonly string[]): Obj {
    const v = root[key.split('.').pop() as string];
    if (v === undefined || v === null) return {};
    if (!isObj(v)) this.fail(key, 'a mapping', v);
    for (const k of Object.keys(v)) {
      if (!allowedKeys.includes(k)) {
        this.unknownKey(`${key}.${k}`, allowedKeys);
      }
    }
    return v;
  }

  num(o: Obj, key: string, def: number, ok: (n: number) => boolean, allowed: string): number {
    const v = o[key.split('.').pop() as string];
    if (v === undefined) return def;
    if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) this.fail(key, allowed, v);
    return v;
  }

  bool(o: Obj, key: string, def: boolean): boolean {
    const v = o[key.split('.').pop() as string];
    if (v === undefined) return def;
    if (typeof v !== 'boolean') this.fail(key, 'true or false', v);
    return v;
  }

  choice<T extends string>(o: Obj, key: string, def: T, options: readonly T[]): T {
    const v = o[key.split('.').pop() as string];
    if (v === undefined) return def;
    if (typeof v !== 'string' || !(options as readonly string[]).includes(v)) this.fail(key, `one of ${options.join(', ')}`, v);
    return v as T;
  }

  strOrNull(o: Obj, key: string, def: string | null): string | null {
    const v = o[key.split('.').pop() as string];
    if (v === undefined) return def;
    if (v === null) return null;
    if (typeof v === 'number') return String(v);
    if (typeof v !== 'string' || v.length === 0) this.fail(key, 'a non-empty string or null', v);
    return v;
  }
}

const TOP_KEYS = ['seed', 'data', 'split', 'preprocessing', 'search', 'cost', 'scoring', 'binning', 'reasons', 'decision', 'drift', 'fairness', 'monitor', 'planner', 'store'] as const;

const require = createRequire(import.meta.url);
/** The YAML parser, loaded only when there is a params file to read (it costs ~50 ms of start-up). */
export const yaml = (): typeof Yaml => require('yaml') as typeof Yaml;

/** Parses and validates params.yaml text; missing keys take their defaults. */
export function parseParams(text: string, file = 'params.yaml'): Params {
  const doc = yaml().parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const err = doc.errors[0]!;
    const line = err.linePos?.[0]?.line;
    throw new UserError(`not valid YAML: ${err.message.split('\n')[0]}`, { file, ...(line ? { row: line } : {}) });
  }
  const raw: unknown = doc.toJS();
  if (raw === null || raw === undefined) return DEFAULT_PARAMS;
  if (!isObj(raw)) throw new UserError('expected a mapping of settings at the top level', { file });
  const r = new Reader(file);
  for (const k of Object.keys(raw)) if (!(TOP_KEYS as readonly string[]).includes(k)) r.unknownKey(k, TOP_KEYS);
  const D = DEFAULT_PARAMS;

  const seed = r.num(raw, 'seed', D.seed, (n) => Number.isInteger(n) && n >= 0 && n < 2 ** 31, 'an integer in [0, 2^31)');

  const data = r.section(raw, 'data', ['dataset', 'target', 'bad_value', 'roles', 'exclude']);
  const excludeRaw = data['exclude'];
  if (excludeRaw !== undefined && excludeRaw !== null && (!Array.isArray(excludeRaw) || excludeRaw.some((c) => typeof c !== 'string'))) r.fail('data.exclude', 'a list of column names', excludeRaw);
  const rolesRaw = data['roles'];
  const roles: Record<string, ColumnRole> = {};
  if (rolesRaw !== undefined && rolesRaw !== null) {
    if (!isObj(rolesRaw)) r.fail('data.roles', 'a mapping of column: role', rolesRaw);
    for (const [col, role] of Object.entries(rolesRaw)) {
      if (typeof role !== 'string' || !['numeric', 'categorical', 'ordinal', 'ignore'].includes(role)) {
        r.fail(`data.roles.${col}`, 'one of numeric, categorical, ordinal, ignore', role);
      }
      roles[col] = role as ColumnRole;
    }
  }

  const split = r.section(raw, 'split', ['test_size', 'cv_folds', 'split_file']);
  const prep = r.section(raw, 'preprocessing', [
    'impute_numeric', 'impute_categorical', 'encoding', 'scaling', 'power_transform', 'smote_k',
  ]);
  const search = r.section(raw, 'search', ['families', 'selection_metric', 'workers', 'grids', 'strategy', 'trials', 'time', 'spaces']);
  const cost = r.section(raw, 'cost', ['bad_predicted_good', 'good_predicted_bad']);
  const scoring = r.section(raw, 'scoring', ['base_points', 'base_odds', 'pdo', 'min_points', 'max_points', 'scale']);
  const minPoints = r.num(scoring, 'scoring.min_points', D.scoring.min_points, () => true, 'a number');
  const drift = r.section(raw, 'drift', Object.keys(D.drift));
  const binning = r.section(raw, 'binning', Object.keys(D.binning));
  const reasons = r.section(raw, 'reasons', ['method']);
  const monitor = r.section(raw, 'monitor', ['thresholds']);
  const planner = r.section(raw, 'planner', Object.keys(D.planner));
  const storeSection = r.section(raw, 'store', ['url', 'artifacts']);
  const storeUrl = r.strOrNull(storeSection, 'store.url', null);
  if (storeUrl !== null && !isStoreUrl(storeUrl)) r.fail('store.url', 'postgresql://user@host:port/database or sqlite:PATH', redactStoreUrl(storeUrl));
  const rowLimit = (n: number) => Number.isInteger(n) && n >= 100;
  const fairness = r.section(raw, 'fairness', ['attributes']);
  const decision = r.section(raw, 'decision', ['policy', 'target', 'calibration', 'promote']);
  const policy = r.choice(decision, 'decision.policy', D.decision.policy, ['cost', 'recall', 'approval_rate', 'bad_rate'] as const);
  const target = decision['target'] === undefined || decision['target'] === null ? null : r.num(decision, 'decision.target', 0, (n) => n > 0 && n < 1, 'a share in (0, 1)');
  if (policy !== 'cost' && target === null) r.fail('decision.target', `a share in (0, 1) for decision.policy ${policy}`, null);

  const positive = (n: number) => n > 0;
  const share = (n: number) => n > 0 && n < 1;

  return {
    seed,
    data: {
      dataset: r.strOrNull(data, 'data.dataset', D.data.dataset),
      target: r.strOrNull(data, 'data.target', D.data.target),
      bad_value: r.strOrNull(data, 'data.bad_value', D.data.bad_value),
      roles,
      exclude: (excludeRaw ?? []) as string[],
    },
    split: {
      test_size: r.num(split, 'split.test_size', D.split.test_size, share, 'a share in (0, 1)'),
      cv_folds: r.num(split, 'split.cv_folds', D.split.cv_folds, (n) => Number.isInteger(n) && n >= 2 && n <= 20, 'an integer from 2 to 20'),
      split_file: r.strOrNull(split, 'split.split_file', D.split.split_file),
    },
    preprocessing: {
      impute_numeric: r.choice(prep, 'preprocessing.impute_numeric', D.preprocessing.impute_numeric, ['median', 'mean'] as const),
      impute_categorical: r.choice(prep, 'preprocessing.impute_categorical', D.preprocessing.impute_categorical, ['most_frequent', 'missing_level'] as const),
      encoding: r.choice(prep, 'preprocessing.encoding', D.preprocessing.encoding, ['onehot', 'ordinal', 'woe'] as const),
      scaling: r.choice(prep, 'preprocessing.scaling', D.preprocessing.scaling, ['standard', 'minmax', 'none'] as const),
      power_transform: r.bool(prep, 'preprocessing.power_transform', D.preprocessing.power_transform),
      smote_k: r.num(prep, 'preprocessing.smote_k', D.preprocessing.smote_k, (n) => Number.isInteger(n) && n >= 1, 'a positive integer'),
    },
    search: {
      families: readFamilies(r, search['families']),
      selection_metric: r.choice(search, 'search.selection_metric', D.search.selection_metric, ['roc_auc', 'gini', 'ks', 'brier', 'cost', 'f1', 'g_mean'] as const),
      workers: r.num(search, 'search.workers', D.search.workers, (n) => Number.isInteger(n) && n >= 0 && n <= 64, 'an integer from 0 (one per core) to 64'),
      grids: readGrids(r, search['grids']),
      strategy: r.choice(search, 'search.strategy', D.search.strategy, ['auto', 'grid', 'halving', 'tpe'] as const),
      trials: r.num(search, 'search.trials', D.search.trials, (n) => Number.isInteger(n) && n >= 1 && n <= 10_000, 'an integer from 1 to 10000'),
      time: search['time'] === undefined || search['time'] === null ? null : r.num(search, 'search.time', 0, (n) => n > 0, 'a positive number of seconds'),
      spaces: readSpaces(r, search['spaces']),
    },
    cost: {
      bad_predicted_good: r.num(cost, 'cost.bad_predicted_good', D.cost.bad_predicted_good, positive, 'a positive number'),
      good_predicted_bad: r.num(cost, 'cost.good_predicted_bad', D.cost.good_predicted_bad, positive, 'a positive number'),
    },
    scoring: {
      base_points: r.num(scoring, 'scoring.base_points', D.scoring.base_points, () => true, 'a number'),
      base_odds: r.num(scoring, 'scoring.base_odds', D.scoring.base_odds, positive, 'a positive number'),
      pdo: r.num(scoring, 'scoring.pdo', D.scoring.pdo, positive, 'a positive number'),
      min_points: minPoints,
      max_points: r.num(scoring, 'scoring.max_points', D.scoring.max_points, (n) => n > minPoints, `a number above scoring.min_points (${minPoints})`),
      scale: r.choice(scoring, 'scoring.scale', D.scoring.scale, ['pdo', 'minmax'] as const),
    },
    binning: {
      max_prebins: r.num(binning, 'binning.max_prebins', D.binning.max_prebins, (n) => Number.isInteger(n) && n >= 2 && n <= 100, 'an integer from 2 to 100'),
      min_prebin_size: r.num(binning, 'binning.min_prebin_size', D.binning.min_prebin_size, (n) => n > 0 && n <= 0.5, 'a share in (0, 0.5]'),
      min_bin_size: binning['min_bin_size'] === undefined || binning['min_bin_size'] === null ? null : r.num(binning, 'binning.min_bin_size', 0, (n) => n > 0 && n <= 0.5, 'a share in (0, 0.5] or null'),
      trend: r.choice(binning, 'binning.trend', D.binning.trend, MONOTONIC_TRENDS),
      special: readSpecial(r, binning['special']),
    },
    reasons: { method: r.choice(reasons, 'reasons.method', D.reasons.method, ['average', 'cutoff'] as const) },
    drift: {
      p_value: r.num(drift, 'drift.p_value', D.drift.p_value, share, 'a share in (0, 1)'),
      distance_threshold: r.num(drift, 'drift.distance_threshold', D.drift.distance_threshold, positive, 'a positive number'),
      psi_investigate: r.num(drift, 'drift.psi_investigate', D.drift.psi_investigate, positive, 'a positive number'),
      psi_significant: r.num(drift, 'drift.psi_significant', D.drift.psi_significant, positive, 'a positive number'),
      drift_share: r.num(drift, 'drift.drift_share', D.drift.drift_share, (n) => n > 0 && n <= 1, 'a share in (0, 1]'),
      missing_share_change: r.num(drift, 'drift.missing_share_change', D.drift.missing_share_change, share, 'a share in (0, 1)'),
      psi_bins: r.num(drift, 'drift.psi_bins', D.drift.psi_bins, (n) => Number.isInteger(n) && n >= 2 && n <= 100, 'an integer from 2 to 100'),
      verdict: r.choice(drift, 'drift.verdict', D.drift.verdict, ['share', 'weighted'] as const),
      weighted_share: r.num(drift, 'drift.weighted_share', D.drift.weighted_share, (n) => n > 0 && n <= 1, 'a share in (0, 1]'),
    },
    decision: {
      policy,
      target,
      calibration: r.choice(decision, 'decision.calibration', D.decision.calibration, ['none', 'sigmoid', 'isotonic', 'auto'] as const),
      promote: r.choice(decision, 'decision.promote', D.decision.promote, ['always', 'if-better', 'never'] as const),
    },
    fairness: { attributes: readAttributes(r, fairness['attributes']) },
    monitor: { thresholds: readThresholds(r, monitor['thresholds']) },
    planner: {
      svm_max_rows: r.num(planner, 'planner.svm_max_rows', D.planner.svm_max_rows, rowLimit, 'a whole number of rows >= 100'),
      knn_max_rows: r.num(planner, 'planner.knn_max_rows', D.planner.knn_max_rows, rowLimit, 'a whole number of rows >= 100'),
      mlp_row_epochs: r.num(planner, 'planner.mlp_row_epochs', D.planner.mlp_row_epochs, rowLimit, 'a whole number >= 100'),
      probe_rows: r.num(planner, 'planner.probe_rows', D.planner.probe_rows, rowLimit, 'a whole number of rows >= 100'),
      forest_max_samples: r.num(planner, 'planner.forest_max_samples', D.planner.forest_max_samples, rowLimit, 'a whole number of rows >= 100'),
      train_score_rows: planner['train_score_rows'] === null ? null : r.num(planner, 'planner.train_score_rows', D.planner.train_score_rows ?? 10_000, rowLimit, 'a whole number of rows >= 100 or null'),
      grid_budget: planner['grid_budget'] === null ? null : r.num(planner, 'planner.grid_budget', D.planner.grid_budget ?? 600, (n) => n > 0, 'a positive number of seconds or null'),
    },
    store: { url: storeUrl, artifacts: r.strOrNull(storeSection, 'store.artifacts', null) },
  };
}

function readSpecial(r: Reader, v: unknown): Record<string, (number | string)[]> {
  if (v === undefined || v === null) return {};
  if (!isObj(v)) r.fail('binning.special', 'a mapping of column: [values]', v);
  const out: Record<string, (number | string)[]> = {};
  for (const [col, values] of Object.entries(v)) {
    if (!Array.isArray(values) || values.some((x) => typeof x !== 'string' && (typeof x !== 'number' || !Number.isFinite(x)))) r.fail(`binning.special.${col}`, 'a list of numbers or strings', values);
    out[col] = values as (number | string)[];
  }
  return out;
}

function readAttributes(r: Reader, v: unknown): AttributeSpec[] | null {
  if (v === undefined || v === null) return null;
  if (!Array.isArray(v) || v.length === 0) r.fail('fairness.attributes', 'a list of {name, column, bands} or {name, column, groups}', v);
  return v.map((a: unknown, i): AttributeSpec => {
    const key = `fairness.attributes[${i}]`;
    if (!isObj(a)) r.fail(key, 'a mapping with name, column and bands or groups', a);
    for (const k of Object.keys(a)) if (!['name', 'column', 'bands', 'groups'].includes(k)) r.unknownKey(`${key}.${k}`, ['name', 'column', 'bands', 'groups']);
    const name = a['name'];
    const column = a['column'];
    if (typeof name !== 'string' || !name) r.fail(`${key}.name`, 'a non-empty string', name);
    if (typeof column !== 'string' || !column) r.fail(`${key}.column`, 'a non-empty string', column);
    if (Array.isArray(a['bands'])) {
      const bands = a['bands'] as unknown[];
      if (bands.length === 0 || bands.some((b, j) => typeof b !== 'number' || (j > 0 && b <= (bands[j - 1] as number)))) r.fail(`${key}.bands`, 'increasing numbers, e.g. [25, 35, 50]', bands);
      return { name, column, bands: bands as number[] };
    }
    const groups = a['groups'];
    if (!isObj(groups) || Object.values(groups).some((g) => !Array.isArray(g) || g.some((l) => typeof l !== 'string'))) r.fail(`${key}.groups`, 'a mapping of group: [labels]', groups);
    return { name, column, groups: groups as Record<string, string[]> };
  });
}

function readThresholds(r: Reader, v: unknown): Params['monitor']['thresholds'] {
  const out: Partial<Record<MonitorMetric, { lower?: number; upper?: number }>> = {};
  if (v === undefined || v === null) return out;
  if (!isObj(v)) r.fail('monitor.thresholds', 'a mapping of metric: {lower, upper}', v);
  for (const [metric, band] of Object.entries(v)) {
    if (!(MONITOR_METRICS as readonly string[]).includes(metric)) r.unknownKey(`monitor.thresholds.${metric}`, MONITOR_METRICS);
    const b = r.section(v, `monitor.thresholds.${metric}`, ['lower', 'upper']);
    const bound = (k: 'lower' | 'upper'): Record<string, number> => (b[k] === undefined || b[k] === null ? {} : { [k]: r.num(b, `monitor.thresholds.${metric}.${k}`, 0, () => true, 'a number') });
    out[metric as MonitorMetric] = { ...bound('lower'), ...bound('upper') };
  }
  return out;
}

/**
 * `search.spaces.<family>.<param>`: {kind: int|float, low, high, log: true|false} or {kind: categorical, choices: [...]}
 * (the same shape credit-tui stores, so params round-trip through YAML).
 */
function readSpaces(r: Reader, v: unknown): Record<Family, Space> {
  const out: Record<Family, Space> = { ...DEFAULT_SPACES };
  if (v === undefined || v === null) return out;
  if (!isObj(v)) r.fail('search.spaces', 'a mapping of family: {parameter: range}', v);
  for (const [fam, space] of Object.entries(v)) {
    if (!isFamily(fam)) r.unknownKey(`search.spaces.${fam}`, FAMILIES);
    if (!isObj(space)) r.fail(`search.spaces.${fam}`, 'a mapping of parameter: range', space);
    const spec = GRID_SPECS[fam];
    const dims: Record<string, Dimension> = {};
    for (const [param, range] of Object.entries(space)) {
      const ps = spec[param];
      const key = `search.spaces.${fam}.${param}`;
      if (!ps) r.unknownKey(key, Object.keys(spec));
      if (!isObj(range)) r.fail(key, '{kind: int|float, low, high, log} or {kind: categorical, choices}', range);
      const kind = r.choice(range, `${key}.kind`, 'float', ['int', 'float', 'categorical'] as const);
      if (kind === 'categorical') {
        for (const k of Object.keys(range)) if (!['kind', 'choices'].includes(k)) r.unknownKey(`${key}.${k}`, ['kind', 'choices']);
        const choices = range['choices'];
        if (!Array.isArray(choices) || choices.length === 0) r.fail(`${key}.choices`, 'a non-empty list of values', choices);
        for (const x of choices) if (!ps.check(x)) r.fail(`${key}.choices`, ps.allowed, x);
        dims[param] = { kind, choices: choices as GridValue[] };
        continue;
      }
      for (const k of Object.keys(range)) if (!['kind', 'low', 'high', 'log'].includes(k)) r.unknownKey(`${key}.${k}`, ['kind', 'low', 'high', 'log']);
      const log = r.bool(range, `${key}.log`, false);
      const bound = (b: 'low' | 'high'): number => {
        if (range[b] === undefined) r.fail(`${key}.${b}`, 'a number (low and high are both required)', null);
        return r.num(range, `${key}.${b}`, NaN, (n) => (kind !== 'int' || Number.isInteger(n)) && (!log || n > 0) && ps.check(n), `${kind === 'int' ? 'an integer' : 'a number'}${log ? ' > 0' : ''} within what ${param} allows (${ps.allowed})`);
      };
      const low = bound('low');
      const high = bound('high');
      if (!(low < high)) r.fail(`${key}.high`, `a number above low (${low})`, high);
      dims[param] = { kind, low, high, log };
    }
    out[fam] = dims;
  }
  return out;
}

function readFamilies(r: Reader, v: unknown): Family[] {
  if (v === undefined || v === null) return [...DEFAULT_PARAMS.search.families];
  if (!Array.isArray(v) || v.length === 0) r.fail('search.families', `a non-empty list of ${FAMILIES.join(', ')}`, v);
  for (const f of v) if (typeof f !== 'string' || !isFamily(f)) r.fail('search.families', `a list of ${FAMILIES.join(', ')}`, f);
  return [...new Set(v as Family[])];
}

/** A grid in params.yaml replaces the default grid of that family only; keys are checked per family. */
function readGrids(r: Reader, v: unknown): Record<Family, Grid> {
  const out: Record<Family, Grid> = { ...DEFAULT_GRIDS };
  if (v === undefined || v === null) return out;
  if (!isObj(v)) r.fail('search.grids', 'a mapping of family: grid', v);
  for (const [fam, grid] of Object.entries(v)) {
    if (!isFamily(fam)) r.unknownKey(`search.grids.${fam}`, FAMILIES);
    if (!isObj(grid)) r.fail(`search.grids.${fam}`, 'a mapping of parameter: [values]', grid);
    const spec = GRID_SPECS[fam];
    const g: Record<string, GridValue[]> = {};
    for (const [key, values] of Object.entries(grid)) {
      const ps = spec[key];
      if (!ps) r.unknownKey(`search.grids.${fam}.${key}`, Object.keys(spec));
      const list = Array.isArray(values) && !(key === 'hidden_layer_sizes' && values.every((x) => typeof x === 'number')) ? values : [values];
      if (list.length === 0) r.fail(`search.grids.${fam}.${key}`, 'a non-empty list', values);
      for (const x of list) if (!ps.check(x)) r.fail(`search.grids.${fam}.${key}`, ps.allowed, x);
      g[key] = list as GridValue[];
    }
    out[fam] = g;
  }
  return out;
}
