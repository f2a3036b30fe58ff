# Helpers shared by the benchmark scripts (sourced, not run). The caller sets `work` (a temporary
# folder) and `server_pid` (the server it started); `trap cleanup EXIT` stops the one and removes the
# other.

server_pid=""

# Stops the server started by the script: TERM, up to 5 s, then KILL.
stop_server() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
cleanup() { stop_server; rm -rf "${work:?}"; }

# A port with no socket at all on it, listening or in TIME_WAIT: a reused port gave false 1.7 s
# latency tails (STACK.md §4).
port_is_free() {
  local p="$1"
  if command -v ss >/dev/null; then
    [[ -z "$(ss -Htan "( sport = :$p or dport = :$p )" 2>/dev/null)" ]]
  else
    ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null
  fi
}
next_port=$(( 20000 + RANDOM % 20000 ))
fresh_port() {  # sets port
  while ! port_is_free "$next_port"; do next_port=$((next_port + 1)); done
  port=$next_port; next_port=$((next_port + 1))
}

now_ns() { date +%s%N; }
