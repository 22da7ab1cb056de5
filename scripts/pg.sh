#!/usr/bin/env bash
# Starts (once) a throwaway PostgreSQL cluster for the tests: 127.0.0.1:${CAIJI_PG_PORT:-55432},
# trust authentication, data in ${CAIJI_PG_DIR:-/tmp/caiji-pg}; prints its connection string.
# `bash scripts/pg.sh stop` stops it. PostgreSQL itself comes from scripts/install-deps.sh test.
set -euo pipefail
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$bin" ] || { echo "PostgreSQL is not installed (bash scripts/install-deps.sh test)" >&2; exit 1; }
dir=${CAIJI_PG_DIR:-/tmp/caiji-pg}
port=${CAIJI_PG_PORT:-55432}
# initdb refuses to run as root: run the cluster as the postgres user then.
run() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if [ "${1:-}" = "stop" ]; then
  run "$bin/pg_ctl" -D "$dir" -m fast stop >/dev/null 2>&1 || true
  exit 0
fi
if ! run "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
  rm -rf "$dir"
  mkdir -p "$dir"
  [ "$(id -u)" -ne 0 ] || chown postgres "$dir"
  run "$bin/initdb" -D "$dir" -U postgres -A trust --encoding UTF8 --no-locale >/dev/null
  run "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
fi
echo "host=127.0.0.1 port=$port user=postgres dbname=postgres"
