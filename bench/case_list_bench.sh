#!/usr/bin/env bash
# Case list figures on a province-scale database (issue 3): GET /api/cases as the case list page
# sends it, for a 派出所 办案民警, a 分局 法制员, a 市局 leader and the 省厅 leader, with GET /api/health
# in the same run as the baseline. wrk -t2 -c64 -d10s --latency per scenario: req/s, p50, p99, and
# the server's CPU time per request.
# Target: p99 ≤ 50 ms at 64 connections on the 1,000,000-case database.
#
# Usage: bench/case_list_bench.sh [--db PATH_OR_URL]
#   --db   a database written by province_gen (SQLite file or postgresql://…). Default: a SQLite file
#          ${TMPDIR:-/tmp}/fazhi-province/province-$CASES.db, generated first when absent (1M cases:
#          a few minutes) and kept for the next run.
# It builds nothing: it expects build/release/fazhi and build/release/province_gen.
#
# Environment:
#   FAZHI_BIN=path           the server binary (default build/release/fazhi)
#   PROVINCE_GEN=path        the generator (default build/release/province_gen)
#   CASES=1000000            cases to generate when the default database is absent
#   BENCH_DURATION=10s       wrk duration per scenario
#   BENCH_CONNECTIONS=64     wrk connections
#   BENCH_THREADS=2          wrk threads
#   BENCH_SERVE_ARGS="..."   extra arguments for `fazhi serve`
#   BENCH_KEY_FILE=path      the key file (default: DB.key beside a SQLite file, else a new one)
# Ports: as bench/http_bench.sh, one with no socket at all on it (not even TIME_WAIT).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${FAZHI_BIN:-$ROOT/build/release/fazhi}"
GEN="${PROVINCE_GEN:-$ROOT/build/release/province_gen}"
CASES="${CASES:-1000000}"
DURATION="${BENCH_DURATION:-10s}"
CONNS="${BENCH_CONNECTIONS:-64}"
THREADS="${BENCH_THREADS:-2}"
read -r -a SERVE_ARGS <<<"${BENCH_SERVE_ARGS:-}"

die() { echo "case_list_bench: $*" >&2; exit 1; }
db=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --db) db="${2:?--db needs a value}"; shift 2 ;;
    -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
    *) die "unknown argument $1" ;;
  esac
done
[[ -x "$BIN" ]] || die "$BIN not found: run scripts/setup.sh first (or set FAZHI_BIN)"
for tool in curl wrk awk; do
  command -v "$tool" >/dev/null || die "$tool is missing (scripts/setup.sh --tests installs wrk)"
done

work="$(mktemp -d "${TMPDIR:-/tmp}/fazhi-case-list.XXXXXX")"
source "$ROOT/bench/lib.sh"
trap cleanup EXIT


# ---------------------------------------------------------------- database
if [[ -z "$db" ]]; then
  cache="${TMPDIR:-/tmp}/fazhi-province"
  mkdir -p "$cache"
  db="$cache/province-$CASES.db"
  if [[ ! -s "$db" ]]; then
    [[ -x "$GEN" ]] || die "$GEN not found (configure with -DFAZHI_BENCH=ON, or set PROVINCE_GEN)"
    echo "generating $CASES cases into $db …"
    "$GEN" --db "$db.tmp" --cases "$CASES" || { rm -f "$db.tmp"*; die "province_gen failed"; }
    mv "$db.tmp" "$db"
    rm -f "$db.tmp-wal" "$db.tmp-shm"
  fi
