#!/usr/bin/python3
"""SciPy side of the drift benchmark on the same rows (CSV: Debian has no pyarrow for pandas.read_parquet).
   drift_reference.py REF_CSV CUR_CSV TARGET  ->  one JSON line with read and statistics seconds"""
import json, sys, time
import numpy as np, pandas as pd
from scipy.stats import ks_2samp, wasserstein_distance, chi2_contingency
from scipy.spatial.distance import jensenshannon

ref_path, cur_path, target = sys.argv[1:4]
t0 = time.perf_counter()
ref = pd.read_csv(ref_path, keep_default_na=False, na_values=['', 'NA'])
cur = pd.read_csv(cur_path, keep_default_na=False, na_values=['', 'NA'])
t1 = time.perf_counter()
for c in ref.columns:
    if c == target:
        continue
    a, b = ref[c].dropna(), cur[c].dropna()
    if pd.api.types.is_numeric_dtype(a) and a.nunique() > 5:
        a, b = np.sort(a.to_numpy(float)), np.sort(b.to_numpy(float))
        ks_2samp(a, b); wasserstein_distance(a, b)
        edges = np.unique(np.quantile(a, np.arange(1, 10) / 10))
        r = np.bincount(np.searchsorted(edges, a), minlength=len(edges) + 1) / len(a)
        q = np.bincount(np.searchsorted(edges, b), minlength=len(edges) + 1) / len(b)
        r, q = np.where(r == 0, 1e-4, r), np.where(q == 0, 1e-4, q)
        np.sum((q - r) * np.log(q / r))
    else:
        cats = sorted(set(a.astype(str)) | set(b.astype(str)))
        ra = a.astype(str).value_counts().reindex(cats, fill_value=0).to_numpy()
        rb = b.astype(str).value_counts().reindex(cats, fill_value=0).to_numpy()
        chi2_contingency(np.array([ra, rb])); jensenshannon(ra, rb, base=2)
t2 = time.perf_counter()
print(json.dumps({'read_seconds': t1 - t0, 'stats_seconds': t2 - t1, 'total_seconds': t2 - t0}))
