#!/usr/bin/env bash
# Drawing the samples of one week's inspection tasks for a whole city (issue 12): every task of the
# three levels — 市局 → each 分局 (city_bureau), each 分局 → its 派出所/大队 (bureau_team) and each
# 派出所/大队 → 2 of its officers (team_officer) — over the four domains, 2 records per domain.
# A legal officer account at the 市局 (added to the generated database) creates one plan per
# inspecting unit and generates the week's tasks through POST /api/inspections/plans/{id}/generate,
# which draws and stores each task's seeded sample in the same transaction.
#
# Prints: tasks and sampled records per level, the wall time of the generate calls per level and in
# all, and as a baseline in the same run the time of GET /api/inspections/tasks?page_size=100 (a
# read of the tasks just made), so the ratio survives a noisy machine.
#
# Usage: bench/inspection_sample_bench.sh
# Environment:
#   FAZHI_BIN      the server (default build/release/fazhi)
#   PROVINCE_GEN   the generator (default build/release/province_gen; a build with -DFAZHI_BENCH=ON)
#   BENCH_CASES    cases of the generated city (default 100000, accepted in January 2023)
#   BENCH_DB       a SQLite database written before by province_gen --cities 1 (then no generation;
#                  its key file is BENCH_DB.key)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${FAZHI_BIN:-$ROOT/build/release/fazhi}"
GEN="${PROVINCE_GEN:-$ROOT/build/release/province_gen}"
CASES="${BENCH_CASES:-100000}"

die() { echo "inspection_sample_bench: $*" >&2; exit 1; }
[[ -x "$BIN" ]] || die "$BIN not found (scripts/setup.sh builds it)"
for tool in curl sqlite3 python3; do command -v "$tool" >/dev/null || die "$tool is missing"; done

work="$(mktemp -d "${TMPDIR:-/tmp}/fazhi-inspection-bench.XXXXXX")"
source "$ROOT/bench/lib.sh"
trap cleanup EXIT

# The week after the generated month: the tasks sample the four weeks before it.
week=$(date -d '2023-02-06 09:00 +0800' +%s)
db="${BENCH_DB:-$work/province.db}"
echo "fazhi inspection sample benchmark — $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "binary: $BIN"
if [[ -z "${BENCH_DB:-}" ]]; then
  [[ -x "$GEN" ]] || die "$GEN not found (configure with -DFAZHI_BENCH=ON, or set PROVINCE_GEN)"
  "$GEN" --db "$db" --cases "$CASES" --cities 1 --now "$(date -d '2023-02-01 00:00 +0800' +%s)" --quiet \
    >"$work/gen.log" 2>&1 || { cat "$work/gen.log" >&2; die "province_gen failed"; }
fi
city=$(sqlite3 "$db" "SELECT id FROM units WHERE level = 'city' ORDER BY id LIMIT 1")
[[ -n "$city" ]] || die "no city unit in $db"
# A 市局 legal officer: the password of the generated accounts, the legal_officer role.
sqlite3 "$db" "DELETE FROM user_roles WHERE user_id IN (SELECT id FROM users WHERE username = 'bench_city_legal');
  DELETE FROM users WHERE username = 'bench_city_legal';
  INSERT INTO users (username, display_name, password_hash, unit_id, created_at, updated_at)
    SELECT 'bench_city_legal', '市局法制（基准测试）', password_hash, $city, created_at, updated_at FROM users
    WHERE username = 'fazhiyuan';
  INSERT INTO user_roles (user_id, role) SELECT id, 'legal_officer' FROM users WHERE username = 'bench_city_legal';"
bureaus=$(sqlite3 "$db" "SELECT COUNT(*) FROM units WHERE level = 'bureau' AND path LIKE (SELECT path FROM units WHERE id = $city) || '%'")
echo "city unit $city: $bureaus 分局, $(sqlite3 "$db" "SELECT COUNT(*) FROM cases") cases, $(sqlite3 "$db" "SELECT COUNT(*) FROM people") people"