fi
if [[ "$db" == *://* || "$db" == sqlite:* ]]; then db_url="$db"; else db_url="sqlite:$db"; fi
# The first start binds the database to its key (a later start with another key is refused), so a
# SQLite file keeps its key beside it for the next run; a PostgreSQL database gets one per run
# unless BENCH_KEY_FILE names one.
key_file="${BENCH_KEY_FILE:-}"
if [[ -z "$key_file" ]]; then
  if [[ "$db_url" == sqlite:* ]]; then key_file="${db_url#sqlite:}.key"; else key_file="$work/fazhi.key"; fi
fi
db_args=(--db "$db_url" --key-file "$key_file")

# ---------------------------------------------------------------- server

start_server() {
  local port="$1" t0
  t0=$(now_ns)
  "$BIN" "${db_args[@]}" serve --listen "127.0.0.1:$port" "${SERVE_ARGS[@]}" >>"$work/server.log" 2>&1 &
  server_pid=$!
  # The first start on a new database may apply migrations (index builds over a million rows).
  until curl -fs -o /dev/null --max-time 1 "http://127.0.0.1:$port/api/health"; do
    kill -0 "$server_pid" 2>/dev/null || { tail -n 30 "$work/server.log" >&2; die "the server exited before answering"; }
    (( ($(now_ns) - t0) < 600000000000 )) || { tail -n 30 "$work/server.log" >&2; die "no 200 from /api/health within 600 s"; }
    sleep 0.05
  done
  start_ms=$(awk -v a="$t0" -v b="$(now_ns)" 'BEGIN { printf "%.0f", (b - a) / 1e6 }')
}

echo "fazhi case list benchmark — $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $("$BIN" --version 2>/dev/null | head -n1 || echo fazhi)"
echo "binary: $BIN${BENCH_SERVE_ARGS:+, serve $BENCH_SERVE_ARGS}; database: $db_url"
fresh_port
start_server "$port"
base="http://127.0.0.1:$port"
echo "server answering after ${start_ms} ms"

# login USER: echoes the Cookie header value of a fresh session.
login() {
  local user="$1" jar="$work/cookies-$1.txt" code
  code=$(curl -s -o "$work/login-$user.json" -w '%{http_code}' -c "$jar" -H 'Content-Type: application/json' \
    --data "{\"username\":\"$user\",\"password\":\"Demo@2026\"}" "$base/api/auth/login")
  [[ "$code" == 200 ]] || { cat "$work/login-$user.json" >&2; die "login as $user answered $code"; }
  awk -F'\t' 'NF >= 7 && $1 ~ /^(#HttpOnly_)?(127\.0\.0\.1|localhost)/ { printf "%s%s=%s", sep, $6, $7; sep = "; " }' "$jar"
}
declare -A cookie
for u in minjing fazhiyuan shiju shengting; do cookie[$u]="$(login "$u")"; done

# Scenarios: name | user | path. The list page sends page and page_size always, sort/order only when
# a column is sorted (default: accepted_at, newest first).
year=$(date -u +%Y)
scenarios=(
  "health||/api/health"
  "a 派出所民警 默认列表|minjing|/api/cases?page=1&page_size=20"
  "a2 派出所民警 我的案件|minjing|/api/cases?officer_id=me&page=1&page_size=20"
  "b 法制员 侦查中+违规|fazhiyuan|/api/cases?status=investigating&alert_state=violation&page=1&page_size=20"
  "b2 法制员 捆绑本人+预警|fazhiyuan|/api/cases?legal_officer_id=me&alert_state=pre_warn&page=1&page_size=20"
  "c 市局领导 全市一年|shiju|/api/cases?accepted_from=$((year - 1))-01-01&accepted_to=$((year - 1))-12-31&page=1&page_size=20"
  "c2 市局领导 全市告警 第3页|shiju|/api/cases?alert_state=overdue&page=3&page_size=20"
  "d 省厅领导 默认列表|shengting|/api/cases?page=1&page_size=20"
)

# One request first: status, total (the size of the scope) and the single-request time.
probe() {  # probe USER PATH → "code total ms"; total ends in + when the count was capped
  local user="$1" path="$2" hdr=() code t
  [[ -n "$user" ]] && hdr=(-H "Cookie: ${cookie[$user]}")
  read -r code t < <(curl -s -o "$work/probe.json" -w '%{http_code} %{time_total}\n' "${hdr[@]}" "$base$path")
  awk -v code="$code" -v t="$t" '{
      total = "-"
      if (match($0, /"total":[0-9]+/)) total = substr($0, RSTART + 8, RLENGTH - 8)
      if ($0 ~ /"total_capped":true/) total = total "+"
    } END { printf "%s %s %.1f\n", code, total, t * 1000 }' "$work/probe.json"
}

run_wrk() {  # run_wrk NAME USER PATH → "req/s p50_ms p99_ms non2xx errors"
  local name="$1" user="$2" path="$3" out="$work/wrk-$RANDOM.txt" hdr=()
  [[ -n "$user" ]] && hdr=(-H "Cookie: ${cookie[$user]}")
  wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency "${hdr[@]}" "$base$path" >"$out" 2>&1 \
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

echo
# Server CPU per request (user + system time of the server process over the wrk run ÷ requests):
# what a request costs, whatever else runs on the machine; the latencies depend on that too.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$server_pid/stat"; }
seconds_of() { awk -v d="$1" 'BEGIN { n = d + 0; if (d ~ /m$/) n *= 60; if (d ~ /h$/) n *= 3600; print n }'; }
printf '%-28s %10s %9s %9s %9s  %-9s %9s  %s\n' "scenario" "total" "1 req ms" "req/s" "p50 ms" "p99 ms" "cpu ms/rq" "verdict (p99 <= 50 ms)"
printf '%-28s %10s %9s %9s %9s  %-9s %9s  %s\n' "----------------------------" "----------" "--------" "---------" "-------" "-------" "---------" "-------"
warnings=()
for s in "${scenarios[@]}"; do
  IFS='|' read -r name user path <<<"$s"
  read -r code total one < <(probe "$user" "$path")
  [[ "$code" == 200 ]] || { cat "$work/probe.json" >&2; die "$name: GET $path answered $code"; }
  ticks0=$(cpu_ticks)
  read -r rps p50 p99 bad err < <(run_wrk "$name" "$user" "$path")
  cpu=$(awk -v a="$ticks0" -v b="$(cpu_ticks)" -v hz="$(getconf CLK_TCK)" -v r="$rps" -v d="$(seconds_of "$DURATION")" \
    'BEGIN { printf "%.3f", (r > 0 && d > 0) ? (b - a) / hz * 1000 / (r * d) : 0 }')
  verdict=""
  [[ -n "$user" ]] && verdict=$(awk -v v="$p99" 'BEGIN { print (v <= 50 ? "ok" : "MISSED") }')
  # printf pads by bytes; pad the (Chinese) name by display columns instead.
  pad=$(( 28 - $(printf '%s' "$name" | wc -L) )); (( pad < 1 )) && pad=1
  printf '%s%*s %10s %9s %9s %9s  %-9s %9s  %s\n' "$name" "$pad" "" "$total" "$one" "$rps" "$p50" "$p99" "$cpu" "$verdict"
  [[ "$bad" == 0 && "$err" == none ]] || warnings+=("$name: non-2xx $bad, socket errors $err")
done
rss_kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$server_pid/status" 2>/dev/null || echo 0)
echo
echo "server RSS after the runs: $(awk -v k="$rss_kb" 'BEGIN { printf "%.1f", k / 1024 }') MiB"
for w in "${warnings[@]}"; do echo "warning: $w (figures of that row are not valid)" >&2; done
