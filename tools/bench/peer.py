"""The peer: the job of `hokusai run --no-proof` (logistic regression) written the way a data
scientist would in pandas + scikit-learn, on the same three files.

    python3 tools/bench/peer.py --base base.csv --contributed contributed.csv \
        --benchmark benchmark.csv --target churned --exclude customer_id [--key SECRET]

Prints one JSON object: per-stage wall times (seconds), peak RSS, the row counts of each cleaning
step and the five benchmark metrics of both models, so the two implementations can be compared
figure for figure and count for count.
"""
import time

STARTED = time.perf_counter()

import argparse  # noqa: E402
import hashlib  # noqa: E402
import hmac  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import sklearn  # noqa: E402
from sklearn.compose import ColumnTransformer  # noqa: E402
from sklearn.impute import SimpleImputer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score, roc_auc_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import OneHotEncoder, StandardScaler  # noqa: E402

# The same recipe as @hokusai/training's logistic regression defaults: mean log-loss plus
# (l2 / 2) * |w|^2 with an unpenalized intercept, L-BFGS, 200 iterations, tolerance 1e-4.
# scikit-learn minimizes C * sum(log-loss) + |w|^2 / 2, so C = 1 / (l2 * n_rows).
L2, MAX_ITER, TOL = 1e-4, 200, 1e-4
THRESHOLD = 0.5
EMAIL = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
# A string column is treated as PII when at least this share of its values are e-mail addresses.
PII_SHARE = 0.5


def sha256_of(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def rows_in(left, right, cols):
    """Boolean mask: which rows of `left` also appear in `right`, comparing `cols` (NaN equals NaN)."""
    hit = left[cols].merge(right[cols].drop_duplicates(), on=cols, how="left", indicator=True)
    return hit["_merge"].eq("both").to_numpy()


def fit(frame, target, numeric, categorical):
    model = make_pipeline(
        ColumnTransformer(
            [
                ("num", make_pipeline(SimpleImputer(strategy="mean"), StandardScaler()), numeric),
                ("cat", OneHotEncoder(handle_unknown="ignore"), categorical),
            ]
        ),
        LogisticRegression(C=1.0 / (L2 * len(frame)), max_iter=MAX_ITER, tol=TOL),
    )
    return model.fit(frame[numeric + categorical], frame[target])


def metrics(y, score):
    pred = (score >= THRESHOLD).astype(int)
    return {
        "accuracy": accuracy_score(y, pred),
        "precision": precision_score(y, pred, zero_division=0),
        "recall": recall_score(y, pred, zero_division=0),
        "f1": f1_score(y, pred, zero_division=0),
        "auroc": roc_auc_score(y, score),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", required=True)
    ap.add_argument("--contributed", required=True)
    ap.add_argument("--benchmark", required=True)
    ap.add_argument("--target", required=True)
    ap.add_argument("--exclude", action="append", default=[])
    # Like `hokusai run` without a key: a random key for this run only.
    ap.add_argument("--key", default=None)
    args = ap.parse_args()
    target = args.target
    t = {"start": time.perf_counter() - STARTED}

    # load: SHA-256 of the inputs, then the three tables.
    t0 = time.perf_counter()
    paths = {"base": args.base, "contributed": args.contributed, "benchmark": args.benchmark}
    sha = {name: sha256_of(p) for name, p in paths.items()}
    base, contrib, bench = (pd.read_csv(paths[name]) for name in ("base", "contributed", "benchmark"))
    t["load"] = time.perf_counter() - t0

    # integrate: PII scan, contamination, dedup, overlap with base, keyed hash, merge.
    t0 = time.perf_counter()
    strings = [c for c in base.columns if c != target and not pd.api.types.is_numeric_dtype(base[c])]
    pii = [c for c in strings if base[c].astype(str).str.fullmatch(EMAIL).mean() >= PII_SHARE]
    # The pipeline's rules: copies of benchmark or base rows are looked for as the models see the
    # rows, without the excluded columns (an id) and the PII columns, so a copy that only got a
    # new id is still a copy; duplicates inside the contribution are whole rows.
    compared = [c for c in base.columns if c not in set(args.exclude) | set(pii)]
    feats = [c for c in compared if c != target]
    contaminated = rows_in(contrib, bench, feats)
    duplicate = contrib.duplicated(keep="first").to_numpy()
    in_base = rows_in(contrib, base, compared)
    # Same precedence as the pipeline's report: contamination, then duplicate, then in base.
    dup_only = duplicate & ~contaminated
    base_only = in_base & ~contaminated & ~duplicate
    kept = contrib[~(contaminated | duplicate | in_base)]
    key = args.key.encode() if args.key is not None else os.urandom(32)
    for frame in (base, kept, bench):
        for c in pii:
            frame[c] = frame[c].astype(str).map(lambda v: hmac.new(key, v.encode(), hashlib.sha256).hexdigest())
    merged = pd.concat([base, kept], ignore_index=True)
    t["integrate"] = time.perf_counter() - t0

    # train: the baseline on base, the new model on base + cleaned contribution.
    t0 = time.perf_counter()
    drop = set(args.exclude) | set(pii) | {target}
    numeric = [c for c in base.columns if c not in drop and pd.api.types.is_numeric_dtype(base[c])]
    categorical = [c for c in base.columns if c not in drop and c not in numeric]
    baseline = fit(base, target, numeric, categorical)
    new = fit(merged, target, numeric, categorical)
    t["train"] = time.perf_counter() - t0

    # evaluate: both models on the benchmark, five metrics each and the delta.
    t0 = time.perf_counter()
    x, y = bench[numeric + categorical], bench[target].to_numpy()
    m_base = metrics(y, baseline.predict_proba(x)[:, 1])
    m_new = metrics(y, new.predict_proba(x)[:, 1])
    delta = {k: m_new[k] - m_base[k] for k in m_base}
    t["evaluate"] = time.perf_counter() - t0
    t["total"] = time.perf_counter() - STARTED

    out = {
        "versions": {"python": sys.version.split()[0], "pandas": pd.__version__, "sklearn": sklearn.__version__, "numpy": np.__version__},
        "seconds": t,
        "peakRssMb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "sha256": sha,
        "pii_columns": pii,
        "features": {"numeric": numeric, "categorical": categorical},
        "rows": {
            "base": len(base),
            "contributed_input": len(contrib),
            "benchmark": len(bench),
            "contamination_removed": int(contaminated.sum()),
            "within_contributed": int(dup_only.sum()),
            "already_in_base": int(base_only.sum()),
            "contributed_kept": len(kept),
            "merged": len(merged),
        },
        "iterations": {"baseline": int(baseline[-1].n_iter_[0]), "new": int(new[-1].n_iter_[0])},
        "baseline_metrics": m_base,
        "new_metrics": m_new,
        "delta": delta,
        "delta_one": round(100 * delta["accuracy"], 3),
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
