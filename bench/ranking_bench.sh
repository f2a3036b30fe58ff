#!/usr/bin/env bash
# Ranking page of 执法办案积分 (issue 4): latency of the API calls the points ranking page
# (web/src/modules/scoring/views/RankingsView.vue) makes for one published month of the sub-bureau
# (城区分局) at 64 connections, with GET /api/health in the same run as the baseline.
#   1. `fazhi demo` into a temporary database (twelve published/final months of 城区分局);
#   2. `fazhi serve` on a port with no socket on it (as bench/http_bench.sh);
#   3. sign in as demo users (password Demo@2026): leader (局领导, the whole bureau: ~400 officers,
#      12 units) and minjing (办案民警 of 东街派出所: his unit only);
#   4. wrk -t2 -c64 -d10s --latency against
#        GET /api/health                                   baseline
#        GET /api/scoring/months                           the page's first call (latest published month)
#        GET /api/scoring/months/{month}/rankings          the ranking itself, as leader and as minjing
#      and prints req/s, p50, p99 and the ratio of req/s to /api/health for each.
# It builds nothing: it expects build/release/fazhi (scripts/setup.sh builds it).
#
# Environment: FAZHI_BIN, BENCH_DURATION (10s), BENCH_CONNECTIONS (64), BENCH_THREADS (2),
# BENCH_SERVE_ARGS (extra `fazhi serve` arguments), BENCH_MONTH (default: the latest published month).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${FAZHI_BIN:-$ROOT/build/release/fazhi}"
DURATION="${BENCH_DURATION:-10s}"
CONNS="${BENCH_CONNECTIONS:-64}"
THREADS="${BENCH_THREADS:-2}"
read -r -a SERVE_ARGS <<<"${BENCH_SERVE_ARGS:-}"

die() { echo "ranking_bench: $*" >&2; exit 1; }
[[ -x "$BIN" ]] || die "$BIN not found: run scripts/setup.sh first"
for tool in curl wrk awk grep sort; do
  command -v "$tool" >/dev/null || die "$tool is missing (scripts/setup.sh --tests installs wrk)"
done

work="$(mktemp -d "${TMPDIR:-/tmp}/fazhi-ranking-bench.XXXXXX")"
source "$ROOT/bench/lib.sh"
trap cleanup EXIT

db_args=(--db "sqlite:$work/fazhi.db" --key-file "$work/fazhi.key")

fresh_port
base="http://127.0.0.1:$port"


echo "fazhi ranking page benchmark — $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores"
echo "binary: $BIN${BENCH_SERVE_ARGS:+, serve $BENCH_SERVE_ARGS}"

# ---------------------------------------------------------------- database
t0=$(now_ns)
"$BIN" "${db_args[@]}" demo >"$work/demo.log" 2>&1 || { cat "$work/demo.log" >&2; die "fazhi demo failed"; }
echo "demo database created in $(awk -v a="$t0" -v b="$(now_ns)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }') s"

# ---------------------------------------------------------------- server
"$BIN" "${db_args[@]}" serve --listen "127.0.0.1:$port" "${SERVE_ARGS[@]}" >>"$work/server.log" 2>&1 &
server_pid=$!
t0=$(now_ns)
until curl -fs -o /dev/null --max-time 1 "$base/api/health"; do
  kill -0 "$server_pid" 2>/dev/null || { tail -n 30 "$work/server.log" >&2; die "the server exited before answering"; }
  (( ($(now_ns) - t0) < 30000000000 )) || { tail -n 30 "$work/server.log" >&2; die "no 200 from /api/health within 30 s"; }
  sleep 0.01
done

