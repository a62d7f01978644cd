import type { ScorecardState } from '../models/scorecard.js';
import { attr, type GraphBuilder } from './onnx-graph.js';
import { DataType } from './onnx-proto.js';

/**
 * A scorecard's p(bad) [N,1] from the feature matrix X [N,p] (double). Its log-odds are linear in bin
 * indicators: a one-hot characteristic's WoE is one weight per column (a row with no level set gets 0, as
 * the model gives an unseen level), and a scalar's is its first bin's WoE plus the WoE step at every cut
 * point the value reaches (x >= split, the model's rule). So the graph is one MatMul for all one-hot blocks,
 * and per scalar characteristic a Gather, a GreaterOrEqual against its cut points and a MatMul with its steps.
 */
export function scorecardNodes(g: GraphBuilder, X: string, s: ScorecardState, p: number): string {
  const oneHotWeights = new Float64Array(p);
  let constant = s.intercept;
  const steps: string[] = [];
  s.selected.forEach((k, i) => {
    const c = s.characteristics[k]!;
    const beta = s.coef[i]!;
    if (c.kind === 'onehot') {
      c.columns.forEach((j, d) => (oneHotWeights[j]! += beta * c.woe[c.groupOf[d]!]!));
      return;
    }
    constant += beta * c.woe[0]!;
    const n = c.splits.length;
    if (n === 0) return;
    const x = g.node('Gather', [X, g.int64s([1], [c.columns[0]!])], [attr.int('axis', 1)]);
    const reached = g.cast(g.node('GreaterOrEqual', [x, g.doubles([1, n], c.splits, 'splits')]), DataType.DOUBLE);
    const deltas = c.splits.map((_, m) => beta * (c.woe[m + 1]! - c.woe[m]!));
    steps.push(g.node('MatMul', [reached, g.doubles([n, 1], deltas, 'woe_steps')]));
  });
  let z = g.node('Add', [g.node('MatMul', [X, g.doubles([p, 1], oneHotWeights, 'onehot_woe')]), g.scalar(constant)]);
  for (const t of steps) z = g.node('Add', [z, t]);
  return g.node('Sigmoid', [z]);
}
