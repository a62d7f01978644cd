"""Same-run reference for `npm run bench -- scale`: fits each family's candidates on one fold's matrices as
credit-tui prepared them (float64 row-major files, one-hot + scaled exactly as ours), one thread, and
prints JSON: per family the CPU seconds of fit + predict_proba on the validation and the training rows
(the search scores both), and each candidate's validation ROC AUC.

    OMP_NUM_THREADS=1 /usr/bin/python3 src/bench/scale_reference.py DIR logreg,forest,xgboost
"""
import json
import os
import sys
import time

import numpy as np
from sklearn.metrics import roc_auc_score


def model(family, cand):
    if family == "logreg":
        from sklearn.linear_model import LogisticRegression
        return LogisticRegression(C=cand["C"], class_weight=cand.get("class_weight"), solver="lbfgs", max_iter=1000)
    if family == "forest":
        from sklearn.ensemble import RandomForestClassifier
        return RandomForestClassifier(n_estimators=cand["n_estimators"], max_depth=cand["max_depth"],
                                      max_features=cand["max_features"], n_jobs=1, random_state=42)
    if family == "brf":
        from imblearn.ensemble import BalancedRandomForestClassifier
        return BalancedRandomForestClassifier(n_estimators=cand["n_estimators"], max_depth=cand["max_depth"],
                                              sampling_strategy="all", replacement=True, bootstrap=False,
                                              n_jobs=1, random_state=42)
    if family == "xgboost":
        from xgboost import XGBClassifier
        return XGBClassifier(n_estimators=cand["n_estimators"], max_depth=cand["max_depth"],
                             learning_rate=cand["learning_rate"], subsample=cand["subsample"],
                             tree_method="hist", objective="binary:logistic", eval_metric="logloss",
                             random_state=42, n_jobs=1)
    raise ValueError(family)


def main():
    folder, families = sys.argv[1], sys.argv[2].split(",")
    meta = json.load(open(os.path.join(folder, "meta.json")))
    cols = meta["cols"]

    def load(name, rows):
        return np.fromfile(os.path.join(folder, name), dtype="<f8").reshape(rows, cols)

    fold = meta["fold"]
    X = load(fold["X"], fold["rows"])
    y = np.fromfile(os.path.join(folder, fold["y"]), dtype=np.uint8)
    Xv = load(fold["Xval"], fold["valRows"])
    yv = np.fromfile(os.path.join(folder, fold["yval"]), dtype=np.uint8)
    out = {}
    for family in families:
        seconds = 0.0
        aucs = []
        for cand in meta["candidates"][family]:
            t0 = time.process_time()
            m = model(family, cand).fit(X, y)
            p = m.predict_proba(Xv)[:, 1]
            m.predict_proba(X)
            seconds += time.process_time() - t0
            aucs.append(float(roc_auc_score(yv, p)))
        out[family] = {"seconds": seconds, "aucs": aucs}
    import resource
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


if __name__ == "__main__":
    main()
