#!/usr/bin/env bash
# Before/after of a change in one script: the same benchmarks against two builds, alternated
# (before, after, before, after …) so that whatever else loads the machine falls on both alike.
# Each figure is the median over the rounds; every HTTP figure is also divided by GET /api/health of
# the same run (÷health), the number to compare on a noisy machine.
#
# Usage: bench/compare_builds.sh BEFORE_BUILD AFTER_BUILD [--rounds 3] [--cases 100000]
#   BEFORE_BUILD, AFTER_BUILD   build folders with fazhi, bench/province_gen and
#                               bench/reevaluate_bench (cmake -DFAZHI_BENCH=ON, RelWithDebInfo)
#   --rounds N                  rounds of every benchmark per build (default 3)
#   --cases N                   cases in the province database of the case list and the
#                               re-evaluation benchmarks (default 100000; each build generates its own)
# Environment: BENCH_DURATION (default 8s) and BENCH_CONNECTIONS (64) are passed to the HTTP scripts.
# The scripts of this checkout are used for both builds, so both are measured the same way.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
die() { echo "compare_builds: $*" >&2; exit 1; }
[[ $# -ge 2 ]] || die "usage: bench/compare_builds.sh BEFORE_BUILD AFTER_BUILD [--rounds N] [--cases N]"
declare -A build=([before]="$(cd "$1" && pwd)" [after]="$(cd "$2" && pwd)")
shift 2
ROUNDS=3
CASES=100000
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) ROUNDS="$2"; shift 2 ;;
    --cases) CASES="$2"; shift 2 ;;
    *) die "unknown option $1" ;;
  esac
done
export BENCH_DURATION="${BENCH_DURATION:-8s}"
# The binaries of a build, wherever its CMake put them: the top of the build folder (now) or
# src/cli and bench/ (before the module kit).
declare -A bin
for side in before after; do
  for f in fazhi province_gen reevaluate_bench; do
    for place in "${build[$side]}/$f" "${build[$side]}/src/cli/$f" "${build[$side]}/bench/$f"; do
      if [[ -x "$place" && -f "$place" ]]; then bin[$side/$f]="$place"; break; fi
    done
    [[ -n "${bin[$side/$f]:-}" ]] || die "${build[$side]} has no $f (build it with -DFAZHI_BENCH=ON)"
  done
done

work="$(mktemp -d "${TMPDIR:-/tmp}/fazhi-compare.XXXXXX")"
trap 'rm -rf "$work"' EXIT
log="$work/log"
echo "compare_builds — $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "before: ${build[before]}"
echo "after:  ${build[after]}"
echo "$ROUNDS rounds, wrk ${BENCH_DURATION} per endpoint, $CASES cases"

# fig SIDE NAME VALUE: one measured figure of one round.
fig() { echo "$1|$2|$3" >>"$work/figures"; }

