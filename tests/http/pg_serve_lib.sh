# shellcheck shell=bash
# What the PostgreSQL-under-a-running-server tests share (pg_restart_test.sh, pg_failover_test.sh).
# Source it after setting BIN (the fazhi binary), SRC (the source tree) and NAME (for the work
# folder); it makes $work, exports FAZHI_PG_STATE, skips the test (exit 77) without PostgreSQL, and
# on exit stops `fazhi serve`, runs every command added with on_exit, stops the cluster of
# scripts/pg-test.sh and removes $work.
PG_BIN="${FAZHI_PG_BIN:-/usr/lib/postgresql/15/bin}"
if [[ ! -x "$PG_BIN/initdb" || ! -x "$PG_BIN/pg_ctl" || ! -x "$PG_BIN/pg_basebackup" ]]; then
  echo "SKIP: PostgreSQL binaries not found in $PG_BIN"
  exit 77
fi
if [[ $EUID -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
  echo "SKIP: running as root and there is no postgres user"
  exit 77
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/fazhi-${NAME:-pg}.XXXXXX")"
export FAZHI_PG_STATE="$work/pg.state"
server_pid=""
base=""
exit_steps=()

on_exit() { exit_steps+=("$*"); }
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
  local step
  for step in "${exit_steps[@]}"; do eval "$step" || true; done
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

# free_port FROM: the first port from FROM on that nothing listens on.
free_port() {
  local p="$1"
  while (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((p + 1)); done
  echo "$p"
}

# start_cluster FROM: scripts/pg-test.sh's throwaway cluster on the first free port from FROM; sets
# PGTEST_DIR, PGTEST_PORT and FAZHI_TEST_PG. On a busy machine the port can be taken between the
# check and PostgreSQL's bind (ephemeral ports of other tests), so a failed start is cleaned up and
# tried again on a later port; what PostgreSQL said is kept and shown if every try fails.
start_cluster() {
  local port="$1" attempt out
  for attempt in 1 2 3; do
    port="$(free_port "$port")"
    if out="$(FAZHI_PG_PORT="$port" "$SRC/scripts/pg-test.sh" start 2>>"$work/pg-start.log")"; then
      eval "$out"
      # shellcheck disable=SC1090
      source "$FAZHI_PG_STATE"  # PGTEST_DIR, PGTEST_PORT
      return 0
    fi
    echo "(start $attempt on port $port failed)" >>"$work/pg-start.log"
    "$SRC/scripts/pg-test.sh" stop >/dev/null 2>&1 || true
    port=$((port + 7))
  done
  fail "the test PostgreSQL did not start: $(tail -n 20 "$work/pg-start.log")"
}

# start_serve ARGS…: `fazhi ARGS… serve` on a free port of 127.0.0.1, followed by the options in
# the array serve_args (empty unless the test sets it); sets server_pid and base.
serve_args=()
start_serve() {
  "$BIN" "$@" serve --listen 127.0.0.1:0 --db-pool 4 "${serve_args[@]}" >"$work/serve.out" 2>"$work/serve.log" &
  server_pid=$!
  for _ in $(seq 1 100); do
    base="$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$work/serve.out" 2>/dev/null | head -1 || true)"
    [[ -n "$base" ]] && return 0
    kill -0 "$server_pid" 2>/dev/null || fail "fazhi serve exited"
    sleep 0.1
  done
  fail "fazhi serve did not start"
}

# status CURL-ARGS…: the HTTP status; the body in $work/body; cookies kept in $work/cookies.
status() { curl -s -o "$work/body" -w '%{http_code}' -b "$work/cookies" -c "$work/cookies" "$@"; }
