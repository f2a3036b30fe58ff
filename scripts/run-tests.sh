#!/usr/bin/env bash
# Sets everything up and runs every test of fazhi:
#   1. scripts/setup.sh --tests (Debian packages incl. PostgreSQL and Chromium, web app, release build)
#   2. a Debug build with AddressSanitizer + UndefinedBehaviorSanitizer in build/debug
#   3. ctest on SQLite (each test makes its own temporary database)
#   4. ctest again on a throwaway PostgreSQL 15 (scripts/pg-test.sh), through FAZHI_TEST_DB
#   5. the browser tests in tests/e2e (playwright-core + Debian's chromium) against the release binary
# Every stage runs even when an earlier one failed; the exit status is non-zero if any failed.
# The last line counts the three test stages: "N passed, M failed".
#
# Environment:
#   FAZHI_TEST_STAGES="sqlite postgresql e2e"   which test stages to run (default: all three)
#   FAZHI_SKIP_SETUP=1                           do not run scripts/setup.sh
#   FAZHI_JOBS=N                                 parallel compile jobs
#   FAZHI_CTEST_JOBS=N                           parallel tests (default 2)
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$FAZHI_ROOT"

stages="${FAZHI_TEST_STAGES:-sqlite postgresql e2e}"
ctest_jobs="${FAZHI_CTEST_JOBS:-2}"
log_dir="$FAZHI_ROOT/build/test-logs"
mkdir -p "$log_dir"

declare -a rows=()      # summary table rows
passed=0; failed=0; skipped=0
status=0
record() {  # record NAME RESULT SECONDS NOTE  (RESULT: passed|failed|skipped|ok|FAILED)
  rows+=("$(printf '%-22s %-8s %8ss  %s' "$1" "$2" "$3" "${4:-}")")
  case "$2" in failed|FAILED) status=1 ;; esac
}
count() {  # count RESULT: adds a test stage to the closing line
  case "$1" in passed) passed=$((passed + 1)) ;; failed) failed=$((failed + 1)) ;; *) skipped=$((skipped + 1)) ;; esac
}
wants() { [[ " $stages " == *" $1 "* ]]; }

