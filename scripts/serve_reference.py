#!/usr/bin/python3
"""FastAPI side of the serving benchmark: the same MLflow-style /invocations protocol over a scikit-learn
pipeline (imputation, one-hot, scaling, logistic regression) fitted on the Statlog rows.
   uvicorn --app-dir scripts serve_reference:app --workers 2 --port P   (STATLOG=path in the environment)"""
import os, sys
for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(v, "1")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'shared', 'reference'))
import pandas as pd
import credit_data
from fastapi import FastAPI, Request
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

ds = credit_data.load_statlog(os.environ['STATLOG'])
pre = ColumnTransformer([
    ('num', Pipeline([('i', SimpleImputer(strategy='median')), ('s', StandardScaler())]), ds['numeric']),
    ('cat', Pipeline([('i', SimpleImputer(strategy='most_frequent')), ('o', OneHotEncoder(handle_unknown='ignore', sparse_output=False))]), ds['categorical'])])
pipe = Pipeline([('prep', pre), ('clf', LogisticRegression(C=0.1, max_iter=1000))]).fit(ds['X'], ds['y'])
app = FastAPI()

@app.get('/ping')
def ping():
    return {}

@app.post('/invocations')
async def invocations(request: Request):
    body = await request.json()
    X = pd.DataFrame(body['dataframe_records'])
    p = pipe.predict_proba(X[ds['numeric'] + ds['categorical']])[:, 1]
    return {'predictions': [{'p_bad': float(x), 'decision': 'decline' if x >= 1 / 6 else 'approve'} for x in p]}
