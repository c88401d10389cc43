#!/usr/bin/env bash
# Installs what is missing, builds, and serves CoeInsights on 127.0.0.1 (gRPC :5080, JSON :5081)
# over its own PostgreSQL under ./.coe (or COE_POSTGRES when set). Ctrl-C stops everything.
# Extra arguments go to the server, e.g. ./run.sh --Coe:GrpcPort=6080
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-deps.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build src/CoeInsights.Server -c Release -nologo -v q
exec dotnet src/CoeInsights.Server/bin/Release/net10.0/CoeInsights.Server.dll "$@"
