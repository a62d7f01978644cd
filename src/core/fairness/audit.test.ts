import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { takeRows } from '../data/dataset.js';
import { transform } from '../features/preprocess.js';
import { DEFAULT_PARAMS } from '../params/params.js';
import { seededSplit } from '../search/split.js';
import { ingest } from '../../engine/ingest.js';
import { loadStoredDataset } from '../../engine/datasets.js';
import { runFairness } from '../../engine/fairness.js';
import { openStore, projectAt } from '../../engine/project.js';
import { loadRegisteredModel } from '../../engine/registry.js';
import { train } from '../../engine/train.js';
import { HAS_REAL_DATA, HAS_STATLOG, runCli, SOUTH, STATLOG, tmpHome } from '../../test-support/helpers.js';
import { attributeRatios, audit, bandNames, DEFAULT_ATTRIBUTES, groupsOf, MIN_GROUP, type GroupFigures } from './audit.js';
import { readDataset } from '../../engine/ingest.js';
import { synthesize } from '../data/synth.js';
import { Rng } from '../random.js';

/** The figures computed the plain way, row by row, for comparison with the audit. */
function reference(groupOf: (i: number) => string | null, group: string, y: ArrayLike<number>, p: ArrayLike<number>, t: number) {
  const rows: number[] = [];
  for (let i = 0; i < y.length; i++) if (groupOf(i) === group) rows.push(i);
  const declined = (i: number): boolean => p[i]! >= t;
  const bads = rows.filter((i) => y[i] === 1);
  const goods = rows.filter((i) => y[i] === 0);
  const approved = rows.filter((i) => !declined(i));
  let pairs = 0;
  for (const b of bads) for (const g of goods) pairs += p[b]! > p[g]! ? 1 : p[b] === p[g] ? 0.5 : 0;
  return {
    n: rows.length, approval_rate: approved.length / rows.length, bad_rate_approved: approved.filter((i) => y[i] === 1).length / approved.length,
    tpr: bads.filter(declined).length / bads.length, fpr: goods.filter(declined).length / goods.length,
    auc: pairs / (bads.length * goods.length), mean_p_bad: rows.reduce((a, i) => a + p[i]!, 0) / rows.length, observed_bad_rate: bads.length / rows.length,
  };
}

