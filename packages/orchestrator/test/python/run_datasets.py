"""Reads a run's dataset inputs back the way an MLflow user does.

Usage: python3 run_datasets.py <run id>
Prints JSON: per dataset input its name, digest, context tag, the source found by
`mlflow.data.get_source` (its class and URI) and the schema parsed from `mlflow_colspec`. Uses only
mlflow; MLFLOW_TRACKING_URI names the server.
"""
import json
import sys

import mlflow
import mlflow.data
from mlflow.types import Schema

run = mlflow.get_run(sys.argv[1])
out = []
for dataset_input in run.inputs.dataset_inputs:
    dataset = dataset_input.dataset
    source = mlflow.data.get_source(dataset)
    schema = Schema.from_json(json.dumps(json.loads(dataset.schema)["mlflow_colspec"]))
    out.append(
        {
            "name": dataset.name,
            "digest": dataset.digest,
            "context": {t.key: t.value for t in dataset_input.tags}.get("mlflow.data.context"),
            "source_class": type(source).__name__,
            "source_uri": source.uri,
            "columns": [[c.name, c.type.name, c.required] for c in schema.inputs],
            "profile": json.loads(dataset.profile),
        }
    )
print(json.dumps(sorted(out, key=lambda d: d["name"])))
