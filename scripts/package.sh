#!/usr/bin/env bash
# Makes a release package for a production server: the program, the built web app and the operator
# files in one tar.gz, so that the server needs neither a compiler nor npm nor the internet — only
# the Debian runtime libraries the package lists (DEPENDS).
#
#   scripts/package.sh [--out DIR]       (after scripts/setup.sh has built build/release and web/dist)
#
# The package: fazhi-VERSION/
#   bin/fazhi          the program (RelWithDebInfo)
#   web/               web/dist, with its .gz/.br variants
#   DEPENDS            the Debian packages the program links against (apt-get install $(cat DEPENDS))
#   VERSION            version, git commit, build date
#   docs/              operations.md, backup.md
#   SHA256SUMS         of every file above
# The upgrade in docs/operations.md §11 unpacks it beside the previous one and switches a symlink,
# so the previous version stays ready for a rollback.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$FAZHI_ROOT"

out="$FAZHI_ROOT/build/package"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $1 (try --help)" ;;
  esac
done

bin="build/release/fazhi"
[[ -x "$bin" ]] || die "$bin is missing: run scripts/setup.sh first"
[[ -f web/dist/index.html ]] || die "web/dist is missing: run scripts/setup.sh first"

commit="$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"
dirty=""
git diff --quiet HEAD -- 2>/dev/null || dirty="-dirty"
version="$(date -u +%Y%m%d)-${commit}${dirty}"
name="fazhi-${version}"
stage="$(mktemp -d "${TMPDIR:-/tmp}/fazhi-package.XXXXXX")"
trap 'rm -rf "$stage"' EXIT
root="$stage/$name"
mkdir -p "$root/bin" "$root/web" "$root/docs"

install -m 0755 "$bin" "$root/bin/fazhi"
cp -r web/dist/. "$root/web/"
cp docs/operations.md docs/backup.md "$root/docs/"

# The Debian packages behind every shared library the program loads.
ldd "$bin" | awk '/=> \// { print $3 }' | while read -r lib; do
  real="$(readlink -f "$lib")"
  dpkg -S "$lib" 2>/dev/null || dpkg -S "$real" 2>/dev/null || true
done | cut -d: -f1 | sort -u | grep -v -E '^(libc6|libgcc-s1|libstdc\+\+6)$' >"$root/DEPENDS"
[[ -s "$root/DEPENDS" ]] || die "could not find the Debian packages of the program's libraries (dpkg -S)"

{
  echo "version: $version"
  echo "commit: $(git rev-parse HEAD 2>/dev/null || echo unknown)$dirty"
  echo "built: $(date -u '+%Y-%m-%d %H:%M UTC') on $(. /etc/os-release && echo "$PRETTY_NAME")"
  echo "schema: $("$bin" --db "sqlite:$stage/probe.db" --key-file "$stage/probe.key" migrate | grep -o '[0-9]\+' | head -1)"
} >"$root/VERSION"
rm -f "$stage/probe.db"* "$stage/probe.key"

(cd "$root" && find . -type f ! -name SHA256SUMS -print0 | sort -z | xargs -0 sha256sum >SHA256SUMS)
mkdir -p "$out"
tar -C "$stage" -czf "$out/$name.tar.gz" "$name"
log "package: $out/$name.tar.gz ($(du -h "$out/$name.tar.gz" | cut -f1))"
log "runtime packages: $(tr '\n' ' ' <"$root/DEPENDS")"
echo "$out/$name.tar.gz"
