#!/usr/bin/python3
"""Regenerates src/core/models/fixtures/sklearn.json: the scikit-learn numbers the tests compare against.

  * LogisticRegression coefficients on 8 fixed rows (models.test.ts),
  * SVC(kernel='rbf', gamma=0.5, C=1) decision values on 10 fixed rows, without and with balanced class weights
    (models.test.ts),
  * the reference-split CV AUC (mean, std) and test AUC of LogisticRegression(C=0.1), no SMOTE, on Statlog,
    with the reference pipeline of ../shared/reference/reference_train.py (train.test.ts).

Run: /usr/bin/python3 scripts/sklearn_fixtures.py   (CREDIT_TUI_DATA picks another data folder, as in the tests)
"""
import json, os, sys
import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.svm import SVC

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.environ.get('CREDIT_TUI_DATA', os.path.join(ROOT, '..', 'shared', 'data'))
REFERENCE = os.path.join(DATA, '..', 'reference')
sys.path.insert(0, REFERENCE)
import reference_train as ref  # noqa: E402
import credit_data  # noqa: E402

X8 = np.array([[0.5, 1.0], [1.5, -0.5], [-1.0, 0.2], [2.0, 1.5], [-0.3, -1.2], [0.9, 0.4], [-1.7, 0.8], [1.1, -1.1]])
y8 = np.array([1, 1, 0, 1, 0, 0, 0, 1])
y8_balanced = np.array([1, 1, 0, 0, 0, 0, 0, 1])


def coefficients(C, y, class_weight=None):
    m = LogisticRegression(C=C, tol=1e-10, max_iter=10_000, class_weight=class_weight).fit(X8, y)
    return {'C': C, 'class_weight': class_weight, 'y': y.tolist(), 'coef': m.coef_[0].tolist(), 'intercept': float(m.intercept_[0])}


X10 = np.array([[0.5, 1.0], [1.5, -0.5], [-1.0, 0.2], [2.0, 1.5], [-0.3, -1.2], [0.9, 0.4], [-1.7, 0.8], [1.1, -1.1], [0.2, 0.3], [-0.6, -0.4]])
y10 = np.array([1, 1, 0, 0, 0, 0, 0, 1, 0, 0])


def svc_decisions(class_weight):
    m = SVC(kernel='rbf', gamma=0.5, C=1.0, tol=1e-6, class_weight=class_weight).fit(X10, y10)
    return {'class_weight': class_weight, 'decision': m.decision_function(X10).tolist()}


def reference_logreg():
    ds = credit_data.load_dataset(os.path.join(DATA, 'statlog_german.data'))
    X, y = ds['X'], ds['y']
    idx = np.arange(len(y))
    tr, te = train_test_split(idx, test_size=ref.TEST_SIZE, stratify=y, random_state=ref.SEED)
    cv = StratifiedKFold(n_splits=ref.CV_FOLDS, shuffle=True, random_state=ref.SEED)
    scores = []
    X_tr, y_tr = X.iloc[tr], y[tr]
    make = lambda: ref.Pipeline([('prep', ref.make_preprocessor(ds['numeric'], ds['categorical'])),
                                 ('clf', ref.MODEL_CLASSES['logreg'](**{**ref.FIXED['logreg'], 'C': 0.1}))])
    for a, b in cv.split(X_tr, y_tr):
        m = make().fit(X_tr.iloc[a], y_tr[a])
        scores.append(roc_auc_score(y_tr[b], m.predict_proba(X_tr.iloc[b])[:, 1]))
    final = make().fit(X_tr, y_tr)
    return {'params': {'C': 0.1, 'class_weight': None, 'smote': False}, 'cv_auc_mean': float(np.mean(scores)), 'cv_auc_std': float(np.std(scores)),
            'fold_auc': [float(s) for s in scores], 'test_roc_auc': float(roc_auc_score(y[te], final.predict_proba(X.iloc[te])[:, 1]))}


out = {
    'generated_by': 'scripts/sklearn_fixtures.py',
    'sklearn': sklearn.__version__,
    'logistic_8_rows': {'X': X8.tolist(), 'fits': [coefficients(0.1, y8), coefficients(1.0, y8), coefficients(1.0, y8_balanced, 'balanced')]},
    'svc_10_rows': {'X': X10.tolist(), 'y': y10.tolist(), 'gamma': 0.5, 'C': 1.0, 'fits': [svc_decisions(None), svc_decisions('balanced')]},
    'statlog_reference_logreg': reference_logreg(),
}
path = os.path.join(ROOT, 'src', 'core', 'models', 'fixtures', 'sklearn.json')
with open(path, 'w') as f:
    json.dump(out, f, indent=1)
    f.write('\n')
print(f'wrote {path}')
