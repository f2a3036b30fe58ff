#!/usr/bin/env bash
# PostgreSQL restarts under a running `fazhi serve`: the server must not need a restart.
#
#   pg_restart_test.sh FAZHI_BIN SOURCE_DIR
#
# Starts its own throwaway PostgreSQL (scripts/pg-test.sh, own state file, own free port), migrates,
# adds an account, starts `fazhi serve` on 127.0.0.1, signs in, then:
#   1. PostgreSQL stopped: GET /api/ready answers 503 with a Chinese error (code db_unavailable),
#      /api/health still 200 (liveness), a signed-in read answers 503 db_unavailable (not 500);
#   2. PostgreSQL started again: /api/ready 200 and every signed-in read succeeds, same fazhi process;
#   3. PostgreSQL restarted with nothing asking in between: at most the first read fails, the next
#      ones all succeed.
# Exit 77 (ctest SKIP) when the PostgreSQL binaries are absent. Stops everything it started.
set -euo pipefail

BIN="${1:?usage: pg_restart_test.sh FAZHI_BIN SOURCE_DIR}"
SRC="${2:?usage: pg_restart_test.sh FAZHI_BIN SOURCE_DIR}"
NAME=pgrestart
# shellcheck source=pg_serve_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/pg_serve_lib.sh"
# A free port of our own, away from the suite's usual 25432 and below the ephemeral range (see scripts/pg-test.sh)
start_cluster $((27000 + $$ % 2000))
pg_stop() { as_pg "$PG_BIN/pg_ctl" -D "$PGTEST_DIR/data" -m fast -w stop >/dev/null; }
pg_start() {
  as_pg "$PG_BIN/pg_ctl" -D "$PGTEST_DIR/data" -l "$PGTEST_DIR/server.log" -w -t 60 \
    -o "-k $PGTEST_DIR -p $PGTEST_PORT -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off" \
    start >/dev/null
}

db="$FAZHI_TEST_PG"
key="$work/fazhi.key"
"$BIN" --db "$db" --key-file "$key" migrate >/dev/null
"$BIN" --db "$db" --key-file "$key" unit add-root --name 测试市公安局 >/dev/null
unit_id="$(as_pg "$PG_BIN/psql" -X -At -h "$PGTEST_DIR" -p "$PGTEST_PORT" -U postgres -d fazhi_test \
  -c "SELECT MIN(id) FROM units")"
"$BIN" --db "$db" --key-file "$key" user add --username admin --name 管理员 --role sys_admin \
  --unit-id "$unit_id" --password 'Restart-Test-2026' >/dev/null

# Every signed-in read asks the database for the session: the instance's session cache
# (--session-cache-ms, 500 ms by default) would answer GET /api/me without it for half a second.
serve_args=(--session-cache-ms 0)
start_serve --db "$db" --key-file "$key"

code="$(status -H 'Content-Type: application/json' -d '{"username":"admin","password":"Restart-Test-2026"}' \
  "$base/api/auth/login")"
[[ "$code" == 200 ]] || fail "login answered $code: $(cat "$work/body")"
code="$(status "$base/api/me")"
[[ "$code" == 200 ]] || fail "signed-in read answered $code before any restart"
code="$(status "$base/api/ready")"
[[ "$code" == 200 ]] || fail "/api/ready answered $code with the database up"

# 1. Database down.
pg_stop
code="$(status "$base/api/ready")"
[[ "$code" == 503 ]] || fail "/api/ready answered $code with the database down (want 503)"
jq -e '.error.code == "db_unavailable" and (.error.message | test("数据库"))' "$work/body" >/dev/null ||
  fail "/api/ready body with the database down: $(cat "$work/body")"
code="$(status "$base/api/health")"
[[ "$code" == 200 ]] || fail "/api/health answered $code (liveness must not depend on the database)"
code="$(status "$base/api/me")"
[[ "$code" == 503 ]] || fail "a signed-in read answered $code with the database down (want 503, not 500)"
jq -e '.error.code == "db_unavailable" and (.error.message | test("数据库"))' "$work/body" >/dev/null ||
  fail "signed-in read body with the database down: $(cat "$work/body")"

# 2. Database back: same fazhi process.
pg_start
code="$(status "$base/api/ready")"
[[ "$code" == 200 ]] || fail "/api/ready answered $code after the database came back"
for i in 1 2 3 4 5 6; do
  code="$(status "$base/api/me")"
  [[ "$code" == 200 ]] || fail "signed-in read $i answered $code after the database came back"
done

# 3. A restart nobody noticed: the first read may fail, then every read succeeds.
pg_stop
pg_start
code="$(status "$base/api/me")"
echo "first read after an unnoticed restart: $code"
for i in 1 2 3 4 5 6; do
  code="$(status "$base/api/me")"
  [[ "$code" == 200 ]] || fail "signed-in read $i after an unnoticed restart answered $code"
done
kill -0 "$server_pid" 2>/dev/null || fail "fazhi serve is gone"
echo "PASS: fazhi kept serving across PostgreSQL restarts"
