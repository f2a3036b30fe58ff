#!/usr/bin/env bash
# The commands of docs/backup.md and docs/operations.md §8, run as the guide writes them (paths
# changed): backup --out, restore --in into a new database (no migrate first), audit verify after
# the restore (exit 0) and on an empty database (exit 4, "审计链为空"), the database URL from
# FAZHI_DB and from --db-file. On PostgreSQL too when FAZHI_TEST_DB names one (and psql exists):
# SQLite → PostgreSQL → SQLite, and no NOTICE line from any command.
#
#   backup_cli_test.sh FAZHI_BIN
set -euo pipefail

BIN="${1:?usage: backup_cli_test.sh FAZHI_BIN}"
work="$(mktemp -d "${TMPDIR:-/tmp}/fazhi-backup-cli.XXXXXX")"
pg_db=""
PSQL="$(command -v psql || echo "${FAZHI_PG_BIN:-/usr/lib/postgresql/15/bin}/psql")"
cleanup() {
  if [[ -n "$pg_db" ]]; then
    "$PSQL" -X -q "$FAZHI_TEST_DB" -c "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

key="$work/fazhi.key"
# run EXPECTED_EXIT DB ARGS…: runs fazhi, keeps stdout in $work/out and stderr in $work/err.
run() {
  local want="$1" db="$2"
  shift 2
  local rc=0
  "$BIN" --db "$db" --key-file "$key" "$@" >"$work/out" 2>"$work/err" || rc=$?
  if [[ "$rc" != "$want" ]]; then
    echo "--- stdout ---" >&2
    cat "$work/out" >&2
    echo "--- stderr ---" >&2
    cat "$work/err" >&2
    fail "fazhi $* exited $rc, want $want"
  fi
  if grep -q "NOTICE" "$work/err"; then
    cat "$work/err" >&2
    fail "fazhi $* printed a NOTICE"
  fi
}

src="sqlite:$work/fazhi.db"
run 0 "$src" migrate
grep -q "数据库结构版本" "$work/out" || fail "migrate does not show the schema version"
# An empty chain is not "complete": exit 4 and says so.
run 4 "$src" audit verify
grep -q "审计链为空" "$work/out" || fail "audit verify on an empty database: $(cat "$work/out")"

run 0 "$src" unit add-root --name 某市公安局
run 0 "$src" user add --username admin --name 系统管理员 --role sys_admin --unit-id 1 --password 'Backup-Test-2026'
run 0 "$src" audit verify

# docs/backup.md §一 and §二: backup --out, then restore --in into a new database, then audit verify.
run 0 "$src" backup --out "$work/fazhi-20260101.fzbak"
grep -q "恢复校验通过" "$work/out" || fail "backup did not report its check"
restored="sqlite:$work/fazhi-restored.db"
run 0 "$restored" restore --in "$work/fazhi-20260101.fzbak"
run 0 "$restored" audit verify
grep -q "完整" "$work/out" || fail "audit verify after restore: $(cat "$work/out")"

# The URL outside argv: FAZHI_DB, --db-file.
rc=0
FAZHI_DB="$restored" "$BIN" --key-file "$key" audit verify >"$work/out" 2>&1 || rc=$?
[[ "$rc" == 0 ]] || fail "FAZHI_DB: exit $rc: $(cat "$work/out")"
printf '%s\n' "$restored" >"$work/db-url"
chmod 600 "$work/db-url"
rc=0
"$BIN" --db-file "$work/db-url" --key-file "$key" audit verify >"$work/out" 2>&1 || rc=$?
[[ "$rc" == 0 ]] || fail "--db-file: exit $rc: $(cat "$work/out")"

if [[ "${FAZHI_TEST_DB:-}" == postgres* && -x "$PSQL" ]]; then
  pg_db="fazhi_cli_$$"
  "$PSQL" -X -q "$FAZHI_TEST_DB" -c "CREATE DATABASE $pg_db" >/dev/null
  pg="${FAZHI_TEST_DB%/*}/$pg_db"
  # docs/backup.md "跨数据库迁移": createdb, restore (it migrates the empty database itself).
  run 0 "$pg" restore --in "$work/fazhi-20260101.fzbak"
  run 0 "$pg" audit verify
  run 0 "$pg" unit add-root --name 另一市公安局
  run 0 "$pg" backup --out "$work/from-pg.fzbak"
  back="sqlite:$work/back.db"
  run 0 "$back" restore --in "$work/from-pg.fzbak"
  run 0 "$back" audit verify
  run 0 "$pg" migrate
fi
echo "PASS"
