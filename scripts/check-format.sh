#!/usr/bin/env bash
# Checks that every tracked C++ file follows .clang-format (Debian's clang-format 14); configure_file templates (*.cpp.in) are left alone: their @VARS@ are not C++.
#   scripts/check-format.sh          lists the files that differ and exits 1 if any does
#   scripts/check-format.sh --fix    rewrites them in place
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$FAZHI_ROOT"

command -v clang-format >/dev/null 2>&1 || die "clang-format is not installed (scripts/setup.sh --tests installs it)"
mapfile -t files < <(git ls-files '*.cpp' '*.h')
if [[ "${1:-}" == "--fix" ]]; then
  clang-format -i "${files[@]}"
  log "formatted ${#files[@]} files"
  exit 0
fi
bad=()
for f in "${files[@]}"; do
  if ! clang-format --dry-run -Werror "$f" >/dev/null 2>&1; then bad+=("$f"); fi
done
if (( ${#bad[@]} > 0 )); then
  warn "${#bad[@]} file(s) do not follow .clang-format (run scripts/check-format.sh --fix):"
  printf '  %s\n' "${bad[@]}" >&2
  exit 1
fi
log "all ${#files[@]} C++ files follow .clang-format"
