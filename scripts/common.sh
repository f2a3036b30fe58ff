# shellcheck shell=bash
# Helpers shared by the scripts in this folder. Source it; do not run it.

FAZHI_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export FAZHI_ROOT

# Colour only on a terminal.
if [[ -t 1 ]]; then
  _c_bold=$'\e[1m'; _c_red=$'\e[31m'; _c_green=$'\e[32m'; _c_yellow=$'\e[33m'; _c_off=$'\e[0m'
else
  _c_bold=''; _c_red=''; _c_green=''; _c_yellow=''; _c_off=''
fi

log()  { printf '%s==>%s %s\n' "$_c_bold" "$_c_off" "$*"; }
warn() { printf '%swarning:%s %s\n' "$_c_yellow" "$_c_off" "$*" >&2; }
die()  { printf '%serror:%s %s\n' "$_c_red" "$_c_off" "$*" >&2; exit 1; }

# now_s: seconds since the epoch with milliseconds, for phase timing.
now_s() { date +%s.%3N; }
# elapsed START: seconds since START, one decimal.
elapsed() { awk -v a="$1" -v b="$(now_s)" 'BEGIN { printf "%.1f", b - a }'; }

# Run a command as root: directly when we are root, through sudo otherwise.
as_root() {
  if [[ $EUID -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "need root for: $* (run as root or install sudo)"
  fi
}

# Number of parallel build jobs: all cores unless FAZHI_JOBS says otherwise.
build_jobs() { echo "${FAZHI_JOBS:-$(nproc 2>/dev/null || echo 2)}"; }
