import type { TreeState } from '../models/tree-structure.js';

/**
 * Exact Shapley values of one tree's output for one row, both ways TreeSHAP defines the game:
 *
 * - path-dependent (Lundberg et al. 2018, Algorithm 2): v(S) = E[f(x) | x_S], features outside S followed
 *   down both branches in proportion to the training cover. Attributions add up to f(x) − E[f] with
 *   E[f] the cover-weighted mean leaf value (`expectedValue`).
 * - interventional (Lundberg et al. 2020): v(S) = mean over a reference set of f(x_S, r_S̄). Per reference
 *   and leaf the game is 1[A ⊆ S, B ∩ S = ∅] (A: the path's features only x satisfies, B: only r does), whose
 *   Shapley values are closed-form; attributions add up to f(x) − mean f(r).
 *
 * A row goes left when x <= threshold (so NaN goes right), as the trees are walked when scoring.
 */
interface PathElement {
  /** Feature index (-1 for the root's placeholder). */
  d: number;
  /** Share of the "zero" (not in S) paths that flow through here. */
  z: number;
  /** 1 if x itself goes this way, else 0. */
  o: number;
  w: number;
}

function extend(path: readonly PathElement[], pz: number, po: number, pi: number): PathElement[] {
  const l = path.length;
  const m = path.map((e) => ({ ...e }));
  m.push({ d: pi, z: pz, o: po, w: l === 0 ? 1 : 0 });
  for (let i = l - 1; i >= 0; i--) {
    m[i + 1]!.w += (po * m[i]!.w * (i + 1)) / (l + 1);
    m[i]!.w = (pz * m[i]!.w * (l - i)) / (l + 1);
  }
  return m;
}

function unwind(path: readonly PathElement[], i: number): PathElement[] {
  const L = path.length;
  const { o, z } = path[i]!;
  let n = path[L - 1]!.w;
  const m = path.slice(0, L - 1).map((e) => ({ ...e }));
  for (let j = L - 2; j >= 0; j--) {
    if (o !== 0) {
      const t = m[j]!.w;
      m[j]!.w = (n * L) / ((j + 1) * o);
      n = t - (m[j]!.w * z * (L - (j + 1))) / L;
    } else {
      m[j]!.w = (m[j]!.w * L) / (z * (L - (j + 1)));
    }
  }
  for (let j = i; j < L - 1; j++) {
    const next = path[j + 1]!;
    m[j]!.d = next.d;
    m[j]!.z = next.z;
    m[j]!.o = next.o;
  }
  return m;
}

const goesLeft = (t: TreeState, node: number, v: number): boolean => v <= t.threshold[node]!;

/** Path-dependent TreeSHAP of row x (`x[feature]`), added into `phi` (one entry per feature). */
export function pathDependentShap(t: TreeState, x: ArrayLike<number>, phi: Float64Array): void {
  const recurse = (j: number, path: readonly PathElement[], pz: number, po: number, pi: number): void => {
    const m = extend(path, pz, po, pi);
    if (t.feature[j]! < 0) {
      for (let i = 1; i < m.length; i++) {
        const w = unwind(m, i).reduce((s, e) => s + e.w, 0);
        phi[m[i]!.d]! += w * (m[i]!.o - m[i]!.z) * t.value[j]!;
      }
      return;
    }
    const d = t.feature[j]!;
    const [hot, cold] = goesLeft(t, j, x[d]!) ? [t.left[j]!, t.right[j]!] : [t.right[j]!, t.left[j]!];
    let iz = 1;
    let io = 1;
    let rest = m;
    const k = m.findIndex((e, i) => i > 0 && e.d === d);
    if (k > 0) {
      iz = m[k]!.z;
      io = m[k]!.o;
      rest = unwind(m, k);
    }
    const cover = t.cover[j]!;
    recurse(hot, rest, (iz * t.cover[hot]!) / cover, io, d);
    recurse(cold, rest, (iz * t.cover[cold]!) / cover, 0, d);
  };
  recurse(0, [], 1, 1, -1);
}

/** The cover-weighted mean leaf value: what path-dependent attributions are measured from. */
export function expectedValue(t: TreeState): number {
  const walk = (j: number): number => (t.feature[j]! < 0 ? t.value[j]! : (t.cover[t.left[j]!]! * walk(t.left[j]!) + t.cover[t.right[j]!]! * walk(t.right[j]!)) / t.cover[j]!);
  return walk(0);
}

/** Interventional TreeSHAP of row x against `references` (rows of the same width), added into `phi`. */
export function interventionalShap(t: TreeState, x: ArrayLike<number>, references: readonly ArrayLike<number>[], phi: Float64Array): void {
  // (a − 1)! b! / (a + b)! and a! (b − 1)! / (a + b)!, from a small table of factorials.
  const fact = [1];
  for (let i = 1; i <= 64; i++) fact.push(fact[i - 1]! * i);
  for (const r of references) {
    // Per feature on the current path: does x satisfy all its conditions so far, does r?
    const xOk = new Map<number, boolean>();
    const rOk = new Map<number, boolean>();
    const walk = (j: number): void => {
      if (t.feature[j]! < 0) {
        const A: number[] = [];
        const B: number[] = [];
        for (const [f, ok] of xOk) {
          const rk = rOk.get(f)!;
          if (!ok && !rk) return; // neither x nor r reaches this leaf through f
          if (ok && !rk) A.push(f);
          else if (!ok && rk) B.push(f);
        }
        const a = A.length;
        const b = B.length;
        const v = t.value[j]! / references.length;
        for (const f of A) phi[f]! += (v * fact[a - 1]! * fact[b]!) / fact[a + b]!;
        for (const f of B) phi[f]! -= (v * fact[a]! * fact[b - 1]!) / fact[a + b]!;
        return;
      }
      const d = t.feature[j]!;
      const hadX = xOk.get(d);
      const hadR = rOk.get(d);
      for (const [child, left] of [[t.left[j]!, true], [t.right[j]!, false]] as const) {
        const xs = (hadX ?? true) && goesLeft(t, j, x[d]!) === left;
        const rs = (hadR ?? true) && goesLeft(t, j, r[d]!) === left;
        if (!xs && !rs) continue;
        xOk.set(d, xs);
        rOk.set(d, rs);
        walk(child);
      }
      if (hadX === undefined) {
        xOk.delete(d);
        rOk.delete(d);
      } else {
        xOk.set(d, hadX);
        rOk.set(d, hadR!);
      }
    };
    walk(0);
  }
}
