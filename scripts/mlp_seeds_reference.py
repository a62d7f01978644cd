#!/usr/bin/python3
"""scikit-learn side of `npm run bench -- mlp`: the reference MLP grid (reference_train.py's grid, split,
folds and SMOTE) with MLPClassifier's random_state set to each seed; prints one JSON line per seed with the
best mean CV AUC.
   mlp_seeds_reference.py DATASET SEED[,SEED...] [N_JOBS]"""
import json, os, sys, warnings
for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(v, "1")
os.environ.setdefault("PYTHONWARNINGS", "ignore")  # ConvergenceWarning from every fit, in the joblib workers too
warnings.filterwarnings("ignore")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'shared', 'reference'))
import numpy as np
import credit_data, reference_train as R
from sklearn.model_selection import StratifiedKFold

name, seeds = sys.argv[1], [int(s) for s in sys.argv[2].split(',')]
n_jobs = int(sys.argv[3]) if len(sys.argv) > 3 else 2
ds = credit_data.load_dataset(name)
split = json.load(open(os.path.join(os.path.dirname(R.__file__), f"split_{ds['name']}.json")))['split']
tr = split['train_idx']
X, y = ds['X'].iloc[tr].reset_index(drop=True), np.asarray(ds['y'])[tr]
for seed in seeds:
    R.FIXED['mlp']['random_state'] = seed
    cv = StratifiedKFold(n_splits=R.CV_FOLDS, shuffle=True, random_state=R.SEED)
    gs = R.make_search('mlp', ds['numeric'], ds['categorical'], n_jobs, cv).fit(X, y)
    print(json.dumps({'seed': seed, 'best_cv_auc': float(gs.cv_results_['mean_test_score'].max())}), flush=True)
