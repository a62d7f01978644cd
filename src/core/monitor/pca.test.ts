import { describe, expect, it } from 'vitest';
import { aucWithError } from './cbpe.js';
import { symmetricEigen } from './pca.js';
import { observedScores, weightedAuc } from './tallies.js';

describe('monitor maths on tiny hand-computed inputs', () => {
  it('Jacobi eigen-decomposition: [[2,1],[1,2]] has eigenvalues 3 and 1 with vectors (1,1)/√2 and (1,-1)/√2', () => {
    const { values, vectors } = symmetricEigen(Float64Array.from([2, 1, 1, 2]), 2);
    expect(values[0]).toBeCloseTo(3, 12);
    expect(values[1]).toBeCloseTo(1, 12);
    expect(Math.abs(vectors[0]!)).toBeCloseTo(Math.SQRT1_2, 12);
    expect(vectors[0]! * vectors[1]!).toBeCloseTo(0.5, 12);
    expect(vectors[2]! * vectors[3]!).toBeCloseTo(-0.5, 12);
  });

  it('a 3×3 decomposition rebuilds its matrix (V Λ Vᵀ = A)', () => {
    const a = Float64Array.from([4, 1, 2, 1, 3, 0.5, 2, 0.5, 5]);
    const { values, vectors } = symmetricEigen(a, 3);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
      let x = 0;
      for (let k = 0; k < 3; k++) x += vectors[k * 3 + i]! * values[k]! * vectors[k * 3 + j]!;
      expect(x).toBeCloseTo(a[i * 3 + j]!, 10);
    }
    expect(values[0]).toBeGreaterThanOrEqual(values[1]!);
  });

  it("DeLong: the AUC equals the pairwise one and its variance is the placements' (2 bads, 2 goods by hand)", () => {
    // bads at 0.9 and 0.4, goods at 0.5 and 0.1: bads beat 1 and 0.5 of the goods, goods are beaten by 0.5 and 1 of the bads.
    const s = observedScores(new Map([[0.9, 1], [0.4, 1]]), new Map([[0.5, 1], [0.1, 1]]));
    const e = aucWithError(s)!;
    expect(e.auc).toBeCloseTo(weightedAuc(s)!, 12);
    expect(e.auc).toBeCloseTo(0.75, 12);
    // var(bad placements) = ((1 - .75)² + (.5 - .75)²)/1 = 0.125, the goods' likewise: se² = 0.125/2 + 0.125/2.
    expect(e.se).toBeCloseTo(Math.sqrt(0.125 / 2 + 0.125 / 2), 12);
  });
});
