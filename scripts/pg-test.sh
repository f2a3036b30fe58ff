#!/usr/bin/env bash
# A throwaway PostgreSQL 15 for the test suite.
#
#   eval "$(scripts/pg-test.sh start)"   starts it and prints `export FAZHI_TEST_PG=...` lines
#   scripts/pg-test.sh status            says whether it runs
#   scripts/pg-test.sh stop              stops it and deletes its data
#
# The cluster lives in a new temporary folder (initdb -E UTF8 --locale=C.UTF-8, so that pg_trgm
# keeps CJK characters), listens only on 127.0.0.1 and on a unix socket inside that folder, on the
# first free port from 25432 up (FAZHI_PG_PORT to choose), with trust authentication, and holds
# one database, fazhi_test. Durability is switched off: it is test data.
# 25432 lies below Linux's ephemeral range (32768–60999): a port there can only be taken by a
# listening server, which the free-port check sees. Up there, an outgoing connection of another
# test could hold the port without listening, the check would call it free and PostgreSQL's bind
# would fail (CI, 2026-12-05, on 55432); a bind that fails anyway is retried on a later port.
# initdb refuses to run as root, so as root the server runs as the `postgres` user.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

PG_BIN="${FAZHI_PG_BIN:-/usr/lib/postgresql/15/bin}"
STATE_FILE="${FAZHI_PG_STATE:-${TMPDIR:-/tmp}/fazhi-pg-test.$EUID.state}"
cd /  # the postgres user may not be able to read the current folder

# Run a PostgreSQL program as the owner of the cluster.
as_pg() {
  if [[ $EUID -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

cmd_start() {
  [[ -x "$PG_BIN/initdb" ]] || die "PostgreSQL 15 is not installed ($PG_BIN/initdb); run scripts/setup.sh --tests"
  if [[ -f "$STATE_FILE" ]]; then
    # shellcheck disable=SC1090
    source "$STATE_FILE"
    if as_pg "$PG_BIN/pg_ctl" -D "$PGTEST_DIR/data" status >/dev/null 2>&1; then
      log "test PostgreSQL already runs on port $PGTEST_PORT" >&2
      print_exports
      return
    fi
    rm -f "$STATE_FILE"
  fi
  if [[ $EUID -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
    die "there is no postgres user (the postgresql package creates it)"
  fi

  local port="${FAZHI_PG_PORT:-25432}" fixed=0
  if [[ -n "${FAZHI_PG_PORT:-}" ]]; then
    fixed=1
    port_in_use "$port" && die "port $port is in use"
  fi

  local dir
  dir="$(mktemp -d "${TMPDIR:-/tmp}/fazhi-pg.XXXXXX")"
  chmod 0755 "$dir"
  [[ $EUID -eq 0 ]] && chown postgres: "$dir"
  PGTEST_DIR="$dir"

  local t0; t0=$(now_s)
  as_pg "$PG_BIN/initdb" -D "$dir/data" -U postgres -E UTF8 --locale=C.UTF-8 --auth=trust \
    >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
  local attempt
  for attempt in 1 2 3 4 5; do
    if (( ! fixed )); then
      while port_in_use "$port"; do port=$((port + 1)); done
    fi
    PGTEST_PORT="$port"
    printf 'PGTEST_DIR=%q\nPGTEST_PORT=%q\n' "$dir" "$port" > "$STATE_FILE"
    if as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-k $dir -p $port -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >/dev/null 2>"$dir/pg_ctl.err"; then
      break
    fi
    if (( fixed )) || ! grep -q "could not create any TCP/IP sockets" "$dir/server.log" || (( attempt == 5 )); then
      cat "$dir/pg_ctl.err" "$dir/server.log" >&2
      die "PostgreSQL did not start"
    fi
    log "port $port was taken when PostgreSQL bound it; trying a later one" >&2
    : > "$dir/server.log"
    port=$((port + 1 + RANDOM % 50))
  done
  as_pg "$PG_BIN/psql" -X -q -h "$dir" -p "$port" -U postgres -d postgres \
    -c "CREATE DATABASE fazhi_test TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'" >&2
  log "test PostgreSQL 15 runs on 127.0.0.1:$port (data in $dir/data), started in $(elapsed "$t0")s" >&2
  print_exports
}

print_exports() {
  local url="postgresql://postgres@127.0.0.1:$PGTEST_PORT/fazhi_test"
  printf 'export FAZHI_TEST_PG=%q\n' "$url"
  printf 'export FAZHI_TEST_PG_SOCKET_DIR=%q\n' "$PGTEST_DIR"
  printf 'export FAZHI_TEST_PG_PORT=%q\n' "$PGTEST_PORT"
}

cmd_stop() {
  [[ -f "$STATE_FILE" ]] || { log "no test PostgreSQL to stop" >&2; return 0; }
  # shellcheck disable=SC1090
  source "$STATE_FILE"
  if [[ -d "$PGTEST_DIR/data" ]]; then
    as_pg "$PG_BIN/pg_ctl" -D "$PGTEST_DIR/data" -m fast -w stop >/dev/null 2>&1 \
      || as_pg "$PG_BIN/pg_ctl" -D "$PGTEST_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  case "$PGTEST_DIR" in
    "${TMPDIR:-/tmp}"/fazhi-pg.*) rm -rf "$PGTEST_DIR" ;;
  esac
  rm -f "$STATE_FILE"
  log "test PostgreSQL stopped" >&2
}

cmd_status() {
  if [[ -f "$STATE_FILE" ]]; then
    # shellcheck disable=SC1090
    source "$STATE_FILE"
    as_pg "$PG_BIN/pg_ctl" -D "$PGTEST_DIR/data" status && print_exports && return 0
  fi
  echo "not running"
  return 3
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
