#!/usr/bin/env bash
# Sets up everything fazhi needs on Debian 12 (bookworm) and builds it.
#
#   scripts/setup.sh            Debian packages for building and running, web app, release build
#   scripts/setup.sh --tests    the same, plus the packages the test suite needs
#                               (PostgreSQL 15, Chromium, a CJK font, wrk, hyperfine), and the
#                               compiled benchmarks of bench/ in the release build (so that every
#                               test run compiles them: nothing else would notice one that broke)
#
# Idempotent: it installs only the packages that are missing, reinstalls the web app's npm
# packages only when web/package-lock.json changed, rebuilds the web app only when web/ changed,
# and lets Ninja rebuild only what changed.
#
# Environment:
#   FAZHI_SKIP_APT=1     do not touch Debian packages (check only)
#   FAZHI_SKIP_WEB=1     do not build the web app
#   FAZHI_SKIP_BUILD=1   do not build the C++ program
#   FAZHI_JOBS=N         parallel compile jobs (default: number of cores)
#   FAZHI_RELEASE_CMAKE_ARGS="..."  extra arguments for the release configure step
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$FAZHI_ROOT"

with_tests=0
for arg in "$@"; do
  case "$arg" in
    --tests) with_tests=1 ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $arg (try --help)" ;;
  esac
done

# Packages needed to build and run fazhi (STACK.md lists what each one is for).
BUILD_PACKAGES=(
  build-essential cmake ninja-build pkg-config ca-certificates curl
  libcpp-httplib-dev nlohmann-json3-dev rapidjson-dev libsoci-dev libsqlite3-dev libpq-dev
  libsodium-dev libspdlog-dev libfmt-dev libcli11-dev libxlsxwriter-dev libzip-dev
  libpugixml-dev libqrencode-dev libgtest-dev libgmock-dev libbenchmark-dev libssl-dev zlib1g-dev sqlite3
)
# Packages needed only by the test suite and the benchmarks.
TEST_PACKAGES=(
  postgresql postgresql-contrib chromium fonts-wqy-microhei wrk hyperfine clang-format python3-docx
)

declare -a timings=()
phase_start=0
phase() { phase_start=$(now_s); log "$*"; }
phase_done() { local t; t=$(elapsed "$phase_start"); timings+=("$(printf '%-28s %7ss' "$1" "$t")"); log "$1 done in ${t}s"; }

total_start=$(now_s)

# ---------------------------------------------------------------- Debian packages
phase "Checking Debian packages"
if [[ ! -r /etc/debian_version ]]; then
  warn "this does not look like Debian; package installation may fail"
fi
wanted=("${BUILD_PACKAGES[@]}")
(( with_tests )) && wanted+=("${TEST_PACKAGES[@]}")

# Node.js and npm: take Debian's (Node 18, npm 9) only when the machine has none of its own.
need_node=0
command -v node >/dev/null 2>&1 || { wanted+=(nodejs); need_node=1; }
if [[ -f web/package.json || ( $with_tests -eq 1 && -f tests/e2e/package.json ) ]] || (( need_node )); then
  command -v npm >/dev/null 2>&1 || wanted+=(npm)
fi

