#!/usr/bin/env bash
# Renders page 1 of each sample deck the way LibreOffice shows it, for docs/decks.md:
#   docs/decks/vendor-workbook.png, docs/decks/kpi-deck.png, docs/decks/survey-workbook.png
# Starts a server of its own (a temporary data directory and PostgreSQL, two free loopback ports picked at start, or
# COE_RENDER_GRPC_PORT / COE_RENDER_HTTP_PORT), loads the sample CoE, downloads the three decks with `coe`, converts each to PDF with
# LibreOffice headless and page 1 to PNG with pdftoppm; prints each deck's page count. Needs libreoffice-calc-nogui
# and poppler-utils (scripts/install-deps.sh). COE_RENDER_KEEP=DIR copies the decks (.xlsx and .pdf) to DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
# Two distinct free loopback ports: both sockets are held until both are picked (picked one at a time, the kernel may
# hand out the same port twice).
free_ports() {
  /usr/bin/python3 -c 'import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*(x.getsockname()[1] for x in s))'
}
out=docs/decks
work=$(mktemp -d /tmp/coe-render-XXXXXX)
[[ $(id -u) == 0 ]] && chmod 755 "$work" # the embedded PostgreSQL runs as the postgres user when we are root
server=""
cleanup() {
  if [[ -n $server ]]; then kill -TERM "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build src/CoeInsights.Server -c Release -nologo -v q >/dev/null
dotnet build clients/CoeInsights.Cli -c Release -nologo -v q >/dev/null
# A port picked free can be taken by another process before the server binds it: then the server exits, and we pick again.
for attempt in 1 2 3; do
  read -r grpc http < <(free_ports)
  grpc=${COE_RENDER_GRPC_PORT:-$grpc}
  http=${COE_RENDER_HTTP_PORT:-$http}
  dotnet src/CoeInsights.Server/bin/Release/net10.0/CoeInsights.Server.dll \
    --Coe:DataDirectory="$work/data" --Coe:GrpcPort="$grpc" --Coe:HttpPort="$http" >"$work/server.log" 2>&1 &
  server=$!
  for _ in $(seq 600); do # up to 10 minutes: the first start sets up its PostgreSQL
    [[ -s $work/data/admin-key ]] && (exec 3<>"/dev/tcp/127.0.0.1/$grpc") 2>/dev/null && break
    kill -0 "$server" 2>/dev/null || break
    sleep 1
  done
  kill -0 "$server" 2>/dev/null && break
  wait "$server" 2>/dev/null || true
  server=""
  echo "render-decks: the server did not start on ports $grpc/$http (attempt $attempt):" >&2
  tail -5 "$work/server.log" >&2
done
[[ -n $server ]] || exit 1

coe() { dotnet clients/CoeInsights.Cli/bin/Release/net10.0/coe.dll "$@" --address "http://127.0.0.1:$grpc" --key-file "$work/data/admin-key"; }
coe sample load --wait 600 --json-address "http://127.0.0.1:$http" >"$work/sample.log"
evaluation=$(sed -n 's/^evaluation .*(\([0-9a-f-]*\)).*/\1/p' "$work/sample.log")
survey=$(sed -n 's/^survey *\([0-9a-f-]*\):.*/\1/p' "$work/sample.log")
coe reports evaluation-workbook "$evaluation" -f "$work/vendor-workbook.xlsx" >/dev/null
coe reports kpi-deck --from 2026-01-01 --to 2026-03-31 -f "$work/kpi-deck.xlsx" >/dev/null
coe reports survey-workbook "$survey" -f "$work/survey-workbook.xlsx" >/dev/null

mkdir -p "$out"
for deck in vendor-workbook kpi-deck survey-workbook; do
  soffice -env:UserInstallation="file://$work/lo-profile" --headless --norestore --convert-to pdf --outdir "$work" "$work/$deck.xlsx" >/dev/null
  pdftoppm -png -r 80 -f 1 -l 1 -singlefile "$work/$deck.pdf" "$out/$deck"
  if [[ -n ${COE_RENDER_KEEP:-} ]]; then mkdir -p "$COE_RENDER_KEEP"; cp "$work/$deck.xlsx" "$work/$deck.pdf" "$COE_RENDER_KEEP/"; fi
  echo "$deck: $(pdfinfo "$work/$deck.pdf" | sed -n 's/^Pages: *//p') pages → $out/$deck.png"
done
