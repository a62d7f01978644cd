/**
 * The statistics of a binning table, as optbinning's BinningTable computes them: WoE = ln(good share /
 * bad share) per bin (0 for a bin with no good or no bad rows, which then adds no IV), IV (Jeffrey's
 * divergence) and Jensen–Shannon per bin and summed, and the Gini coefficient of the bins ranked by good rate.
 */
export interface BinStats {
  readonly count: number;
  readonly bad: number;
  readonly good: number;
  readonly bad_rate: number;
  readonly woe: number;
  readonly iv: number;
  readonly js: number;
}

export interface TableStats {
  readonly bins: BinStats[];
  readonly iv: number;
  readonly js: number;
  readonly gini: number;
}

export function tableStats(good: readonly number[], bad: readonly number[]): TableStats {
  const tg = good.reduce((a, b) => a + b, 0);
  const tb = bad.reduce((a, b) => a + b, 0);
  let iv = 0;
  let js = 0;
  const bins = good.map((g, i): BinStats => {
    const b = bad[i]!;
    const count = g + b;
    if (g === 0 || b === 0) return { count, bad: b, good: g, bad_rate: 0, woe: 0, iv: 0, js: 0 };
    const p = b / tb;
    const q = g / tg;
    const m = (p + q) / 2;
    const binIv = (p - q) * Math.log(p / q);
    const binJs = 0.5 * (p * Math.log(p / m) + q * Math.log(q / m));
    iv += binIv;
    js += binJs;
    const rate = b / count;
    return { count, bad: b, good: g, bad_rate: rate, woe: Math.log(1 / rate - 1) + Math.log(tb / tg), iv: binIv, js: binJs };
  });
  return { bins, iv, js, gini: gini(good, bad) };
}

/** optbinning's `gini(event, nonevent)`: 1 − Σ bad·(good + 2·good before) / (total bad · total good). */
function gini(good: readonly number[], bad: readonly number[]): number {
  const idx = good.map((_, i) => i).filter((i) => good[i]! + bad[i]! > 0);
  if (idx.length <= 1) return 0;
  const tg = idx.reduce((a, i) => a + good[i]!, 0);
  const tb = idx.reduce((a, i) => a + bad[i]!, 0);
  idx.sort((a, b) => good[a]! / (good[a]! + bad[a]!) - good[b]! / (good[b]! + bad[b]!));
  let before = 0;
  let dot = 0;
  for (const i of idx) {
    dot += bad[i]! * (good[i]! + 2 * before);
    before += good[i]!;
  }
  return 1 - dot / (tb * tg);
}
