#!/usr/bin/env bash
# Installs what is missing, builds, and serves CoeInsights on 127.0.0.1 (gRPC :5080, JSON :5081)
# over its own PostgreSQL under ./.coe (or COE_POSTGRES when set). Ctrl-C stops everything.
# On the first start of an empty store it loads the sample CoE in the background (`coe sample load`)
# and prints how to download its decks; ./run.sh --no-sample (or COE_SAMPLE=0) skips that.
# Extra arguments go to the server, e.g. ./run.sh --Coe:GrpcPort=6080
set -euo pipefail
cd "$(dirname "$0")"

sample=${COE_SAMPLE:-1}
data=${COE_DATA_DIR:-.coe}
address=${COE_ADDRESS:-127.0.0.1}
grpc_port=${COE_GRPC_PORT:-5080}
http_port=${COE_HTTP_PORT:-5081}
smtp_set=${COE_SMTP_HOST:+1}
smtp_port=${COE_MAIL_CATCHER_PORT:-5025}
args=()
for a in "$@"; do
  case $a in
    --no-sample) sample=0; continue ;;
    --Coe:DataDirectory=*) data=${a#*=} ;;
    --Coe:Address=*) address=${a#*=} ;;
    --Coe:GrpcPort=*) grpc_port=${a#*=} ;;
    --Coe:HttpPort=*) http_port=${a#*=} ;;
    --Coe:Smtp:Host=*) smtp_set=1 ;;
  esac
  args+=("$a")
done
[[ $address == 0.0.0.0 || $address == '*' ]] && address=127.0.0.1

scripts/install-deps.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build src/CoeInsights.Server -c Release -nologo -v q

# ./.coe/sample-loaded records that the first-start check ran (loaded, or the store held data of its own).
marker="$data/sample-loaded"
if [[ $sample != 0 && ! -e $marker && $grpc_port == 0 ]]; then
  echo "run.sh: gRPC port 0 (any free port): not loading the sample CoE; load it by hand with ./coe sample load --address …" >&2
  sample=0
fi
if [[ $sample != 0 && ! -e $marker ]]; then
  dotnet build clients/CoeInsights.Cli -c Release -nologo -v q
fi

server=""
loader=""
catcher=""
# No mail server configured: a local one (aiosmtpd's Debugging handler, installed by install-deps.sh) takes the alert
# mail and writes every message to .coe/mail.log, so the sample's alert is delivered somewhere a person can read.
if [[ -z $smtp_set ]] && /usr/bin/python3 -c "import aiosmtpd" >/dev/null 2>&1; then
  mkdir -p "$data"
  /usr/bin/python3 -u -m aiosmtpd -n -l "127.0.0.1:$smtp_port" >>"$data/mail.log" 2>&1 &
  catcher=$!
  args+=("--Coe:Smtp:Host=127.0.0.1" "--Coe:Smtp:Port=$smtp_port" "--Coe:Smtp:Security=None" "--Coe:Smtp:From=CoE alerts <alerts@coe.localhost>")
  echo "run.sh: alert mail goes to a local SMTP server on 127.0.0.1:$smtp_port and is written to $data/mail.log (set COE_SMTP_HOST to use your own)"
fi
stop() {
  if [[ -n $loader ]]; then kill -TERM "$loader" 2>/dev/null || true; fi
  if [[ -n $server ]]; then kill -TERM "$server" 2>/dev/null || true; fi
}
trap stop INT TERM
trap 'if [[ -n $loader ]]; then kill -TERM "$loader" 2>/dev/null || true; fi; if [[ -n $catcher ]]; then kill -TERM "$catcher" 2>/dev/null || true; fi' EXIT

dotnet src/CoeInsights.Server/bin/Release/net10.0/CoeInsights.Server.dll "${args[@]}" &
server=$!

if [[ $sample != 0 && ! -e $marker ]]; then
  (
    # Waits for the server and its admin key, then loads only if the tenant holds nothing but the sample.
    log="$data/sample-load.log"
    child=""
    trap 'if [[ -n $child ]]; then kill -TERM "$child" 2>/dev/null || true; fi; exit 143' TERM
    mkdir -p "$data"
    dotnet clients/CoeInsights.Cli/bin/Release/net10.0/coe.dll sample load --if-empty --wait 600 \
      --address "http://$address:$grpc_port" --key-file "$data/admin-key" --json-address "http://$address:$http_port" \
      >"$log" 2>&1 &
    child=$!
    if wait "$child"; then
      touch "$marker"
      if grep -q "sample not loaded" "$log"; then
        echo "run.sh: the store already holds data of its own; the sample CoE was not loaded."
      else
        # The summary and the download commands (everything from the summary's first row on).
        printf '\nThe sample CoE is loaded (log: %s):\n' "$log"
        sed -n '/^evaluation /,$p' "$log" | sed 's/^/  /'
        echo
      fi
    else
      echo "run.sh: loading the sample CoE failed (see $log); the next ./run.sh tries again (or run ./coe sample load)." >&2
    fi
  ) &
  loader=$!
fi

# Wait for the server; a signal (Ctrl-C, kill) interrupts the wait, stop() forwards it, then wait for the shutdown.
status=0
while kill -0 "$server" 2>/dev/null; do
  wait "$server" && status=0 || status=$?
done
exit "$status"
