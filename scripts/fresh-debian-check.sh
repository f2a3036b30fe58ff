#!/usr/bin/env bash
# Tries the README's two commands on a really fresh Debian 12, in a debootstrap chroot, where
# Node.js and npm come from Debian (18 and 9) as they would for a new user.
#
#   sudo scripts/fresh-debian-check.sh [--tests] [--keep] DIR
#
#   DIR       the chroot (created with debootstrap --variant=minbase when it is missing);
#             it must not be inside this repository
#   --tests   after the demo check, also run scripts/run-tests.sh inside the chroot
#   --keep    leave DIR in place afterwards (mounts are always removed)
#
# What it does: debootstrap (about 1 min), bind-mount /proc /sys /dev /dev/pts, copy
# /etc/resolv.conf and this machine's extra CA certificates (from /usr/local/share/ca-certificates:
# only needed where registries are reached through a proxy with its own CA; they are picked up when
# setup.sh installs ca-certificates), copy the repository in (git clone, then the working tree's
# tracked and untracked-but-not-ignored files on top), then run `scripts/run-demo.sh` in the
# chroot on a free port and report the wall time until /api/health answers 200, and the page /.
# A policy-rc.d stops package scripts from starting services (PostgreSQL) inside the chroot.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

[[ $EUID -eq 0 ]] || die "run as root (debootstrap, mount and chroot need it)"
run_tests=0; keep=0; dir=""
for arg in "$@"; do
  case "$arg" in
    --tests) run_tests=1 ;;
    --keep) keep=1 ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option $arg" ;;
    *) dir="$arg" ;;
  esac
done
[[ -n "$dir" ]] || die "usage: $0 [--tests] [--keep] DIR"
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
case "$dir/" in "$FAZHI_ROOT"/*) die "the chroot must not be inside the repository" ;; esac
[[ "$dir" != / ]] || die "refusing to use /"

# One check at a time per chroot: two runs in the same folder would wreck each other's packages.
exec 9>"$dir.lock"
flock -n 9 || die "another fresh-debian-check runs on $dir"

mounted=()
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  # Processes left inside the chroot (a PostgreSQL started by the tests, say).
  local pids=() p
  for p in /proc/[0-9]*; do
    [[ "$(readlink "$p/root" 2>/dev/null)" == "$dir" ]] && pids+=("${p#/proc/}")
  done
  ((${#pids[@]})) && { kill "${pids[@]}" 2>/dev/null || true; sleep 2; kill -9 "${pids[@]}" 2>/dev/null || true; }
  local i
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
    umount "${mounted[i]}" 2>/dev/null || umount -l "${mounted[i]}" 2>/dev/null || true
  done
  if (( ! keep )); then
    if grep -q " $dir/" /proc/mounts; then
      warn "mounts under $dir remain; not deleting it"
    else
      rm -rf "$dir"
    fi
  fi
}
trap cleanup EXIT

t=$(now_s)
if [[ ! -x "$dir/bin/bash" ]]; then
  command -v debootstrap >/dev/null || { DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap; }
  log "debootstrap --variant=minbase bookworm $dir"
  debootstrap --variant=minbase bookworm "$dir" http://deb.debian.org/debian >"$dir.debootstrap.log" 2>&1 \
    || { tail -n 20 "$dir.debootstrap.log"; die "debootstrap failed"; }
  rm -f "$dir.debootstrap.log"
  cat >"$dir/etc/apt/sources.list" <<'EOF'
deb http://deb.debian.org/debian bookworm main
deb http://deb.debian.org/debian bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
EOF
  log "fresh Debian $(cat "$dir/etc/debian_version") in $(elapsed "$t")s"
fi
cp /etc/resolv.conf "$dir/etc/resolv.conf"
mkdir -p "$dir/usr/local/share/ca-certificates"
cp /usr/local/share/ca-certificates/*.crt "$dir/usr/local/share/ca-certificates/" 2>/dev/null || true
printf '#!/bin/sh\nexit 101\n' >"$dir/usr/sbin/policy-rc.d"; chmod +x "$dir/usr/sbin/policy-rc.d"

for m in proc sys dev dev/pts; do
  mkdir -p "$dir/$m"
  mount --bind "/$m" "$dir/$m"
  mounted+=("$dir/$m")
done

log "copying the repository into $dir/root/fazhi"
rm -rf "$dir/root/fazhi"
git clone -q "$FAZHI_ROOT" "$dir/root/fazhi"
(cd "$FAZHI_ROOT" && git ls-files -co --exclude-standard -z | tar --null -T - -cf -) | tar -xf - -C "$dir/root/fazhi"

# A login-like environment: nothing of this machine's own (its Node.js, npm settings) leaks in.
in_chroot() {
  chroot "$dir" /usr/bin/env -i HOME=/root USER=root LANG=C.UTF-8 TERM=dumb \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"
}

# A random free port; the server that answers must also be the chroot's own (its start line in the log).
port=$(( 20000 + RANDOM % 20000 ))
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
log "running the README's first command (scripts/run-demo.sh) with FAZHI_PORT=$port"
demo_log="$(mktemp "${TMPDIR:-/tmp}/fazhi-fresh-demo.XXXXXX.log")"
t0=$(now_s)
in_chroot /bin/bash -c "cd /root/fazhi && FAZHI_PORT=$port exec scripts/run-demo.sh" >"$demo_log" 2>&1 &
server_pid=$!
demo_ok=0
while kill -0 "$server_pid" 2>/dev/null; do
  if grep -q "127.0.0.1:$port" "$demo_log" && grep -q 'fazhi 已启动' "$demo_log" \
     && curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:$port/api/health" 2>/dev/null; then
    demo_ok=1; break
  fi
  (( $(awk -v a="$t0" -v b="$(now_s)" 'BEGIN { print (b - a > 3600) }') )) && break
  sleep 1
done
demo_time=$(elapsed "$t0")
page=""
if (( demo_ok )); then
  page=$(curl -fs "http://127.0.0.1:$port/" | grep -o '<title>[^<]*</title>' || true)
  log "the server answered after ${demo_time}s (first command on a fresh Debian 12); page: ${page:-no title}"
else
  tail -n 60 "$demo_log"
  warn "the first command did not bring up a server (after ${demo_time}s); log: $demo_log"
fi
grep -E '^  [A-Za-z +]+ +[0-9.]+s$' "$demo_log" | sed 's/^/    /' || true
# shellcheck disable=SC2016  # expanded inside the chroot
in_chroot /bin/bash -c 'echo "    node $(node --version 2>&1), npm $(npm --version 2>&1)"' || true
kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; server_pid=""

tests_rc=0
if (( run_tests )); then
  log "running the README's second command (scripts/run-tests.sh)"
  t1=$(now_s)
  tests_log="$(mktemp "${TMPDIR:-/tmp}/fazhi-fresh-tests.XXXXXX.log")"
  in_chroot /bin/bash -c "cd /root/fazhi && scripts/run-tests.sh" >"$tests_log" 2>&1 || tests_rc=$?
  tail -n 15 "$tests_log"
  log "second command: exit $tests_rc after $(elapsed "$t1")s; log: $tests_log"
fi

echo
echo "fresh Debian 12 check: first command $( ((demo_ok)) && echo "served after ${demo_time}s" || echo FAILED)$( ((run_tests)) && echo ", second command exit $tests_rc")"
(( demo_ok && tests_rc == 0 ))
