import { beforeAll, describe, expect, it } from 'vitest';
import type { MonitorRow } from '../core/monitor/periods.js';
import { PeriodState, type InputSpec } from '../core/monitor/periods.js';
import { DEFAULT_PARAMS } from '../core/params/params.js';
import { Rng } from '../core/random.js';
import { HAS_STATLOG, STATLOG, tmpHome } from '../test-support/helpers.js';
import { loadStoredDataset } from './datasets.js';
import { ingest } from './ingest.js';
import { judgePeriods, referenceRows } from './monitor.js';
import { openStore, projectAt } from './project.js';
import { loadRegisteredModel, type LoadedModel } from './registry.js';
import { train } from './train.js';

const NOMINAL = 0.0027; // two-sided tail beyond ±3σ of a normal

/** A period of `n` rows drawn without replacement from `rows`. */
function draw(rows: readonly MonitorRow[], n: number, rng: Rng, key: string, specs: readonly InputSpec[]): PeriodState {
  const idx = rows.map((_, i) => i);
  for (let i = 0; i < n; i++) {
    const j = i + rng.int(idx.length - i);
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
  }
  const s = new PeriodState(key, specs);
  for (let i = 0; i < n; i++) s.add({ ...rows[idx[i]!]!, ts: `2026-01-01T00:00:${String(i % 60).padStart(2, '0')}Z` }, DEFAULT_PARAMS.cost);
  return s;
}

describe.skipIf(!HAS_STATLOG)('monitoring estimates on Statlog with a trained logreg champion', () => {
  const home = tmpHome();
  let model: LoadedModel;
  let ref: MonitorRow[];
  let specs: InputSpec[];
  beforeAll(async () => {
    const project = projectAt(home);
    const store = openStore(project);
    for await (const _ of ingest(project, store, { source: STATLOG })) void _;
    for await (const _ of train(project, store, DEFAULT_PARAMS, { families: ['logreg'], quick: true, workers: 1 })) void _;
    model = loadRegisteredModel(store);
    ref = referenceRows(loadStoredDataset(store.resolveDataset('statlog_german@1')), model);
    specs = model.bundle.input.columns.map((c) => ({ name: c.name, kind: c.kind }));
    store.close();
  }, 120_000);

  it('#33: periods drawn from the reference alert on approval rate and mean p(bad) no more often than ±3σ allows, at every size', () => {
    const rng = new Rng(DEFAULT_PARAMS.seed);
    const perSize = 150;
    const sizes = [50, 100, 200, 500];
    // Mixed sizes in one run, as days of different traffic are: a band from chunks of the median size alone
    // would be too narrow for the small periods.
    const periods = Array.from({ length: perSize * sizes.length }, (_, k) => draw(ref, sizes[k % sizes.length]!, rng, `p${k}`, specs));
    const judged = judgePeriods(periods, ref, specs, DEFAULT_PARAMS).periods;
    for (const n of sizes) {
      const ofSize = judged.filter((p) => p.rows === n);
      expect(ofSize).toHaveLength(perSize);
      const rate = (metric: 'approval_rate' | 'mean_p_bad'): number => ofSize.filter((p) => p.alerts.includes(metric)).length / perSize;
      // Nominal 0.27%; over 150 periods one or two alerts can happen by chance, three cannot reasonably.
      expect(rate('approval_rate'), `approval rate at n=${n}`).toBeLessThanOrEqual(NOMINAL + 2 / perSize);
      expect(rate('mean_p_bad'), `mean p(bad) at n=${n}`).toBeLessThanOrEqual(NOMINAL + 2 / perSize);
      // The band is binomial at n (plus the reference's own sampling error), never the spread of a few chunks.
      const band = ofSize[0]!.bands.find((b) => b.metric === 'approval_rate')!;
      const a = band.centre!;
      expect(band.upper! - band.lower!).toBeCloseTo(6 * Math.sqrt(a * (1 - a) * (1 / n + 1 / ref.length)), 12);
    }
  });
});
