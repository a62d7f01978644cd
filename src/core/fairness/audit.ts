import type { Dataset } from '../data/dataset.js';
import { rocAuc } from '../metrics/classification.js';
import { Rng } from '../random.js';

/**
 * How one protected attribute is formed from a column: numeric bands (`age_band` from `age`) or groups of
 * decoded labels (`sex` from `personal_status`). Labels in no group are left out of that attribute.
 */
export type AttributeSpec =
  | { readonly name: string; readonly column: string; readonly bands: readonly number[] }
  | { readonly name: string; readonly column: string; readonly groups: Readonly<Record<string, readonly string[]>> };

/** Groups under this size get "too few to judge" instead of a verdict. */
export const MIN_GROUP = 30;
/** The four-fifths rule: an adverse impact ratio below this is flagged. */
export const FOUR_FIFTHS = 0.8;

/**
 * Defaults for the three real data sets (their decoded labels), tried in order; an attribute whose column a
 * data set lacks is skipped and reported. South German's level 2 ("female: non-single or male: single")
 * mixes the sexes, so those rows belong to no sex group.
 */
export const DEFAULT_ATTRIBUTES: readonly AttributeSpec[] = [
  { name: 'age_band', column: 'age', bands: [25, 35, 50] },
  { name: 'age_band', column: 'Age', bands: [25, 35, 50] },
  { name: 'sex', column: 'personal_status', groups: { female: ['female: divorced/separated/married', 'female: single'], male: ['male: divorced/separated', 'male: single', 'male: married/widowed'] } },
  { name: 'sex', column: 'personal_status_sex', groups: { female: ['female: single'], male: ['male: divorced/separated', 'male: married/widowed'] } },
  { name: 'sex', column: 'Sex', groups: { female: ['female'], male: ['male'] } },
  { name: 'foreign_worker', column: 'foreign_worker', groups: { yes: ['yes'], no: ['no'] } },
];

/** Names of numeric bands: [25, 35, 50] -> <25, 25-34, 35-49, 50+. */
export function bandNames(edges: readonly number[]): string[] {
  return [`<${edges[0]}`, ...edges.slice(1).map((e, i) => `${edges[i]}-${e - 1}`), `${edges.at(-1)}+`];
}

/** Each row's group for an attribute (null = in no group), or null when the data set lacks the column. */
export function groupsOf(ds: Dataset, spec: AttributeSpec): { names: string[]; of: (string | null)[] } | null {
  const col = ds.features.find((f) => f.name === spec.column);
  if (!col) return null;
  if ('bands' in spec) {
    if (col.kind !== 'numeric') return null;
    const names = bandNames(spec.bands);
    const of = Array.from(col.values, (v) => {
      if (Number.isNaN(v)) return null;
      let k = 0;
      while (k < spec.bands.length && v >= spec.bands[k]!) k++;
      return names[k]!;
    });
    return { names, of };
  }
  if (col.kind !== 'categorical') return null;
  const byLabel = new Map<string, string>();
  for (const [g, labels] of Object.entries(spec.groups)) for (const l of labels) byLabel.set(l, g);
  return { names: Object.keys(spec.groups), of: col.values.map((v) => (v === null ? null : byLabel.get(v) ?? null)) };
}

export interface GroupFigures {
  readonly attribute: string;
  readonly group: string;
  readonly n: number;
  readonly share: number;
  readonly approval_rate: number | null;
  /** Bad rate among the approved applicants of the group. */
  readonly bad_rate_approved: number | null;
  /** Bad applicants declined / bad applicants. */
  readonly tpr: number | null;
  /** Good applicants declined / good applicants. */
  readonly fpr: number | null;
  readonly auc: number | null;
  readonly mean_p_bad: number | null;
  readonly observed_bad_rate: number | null;
  readonly too_few: boolean;
}