pg_started=0
cleanup() {
  if (( pg_started )); then
    "$FAZHI_ROOT/scripts/pg-test.sh" stop || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

total_start=$(now_s)

# Warnings are errors in the test builds (both build types were checked clean); FAZHI_WERROR=OFF relaxes it.
werror=${FAZHI_WERROR:-ON}
export FAZHI_WERROR=$werror

# ---------------------------------------------------------------- 1. setup
if [[ "${FAZHI_SKIP_SETUP:-0}" == 1 ]]; then
  record "setup" skipped 0 "FAZHI_SKIP_SETUP=1"
else
  t=$(now_s)
  if "$FAZHI_ROOT/scripts/setup.sh" --tests; then
    record "setup + release build" ok "$(elapsed "$t")"
  else
    record "setup + release build" FAILED "$(elapsed "$t")" "see the output above"
  fi
fi

# ---------------------------------------------------------------- 1b. code layout
t=$(now_s)
# The tree follows .clang-format (reformatted in one commit when the module-kit branches landed).
if "$FAZHI_ROOT/scripts/check-format.sh"; then
  record "clang-format check" ok "$(elapsed "$t")"
else
  record "clang-format check" FAILED "$(elapsed "$t")" "run scripts/check-format.sh --fix"
fi

# ---------------------------------------------------------------- 2. debug build
t=$(now_s)
log "Building the Debug ASan+UBSan build (build/debug) with $(build_jobs) jobs"
debug_ok=0
if [[ -f build/debug/CMakeCache.txt ]] && ! grep -q '^CMAKE_GENERATOR:INTERNAL=Ninja$' build/debug/CMakeCache.txt; then
  rm -rf build/debug
fi
if cmake -S . -B build/debug -G Ninja -DCMAKE_BUILD_TYPE=Debug -DFAZHI_SANITIZE=ON \
     -DFAZHI_TESTS=ON -DFAZHI_BENCH=OFF -DFAZHI_WERROR="$werror" \
   && cmake --build build/debug -j "$(build_jobs)"; then
  debug_ok=1
  record "debug ASan build" ok "$(elapsed "$t")"
else
  record "debug ASan build" FAILED "$(elapsed "$t")" "see the output above"
fi

# Sanitizer settings for every test binary.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

# run_ctest STAGE LOGFILE: runs the suite, prints its output, decides passed/failed.
run_ctest() {
  local stage="$1" logfile="$2" rc
  ctest --test-dir build/debug --output-on-failure -j "$ctest_jobs" 2>&1 | tee "$logfile"
  rc=${PIPESTATUS[0]}
  if (( rc != 0 )); then
    return 1
  fi
  if grep -q 'No tests were found' "$logfile"; then
    warn "$stage: ctest found no tests"
    return 1
  fi
  return 0
}
ctest_note() {  # the "N% tests passed, ..." line of a ctest log
  grep -Eo '[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$1" | tail -n1 || true
}

# ---------------------------------------------------------------- 3. SQLite
if wants sqlite; then
  t=$(now_s)
  if (( ! debug_ok )); then
    record "ctest sqlite" failed 0 "the debug build failed"; count failed
  else
    log "Running the test suite on SQLite"
    if (unset FAZHI_TEST_DB; run_ctest sqlite "$log_dir/ctest-sqlite.log"); then
      record "ctest sqlite" passed "$(elapsed "$t")" "$(ctest_note "$log_dir/ctest-sqlite.log")"; count passed
    else
      record "ctest sqlite" failed "$(elapsed "$t")" "$(ctest_note "$log_dir/ctest-sqlite.log")"; count failed
    fi
  fi
fi

# ---------------------------------------------------------------- 4. PostgreSQL
if wants postgresql; then
  t=$(now_s)
  if (( ! debug_ok )); then
    record "ctest postgresql" failed 0 "the debug build failed"; count failed
  else
    log "Starting a throwaway PostgreSQL 15"
    if pg_env="$("$FAZHI_ROOT/scripts/pg-test.sh" start)"; then
      pg_started=1
      eval "$pg_env"
      log "Running the test suite on PostgreSQL ($FAZHI_TEST_PG)"
      if (export FAZHI_TEST_DB="$FAZHI_TEST_PG"; run_ctest postgresql "$log_dir/ctest-postgresql.log"); then
        record "ctest postgresql" passed "$(elapsed "$t")" "$(ctest_note "$log_dir/ctest-postgresql.log")"; count passed
      else
        record "ctest postgresql" failed "$(elapsed "$t")" "$(ctest_note "$log_dir/ctest-postgresql.log")"; count failed
      fi
      "$FAZHI_ROOT/scripts/pg-test.sh" stop && pg_started=0
    else
      record "ctest postgresql" failed "$(elapsed "$t")" "PostgreSQL did not start"; count failed
    fi
  fi
fi

# ---------------------------------------------------------------- 5. browser tests
if wants e2e; then
  t=$(now_s)
  if [[ ! -f tests/e2e/package.json ]]; then
    log "tests/e2e/package.json does not exist yet: skipping the browser tests"
    record "e2e (chromium)" skipped 0 "tests/e2e/package.json does not exist yet"; count skipped
  elif [[ ! -x build/release/fazhi ]]; then
    record "e2e (chromium)" failed 0 "build/release/fazhi was not built"; count failed
  else
    log "Running the browser tests (tests/e2e)"
    if (
      set -e
      cd tests/e2e
      if [[ -f package-lock.json ]]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
      FAZHI_BIN="$FAZHI_ROOT/build/release/fazhi" FAZHI_WEB_ROOT="$FAZHI_ROOT/web/dist" \
        CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}" npm test
    ) 2>&1 | tee "$log_dir/e2e.log"; [[ ${PIPESTATUS[0]} -eq 0 ]]; then
      record "e2e (chromium)" passed "$(elapsed "$t")"; count passed
    else
      record "e2e (chromium)" failed "$(elapsed "$t")" "log: build/test-logs/e2e.log"; count failed
    fi
  fi
fi

# ---------------------------------------------------------------- summary
echo
echo "================================ fazhi test summary ================================"
printf '%-22s %-8s %9s  %s\n' "stage" "result" "time" "note"
printf '%s\n' "${rows[@]}"
printf '%-22s %-8s %8ss\n' "total" "" "$(elapsed "$total_start")"
echo "====================================================================================="

line="$passed passed, $failed failed"
(( skipped > 0 )) && line+=", $skipped skipped"
echo "$line"
exit "$status"
