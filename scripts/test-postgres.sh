#!/usr/bin/env bash
# start DIR | stop DIR — a throw-away PostgreSQL for one test run, on a free loopback port.
# Prints the connection string on start. As root, the server runs as the postgres system user.
set -euo pipefail
cmd=$1 dir=$(realpath -m "$2")
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
as=(); [[ $(id -u) -eq 0 ]] && as=(runuser -u postgres --)

case $cmd in
start)
  rm -rf "$dir"; mkdir -p "$dir"; chmod 755 "$dir"
  [[ ${#as[@]} -gt 0 ]] && chown postgres:postgres "$dir"
  "${as[@]}" "$bin/initdb" -D "$dir/data" -U coe -A trust -E UTF8 --no-locale --no-instructions >/dev/null
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
port = $port
max_connections = 300
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
  "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 start >/dev/null
  echo "Host=127.0.0.1;Port=$port;Username=coe;Database=postgres;Maximum Pool Size=40"
  ;;
stop)
  [[ -d "$dir/data" ]] && "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
  rm -rf "$dir"
  ;;
*) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
