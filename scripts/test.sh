#!/usr/bin/env bash
# The whole test suite from a fresh clone: installs dependencies and services, then builds,
# type-checks, lints and tests every package. Services (MLflow, Redis) are started by the test
# set-up of the packages that need them, on 127.0.0.1, and stopped afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --services
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false
log=$(mktemp)
status=0
npx nx run-many -t build typecheck lint test --outputStyle=static --parallel=2 2>&1 | tee "$log" || status=$?
# One closing line for the whole suite, summed over every package's vitest summary.
sed 's/\x1b\[[0-9;]*m//g' "$log" | awk '
  /^ +Tests +/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
  END { printf "%d passed, %d failed\n", p, f }'
rm -f "$log"
exit "$status"
