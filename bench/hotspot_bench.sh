#!/usr/bin/env bash
# Hotspot computation for a city year (issue 15; bench/README.md "Patrol hotspots"): generates
# 1,000,000 incidents once, then runs `read` (parse the file only: the baseline) and `full` (parse +
# patrol::ComputeHotspots) alternately RUNS times each, every run its own process under
# /usr/bin/time -v. Prints each run and the medians: wall time, the compute part, peak RSS, and the
# ratios full / read.
#   HOTSPOT_BENCH=build/release/bench/hotspot_bench RUNS=5 bench/hotspot_bench.sh
set -euo pipefail
BIN=${HOTSPOT_BENCH:-build/release/bench/hotspot_bench}
RUNS=${RUNS:-5}
N=${N:-1000000}
dir=$(mktemp -d /tmp/hotspot-bench.XXXXXX)
trap 'rm -rf "$dir"' EXIT
"$BIN" gen "$dir/incidents.csv" "$N"
echo "incidents: $N ($(du -h "$dir/incidents.csv" | cut -f1) CSV)"
for ((i = 1; i <= RUNS; i++)); do
  for mode in read full; do
    /usr/bin/time -v "$BIN" "$mode" "$dir/incidents.csv" > "$dir/out" 2> "$dir/time"
    wall=$(grep 'Elapsed (wall clock)' "$dir/time" | awk -F': ' '{print $2}' | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
    rss=$(grep 'Maximum resident set size' "$dir/time" | awk '{print $NF}')
    echo "$mode run $i: wall ${wall} s, peak RSS ${rss} kB; $(cat "$dir/out")"
    echo "$mode $wall $rss $(sed -E 's/.*compute_s=([0-9.]+).*/\1/' "$dir/out")" >> "$dir/all"
  done
done
python3 - "$dir/all" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
def med(mode, col): return statistics.median(float(r[col]) for r in rows if r[0] == mode)
rw, fw = med('read', 1), med('full', 1)
rr, fr = med('read', 2) / 1024, med('full', 2) / 1024
fc = med('full', 3)
print(f"median read (baseline): {rw:.2f} s wall, peak RSS {rr:.0f} MB")
print(f"median full:            {fw:.2f} s wall (ComputeHotspots {fc:.2f} s), peak RSS {fr:.0f} MB")
print(f"ratio full/read: time {fw / rw:.2f}x, peak RSS {fr / rr:.2f}x")
PY