# login USER: prints the session cookie header value.
login() {
  local user="$1" jar="$work/cookies-$1.txt" code cookie
  code=$(curl -s -o "$work/login-$user.json" -w '%{http_code}' -c "$jar" -H 'Content-Type: application/json' \
    --data "{\"username\":\"$user\",\"password\":\"Demo@2026\"}" "$base/api/auth/login")
  [[ "$code" == 200 ]] || { cat "$work/login-$user.json" >&2; die "login as $user answered $code"; }
  cookie=$(awk -F'\t' 'NF >= 7 && $1 ~ /^(#HttpOnly_)?(127\.0\.0\.1|localhost)/ { printf "%s%s=%s", sep, $6, $7; sep = "; " }' "$jar")
  [[ -n "$cookie" ]] || die "the login of $user set no cookie"
  echo "$cookie"
}
leader_cookie=$(login leader)
minjing_cookie=$(login minjing)

# The month the page opens on: the latest published one (minjing sees published/final months only).
code=$(curl -s -o "$work/months.json" -w '%{http_code}' -H "Cookie: $minjing_cookie" "$base/api/scoring/months")
[[ "$code" == 200 ]] || { cat "$work/months.json" >&2; die "GET /api/scoring/months answered $code"; }
month="${BENCH_MONTH:-$(grep -o '"month":"[0-9]\{4\}-[0-9]\{2\}"' "$work/months.json" | cut -d'"' -f4 | sort | tail -n1)}"
[[ -n "$month" ]] || die "no published month in the demo database"
rankings="/api/scoring/months/$month/rankings"
for who in leader minjing; do
  cookie_var="${who}_cookie"
  code=$(curl -s -o "$work/rankings-$who.json" -w '%{http_code}' -H "Cookie: ${!cookie_var}" "$base$rankings")
  [[ "$code" == 200 ]] || { cat "$work/rankings-$who.json" >&2; die "GET $rankings as $who answered $code"; }
  echo "$rankings as $who: $(grep -o '"person_id"' "$work/rankings-$who.json" | wc -l) officers, $(wc -c <"$work/rankings-$who.json") bytes"
done

# ---------------------------------------------------------------- wrk
# run_wrk NAME PATH [HEADER...]: echoes "req/s p50_ms p99_ms non2xx errors".
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
    $1 == "50%" { p50 = ms($2) }
    $1 == "99%" { p99 = ms($2) }
    /Non-2xx or 3xx responses:/ { bad = $NF }
    /Socket errors:/ { err = $0; sub(/.*Socket errors: */, "", err); gsub(/ /, "", err) }
    END { printf "%s %.2f %.2f %d %s\n", rps, p50, p99, bad + 0, (err == "" ? "none" : err) }' "$out"
}

declare -a names=() results=()
bench() {  # bench LABEL NAME PATH [HEADER...]
  local label="$1"
  shift
  names+=("$label")
  results+=("$(run_wrk "$@")")
}
bench "GET /api/health (baseline)" health /api/health
bench "GET /api/scoring/months (minjing)" months /api/scoring/months -H "Cookie: $minjing_cookie"
bench "GET …/$month/rankings (leader, whole bureau)" rank-leader "$rankings" -H "Cookie: $leader_cookie"
bench "GET …/$month/rankings (minjing, 东街派出所)" rank-minjing "$rankings" -H "Cookie: $minjing_cookie"
stop_server

read -r health_rps _ <<<"${results[0]}"
echo
printf '%-48s %10s %9s %9s %8s\n' "endpoint (wrk -t$THREADS -c$CONNS -d$DURATION)" "req/s" "p50 ms" "p99 ms" "÷health"
warn=""
for i in "${!names[@]}"; do
  read -r rps p50 p99 bad err <<<"${results[$i]}"
  ratio=$(awk -v a="$rps" -v b="$health_rps" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
  printf '%-48s %10s %9s %9s %8s\n' "${names[$i]}" "$rps" "$p50" "$p99" "$ratio"
  if [[ "$bad" != 0 || "$err" != none ]]; then warn+=" ${names[$i]}: non-2xx=$bad socket errors=$err;"; fi
done
if [[ -n "$warn" ]]; then
  echo
  echo "warning: figures not valid:$warn" >&2
fi