key_file="$work/fazhi.key"
[[ -n "${BENCH_DB:-}" ]] && key_file="$db.key"
fresh_port
"$BIN" --db "sqlite:$db" --key-file "$key_file" serve --listen "127.0.0.1:$port" >"$work/server.log" 2>&1 &
server_pid=$!
base="http://127.0.0.1:$port"
until curl -fs -o /dev/null --max-time 1 "$base/api/health"; do
  kill -0 "$server_pid" 2>/dev/null || { tail -n 20 "$work/server.log" >&2; die "the server exited before answering"; }
  sleep 0.1
done
jar="$work/cookies"
csrf=$(curl -fs -c "$jar" -H 'Content-Type: application/json' \
  --data '{"username":"bench_city_legal","password":"Demo@2026"}' "$base/api/auth/login" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["csrf_token"])') || die "login failed"

# post PATH BODY → the reply body (dies on a non-2xx answer).
post() {
  local out="$work/reply.json" code
  code=$(curl -s -o "$out" -w '%{http_code}' -b "$jar" -H 'Content-Type: application/json' -H "X-CSRF-Token: $csrf" \
    --data "$2" "$base$1")
  [[ "$code" == 2* ]] || { cat "$out" >&2; die "POST $1 answered $code"; }
  cat "$out"
}
ms_since() { awk -v a="$1" -v b="$(now_ns)" 'BEGIN { printf "%.0f", (b - a) / 1e6 }'; }

# run LEVEL UNIT…: one plan per inspecting unit, then its week's tasks; prints tasks, samples, ms.
run_level() {
  local level="$1" tasks=0 samples total_ns=0 t0 reply
  shift
  for unit in "$@"; do
    plan=$(post /api/inspections/plans "{\"unit_id\":$unit,\"level\":\"$level\",\"domains\":[\"incident\",\"filing\",\"property\",\"area\"],\"sample_size\":2}" |
      python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
    t0=$(now_ns)
    reply=$(post "/api/inspections/plans/$plan/generate" "{\"period\":$week}")
    total_ns=$((total_ns + $(now_ns) - t0))
    tasks=$((tasks + $(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["created"])' "$reply")))
  done
  samples=$(sqlite3 "$db" "SELECT COUNT(*) FROM inspection_samples s JOIN inspection_tasks t ON t.id = s.task_id WHERE t.level = '$level'")
  printf '%-14s %6d plans %6d tasks %7d samples %9.0f ms\n' "$level" "$#" "$tasks" "$samples" "$(awk -v n="$total_ns" 'BEGIN { print n / 1e6 }')"
  all_ns=$((all_ns + total_ns)); all_tasks=$((all_tasks + tasks))
}

all_ns=0 all_tasks=0
bureau_ids=$(sqlite3 "$db" "SELECT id FROM units WHERE level = 'bureau' AND path LIKE (SELECT path FROM units WHERE id = $city) || '%' ORDER BY id")
team_ids=$(sqlite3 "$db" "SELECT id FROM units WHERE level = 'team' AND path LIKE (SELECT path FROM units WHERE id = $city) || '%' ORDER BY id")
run_level city_bureau "$city"
# shellcheck disable=SC2086
run_level bureau_team $bureau_ids
# shellcheck disable=SC2086
run_level team_officer $team_ids
printf 'all levels: %d tasks in %.1f s (%.1f ms per task)\n' "$all_tasks" "$(awk -v n="$all_ns" 'BEGIN { print n / 1e9 }')" \
  "$(awk -v n="$all_ns" -v t="$all_tasks" 'BEGIN { print (t ? n / 1e6 / t : 0) }')"

# Baseline in the same run: reading a page of 100 of those tasks, median of 5.
reads=()
for _ in 1 2 3 4 5; do
  t0=$(now_ns)
  curl -fs -o /dev/null -b "$jar" "$base/api/inspections/tasks?page_size=100" || die "GET /api/inspections/tasks failed"
  reads+=("$(ms_since "$t0")")
done
read_ms=$(printf '%s\n' "${reads[@]}" | sort -n | sed -n 3p)
echo "baseline: GET /api/inspections/tasks?page_size=100 median ${read_ms} ms;" \
  "generate per task ÷ that read: $(awk -v n="$all_ns" -v t="$all_tasks" -v r="$read_ms" 'BEGIN { if (t && r > 0) printf "%.2f", n / 1e6 / t / r; else print "-" }')"
