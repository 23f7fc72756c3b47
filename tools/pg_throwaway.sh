#!/usr/bin/env bash
# Start a throwaway PostgreSQL 15 server for the center's tests, print its URL, and leave it running.
#
#   eval "$(bash tools/pg_throwaway.sh start)"   # sets OPENBMD_TEST_POSTGRES_URL and PG_THROWAWAY_DIR
#   bash tools/pg_throwaway.sh stop "$PG_THROWAWAY_DIR"
#
# The cluster lives in a fresh mktemp folder owned by the `postgres` user (initdb refuses to run as
# root), listens on a free TCP port on 127.0.0.1 only, keeps its unix socket in that folder, and
# trusts local connections (nothing but this machine can reach it; it holds only test data).
# `stop` shuts it down and deletes the folder. When the binaries are missing and we are root,
# Debian's postgresql-15 is installed first.
set -euo pipefail
BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

as_postgres() {
  if [ "$(id -un)" = postgres ]; then "$@"; else runuser -u postgres -- "$@"; fi
}

ensure_binaries() {
  if [ -x "$BIN/initdb" ]; then return; fi
  if [ "$(id -u)" -ne 0 ]; then echo "pg_throwaway: $BIN/initdb missing and not root to install it" >&2; exit 1; fi
  echo "pg_throwaway: installing postgresql-15" >&2
  (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends postgresql-15) >&2
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start() {
  ensure_binaries
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  local dir port
  dir=$(mktemp -d /tmp/openbmd-pg.XXXXXX)
  chown postgres "$dir"
  chmod 700 "$dir"
  port=$(free_port)
  as_postgres "$BIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  as_postgres "$BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=on" start >/dev/null \
    || { cat "$dir/server.log" >&2; exit 1; }
  echo "export PG_THROWAWAY_DIR=$dir"
  echo "export OPENBMD_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
}

stop() {
  local dir=${1:?usage: pg_throwaway.sh stop DIR}
  case "$dir" in /tmp/openbmd-pg.*) ;; *) echo "pg_throwaway: refusing to remove $dir" >&2; exit 1 ;; esac
  if [ -d "$dir/data" ]; then
    as_postgres "$BIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) shift; stop "$@" ;;
  *) echo "usage: $0 start | stop DIR" >&2; exit 2 ;;
esac
