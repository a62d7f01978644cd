#!/usr/bin/python3
"""Regenerates src/core/drift/fixtures/scipy.json: SciPy's drift statistics on deterministic samples.

Samples come from the Park-Miller generator that src/core/drift/drift.test.ts re-implements, so both
sides see the same numbers without shipping the arrays.   Run: /usr/bin/python3 scripts/drift_fixtures.py
"""
import json, math, os
import numpy as np
import scipy
from scipy.stats import ks_2samp, wasserstein_distance, chi2_contingency
from scipy.spatial.distance import jensenshannon

M = 2**31 - 1


def sample(seed, n, kind, shift=0.0, scale=1.0):
    x = seed % M or 1
    out = []
    for _ in range(n):
        x = (x * 48271) % M
        u = x / M
        if kind == 'uniform':
            out.append(u * scale + shift)
        elif kind == 'int':
            out.append(float(math.floor(u * 20)) + shift)
        else:
            out.append(-math.log(u) * scale + shift)
    return np.array(out)


def psi(ref, cur, bins=10):
    ref, cur = np.sort(ref), np.sort(cur)
    edges = np.unique(np.quantile(ref, [k / bins for k in range(1, bins)]))
    r = np.bincount(np.searchsorted(edges, ref, side='left'), minlength=len(edges) + 1) / len(ref)
    c = np.bincount(np.searchsorted(edges, cur, side='left'), minlength=len(edges) + 1) / len(cur)
    r = np.where(r == 0, 1e-4, r)
    c = np.where(c == 0, 1e-4, c)
    return float(np.sum((c - r) * np.log(c / r)))


cases = [
    ('equal-50', (1, 50, 'uniform'), (2, 50, 'uniform', 0.3)),
    ('unequal-80-120', (3, 80, 'exp'), (4, 120, 'exp', 0.0, 1.3)),
    ('ties-int', (5, 400, 'int'), (6, 350, 'int', 1.0)),
    ('no-drift-1000', (7, 1000, 'uniform'), (8, 1000, 'uniform')),
    ('shift-1000', (9, 1000, 'exp'), (10, 1000, 'exp', 0.2)),
    ('unequal-300-700', (11, 300, 'uniform'), (12, 700, 'uniform', 0.02)),
    ('asymp-pelzgood', (13, 120000, 'uniform'), (14, 110000, 'uniform')),
    ('asymp-dmtw', (15, 12000, 'uniform'), (16, 11000, 'uniform')),
    ('asymp-smirnov', (17, 40000, 'exp'), (18, 30000, 'exp', 0.02)),
    ('asymp-big-shift', (19, 20000, 'exp'), (20, 20000, 'exp', 0.5)),
]
out = {'scipy': scipy.__version__, 'numeric': [], 'categorical': []}
for name, a, b in cases:
    x, y = sample(*a), sample(*b)
    r = ks_2samp(x, y)
    out['numeric'].append({
        'name': name, 'ref': a, 'cur': b, 'ks_stat': float(r.statistic), 'ks_p': float(r.pvalue),
        'wasserstein': float(wasserstein_distance(x, y)), 'psi': psi(x, y), 'ref_std': float(np.std(x)),
    })

tables = [
    ('two-levels-yates', [30, 70], [45, 55]),
    ('three-levels', [120, 300, 80], [100, 310, 90]),
    ('shifted-five', [50, 100, 200, 100, 50], [20, 60, 200, 150, 70]),
    ('new-level', [10, 20, 0], [12, 18, 5]),
    ('identical', [25, 25, 50], [25, 25, 50]),
]
for name, r, c in tables:
    chi2, p, dof, _ = chi2_contingency(np.array([r, c]))
    rs, cs = np.array(r) / sum(r), np.array(c) / sum(c)
    rs2, cs2 = np.where(rs == 0, 1e-4, rs), np.where(cs == 0, 1e-4, cs)
    out['categorical'].append({
        'name': name, 'ref': r, 'cur': c, 'chi2': float(chi2), 'chi2_p': float(p), 'dof': int(dof),
        'js': float(jensenshannon(r, c, base=2)), 'psi': float(np.sum((cs2 - rs2) * np.log(cs2 / rs2))),
    })

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'src', 'core', 'drift', 'fixtures', 'scipy.json')
with open(path, 'w') as f:
    json.dump(out, f, indent=1)
print('wrote', path)
