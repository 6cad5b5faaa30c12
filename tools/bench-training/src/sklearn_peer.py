"""scikit-learn on the exact rows the TypeScript benchmark used (raw float32 + int32 files).

Usage: python3 sklearn_peer.py DIR ROWS FEATURES [lr|gbdt|mlp ...]
Prints one JSON object with the seconds each fit took.
"""
import json
import sys
import time

import numpy as np

folder, n, d = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
which = sys.argv[4:] or ["lr"]
X = np.fromfile(f"{folder}/x.f32", dtype=np.float32).reshape(n, d).astype(np.float64)
y = np.fromfile(f"{folder}/y.i32", dtype=np.int32)
out = {}
if "lr" in which:
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    t = time.perf_counter()
    Xs = StandardScaler().fit_transform(X)
    LogisticRegression(solver="lbfgs", max_iter=200).fit(Xs, y)
    out["lr_1m_s"] = time.perf_counter() - t
    # The reference figure: 500,000 then 800,000 rows, timed together.
    t = time.perf_counter()
    for m in (500_000, 800_000):
        if m <= n:
            LogisticRegression(solver="lbfgs", max_iter=200).fit(Xs[:m], y[:m])
    out["lr_500k_800k_s"] = time.perf_counter() - t
if "gbdt" in which:
    from sklearn.ensemble import HistGradientBoostingClassifier

    t = time.perf_counter()
    HistGradientBoostingClassifier(max_iter=100, max_depth=6, early_stopping=False, learning_rate=0.1).fit(X, y)
    out["gbdt_s"] = time.perf_counter() - t
if "mlp" in which:
    import warnings

    from sklearn.neural_network import MLPClassifier

    warnings.filterwarnings("ignore")
    t = time.perf_counter()
    MLPClassifier(hidden_layer_sizes=(64, 64), max_iter=5, batch_size=1024, random_state=0).fit(X, y)
    out["mlp_s"] = time.perf_counter() - t
print(json.dumps(out))
