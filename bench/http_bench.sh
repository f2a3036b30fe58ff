#!/usr/bin/env bash
# HTTP figures of `fazhi serve` (issue 2, "Figures to measure"):
#   - cold start: time from exec to the first 200 on /api/health, on an existing database
#     (median of 5 starts)
#   - RSS at idle, from /proc/PID/status (VmRSS)
#   - wrk -t2 -c64 -d10s --latency against GET /api/health and an authenticated GET /api/me
#     (session cookie of the demo user minjing), req/s and p99 of each, and the ratio me/health
#     measured in the same run; then GET /api/me again on a server started with
#     --session-cache-ms 0 (a session query on every request, as before issue 16), and the ratio
#     of the two.
# It builds nothing: it expects build/release/fazhi (scripts/setup.sh builds it).
#
# Environment:
#   FAZHI_BIN=path           the binary (default build/release/fazhi)
#   BENCH_DURATION=10s       wrk duration per endpoint
#   BENCH_CONNECTIONS=64     wrk connections
#   BENCH_THREADS=2          wrk threads
#   BENCH_STARTS=5           starts for the cold-start median
#   BENCH_SERVE_ARGS="..."   extra arguments for `fazhi serve` (e.g. "--db-pool 64 --threads 128")
# Each server start uses a port that no socket (not even one in TIME_WAIT) uses, because
# a port full of TIME_WAIT sockets gives false latency tails.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${FAZHI_BIN:-$ROOT/build/release/fazhi}"
DURATION="${BENCH_DURATION:-10s}"
CONNS="${BENCH_CONNECTIONS:-64}"
THREADS="${BENCH_THREADS:-2}"
STARTS="${BENCH_STARTS:-5}"
read -r -a SERVE_ARGS <<<"${BENCH_SERVE_ARGS:-}"

die() { echo "http_bench: $*" >&2; exit 1; }
[[ -x "$BIN" ]] || die "$BIN not found: run scripts/setup.sh first"
for tool in curl wrk awk; do
  command -v "$tool" >/dev/null || die "$tool is missing (scripts/setup.sh --tests installs wrk)"
done

work="$(mktemp -d "${TMPDIR:-/tmp}/fazhi-bench.XXXXXX")"
source "$ROOT/bench/lib.sh"
trap cleanup EXIT

db_args=(--db "sqlite:$work/fazhi.db" --key-file "$work/fazhi.key")



