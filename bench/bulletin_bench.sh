#!/usr/bin/env bash
# One monthly 执法质量通报 for a city (issue 12): time and peak RSS of
#   fazhi bulletin --kind quality --period 2023-01 --unit <市局> --out FILE.docx
# on a database written by province_gen with one city whose cases all fall in January 2023
# (BENCH_CASES, default 100000: the issue's "100,000 cases in the month").
#   1. province_gen --cities 1 --cases N --now 2023-02-01 into a temporary SQLite file;
#   2. /usr/bin/time -v on the command (the same code as the server's POST /api/bulletins),
#      BENCH_RUNS times (default 3); prints wall time and maximum resident set size of each.
# It builds nothing: FAZHI_BIN (default build/release/fazhi) and PROVINCE_GEN (default
# build/release/province_gen). BENCH_DB reuses a database written before (then no generation).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${FAZHI_BIN:-$ROOT/build/release/fazhi}"
GEN="${PROVINCE_GEN:-$ROOT/build/release/province_gen}"
CASES="${BENCH_CASES:-100000}"
RUNS="${BENCH_RUNS:-3}"

die() { echo "bulletin_bench: $*" >&2; exit 1; }
[[ -x "$BIN" ]] || die "$BIN not found"
[[ -x /usr/bin/time ]] || die "/usr/bin/time is missing (Debian package time)"
command -v sqlite3 >/dev/null || die "sqlite3 is missing (Debian package sqlite3)"

work="$(mktemp -d "${TMPDIR:-/tmp}/fazhi-bulletin-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT
db="${BENCH_DB:-$work/province.db}"
now=$(date -d '2023-02-01 00:00 +0800' +%s)

echo "fazhi bulletin benchmark — $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "binary: $BIN"
if [[ -z "${BENCH_DB:-}" ]]; then
  [[ -x "$GEN" ]] || die "$GEN not found"
  t0=$(date +%s.%N)
  "$GEN" --db "$db" --cases "$CASES" --cities 1 --now "$now" --quiet >"$work/gen.log" 2>&1 ||
    { cat "$work/gen.log" >&2; die "province_gen failed"; }
  echo "province_gen: $CASES cases in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s"
fi
city=$(sqlite3 "$db" "SELECT id FROM units WHERE level = 'city' ORDER BY id LIMIT 1")
[[ -n "$city" ]] || die "no city unit in $db"
in_month=$(sqlite3 "$db" "SELECT COUNT(*) FROM cases c JOIN units u ON u.id = c.unit_id WHERE u.path LIKE (SELECT path FROM units WHERE id = $city) || '%' AND c.accepted_at >= $(date -d '2023-01-01 00:00 +0800' +%s) AND c.accepted_at < $now")
echo "city unit $city: $in_month cases accepted in 2023-01"
cmd=("$BIN" --db "sqlite:$db" --key-file "$work/fazhi.key" bulletin --kind quality --period 2023-01 --unit "$city"
     --out "$work/bulletin.docx")
echo "command: ${cmd[*]}"
for ((i = 1; i <= RUNS; i++)); do
  /usr/bin/time -v "${cmd[@]}" 2>"$work/time.txt" >/dev/null || { cat "$work/time.txt" >&2; die "fazhi bulletin failed"; }
  wall=$(grep 'Elapsed (wall clock)' "$work/time.txt" | awk '{ print $NF }')
  rss=$(grep 'Maximum resident set size' "$work/time.txt" | awk '{ print $NF }')
  printf 'run %d: %s s wall, peak RSS %.1f MB, DOCX %s bytes\n' "$i" "$wall" "$(echo "$rss / 1024" | bc -l)" \
    "$(stat -c %s "$work/bulletin.docx")"
done
