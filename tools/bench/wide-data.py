"""The shape of data the issue measured the pipeline on: 20 float features, an e-mail column and a
0/1 label; 500k base, 300k contributed and 200k benchmark rows for `wide1m`. Seeded (numpy's
PCG64), so every machine writes the same bytes.
    python3 tools/bench/wide-data.py OUT_DIR [--scale 1]
The contributed part shifts the features (it helps a little) and plants 1,000 benchmark copies
(contamination), 2,000 duplicates of its own rows and 2,000 copies of base rows.
"""
import argparse
import os

import numpy as np
import pandas as pd

FEATURES = 20


def part(rng, w, n, shift, first_id):
    x = rng.normal(size=(n, FEATURES)) + shift
    p = 1 / (1 + np.exp(-(x @ w) * 0.7))
    y = (rng.random(n) < p).astype(np.int64)
    frame = pd.DataFrame(np.round(x, 6), columns=[f"f{i:02d}" for i in range(FEATURES)])
    frame.insert(0, "email", [f"user{first_id + i}@example.org" for i in range(n)])
    frame["label"] = y
    return frame


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--scale", type=float, default=1.0)
    args = ap.parse_args()
    rng = np.random.default_rng(2026)
    w = rng.normal(size=FEATURES)
    n = lambda rows: int(rows * args.scale)  # noqa: E731
    base = part(rng, w, n(500_000), 0.0, 0)
    contributed = part(rng, w, n(300_000), 0.3, 10_000_000)
    benchmark = part(rng, w, n(200_000), 0.3, 20_000_000)
    k = lambda rows: min(rows, n(300_000) // 50)  # noqa: E731
    contributed.iloc[: k(1000)] = benchmark.iloc[: k(1000)].values
    contributed.iloc[k(1000) : k(1000) + k(2000)] = contributed.iloc[k(3000) : k(3000) + k(2000)].values
    contributed.iloc[k(5000) : k(5000) + k(2000)] = base.iloc[: k(2000)].values
    os.makedirs(args.out, exist_ok=True)
    for name, frame in (("base", base), ("contributed", contributed), ("benchmark", benchmark)):
        tmp = os.path.join(args.out, f".{name}.csv.tmp")
        frame.to_csv(tmp, index=False)
        os.replace(tmp, os.path.join(args.out, f"{name}.csv"))


if __name__ == "__main__":
    main()
