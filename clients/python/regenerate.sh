#!/usr/bin/env bash
# Regenerates the Python stubs from ../../protos with Debian's protoc (3.21) and grpc_python_plugin
# (1.51): apt-get install protobuf-compiler protobuf-compiler-grpc. Not python3-grpc-tools: its
# bundled protoc 3.5 writes code the protobuf 4.21 runtime rejects and does not know proto3 `optional`.
# google/api and google/rpc protos come from the Google.Api.CommonProtos NuGet package (restore first).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
packages="$(dotnet nuget locals global-packages -l | sed 's/^global-packages: //')"
common="$(ls -d "$packages"/google.api.commonprotos/*/content/protos | sort -V | tail -1)"
out="$here/coeinsights_client/_generated"
rm -rf "$out" && mkdir -p "$out"

protoc -I"$root/protos" -I"$common" -I/usr/include \
  --python_out="$out" --grpc_out="$out" --plugin=protoc-gen-grpc="$(command -v grpc_python_plugin)" \
  "$root"/protos/coeinsights/v1/*.proto
protoc -I"$common" -I/usr/include --python_out="$out" \
  "$common"/google/api/annotations.proto "$common"/google/api/http.proto "$common"/google/api/field_behavior.proto "$common"/google/api/launch_stage.proto \
  "$common"/google/api/client.proto "$common"/google/rpc/status.proto "$common"/google/rpc/error_details.proto \
  "$common"/google/type/date.proto

# Generated modules import each other as top-level packages (coeinsights.v1, google.api): make them
# packages and let the wrapper put _generated on sys.path.
find "$out" -type d ! -path "$out/google" -exec touch {}/__init__.py \;  # google/ stays a namespace package (shared with protobuf)
echo "generated into $out"
