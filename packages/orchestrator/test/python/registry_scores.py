"""Loads a registered model the way an MLflow user does and scores a benchmark with it.

Usage: python3 registry_scores.py <models:/ URI> <benchmark.csv> <predictions.json>
Prints JSON: the largest absolute difference between the model's positive-class probability and
the pipeline's `new_scores`, the row count and the MLmodel flavors. Uses only mlflow (and pandas,
numpy, onnxruntime, which mlflow's ONNX flavor needs); MLFLOW_TRACKING_URI names the server.
"""
import json
import sys

import mlflow.pyfunc
import numpy as np
import pandas as pd
from mlflow.models import Model

uri, benchmark_path, predictions_path = sys.argv[1:4]
model = mlflow.pyfunc.load_model(uri)
frame = pd.read_csv(benchmark_path)
out = model.predict(frame)
probabilities = np.asarray(out["probabilities"], dtype=np.float64)
with open(predictions_path) as f:
    predictions = json.load(f)
positive = 1  # classes [0, 1]: column 1 is the positive class the pipeline scores
expected = np.asarray(predictions["new_scores"], dtype=np.float64)
meta = Model.load(uri)
print(
    json.dumps(
        {
            "rows": int(probabilities.shape[0]),
            "max_abs_diff": float(np.max(np.abs(probabilities[:, positive] - expected))),
            "flavors": sorted(meta.flavors.keys()),
            "signature_inputs": [s["name"] for s in json.loads(meta.signature.to_dict()["inputs"])],
            "model_id": meta.model_id,
        }
    )
)