describe('fairness audit', () => {
  it("bootstrap intervals equal the plain definition: each resample's groups listed row by row, their rates recomputed", () => {
    const statlog = readDataset(readFileSync(STATLOG), STATLOG, STATLOG, { name: 'statlog' }).dataset;
    const ds = synthesize(statlog, 4000, { seed: 3 });
    const p = Float64Array.from({ length: ds.rows }, (_, i) => 0.6 * (((i * 2654435761) % 1000) / 1000) + 0.4 * ds.target[i]!);
    const threshold = 0.4;
    const B = 150;
    const report = audit(ds, p, threshold, DEFAULT_ATTRIBUTES, { seed: 9, resamples: B });
    expect(report.attributes.length).toBeGreaterThan(0);
    const percentile = (s: readonly number[], q: number): number => {
      const h = (s.length - 1) * q;
      const lo = Math.floor(h);
      return s[lo]! + (h - lo) * (s[Math.min(s.length - 1, lo + 1)]! - s[lo]!);
    };
    for (const a of report.attributes) {
      const spec = DEFAULT_ATTRIBUTES.find((x) => x.name === a.attribute && x.column === a.column)!;
      const formed = groupsOf(ds, spec)!;
      const rng = Rng.derive(9, 'fairness', spec.name);
      const boot: number[][] = [[], [], []];
      for (let b = 0; b < B; b++) {
        const members = formed.names.map(() => [] as number[]);
        for (let k = 0; k < ds.rows; k++) {
          const i = rng.int(ds.rows);
          const g = formed.of[i];
          if (g !== null && g !== undefined) members[formed.names.indexOf(g)]!.push(i);
        }
        const figures = members.map((rows) => {
          const bads = rows.filter((i) => ds.target[i] === 1);
          const goods = rows.filter((i) => ds.target[i] === 0);
          const declined = (i: number): boolean => p[i]! >= threshold;
          return {
            too_few: rows.length < MIN_GROUP,
            approval_rate: rows.length ? rows.filter((i) => !declined(i)).length / rows.length : null,
            tpr: bads.length ? bads.filter(declined).length / bads.length : null,
            fpr: goods.length ? goods.filter(declined).length / goods.length : null,
          } as GroupFigures;
        });
        const r = attributeRatios(figures);
        [r.air, r.eod, r.eqodds].forEach((x, j) => x !== null && boot[j]!.push(x));
      }
      const ci = (xs: number[]) => (xs.length < B / 2 ? null : ((s) => [percentile(s, 0.025), percentile(s, 0.975)])([...xs].sort((x, y) => x - y)));
      expect([a.ci.adverse_impact_ratio, a.ci.equal_opportunity_difference, a.ci.equalized_odds_difference]).toEqual(boot.map(ci));
    }
  });

  it('names numeric bands as the defaults say', () => {
    expect(bandNames([25, 35, 50])).toEqual(['<25', '25-34', '35-49', '50+']);
  });

  describe.skipIf(!HAS_STATLOG)('on Statlog with a trained champion', () => {
    const home = tmpHome();
    beforeAll(async () => {
      const project = projectAt(home);
      const store = openStore(project);
      for await (const _ of ingest(project, store, { source: STATLOG })) void _;
      for await (const _ of train(project, store, DEFAULT_PARAMS, { families: ['logreg'], quick: true, workers: 1 })) void _;
      store.close();
    });

    it('matches figures computed independently on the test rows (rates 1e-9, AUC 1e-6) and flags the four-fifths rule', () => {
      const store = openStore(projectAt(home));
      const report = runFairness(store, DEFAULT_PARAMS, {});
      const m = loadRegisteredModel(store);
      const ds = loadStoredDataset(store.resolveDataset('statlog_german@1'));
      store.close();
      const split = seededSplit(ds.target, DEFAULT_PARAMS.split.test_size, DEFAULT_PARAMS.split.cv_folds, DEFAULT_PARAMS.seed);
      const test = takeRows(ds, split.test);
      const p = m.model.predictProba(transform(m.bundle.preprocessor, test));
      const col = (name: string) => test.features.find((f) => f.name === name)!;
      const age = col('age').values as Float64Array;
      const status = col('personal_status').values as (string | null)[];
      const foreign = col('foreign_worker').values as (string | null)[];
      const of: Record<string, (i: number) => string | null> = {
        age_band: (i) => (age[i]! < 25 ? '<25' : age[i]! < 35 ? '25-34' : age[i]! < 50 ? '35-49' : '50+'),
        sex: (i) => (status[i]!.startsWith('female') ? 'female' : 'male'),
        foreign_worker: (i) => foreign[i]!,
      };
      expect(report.rows).toBe(200);
      expect(report.groups.map((g) => `${g.attribute}/${g.group}`)).toEqual(['age_band/<25', 'age_band/25-34', 'age_band/35-49', 'age_band/50+', 'sex/female', 'sex/male', 'foreign_worker/yes', 'foreign_worker/no']);
      for (const g of report.groups) {
        const r = reference(of[g.attribute]!, g.group, test.target, p, m.bundle.threshold);
        for (const k of ['n', 'approval_rate', 'bad_rate_approved', 'tpr', 'fpr', 'mean_p_bad', 'observed_bad_rate'] as const) {
          expect(Math.abs((g[k] ?? NaN) - r[k]), `${g.attribute}/${g.group} ${k}`).toBeLessThanOrEqual(1e-9);
        }
        expect(Math.abs(g.auc! - r.auc)).toBeLessThanOrEqual(1e-6);
        expect(g.too_few).toBe(r.n < 30);
      }
      const judged = (name: string) => report.groups.filter((g) => g.attribute === name && g.n >= 30);
      for (const a of report.attributes) {
        const gs = judged(a.attribute);
        if (gs.length < 2) {
          expect(a.flag).toBe('too few to judge');
          continue;
        }
        const approvals = gs.map((g) => g.approval_rate!);
        const air = Math.min(...approvals) / Math.max(...approvals);
        expect(Math.abs(a.adverse_impact_ratio! - air)).toBeLessThanOrEqual(1e-9);
        const tprs = gs.map((g) => g.tpr!);
        const fprs = gs.map((g) => g.fpr!);
        const eod = Math.max(...tprs) - Math.min(...tprs);
        expect(Math.abs(a.equal_opportunity_difference! - eod)).toBeLessThanOrEqual(1e-9);
        expect(Math.abs(a.equalized_odds_difference! - Math.max(eod, Math.max(...fprs) - Math.min(...fprs)))).toBeLessThanOrEqual(1e-9);
        expect(a.flag).toBe(air < 0.8 ? 'fails four-fifths rule' : 'passes');
        const [lo, hi] = a.ci.adverse_impact_ratio!;
        expect(lo).toBeLessThanOrEqual(hi);
      }
      // foreign workers: 7 test rows are not enough to judge.
      expect(report.attributes.find((a) => a.attribute === 'foreign_worker')!.flag).toBe('too few to judge');
    });

    it('the bootstrap is deterministic for a seed and moves with it', () => {
      const store = openStore(projectAt(home));
      const a = runFairness(store, DEFAULT_PARAMS, { resamples: 200 });
      const b = runFairness(store, DEFAULT_PARAMS, { resamples: 200 });
      const c = runFairness(store, { ...DEFAULT_PARAMS, seed: 7 }, { resamples: 200 });
      store.close();
      expect(a.attributes.map((x) => x.ci)).toEqual(b.attributes.map((x) => x.ci));
      expect(a.attributes.map((x) => x.ci)).not.toEqual(c.attributes.map((x) => x.ci));
      expect(a.attributes.map((x) => x.adverse_impact_ratio)).toEqual(c.attributes.map((x) => x.adverse_impact_ratio));
    });

    it('out-of-fold predictions cover every training row; train stores the audit with the version', () => {
      const store = openStore(projectAt(home));
      const oof = runFairness(store, DEFAULT_PARAMS, { on: 'oof', resamples: 100 });
      store.close();
      expect(oof.rows).toBe(800);
      expect(oof.groups.filter((g) => g.attribute === 'sex').reduce((n, g) => n + g.n, 0)).toBe(800);
      const list = runCli(['models', 'list'], { home });
      expect(list.stdout).toMatch(/⚠ age_b|ok/);
      const show = runCli(['models', 'show'], { home });
      expect(show.stdout).toMatch(/fairness age_band: adverse impact ratio 0\.\d{3}/);
      const j = JSON.parse(runCli(['fairness', '--json'], { home }).stdout) as { on: string; groups: unknown[]; attributes: { attribute: string }[] };
      expect(j.on).toBe('test');
      expect(j.attributes.map((a) => a.attribute)).toEqual(['age_band', 'sex', 'foreign_worker']);
    });
  });

  it('a data set without the columns is audited for what it has and says what it skipped', () => {
    const ds = { name: 'x', targetName: 'y', rows: 4, target: Uint8Array.from([0, 1, 0, 1]), features: [{ name: 'income', kind: 'numeric' as const, values: Float64Array.from([1, 2, 3, 4]) }] };
    const r = audit(ds, [0.1, 0.9, 0.2, 0.8], 0.5, [{ name: 'age_band', column: 'age', bands: [25] }], { seed: 1, resamples: 10 });
    expect(r.groups).toEqual([]);
    expect(r.skipped).toEqual(["age_band: the data set has no 'age' column"]);
  });

  it.skipIf(!HAS_REAL_DATA)('South German: the level that mixes sexes is in no sex group', () => {
    const home = tmpHome();
    expect(runCli(['ingest', SOUTH], { home }).status).toBe(0);
    expect(runCli(['train', '--headless', '--quick', '--families', 'logreg'], { home }).status).toBe(0);
    const j = JSON.parse(runCli(['fairness', '--json'], { home }).stdout) as { groups: { attribute: string; n: number }[]; rows: number };
    const sexRows = j.groups.filter((g) => g.attribute === 'sex').reduce((n, g) => n + g.n, 0);
    expect(sexRows).toBeGreaterThan(0);
    expect(sexRows).toBeLessThan(j.rows);
  });

  it.skipIf(!HAS_STATLOG)('--exclude: the model never sees the attributes, the audit still groups by them, side by side with the champion', () => {
    const home = tmpHome();
    expect(runCli(['ingest', STATLOG], { home }).status).toBe(0);
    expect(runCli(['train', '--headless', '--quick', '--families', 'logreg'], { home }).status).toBe(0);
    const r = runCli(['train', '--headless', '--quick', '--families', 'logreg', '--exclude', 'age,personal_status,foreign_worker'], { home });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Without age, personal_status, foreign_worker (v2) beside v1 (with them):');
    expect(r.stdout).toMatch(/age_band AIR\s+0\.\d{3}\s+0\.\d{3}/);
    const show = JSON.parse(runCli(['models', 'show', '2', '--json'], { home }).stdout) as { path: string; fairness: { attributes: { attribute: string }[] } };
    const bundle = JSON.parse(readFileSync(show.path, 'utf8')) as { input: { columns: { name: string }[] } };
    expect(bundle.input.columns.map((c) => c.name)).not.toEqual(expect.arrayContaining(['age']));
    expect(bundle.input.columns.map((c) => c.name).filter((c) => ['age', 'personal_status', 'foreign_worker'].includes(c))).toEqual([]);
    expect(show.fairness.attributes.map((a) => a.attribute)).toEqual(['age_band', 'sex', 'foreign_worker']);
    const bad = runCli(['train', '--headless', '--quick', '--families', 'logreg', '--exclude', 'shoe_size'], { home });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^error: column 'shoe_size': cannot exclude 'shoe_size'/);
  });
});
