#!/usr/bin/python3
"""imbalanced-learn's BalancedRandomForestClassifier on the reference split, as credit-tui's `brf` family runs it.

Prints one JSON line: best CV AUC over the default brf grid (n_estimators, max_depth, min_samples_leaf), with
imbalanced-learn >= 0.13's defaults spelled out (sampling_strategy='all', replacement=True, bootstrap=False,
max_features='sqrt'), the reference pipeline and folds of ../shared/reference/reference_train.py.
Run: /usr/bin/python3 scripts/brf_reference.py [DATA_DIR]
"""
import json, os, sys, time, warnings
os.environ["PYTHONWARNINGS"] = "ignore"  # joblib workers inherit it (Debian's sklearn warns per task)
import numpy as np
from imblearn.ensemble import BalancedRandomForestClassifier
from sklearn.model_selection import GridSearchCV, StratifiedKFold, train_test_split
from sklearn.metrics import roc_auc_score

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = sys.argv[1] if len(sys.argv) > 1 else os.environ.get('CREDIT_TUI_DATA', os.path.join(ROOT, '..', 'shared', 'data'))
sys.path.insert(0, os.path.join(DATA, '..', 'reference'))
import reference_train as ref  # noqa: E402
import credit_data  # noqa: E402

warnings.filterwarnings('ignore')
ds = credit_data.load_dataset(os.path.join(DATA, 'statlog_german.data'))
X, y = ds['X'], ds['y']
tr, te = train_test_split(np.arange(len(y)), test_size=ref.TEST_SIZE, stratify=y, random_state=ref.SEED)
pipe = ref.Pipeline([('prep', ref.make_preprocessor(ds['numeric'], ds['categorical'])),
                     ('clf', BalancedRandomForestClassifier(sampling_strategy='all', replacement=True, bootstrap=False, max_features='sqrt', random_state=ref.SEED, n_jobs=1))])
grid = {'clf__n_estimators': [100, 300], 'clf__max_depth': [None, 8], 'clf__min_samples_leaf': [1, 5]}
search = GridSearchCV(pipe, grid, scoring='roc_auc', cv=StratifiedKFold(n_splits=ref.CV_FOLDS, shuffle=True, random_state=ref.SEED), n_jobs=2, refit=True)
t0 = time.perf_counter()
search.fit(X.iloc[tr], y[tr])
seconds = time.perf_counter() - t0
print(json.dumps({'best_cv_auc': float(search.best_score_), 'best_params': {k.replace('clf__', ''): v for k, v in search.best_params_.items()},
                  'test_auc': float(roc_auc_score(y[te], search.predict_proba(X.iloc[te])[:, 1])), 'seconds': seconds}))
