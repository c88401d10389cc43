#!/usr/bin/env bash
# buf lint (STANDARD, exceptions in protos/buf.yaml) and buf breaking (FILE) against the last release's image,
# protos/releases/<version>.binpb. Exit non-zero on any finding. buf is pinned in eng/buf/package.json
# (npm ci by scripts/install-deps.sh). Moving the baseline on a release: see protos/README.md.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
buf="$root/eng/buf/node_modules/.bin/buf"
[[ -x $buf ]] || npm ci --prefix "$root/eng/buf" --no-audit --no-fund --loglevel=error
cd "$root/protos"
baseline=$(ls releases/*.binpb | sort -V | tail -1)
"$buf" lint
# Both sides as single images: the workspace has two modules (ours, third_party), a release image has one.
current=$(mktemp --suffix=.binpb); trap 'rm -f "$current"' EXIT
"$buf" build -o "$current"
"$buf" breaking "$current" --against "$baseline"
echo "buf: lint clean, no breaking change against $baseline"