export interface AttributeFigures {
  readonly attribute: string;
  readonly column: string;
  /** Lowest group approval rate / highest, over groups of at least MIN_GROUP rows. */
  readonly adverse_impact_ratio: number | null;
  /** Largest TPR gap between groups (Fairlearn's equal opportunity difference). */
  readonly equal_opportunity_difference: number | null;
  /** Largest of the TPR and FPR gaps (Fairlearn's equalized odds difference). */
  readonly equalized_odds_difference: number | null;
  readonly ci: {
    readonly adverse_impact_ratio: readonly [number, number] | null;
    readonly equal_opportunity_difference: readonly [number, number] | null;
    readonly equalized_odds_difference: readonly [number, number] | null;
  };
  /** `fails four-fifths rule`, `passes`, or `too few to judge`. */
  readonly flag: 'fails four-fifths rule' | 'passes' | 'too few to judge';
  readonly groups_judged: number;
}

const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);

/** A group's counts at the threshold: every figure but the AUC is a fraction of these. */
interface GroupCounts {
  n: number;
  bad: number;
  approved: number;
  badApproved: number;
  badDeclined: number;
  goodDeclined: number;
  pSum: number;
}

const noCounts = (): GroupCounts => ({ n: 0, bad: 0, approved: 0, badApproved: 0, badDeclined: 0, goodDeclined: 0, pSum: 0 });

function count(c: GroupCounts, i: number, y: ArrayLike<number>, p: ArrayLike<number>, threshold: number): void {
  const decline = p[i]! >= threshold;
  c.n++;
  c.pSum += p[i]!;
  if (y[i] === 1) {
    c.bad++;
    if (decline) c.badDeclined++;
  } else if (decline) c.goodDeclined++;
  if (!decline) {
    c.approved++;
    if (y[i] === 1) c.badApproved++;
  }
}

function figuresFromCounts(attribute: string, group: string, c: GroupCounts, total: number, auc: number | null): GroupFigures {
  return {
    attribute, group, n: c.n, share: c.n / total,
    approval_rate: ratio(c.approved, c.n), bad_rate_approved: ratio(c.badApproved, c.approved), tpr: ratio(c.badDeclined, c.bad), fpr: ratio(c.goodDeclined, c.n - c.bad),
    auc, mean_p_bad: ratio(c.pSum, c.n), observed_bad_rate: ratio(c.bad, c.n), too_few: c.n < MIN_GROUP,
  };
}

/** The figures of one group from its rows: plain fractions of the rows, no smoothing. */
function groupFigures(attribute: string, group: string, rows: readonly number[], y: ArrayLike<number>, p: ArrayLike<number>, threshold: number, total: number): GroupFigures {
  const c = noCounts();
  for (const i of rows) count(c, i, y, p, threshold);
  const auc = c.bad > 0 && c.n - c.bad > 0 ? rocAuc(rows.map((i) => y[i]!), rows.map((i) => p[i]!)) : null;
  return figuresFromCounts(attribute, group, c, total, auc);
}

const spread = (xs: readonly (number | null)[]): number | null => {
  const v = xs.filter((x): x is number => x !== null);
  return v.length >= 2 ? Math.max(...v) - Math.min(...v) : null;
};

/** Adverse impact ratio, equal-opportunity and equalized-odds differences over the groups large enough to judge. */
export function attributeRatios(groups: readonly GroupFigures[]): { air: number | null; eod: number | null; eqodds: number | null; judged: number } {
  const judged = groups.filter((g) => !g.too_few);
  const approvals = judged.map((g) => g.approval_rate).filter((x): x is number => x !== null);
  const air = approvals.length >= 2 && Math.max(...approvals) > 0 ? Math.min(...approvals) / Math.max(...approvals) : null;
  const eod = spread(judged.map((g) => g.tpr));
  const fprGap = spread(judged.map((g) => g.fpr));
  const eqodds = eod === null && fprGap === null ? null : Math.max(eod ?? 0, fprGap ?? 0);
  return { air, eod, eqodds, judged: judged.length };
}

function percentile(sorted: readonly number[], q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  return sorted[lo]! + (h - lo) * (sorted[Math.min(sorted.length - 1, lo + 1)]! - sorted[lo]!);
}

export interface AuditResult {
  readonly groups: GroupFigures[];
  readonly attributes: AttributeFigures[];
  /** Attributes whose column this data set lacks, with the reason. */
  readonly skipped: string[];
}

