#!/usr/bin/python3
"""scikit-learn side of the scoring benchmark: fit the champion's family on the Statlog training rows,
then time pandas read_csv + ColumnTransformer + predict_proba on a large file.
   score_reference.py STATLOG_PATH BIG_CSV FAMILY PARAMS_JSON  ->  one JSON line"""
import json, os, resource, sys, time
for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(v, "1")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'shared', 'reference'))
import numpy as np, pandas as pd
import credit_data
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.linear_model import LogisticRegression
from sklearn.tree import DecisionTreeClassifier
from sklearn.ensemble import RandomForestClassifier
from sklearn.neighbors import KNeighborsClassifier
from sklearn.svm import SVC
from sklearn.neural_network import MLPClassifier
from xgboost import XGBClassifier

statlog, big, family, params = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
params.pop('smote', None)
if 'hidden_layer_sizes' in params: params['hidden_layer_sizes'] = tuple(params['hidden_layer_sizes'])
ds = credit_data.load_statlog(statlog)
cls = {'logreg': LogisticRegression, 'tree': DecisionTreeClassifier, 'forest': RandomForestClassifier, 'xgboost': XGBClassifier,
       'knn': KNeighborsClassifier, 'svm': SVC, 'mlp': MLPClassifier}[family]
extra = {'svm': {'probability': True}, 'xgboost': {'tree_method': 'hist', 'n_jobs': 1}, 'forest': {'n_jobs': 1}}.get(family, {})
pre = ColumnTransformer([
    ('num', Pipeline([('i', SimpleImputer(strategy='median')), ('s', StandardScaler())]), ds['numeric']),
    ('cat', Pipeline([('i', SimpleImputer(strategy='most_frequent')), ('o', OneHotEncoder(handle_unknown='ignore', sparse_output=False))]), ds['categorical'])])
pipe = Pipeline([('prep', pre), ('clf', cls(**params, **extra))]).fit(ds['X'], ds['y'])
t0 = time.perf_counter()
X = pd.read_csv(big, keep_default_na=False, na_values=['', 'NA'], dtype={c: str for c in ds['categorical']})
p = pipe.predict_proba(X[ds['numeric'] + ds['categorical']])[:, 1]
secs = time.perf_counter() - t0
print(json.dumps({'rows': int(len(p)), 'seconds': secs, 'peak_rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
