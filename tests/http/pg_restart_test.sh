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
PG_BIN="${FAZHI_PG_BIN:-/usr/lib/postgresql/15/bin}"

if [[ ! -x "$PG_BIN/initdb" || ! -x "$PG_BIN/pg_ctl" ]]; then
  echo "SKIP: PostgreSQL binaries not found in $PG_BIN"
  exit 77
fi
if [[ $EUID -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
  echo "SKIP: running as root and there is no postgres user"
  exit 77
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/fazhi-pgrestart.XXXXXX")"
export FAZHI_PG_STATE="$work/pg.state"
# A free port of our own, away from the suite's usual 55432…
port=$((57000 + $$ % 2000))
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
export FAZHI_PG_PORT="$port"

server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]]; then
    kill "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 150); do
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  "$SRC/scripts/pg-test.sh" stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  echo "--- fazhi log (tail) ---" >&2
  tail -n 30 "$work/serve.log" >&2 || true
  exit 1
}

as_pg() {
  if [[ $EUID -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

eval "$("$SRC/scripts/pg-test.sh" start 2>/dev/null)"
# shellcheck disable=SC1090
source "$FAZHI_PG_STATE"  # PGTEST_DIR, PGTEST_PORT
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

"$BIN" --db "$db" --key-file "$key" serve --listen 127.0.0.1:0 --db-pool 4 >"$work/serve.out" 2>"$work/serve.log" &
server_pid=$!
base=""
for _ in $(seq 1 100); do
  base="$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$work/serve.out" 2>/dev/null | head -1 || true)"
  [[ -n "$base" ]] && break
  kill -0 "$server_pid" 2>/dev/null || fail "fazhi serve exited"
  sleep 0.1
done
[[ -n "$base" ]] || fail "fazhi serve did not start"

jar="$work/cookies"
status() { curl -s -o "$work/body" -w '%{http_code}' -b "$jar" -c "$jar" "$@"; }

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
