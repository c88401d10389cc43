#!/usr/bin/env bash
# Two replicas over one PostgreSQL behind Debian's nginx (grpc_pass, the configuration of docs/deploy.md) on loopback:
# health through nginx, then calls keep succeeding while replica 2 gets SIGTERM (drain) mid-run.
# A smoke check, not yet the full balancer test of issue 20 (no evaluation lifecycle, no write audit).
#   COE_POSTGRES=<connection string> scripts/balancer-smoke.sh   (build the server in Release first)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
dll="$here/src/CoeInsights.Server/bin/Release/net10.0/CoeInsights.Server.dll"
[[ -f $dll ]] || { echo "build the server first: $dll" >&2; exit 1; }
[[ -n ${COE_POSTGRES:-} ]] || { echo "set COE_POSTGRES" >&2; exit 1; }
command -v nginx >/dev/null || { echo "nginx missing: scripts/install-deps.sh" >&2; exit 1; }
work="$(mktemp -d)"; pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; [[ -f $work/nginx.pid ]] && kill -QUIT "$(cat "$work/nginx.pid")" 2>/dev/null || true; }
trap cleanup EXIT
export Coe__Schema="smoke_$RANDOM$RANDOM"
dotnet "$dll" migrate
dotnet "$dll" bootstrap-admin --key-file "$work/key"
port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
g1=$(port); h1=$(port); g2=$(port); h2=$(port); lb=$(port)
for i in 1 2; do
  g=g$i; h=h$i; mkdir -p "$work/r$i"
  COE_DATA_DIR="$work/r$i" COE_GRPC_PORT=${!g} COE_HTTP_PORT=${!h} Coe__MigrateOnStart=false Coe__BootstrapAdminOnStart=false \
    Coe__DrainPeriod=00:00:02 dotnet "$dll" >"$work/r$i/out.log" 2>&1 &
  pids+=($!); echo $! >"$work/r$i/pid"
done
cat >"$work/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 256; }
http {
  access_log $work/access.log;
  client_body_temp_path $work/body; proxy_temp_path $work/proxy;
  upstream coe_grpc { server 127.0.0.1:$g1 max_fails=1 fail_timeout=5s; server 127.0.0.1:$g2 max_fails=1 fail_timeout=5s; keepalive 16; }
  server { listen 127.0.0.1:$lb http2;
    location / { grpc_pass grpc://coe_grpc; grpc_read_timeout 1h; grpc_send_timeout 1h; grpc_next_upstream error timeout; client_max_body_size 0; } }
}
CONF
for h in $h1 $h2; do
  for _ in $(seq 120); do [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$h/readyz") == 200 ]] && break; sleep 0.5; done
done
nginx -c "$work/nginx.conf"
/usr/bin/python3 - "$work" "$lb" <<'PY'
import grpc, os, sys, time
work, lb = sys.argv[1], sys.argv[2]
ch = grpc.insecure_channel(f'127.0.0.1:{lb}')
raw = dict(request_serializer=lambda x: x, response_deserializer=lambda x: x)
health = ch.unary_unary('/grpc.health.v1.Health/Check', **raw)
info = ch.unary_unary('/coeinsights.v1.ServerInfoService/GetServerInfo', **raw)
md = [('authorization', 'Bearer ' + open(f'{work}/key').read().strip())]
assert health(b'', timeout=5) == b'\x08\x01', 'not SERVING through nginx'
ok = fail = 0; pid = int(open(f'{work}/r2/pid').read()); t0 = time.time(); sent = False
while time.time() - t0 < 8:
    if not sent and time.time() - t0 > 1: os.kill(pid, 15); sent = True
    try: info(b'', metadata=md, timeout=5); ok += 1
    except grpc.RpcError as e: fail += 1; print('failed:', e.code(), e.details())
    time.sleep(0.01)
print(f'calls through nginx while replica 2 drained and exited: {ok} ok, {fail} failed')
sys.exit(1 if fail else 0)
PY
