#!/usr/bin/env bash
# Installs everything the pipeline and its tests need on a fresh Debian machine with Node 20,
# npm and Python: npm packages from the lockfile, and for the tests Redis (Debian) and MLflow (PyPI).
# Usage: scripts/setup.sh [--services]
set -euo pipefail
cd "$(dirname "$0")/.."

# onnxruntime-node's installer would fetch CUDA files from outside the registry; its CPU build
# ships inside the npm package, so the download step is skipped (npm 11 also blocks it through
# allowScripts in package.json).
export ONNXRUNTIME_NODE_INSTALL=skip
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

if [ "${1:-}" = "--services" ]; then
  SUDO=""
  [ "$(id -u)" = "0" ] || SUDO="sudo"
  # Redis for the distributed executor's tests, Chromium for the report's and MLflow UI's browser tests.
  missing=""
  command -v redis-server >/dev/null 2>&1 || missing="$missing redis-server"
  [ -x /usr/bin/chromium ] || missing="$missing chromium"
  # PostgreSQL for MLflow's backend store in the tracking tests (a throw-away cluster per run).
  command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$missing postgresql"
  # clang 14 and wasm-ld: a test compiles the CSV reader's WebAssembly scanner and compares it
  # with the bytes @hokusai/data-integration embeds (the package itself needs no compiler).
  [ -x /usr/bin/clang-14 ] || missing="$missing clang-14"
  [ -x /usr/bin/wasm-ld-14 ] || missing="$missing lld-14"
  if [ -n "$missing" ]; then
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
  fi
  # The python3 on PATH (not necessarily Debian's /usr/bin/python3) runs `mlflow server`.
  # Pinned like every npm dependency: the version the tracking tests were written against.
  MLFLOW_VERSION=3.17.2
  if [ "$(python3 -c 'import mlflow; print(mlflow.__version__)' 2>/dev/null)" != "$MLFLOW_VERSION" ]; then
    python3 -m pip install --quiet --disable-pip-version-check "mlflow==$MLFLOW_VERSION"
  fi
  # schemathesis fuzzes the server's OpenAPI document in @hokusai/server's tests.
  SCHEMATHESIS_VERSION=4.32.5
  if [ "$(python3 -c 'import importlib.metadata as m; print(m.version("schemathesis"))' 2>/dev/null)" != "$SCHEMATHESIS_VERSION" ]; then
    python3 -m pip install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
  fi
  # mlflow.pyfunc loads the registered ONNX models with these (the tracking tests do, as users would).
  ONNX_VERSION=1.23.2 ONNXRUNTIME_VERSION=1.32.0
  if [ "$(python3 -c 'import onnx, onnxruntime; print(onnx.__version__, onnxruntime.__version__)' 2>/dev/null)" != "$ONNX_VERSION $ONNXRUNTIME_VERSION" ]; then
    python3 -m pip install --quiet --disable-pip-version-check "onnx==$ONNX_VERSION" "onnxruntime==$ONNXRUNTIME_VERSION"
  fi
  # MLflow reaches PostgreSQL through psycopg2.
  PSYCOPG2_VERSION=2.9.13
  if [ "$(python3 -c 'import psycopg2; print(psycopg2.__version__.split()[0])' 2>/dev/null)" != "$PSYCOPG2_VERSION" ]; then
    python3 -m pip install --quiet --disable-pip-version-check "psycopg2-binary==$PSYCOPG2_VERSION"
  fi
fi
