"""scikit-learn on the exact rows the TypeScript benchmark used (raw float32 + int32 files).

Usage: python3 sklearn_peer.py DIR ROWS FEATURES [lr|gbdt|mlp ...]
Prints one JSON object with the wall seconds each fit took and, with a _cpu suffix, the CPU seconds.
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

    t, c = time.perf_counter(), time.process_time()
    Xs = StandardScaler().fit_transform(X)
    LogisticRegression(solver="lbfgs", max_iter=200).fit(Xs, y)
    out["lr_s"], out["lr_s_cpu"] = time.perf_counter() - t, time.process_time() - c
    # The reference figure: 500,000 then 800,000 rows, timed together.
    t, c = time.perf_counter(), time.process_time()
    for m in (500_000, 800_000):
        if m <= n:
            LogisticRegression(solver="lbfgs", max_iter=200).fit(Xs[:m], y[:m])
    out["lr_500k_800k_s"], out["lr_500k_800k_s_cpu"] = time.perf_counter() - t, time.process_time() - c
if "gbdt" in which:
    from sklearn.ensemble import HistGradientBoostingClassifier

    t, c = time.perf_counter(), time.process_time()
    HistGradientBoostingClassifier(max_iter=100, max_depth=6, early_stopping=False, learning_rate=0.1).fit(X, y)
    out["gbdt_s"], out["gbdt_s_cpu"] = time.perf_counter() - t, time.process_time() - c
if "mlp" in which:
    import warnings

    from sklearn.neural_network import MLPClassifier

    warnings.filterwarnings("ignore")
    t, c = time.perf_counter(), time.process_time()
    MLPClassifier(hidden_layer_sizes=(64, 64), max_iter=5, batch_size=1024, random_state=0).fit(X, y)
    out["mlp_s"], out["mlp_s_cpu"] = time.perf_counter() - t, time.process_time() - c
print(json.dumps(out))
