"""The peer: what a user would write instead with pandas. Same files, same steps."""
import hashlib, hmac, json, resource, sys, time
import pandas as pd

stage, d = sys.argv[1], sys.argv[2]
parts = ["base", "contributed", "benchmark"]
t0 = time.perf_counter()
out = {"stage": stage}
if stage in ("csv", "parquet"):
    frames = [pd.read_csv(f"{d}/{p}.csv") if stage == "csv" else pd.read_parquet(f"{d}/{p}.parquet") for p in parts]
    out["rows"] = sum(len(f) for f in frames)
else:
    base, contrib, bench = [pd.read_parquet(f"{d}/{p}.parquet") for p in parts]
    t0 = time.perf_counter()
    key = b"bench-key"
    email_re = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
    for f in (base, contrib, bench):
        out.setdefault("pii", 0)
        out["pii"] += int(f["email"].str.fullmatch(email_re).sum())
        f["email"] = [hmac.new(key, v.encode(), hashlib.sha256).hexdigest() for v in f["email"]]
    completeness = 1 - contrib.isna().to_numpy().mean()
    uniq = 1 - contrib.duplicated().mean()
    q1, q3 = base.select_dtypes("number").quantile(0.25), base.select_dtypes("number").quantile(0.75)
    num = contrib.select_dtypes("number")
    iqr = q3 - q1
    outliers = ((num < q1 - 3 * iqr) | (num > q3 + 3 * iqr)).to_numpy().mean()
    feats = [c for c in contrib.columns if c != "label"]
    contam = contrib.merge(bench[feats].drop_duplicates(), on=feats, how="left", indicator=True)["_merge"].eq("both").to_numpy()
    c2 = contrib[~contam]
    c2 = c2.drop_duplicates()
    in_base = c2.merge(base.drop_duplicates(), how="left", indicator=True)["_merge"].eq("both").to_numpy()
    kept = c2[~in_base]
    merged = pd.concat([base, kept], ignore_index=True)
    out.update({"contamination": int(contam.sum()), "kept": len(kept), "merged": len(merged), "quality": [completeness, uniq, outliers]})
out["ms"] = (time.perf_counter() - t0) * 1000
out["maxRssBytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps(out))