is_installed() {
  [[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" == installed ]]
}
missing=()
for p in "${wanted[@]}"; do
  is_installed "$p" || missing+=("$p")
done

if (( ${#missing[@]} == 0 )); then
  log "all ${#wanted[@]} Debian packages are installed"
elif [[ "${FAZHI_SKIP_APT:-0}" == 1 ]]; then
  die "missing Debian packages (FAZHI_SKIP_APT=1 set): ${missing[*]}"
else
  log "installing ${#missing[@]} missing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt_env=(env DEBIAN_FRONTEND=noninteractive)
  as_root "${apt_env[@]}" apt-get update -q
  as_root "${apt_env[@]}" apt-get install -y -q --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}"
fi
phase_done "Debian packages"

command -v node >/dev/null 2>&1 && log "node $(node --version), npm $(npm --version 2>/dev/null || echo absent)"

# ---------------------------------------------------------------- web app
# A hash over the web app's sources decides whether it must be rebuilt.
web_sources_hash() {
  (cd web && find . \( -path ./node_modules -o -path ./dist \) -prune -o -type f -print0 \
     | LC_ALL=C sort -z | xargs -0 sha256sum; node --version) | sha256sum | cut -d' ' -f1
}

if [[ "${FAZHI_SKIP_WEB:-0}" == 1 ]]; then
  log "skipping the web app (FAZHI_SKIP_WEB=1)"
elif [[ -f web/package.json ]]; then
  phase "Installing the web app's npm packages (web/)"
  lock_hash=""
  if [[ -f web/package-lock.json ]]; then
    lock_hash="$( (sha256sum web/package-lock.json; node --version) | sha256sum | cut -d' ' -f1)"
  fi
  if [[ -n "$lock_hash" && -f web/node_modules/.fazhi-lock-hash \
        && "$(cat web/node_modules/.fazhi-lock-hash)" == "$lock_hash" ]]; then
    log "web/node_modules is up to date with package-lock.json"
  else
    if [[ -f web/package-lock.json ]]; then
      (cd web && npm ci --no-audit --no-fund)
    else
      warn "web/package-lock.json is missing; using npm install"
      (cd web && npm install --no-audit --no-fund)
    fi
    [[ -n "$lock_hash" ]] && echo "$lock_hash" > web/node_modules/.fazhi-lock-hash
  fi
  phase_done "web npm packages"

  phase "Building the web app (web/dist)"
  src_hash="$(web_sources_hash)"
  if [[ -f web/dist/index.html && -f web/dist/.fazhi-src-hash \
        && "$(cat web/dist/.fazhi-src-hash)" == "$src_hash" ]]; then
    log "web/dist is up to date"
  else
    (cd web && npm run build)
    [[ -f web/dist/index.html ]] || die "the web build produced no web/dist/index.html"
    echo "$src_hash" > web/dist/.fazhi-src-hash
  fi
  phase_done "web build"
else
  warn "web/package.json does not exist yet: skipping the web app"
fi

# ---------------------------------------------------------------- C++ release build
if [[ "${FAZHI_SKIP_BUILD:-0}" == 1 ]]; then
  log "skipping the C++ build (FAZHI_SKIP_BUILD=1)"
else
  phase "Configuring the release build (build/release)"
  if [[ -f build/release/CMakeCache.txt ]] && ! grep -q '^CMAKE_GENERATOR:INTERNAL=Ninja$' build/release/CMakeCache.txt; then
    warn "build/release was configured with another generator; starting it afresh"
    rm -rf build/release
  fi
  # FAZHI_WERROR=ON treats warnings as errors; scripts/run-tests.sh turns it on, a plain run leaves it off.
  werror=${FAZHI_WERROR:-OFF}
  # shellcheck disable=SC2086  # FAZHI_RELEASE_CMAKE_ARGS is a list of words on purpose
  # The program lands at build/release/fazhi, where the other scripts and the docs expect it.
  bench=OFF
  (( with_tests )) && bench=ON
  cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_RUNTIME_OUTPUT_DIRECTORY="$FAZHI_ROOT/build/release" \
    -DFAZHI_TESTS=OFF -DFAZHI_BENCH="$bench" -DFAZHI_WERROR="$werror" ${FAZHI_RELEASE_CMAKE_ARGS:-}
  phase_done "release configure"

  phase "Building the release build with $(build_jobs) jobs"
  cmake --build build/release -j "$(build_jobs)"
  phase_done "release build"
  if [[ -x build/release/fazhi ]]; then
    log "built $FAZHI_ROOT/build/release/fazhi"
  else
    warn "build/release/fazhi was not produced (is the program target there yet?)"
  fi
fi

echo
echo "setup timings:"
printf '  %s\n' "${timings[@]}"
printf '  %-28s %7ss\n' "total" "$(elapsed "$total_start")"