# start_server PORT: starts fazhi serve in the background, sets server_pid, waits for the first
# 200 on /api/health and sets start_ms to the milliseconds from exec to that answer.
start_server() {
  local port="$1" t0 t1
  t0=$(now_ns)
  "$BIN" "${db_args[@]}" serve --listen "127.0.0.1:$port" "${SERVE_ARGS[@]}" >>"$work/server.log" 2>&1 &
  server_pid=$!
  while :; do
    if curl -fs -o /dev/null --max-time 1 "http://127.0.0.1:$port/api/health"; then
      t1=$(now_ns); break
    fi
    if ! kill -0 "$server_pid" 2>/dev/null; then
      tail -n 30 "$work/server.log" >&2; die "the server exited before answering"
    fi
    if (( ($(now_ns) - t0) > 30000000000 )); then
      tail -n 30 "$work/server.log" >&2; die "no 200 from /api/health within 30 s"
    fi
    sleep 0.005
  done
  start_ms=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", (b - a) / 1e6 }')
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "fazhi HTTP benchmark — $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $("$BIN" --version 2>/dev/null | head -n1 || echo fazhi)"
echo "binary: $BIN${BENCH_SERVE_ARGS:+, serve $BENCH_SERVE_ARGS}"

# ---------------------------------------------------------------- database
t0=$(now_ns)
"$BIN" "${db_args[@]}" demo >"$work/demo.log" 2>&1 || { cat "$work/demo.log" >&2; die "fazhi demo failed"; }
demo_ms=$(awk -v a="$t0" -v b="$(now_ns)" 'BEGIN { printf "%.0f", (b - a) / 1e6 }')
echo "demo database created in ${demo_ms} ms ($work/fazhi.db)"

# ---------------------------------------------------------------- cold start
starts=()
for _ in $(seq 1 "$STARTS"); do
  fresh_port
  start_server "$port"
  starts+=("$start_ms")
  stop_server
done
cold_ms=$(printf '%s\n' "${starts[@]}" | median)
echo "cold starts (ms): ${starts[*]}"

# ---------------------------------------------------------------- idle RSS
fresh_port
start_server "$port"
sleep 1
rss_kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$server_pid/status")
threads=$(awk '/^Threads:/ { print $2 }' "/proc/$server_pid/status")
base="http://127.0.0.1:$port"

# ---------------------------------------------------------------- login
jar="$work/cookies.txt"
code=$(curl -s -o "$work/login.json" -w '%{http_code}' -c "$jar" -H 'Content-Type: application/json' \
  --data '{"username":"minjing","password":"Demo@2026"}' "$base/api/auth/login")
[[ "$code" == 200 ]] || { cat "$work/login.json" >&2; die "login as minjing answered $code"; }
# The cookie jar marks HttpOnly cookies with a #HttpOnly_ prefix on the domain column.
cookie=$(awk -F'\t' 'NF >= 7 && $1 ~ /^(#HttpOnly_)?(127\.0\.0\.1|localhost)/ { printf "%s%s=%s", sep, $6, $7; sep = "; " }' "$jar")
[[ -n "$cookie" ]] || die "the login set no cookie"
code=$(curl -s -o "$work/me.json" -w '%{http_code}' -H "Cookie: $cookie" "$base/api/me")
[[ "$code" == 200 ]] || { cat "$work/me.json" >&2; die "GET /api/me with the session cookie answered $code"; }

# ---------------------------------------------------------------- wrk
# run_wrk NAME PATH [HEADER]: prints the wrk output to a file and echoes "req/s p99_ms non2xx errors".
run_wrk() {
  local path="$2" out="$work/wrk-$1.txt"
  shift 2
  wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency "$@" "$base$path" >"$out" 2>&1 \
    || { cat "$out" >&2; die "wrk failed on $path"; }
  awk '
    function ms(v) {
      if (v ~ /us$/) { sub(/us$/, "", v); return v / 1000 }
      if (v ~ /ms$/) { sub(/ms$/, "", v); return v + 0 }
      if (v ~ /m$/)  { sub(/m$/, "", v);  return v * 60000 }
      if (v ~ /s$/)  { sub(/s$/, "", v);  return v * 1000 }
      return v + 0
    }
    /Requests\/sec:/ { rps = $2 }
    $1 == "99%" { p99 = ms($2) }
    /Non-2xx or 3xx responses:/ { bad = $NF }
    /Socket errors:/ { err = $0; sub(/.*Socket errors: */, "", err); gsub(/ /, "", err) }
    END { printf "%s %.2f %d %s\n", rps, p99, bad + 0, (err == "" ? "none" : err) }' "$out"
}

read -r health_rps health_p99 health_bad health_err < <(run_wrk health /api/health)
read -r me_rps me_p99 me_bad me_err < <(run_wrk me /api/me -H "Cookie: $cookie")
rss_after_kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$server_pid/status" 2>/dev/null || echo 0)
stop_server

# The same session on a server that trusts no session it has read: the database query per request.
fresh_port
saved_args=("${SERVE_ARGS[@]}")
SERVE_ARGS+=(--session-cache-ms 0)
start_server "$port"
SERVE_ARGS=("${saved_args[@]}")
base="http://127.0.0.1:$port"
read -r nocache_rps nocache_p99 nocache_bad nocache_err < <(run_wrk me-nocache /api/me -H "Cookie: $cookie")
stop_server
cache_gain=$(awk -v a="$me_rps" -v b="$nocache_rps" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')

ratio=$(awk -v a="$me_rps" -v b="$health_rps" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')

verdict() {  # verdict VALUE OP TARGET
  awk -v v="$1" -v t="$3" -v op="$2" 'BEGIN { ok = (op == ">=" ? v >= t : v <= t); print (ok ? "ok" : "MISSED") }'
}

echo
printf '%-40s %14s   %-16s %s\n' "figure" "measured" "target" "verdict"
printf '%-40s %14s   %-16s %s\n' "----------------------------------------" "--------------" "----------------" "-------"
printf '%-40s %14s   %-16s %s\n' "GET /api/health req/s (wrk -c$CONNS)" "$health_rps" "" ""
printf '%-40s %11s ms   %-16s %s\n' "GET /api/health p99" "$health_p99" "" ""
printf '%-40s %14s   %-16s %s\n' "GET /api/me (authenticated) req/s" "$me_rps" ">= 25000" "$(verdict "$me_rps" ">=" 25000)"
printf '%-40s %11s ms   %-16s %s\n' "GET /api/me p99" "$me_p99" "<= 10 ms" "$(verdict "$me_p99" "<=" 10)"
printf '%-40s %14s   %-16s %s\n' "ratio me/health (same run)" "$ratio" ">= 0.7" "$(verdict "$ratio" ">=" 0.7)"
printf '%-40s %14s   %-16s %s\n' "GET /api/me, --session-cache-ms 0, req/s" "$nocache_rps" "" ""
printf '%-40s %11s ms   %-16s %s\n' "GET /api/me, --session-cache-ms 0, p99" "$nocache_p99" "" ""
printf '%-40s %14s   %-16s %s\n' "ratio me cached / me uncached" "$cache_gain" "" ""
printf '%-40s %11s ms   %-16s %s\n' "cold start, median of $STARTS" "$cold_ms" "<= 1000 ms" "$(verdict "$cold_ms" "<=" 1000)"
printf '%-40s %11s MiB   %-16s %s\n' "RSS at idle ($threads threads)" "$(awk -v k="$rss_kb" 'BEGIN { printf "%.1f", k / 1024 }')" "" ""
printf '%-40s %11s MiB   %-16s %s\n' "RSS after the wrk runs" "$(awk -v k="$rss_after_kb" 'BEGIN { printf "%.1f", k / 1024 }')" "" ""
if [[ "$health_bad" != 0 || "$me_bad" != 0 || "$nocache_bad" != 0 || "$health_err" != none || "$me_err" != none ||
      "$nocache_err" != none ]]; then
  echo
  echo "warning: non-2xx answers health=$health_bad me=$me_bad me-nocache=$nocache_bad;" \
    "socket errors health=$health_err me=$me_err me-nocache=$nocache_err" >&2
fi