/**
 * The fairness audit of one set of predictions: per group the rates a risk team reads, per attribute the
 * adverse impact ratio (four-fifths rule), equal-opportunity and equalized-odds differences, each with a
 * seeded bootstrap 95% interval (resampling rows with replacement, `resamples` times).
 */
export function audit(ds: Dataset, p: ArrayLike<number>, threshold: number, specs: readonly AttributeSpec[], opts: { readonly seed: number; readonly resamples?: number }): AuditResult {
  const y = ds.target;
  const groups: GroupFigures[] = [];
  const attributes: AttributeFigures[] = [];
  const done = new Set<string>();
  const wanted = [...new Set(specs.map((s) => s.name))];
  for (const spec of specs) {
    if (done.has(spec.name)) continue;
    const formed = groupsOf(ds, spec);
    if (!formed) continue;
    done.add(spec.name);
    const members = formed.names.map((g) => formed.of.flatMap((x, i) => (x === g ? [i] : [])));
    const figures = formed.names.map((g, k) => groupFigures(spec.name, g, members[k]!, y, p, threshold, ds.rows));
    groups.push(...figures);
    const point = attributeRatios(figures);
    // Bootstrap: resample all rows, re-form the groups, recompute the three figures.
    const rng = Rng.derive(opts.seed, 'fairness', spec.name);
    const B = opts.resamples ?? 1000;
    const boot: [number[], number[], number[]] = [[], [], []];
    // The three figures need only each group's counts (no AUC, no row lists): 1,000 resamples of 40,000 test
    // rows sorted a group's scores 3,000 times per attribute before.
    const index = new Map(formed.names.map((g, k) => [g, k]));
    const groupOf = Int32Array.from(formed.of, (g) => (g === null || g === undefined ? -1 : index.get(g)!));
    for (let b = 0; b < B; b++) {
      const counts = formed.names.map(noCounts);
      for (let k = 0; k < ds.rows; k++) {
        const i = rng.int(ds.rows);
        const g = groupOf[i]!;
        if (g >= 0) count(counts[g]!, i, y, p, threshold);
      }
      const r = attributeRatios(formed.names.map((g, k) => figuresFromCounts(spec.name, g, counts[k]!, ds.rows, null)));
      if (r.air !== null) boot[0].push(r.air);
      if (r.eod !== null) boot[1].push(r.eod);
      if (r.eqodds !== null) boot[2].push(r.eqodds);
    }
    const ci = (xs: number[]): readonly [number, number] | null => {
      if (xs.length < B / 2) return null;
      const s = [...xs].sort((a, b) => a - b);
      return [percentile(s, 0.025), percentile(s, 0.975)];
    };
    attributes.push({
      attribute: spec.name, column: spec.column,
      adverse_impact_ratio: point.air, equal_opportunity_difference: point.eod, equalized_odds_difference: point.eqodds,
      ci: { adverse_impact_ratio: ci(boot[0]), equal_opportunity_difference: ci(boot[1]), equalized_odds_difference: ci(boot[2]) },
      flag: point.air === null || point.judged < 2 ? 'too few to judge' : point.air < FOUR_FIFTHS ? 'fails four-fifths rule' : 'passes',
      groups_judged: point.judged,
    });
  }
  const skipped = wanted.filter((n) => !done.has(n)).map((n) => `${n}: the data set has no ${specs.filter((s) => s.name === n).map((s) => `'${s.column}'`).join(' or ')} column`);
  return { groups, attributes, skipped };
}

/** One line per attribute, as train's summary, `models list/show` and the TUI show it. */
export function verdictLine(a: Pick<AttributeFigures, 'attribute' | 'adverse_impact_ratio' | 'flag'>): string {
  const air = a.adverse_impact_ratio === null ? '-' : a.adverse_impact_ratio.toFixed(3);
  return `${a.attribute}: adverse impact ratio ${air} — ${a.flag === 'fails four-fifths rule' ? '⚠ fails the four-fifths rule' : a.flag}`;
}
