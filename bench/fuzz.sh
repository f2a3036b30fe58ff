#!/usr/bin/env bash
# Fuzzing (issue 16): builds the libFuzzer targets of fuzz/ with clang (ASan+UBSan, build/fuzz) and
# runs each for RUNS executions, one after another, starting from its seed corpus fuzz/corpus/<t>/.
# Prints per target: executions, exec/s, wall time and findings (crash/leak/timeout/oom inputs
# libFuzzer wrote). libFuzzer stops a target at its first finding: fix it, keep the input as
# fuzz/corpus/<t>/regress-<name> and run again.
#
# Usage: bench/fuzz.sh [target…]     (default: all five; fuzz/README.md lists them)
# Environment:
#   RUNS=1000000          executions per target (-runs)
#   FUZZ_TIMEOUT=10       seconds one input may take before it counts as a timeout finding
#   FUZZ_JOBS=2           ninja -j for the build (nice)
#   CXX=clang++-16        the compiler (clang >= 16 with libclang-rt-16-dev: fuzz/README.md)
#   FUZZ_OUT=dir          where findings and the grown corpora go (default: a new folder in /tmp)
# Needs: apt-get install clang-16 libclang-rt-16-dev
set -euo pipefail

cd "$(dirname "$0")/.."
RUNS=${RUNS:-1000000}
FUZZ_TIMEOUT=${FUZZ_TIMEOUT:-10}
FUZZ_JOBS=${FUZZ_JOBS:-2}
CXX=${CXX:-clang++-16}
CC=${CC:-${CXX/clang++/clang}}
out=${FUZZ_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/fazhi-fuzz.XXXXXX")}
mkdir -p "$out"

all_targets=(json_input csv_reader xlsx_reader supervision_timeline rule_catalog)
targets=("${@:-${all_targets[@]}}")

# Longest input per target: a request body, an upload, a timeline, a catalog part.
max_len() {
  case "$1" in
    json_input) echo 4096 ;;
    csv_reader) echo 8192 ;;
    xlsx_reader) echo 16384 ;;
    supervision_timeline) echo 16384 ;;
    rule_catalog) echo 16384 ;;
    *) echo 4096 ;;
  esac
}

CC=$CC CXX=$CXX cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFAZHI_FUZZ=ON \
  -DFAZHI_TESTS=OFF -DFAZHI_BENCH=OFF >/dev/null
nice ninja -C build/fuzz -j"$FUZZ_JOBS" "${targets[@]/#/fuzz_}"

printf '\nfuzzing %s executions per target; output in %s\n' "$RUNS" "$out"
summary=()
for t in "${targets[@]}"; do
  work="$out/$t"
  mkdir -p "$work/corpus" "$work/findings"
  log="$work/fuzz.log"
  start=$(date +%s.%N)
  set +e
  nice build/fuzz/fuzz/fuzz_"$t" -runs="$RUNS" -max_len="$(max_len "$t")" -timeout="$FUZZ_TIMEOUT" \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$work/findings/" \
    "$work/corpus" "fuzz/corpus/$t" >"$log" 2>&1
  rc=$?
  set -e
  end=$(date +%s.%N)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  findings=$(find "$work/findings" -type f | wc -l)
  wall=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.0f", b - a }')
  line=$(printf '%-22s %10s execs %7s exec/s %6s s  findings %s (exit %s)' "$t" "${execs:-?}" "${rate:-?}" \
    "$wall" "$findings" "$rc")
  echo "$line"
  for f in "$work"/findings/*; do [[ -e "$f" ]] && echo "    $f"; done
  summary+=("$line")
done

printf '\n%s\n' "${summary[@]}"
