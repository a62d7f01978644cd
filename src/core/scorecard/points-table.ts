import { formatBound } from '../binning/optimal-binning.js';
import type { Dataset, FeatureColumn } from '../data/dataset.js';
import { transform, type FittedPreprocessor } from '../features/preprocess.js';
import { ScorecardModel, type ScorecardState } from '../models/scorecard.js';
import type { PointsScaleKind } from '../scoring/decision.js';
import type { InputColumn } from '../scoring/profile.js';
import { resolveScale } from './scale.js';

/** The points scale of params.yaml `scoring` (min/max points clamp the total, as `score` does). */
export interface ScorecardScale {
  readonly base_points: number;
  readonly base_odds: number;
  readonly pdo: number;
  readonly min_points?: number;
  readonly max_points?: number;
  readonly scale?: PointsScaleKind;
}

/** One bin of one characteristic, in the units of the scoring input file. */
export interface PointsBin {
  readonly bin: string;
  /** Numeric: lower <= x < upper on the raw value; null = unbounded. */
  readonly lower?: number | null;
  readonly upper?: number | null;
  /** Categorical: the levels in this bin. */
  readonly levels?: readonly string[];
  /** A missing value is imputed into this bin. */
  readonly missing: boolean;
  readonly woe: number;
  readonly points: number;
}

export interface CharacteristicPoints {
  readonly characteristic: string;
  readonly kind: 'numeric' | 'categorical';
  readonly coefficient: number;
  readonly iv: number;
  readonly bins: readonly PointsBin[];
  /** Categorical: points of a level never seen in training (WoE 0, or the bin its encoding falls in). */
  readonly unknown_points: number;
  /** Raw codes of the source format per level (e.g. Statlog `A14` for "no checking account"). */
  readonly codes: Readonly<Record<string, readonly string[]>>;
}

export interface PointsTable {
  readonly characteristics: readonly CharacteristicPoints[];
  readonly scale: ScorecardScale;
}

/**
 * The scorecard as a points table over the raw input columns. The model works on preprocessed features;
 * each bin is mapped back through the fitted preprocessing: numeric cut points through the inverse of the
 * scaling (and Yeo-Johnson), categorical levels by transforming each level exactly as scoring does. Points
 * per bin are −factor·β·WoE plus an equal share of offset − factor·intercept, so a row's points add up to
 * offset + factor·ln(odds good) — the `score` points before rounding (factor = pdo / ln 2, offset =
 * base_points − factor·ln(base_odds)).
 */
export function pointsTable(prep: FittedPreprocessor, state: ScorecardState, inputs: readonly InputColumn[], given: ScorecardScale): PointsTable {
  const model = new ScorecardModel(state);
  // min–max becomes the equivalent pdo scale of this scorecard, the one `score` uses too.
  const scale = resolveScale(given, state);
  const factor = scale.pdo / Math.LN2;
  const offset = scale.base_points - factor * Math.log(scale.base_odds);
  const share = (offset - factor * state.intercept) / state.selected.length;
  const characteristics = state.selected.map((k, s): CharacteristicPoints => {
    const c = state.characteristics[k]!;
    const beta = state.coef[s]!;
    const pts = (woe: number): number => -factor * beta * woe + share;
    const name = prep.featureSources[c.columns[0]!]!;
    const input = inputs.find((i) => i.name === name);
    const numericStep = prep.numeric.find((n) => n.name === name);
    if (numericStep) {
      const missingBin = model.binOfRow(c, probe(prep, inputs, name, [NaN]), 0);
      const raw = c.splits.map((t) => untransform(numericStep, t));
      const bounds = [-Infinity, ...raw, Infinity];
      const bins = c.woe.map((w, b): PointsBin => ({
        bin: `[${formatBound(bounds[b]!)}, ${formatBound(bounds[b + 1]!)})`, lower: finite(bounds[b]!), upper: finite(bounds[b + 1]!), missing: b === missingBin, woe: w, points: pts(w),
      }));
      return { characteristic: name, kind: 'numeric', coefficient: beta, iv: c.iv, bins, unknown_points: pts(0), codes: {} };
    }
    const step = prep.categorical.find((x) => x.name === name)!;
    const levels = [...new Set([...(input?.kind === 'categorical' ? input.levels : []), ...step.categories])];
    const X = probe(prep, inputs, name, [...levels, null, '\u0000unseen']);
    const binOf = (i: number): number => model.binOfRow(c, X, i);
    const missingBin = binOf(levels.length);
    const unknownBin = binOf(levels.length + 1);
    const bins = c.woe.map((w, b): PointsBin => {
      const members = levels.filter((_, i) => binOf(i) === b);
      return { bin: members.join(', '), levels: members, missing: b === missingBin, woe: w, points: pts(w) };
    });
    const codes: Record<string, string[]> = {};
    if (input?.kind === 'categorical') for (const [code, level] of Object.entries(input.codes)) (codes[level] ??= []).push(code);
    return { characteristic: name, kind: 'categorical', coefficient: beta, iv: c.iv, bins, unknown_points: pts(unknownBin < 0 ? 0 : c.woe[unknownBin]!), codes };
  });
  return { characteristics, scale };
}

/** A few rows that differ only in column `name` (the rest at harmless values), transformed as scoring does. */
function probe(prep: FittedPreprocessor, inputs: readonly InputColumn[], name: string, values: readonly (number | string | null)[]) {
  const rows = values.length;
  const features: FeatureColumn[] = [
    ...prep.numeric.map((s): FeatureColumn => ({ name: s.name, kind: 'numeric', values: Float64Array.from(values, (v) => (s.name === name && typeof v === 'number' ? v : s.fill)) })),
    ...prep.categorical.map((s): FeatureColumn => {
      const levels = inputs.find((i) => i.name === s.name && i.kind === 'categorical');
      return { name: s.name, kind: 'categorical', ordinal: false, levels: levels?.kind === 'categorical' ? levels.levels : s.categories, values: values.map((v) => (s.name === name ? (v === null ? null : String(v)) : s.fill)) };
    }),
  ];
  const ds: Dataset = { name: 'probe', features, targetName: 'target', target: new Uint8Array(rows), rows };
  return transform(prep, ds);
}

/** Raw value whose transformed value is t: the inverse of standardising (and of Yeo-Johnson). */
function untransform(step: FittedPreprocessor['numeric'][number], t: number): number {
  const v = t * step.scale + step.center;
  const l = step.lambda;
  if (l === null) return v;
  if (v >= 0) return Math.abs(l) < 1e-12 ? Math.expm1(v) : (l * v + 1) ** (1 / l) - 1;
  return Math.abs(l - 2) < 1e-12 ? -Math.expm1(-v) : 1 - (1 - (2 - l) * v) ** (1 / (2 - l));
}

const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);

