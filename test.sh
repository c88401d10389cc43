#!/usr/bin/env bash
# Runs the whole test suite: installs what is missing, builds, starts a PostgreSQL for the run,
# runs every test project against it, stops it. Exit code non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-deps.sh

# The public API: buf lint and buf breaking against the last release (protos/README.md).
eng/buf-check.sh

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build CoeInsights.sln -c Release -nologo -v q

pgdir=.coe/test-postgres
COE_TEST_POSTGRES=$(scripts/test-postgres.sh start "$pgdir")
export COE_TEST_POSTGRES
trap 'scripts/test-postgres.sh stop "$pgdir"' EXIT

log=$(mktemp)
status=0
dotnet test CoeInsights.sln -c Release --no-build -nologo "$@" 2>&1 | tee "$log" || status=$?

# One closing line over all test assemblies.
awk '/^(Passed|Failed)!/ { for (i = 1; i <= NF; i++) { g = $(i+1); gsub(/,/, "", g);
       if ($i == "Failed:") f += g; if ($i == "Passed:") p += g; if ($i == "Skipped:") s += g } }
     END { printf "tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
rm -f "$log"
exit $status