# The rows of a script's table: "label  value value …" → fig lines, by column.
http_round() {  # http_round SIDE
  local side="$1" out="$work/http-$side.txt"
  FAZHI_BIN="${bin[$side/fazhi]}" BENCH_STARTS=3 "$ROOT/bench/http_bench.sh" >"$out" 2>&1 \
    || { cat "$out" >&2; die "http_bench failed ($side)"; }
  awk -v s="$side" -F'  +' '
    /^cold start/ { gsub(/[^0-9.]/, "", $2); print s "|cold start ms|" $2 }
    /^RSS at idle/ { gsub(/[^0-9.]/, "", $2); print s "|idle RSS MiB|" $2 }
    /^GET \/api\/health req\/s/ { print s "|health req/s|" $2 + 0 }
    /^GET \/api\/me \(authenticated\) req\/s/ { print s "|me req/s|" $2 + 0 }
    /^GET \/api\/me p99/ { print s "|me p99 ms|" $2 + 0 }
    /^ratio me\/health/ { print s "|me ÷health|" $2 + 0 }' "$out" >>"$work/figures"
}
ranking_round() {  # ranking_round SIDE
  local side="$1" out="$work/ranking-$side.txt"
  FAZHI_BIN="${bin[$side/fazhi]}" "$ROOT/bench/ranking_bench.sh" >"$out" 2>&1 \
    || { cat "$out" >&2; die "ranking_bench failed ($side)"; }
  awk -v s="$side" '
    /^GET \/api\/scoring\/months/ { print s "|months ÷health|" $NF; print s "|months p99 ms|" $(NF-1) }
    /rankings \(leader/ { print s "|rankings leader ÷health|" $NF; print s "|rankings leader p99 ms|" $(NF-1) }
    /rankings \(minjing/ { print s "|rankings minjing ÷health|" $NF; print s "|rankings minjing p99 ms|" $(NF-1) }' \
    "$out" >>"$work/figures"
}
province_db() {  # province_db SIDE → path (generated once per build)
  local side="$1" db="$work/province-$1.db"
  if [[ ! -f "$db" ]]; then
    "${bin[$side/province_gen]}" --db "$db" --cases "$CASES" >>"$log" 2>&1 || die "province_gen failed ($side)"
  fi
  echo "$db"
}
case_list_round() {  # case_list_round SIDE
  local side="$1" out="$work/cases-$side.txt" db
  db="$(province_db "$side")"
  FAZHI_BIN="${bin[$side/fazhi]}" PROVINCE_GEN="${bin[$side/province_gen]}" \
    "$ROOT/bench/case_list_bench.sh" --db "$db" >"$out" 2>&1 || { cat "$out" >&2; die "case_list_bench failed ($side)"; }
  # Columns from the right: [verdict] cpu p99 p50 req/s; the health row has no verdict.
  awk -v s="$side" '
    /^health / { health = $(NF-3) }
    / ok$| MISSED$/ { n = NF; name = $1; print s "|cases " name " p99 ms|" $(n-2); rps[name] = $(n-4) }
    END { for (k in rps) if (health > 0) printf "%s|cases %s ÷health|%.3f\n", s, k, rps[k] / health }' \
    "$out" >>"$work/figures"
}
reevaluate_round() {  # reevaluate_round SIDE
  local side="$1" out="$work/reeval-$side.txt" db="$work/reeval-$1.db"
  rm -f "$db"*
  "${bin[$side/reevaluate_bench]}" --db "$db" --cases "$((CASES / 5))" --runs 3 >"$out" 2>>"$log" \
    || { cat "$out" >&2; die "reevaluate_bench failed ($side)"; }
  awk -v s="$side" '
    $1 == "read" { print s "|reevaluate read s|" $2 }
    $1 == "first" { print s "|reevaluate first s|" $2; for (i = 1; i < NF; i++) if ($i == "ratio") print s "|reevaluate first ÷read|" $(i+1) + 0 }
    $1 == "full" { print s "|reevaluate full s|" $2; for (i = 1; i < NF; i++) if ($i == "ratio") print s "|reevaluate full ÷read|" $(i+1) + 0 }' \
    "$out" >>"$work/figures"
}

for r in $(seq 1 "$ROUNDS"); do
  for side in before after; do
    echo "round $r/$ROUNDS: $side" >&2
    http_round "$side"
    ranking_round "$side"
    case_list_round "$side"
    reevaluate_round "$side"
  done
done

echo
printf '%-34s %12s %12s %10s\n' "figure (median of $ROUNDS)" "before" "after" "after÷before"
printf '%-34s %12s %12s %10s\n' "----------------------------------" "------------" "------------" "----------"
awk -F'|' '{ key = $2; if (!(key in seen)) { seen[key] = ++n; order[n] = key } v[$1, key] = v[$1, key] " " $3 }
  END { for (i = 1; i <= n; i++) print order[i] "|" v["before", order[i]] "|" v["after", order[i]] }' "$work/figures" |
  while IFS='|' read -r name b a; do
    mb=$(tr ' ' '\n' <<<"$b" | grep . | sort -g | awk '{ x[NR] = $1 } END { if (NR) print (NR % 2 ? x[(NR + 1) / 2] : (x[NR / 2] + x[NR / 2 + 1]) / 2) }')
    ma=$(tr ' ' '\n' <<<"$a" | grep . | sort -g | awk '{ x[NR] = $1 } END { if (NR) print (NR % 2 ? x[(NR + 1) / 2] : (x[NR / 2] + x[NR / 2 + 1]) / 2) }')
    ratio=$(awk -v a="$ma" -v b="$mb" 'BEGIN { if (b + 0 > 0 && a != "") printf "%.2f", a / b; else print "-" }')
    printf '%-34s %12s %12s %10s\n' "$name" "${mb:--}" "${ma:--}" "$ratio"
  done
echo
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
